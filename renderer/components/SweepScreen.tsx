import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { HostResult, Verdict } from '../../shared/discovery.js';
import {
  PAGE_SIZE,
  parseTargetsText,
  useSweepActions,
  useSweepInput,
  useSweepProgress,
  useSweepResults,
  useSweepSelected,
  useSweepView,
  type SweepSortKey,
  type VerdictFilter,
} from '../stores/sweepStore.js';
import { formatEta, formatMs, VERDICT_LABEL } from '../lib/format.js';
import { diagnosisActions } from '../stores/diagnosisStore.js';
import { uiActions } from '../stores/uiStore.js';
import { ErrorBanner, isBusy, ProfileSelect, ScreenHeader } from './Common.js';
import { ExportButton } from './ExportButton.js';
import { useSweepHistoryId } from '../stores/sweepStore.js';
import { buildCells, ProbeDetail, ProbeMatrix } from './ProbeMatrix.js';
import { SweepByReason } from './SweepByReason.js';
import { foundByText } from '../lib/labels.js';
import { countHosts } from '../lib/targets.js';

export function SweepScreen() {
  const input = useSweepInput();
  const progress = useSweepProgress();
  const actions = useSweepActions();
  const busy = isBusy(progress.status);
  const entries = useMemo(() => parseTargetsText(input.targetsText), [input.targetsText]);
  const count = useMemo(() => countHosts(entries), [entries]);

  function submit(e: FormEvent): void {
    e.preventDefault();
    void actions.start();
  }

  async function onFile(file: File | undefined): Promise<void> {
    if (!file) return;
    actions.setTargetsText(await file.text());
  }

  return (
    <>
      <ScreenHeader title="Sweep" lead="Runs the scanner's discovery against many hosts: which look alive to it, which do not, and why." />
      <form className="panel stack" onSubmit={submit} aria-labelledby="sweep-form-h">
        <h2 id="sweep-form-h" className="sr-only">
          New sweep
        </h2>
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div className="grow" style={{ flexBasis: 420 }}>
            <label htmlFor="sweep-targets">
              Targets <span className="hint">— one per line or comma-separated: addresses, ranges (10.0.0.5-40), CIDR (10.0.0.0/24); # comments</span>
            </label>
            <textarea
              id="sweep-targets"
              value={input.targetsText}
              onChange={(e) => actions.setTargetsText(e.target.value)}
              disabled={busy}
              spellCheck={false}
              placeholder={'10.0.4.0/24\n10.0.5.10-20\ndb01.example.com'}
            />
            <div className="small muted" data-testid="sweep-host-count">
              {count.hosts.toLocaleString('en-US')} host{count.hosts === 1n ? '' : 's'} in {entries.length} entr{entries.length === 1 ? 'y' : 'ies'}
              {count.unknown > 0 ? ` (${count.unknown} not understood: checked when the sweep starts)` : ''}
            </div>
          </div>
          <div className="stack">
            <ProfileSelect id="sweep-profile" value={input.profile} onChange={actions.setProfile} disabled={busy} />
            <div>
              <label htmlFor="sweep-file">Or load a targets file</label>
              <input id="sweep-file" type="file" accept=".txt,.csv,.list,text/plain" onChange={(e) => void onFile(e.target.files?.[0])} disabled={busy} />
            </div>
          </div>
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Sweeping…' : 'Start sweep'}
          </button>
          {busy ? (
            <button type="button" className="danger" onClick={() => void actions.cancel()} disabled={progress.status === 'cancelling'}>
              {progress.status === 'cancelling' ? 'Cancelling…' : 'Cancel sweep'}
            </button>
          ) : null}
        </div>
      </form>
      <ErrorBanner message={progress.error} />
      {progress.status !== 'idle' && progress.status !== 'error' ? <ProgressPanel /> : null}
      <SweepExport />
      {progress.errors.length > 0 ? (
        <div className="banner warn" role="note">
          <strong>{progress.errors.length} target{progress.errors.length === 1 ? '' : 's'} could not be probed</strong>
          <ul className="small">
            {progress.errors.slice(0, 10).map((e) => (
              <li key={e.target}>
                {e.target}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <SweepByReason />
      <ResultsTable />
      <HostDrillDown />
    </>
  );
}

function SweepExport() {
  return <ExportButton id={useSweepHistoryId()} what="this sweep" />;
}

function ProgressPanel() {
  const p = useSweepProgress();
  const pct = p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : 0;
  const notAlive = p.done - p.alive;
  return (
    <section className="panel" aria-labelledby="progress-h">
      <h2 id="progress-h">
        {p.status === 'running' || p.status === 'starting' ? 'Sweeping…' : p.status === 'cancelling' ? 'Cancelling…' : p.status === 'cancelled' ? 'Sweep cancelled' : 'Sweep finished'}
        {p.reopened ? ' (reopened from history)' : ''}
      </h2>
      <div className="progress" role="progressbar" aria-label="Sweep progress" aria-valuemin={0} aria-valuemax={p.total || 1} aria-valuenow={p.done} aria-valuetext={`${p.done} of ${p.total} hosts`}>
        <div style={{ width: `${pct}%` }} />
      </div>
      <div className="counts" data-testid="sweep-counts" role="status" aria-live="polite" aria-atomic="true">
        <span>
          <strong>{p.done}</strong> of <strong>{p.total}</strong> hosts
        </span>
        <span>
          <strong>{p.alive}</strong> alive
        </span>
        <span>
          <strong>{notAlive}</strong> not alive
        </span>
        <span>{p.status === 'running' ? formatEta(p.etaMs) : p.durationMs != null ? `took ${formatMs(p.durationMs)}` : ''}</span>
      </div>
    </section>
  );
}

const VERDICT_ORDER: Record<Verdict, number> = { alive: 0, inconclusive: 1, 'filtered-in-path': 2, 'rejected-by-host': 3, 'not-alive': 4 };

function addressKey(a: string): string {
  // Sort IPv4 numerically; anything else by text.
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  return m ? m.slice(1).map((x) => x.padStart(3, '0')).join('.') : `~${a}`;
}

function sortHosts(rows: HostResult[], key: SweepSortKey, dir: 'asc' | 'desc'): HostResult[] {
  const sign = dir === 'asc' ? 1 : -1;
  const cmp = (a: HostResult, b: HostResult): number => {
    switch (key) {
      case 'address':
        return addressKey(a.address) < addressKey(b.address) ? -1 : addressKey(a.address) > addressKey(b.address) ? 1 : 0;
      case 'verdict':
        return VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || (addressKey(a.address) < addressKey(b.address) ? -1 : 1);
      case 'aliveBy':
        return a.aliveBy.localeCompare(b.aliveBy);
      case 'durationMs':
        return a.durationMs - b.durationMs;
    }
  };
  return [...rows].sort((a, b) => sign * cmp(a, b));
}

const COLUMNS: { key: SweepSortKey; label: string }[] = [
  { key: 'address', label: 'Host' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'aliveBy', label: 'Found by' },
  { key: 'durationMs', label: 'Time' },
];

function ResultsTable() {
  const results = useSweepResults();
  const view = useSweepView();
  const actions = useSweepActions();
  const counts = useMemo(() => {
    const c: Partial<Record<Verdict, number>> = {};
    for (const r of results) c[r.verdict] = (c[r.verdict] ?? 0) + 1;
    return c;
  }, [results]);
  const rows = useMemo(() => {
    const filtered = view.filter === 'all' ? results : results.filter((r) => r.verdict === view.filter);
    return sortHosts(filtered, view.sort.key, view.sort.dir);
  }, [results, view.filter, view.sort]);
  if (results.length === 0) return null;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const page = Math.min(view.page, pages - 1);
  const visible = rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  return (
    <section className="panel" aria-labelledby="results-h">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="results-h">Results</h2>
        <div>
          <label htmlFor="sweep-filter">Show</label>
          <select id="sweep-filter" value={view.filter} onChange={(e) => actions.setFilter(e.target.value as VerdictFilter)}>
            <option value="all">All verdicts ({results.length})</option>
            {(Object.keys(VERDICT_LABEL) as Verdict[]).map((v) => (
              <option key={v} value={v}>
                {VERDICT_LABEL[v]} ({counts[v] ?? 0})
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="table-wrap">
        <table data-testid="sweep-table">
          <caption className="sr-only">Sweep results, {rows.length} hosts, sorted by {view.sort.key}</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" aria-sort={view.sort.key === c.key ? (view.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className="sort" onClick={() => actions.setSort(c.key)}>
                    {c.label}
                    {view.sort.key === c.key ? (view.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={r.address} data-verdict={r.verdict}>
                <td>
                  <button type="button" className="link mono" onClick={() => actions.select(r.address)} aria-label={`Details for ${r.address}`}>
                    {r.address}
                  </button>
                  {r.target !== r.address ? <span className="small muted"> ({r.target})</span> : null}
                </td>
                <td>
                  <span className={`pill ${r.verdict}`}>{VERDICT_LABEL[r.verdict]}</span>
                </td>
                <td className="small">{foundByText(r.aliveBy) || '—'}</td>
                <td className="mono small nowrap">{formatMs(r.durationMs)}</td>
                <td className="small">{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <nav className="row" aria-label="Result pages" style={{ marginTop: 8, alignItems: 'center' }}>
          <button type="button" className="small" onClick={() => actions.setPage(page - 1)} disabled={page === 0}>
            Previous page
          </button>
          <span className="small">
            Page {page + 1} of {pages}
          </span>
          <button type="button" className="small" onClick={() => actions.setPage(page + 1)} disabled={page >= pages - 1}>
            Next page
          </button>
        </nav>
      ) : null}
    </section>
  );
}

function HostDrillDown() {
  const host = useSweepSelected();
  const { select } = useSweepActions();
  const [selectedProbe, setSelectedProbe] = useState<string | null>(null);
  const cells = useMemo(() => (host ? buildCells([], host.probes) : []), [host]);
  const heading = useRef<HTMLHeadingElement>(null);
  const address = host?.address;
  useEffect(() => {
    // The details sit below the table: take the operator there.
    if (!address) return;
    heading.current?.scrollIntoView({ block: 'start' });
    heading.current?.focus();
  }, [address]);
  if (!host) return null;
  const selected = cells.find((c) => c.key === selectedProbe) ?? null;
  return (
    <section className="panel" aria-labelledby="drill-h" data-testid="host-detail">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="drill-h" ref={heading} tabIndex={-1}>
          {host.address} — <span className={`pill ${host.verdict}`}>{VERDICT_LABEL[host.verdict]}</span>
        </h2>
        <div className="row">
          <button
            type="button"
            className="small"
            onClick={() => {
              diagnosisActions.setForm({ target: host.address, profile: host.profile });
              uiActions.navigate('diagnose');
            }}
          >
            Diagnose this host
          </button>
          <button type="button" className="small" onClick={() => select(null)}>
            Close details
          </button>
        </div>
      </div>
      <p>{host.reason}</p>
      {host.warnings.length > 0 ? (
        <ul className="small">
          {host.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <div className="grow" style={{ flexBasis: 520 }}>
          <ProbeMatrix cells={cells} selectedKey={selectedProbe} onSelect={(k) => setSelectedProbe(k === selectedProbe ? null : k)} />
        </div>
        <aside className="panel" style={{ flex: '0 1 330px', marginBottom: 0 }} aria-label="Selected probe">
          <ProbeDetail cell={selected} />
        </aside>
      </div>
    </section>
  );
}
