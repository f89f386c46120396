import { useEffect, useState, type FormEvent } from 'react';
import type { HistoryQueryRequest } from '../../shared/ipc.js';
import { HISTORY_KINDS } from '../../shared/requests.js';
import { useHistoryActions, useHistoryError, useHistoryItems, useHistoryLoaded, useHistoryMore, useHistoryNotices, useHistoryOpening, useHistoryQuery, HISTORY_PAGE } from '../stores/historyStore.js';
import { AUTH_STATUS_LABEL, formatWhen, VERDICT_LABEL } from '../lib/format.js';
import { ErrorBanner, ScreenHeader } from './Common.js';
import { ImportButton } from './BundleImport.js';
import { bundleActions } from '../stores/bundleStore.js';

const KIND_LABEL = { diagnosis: 'Diagnosis', discovery: 'Sweep', auth: 'Credential check' } as const;

/** `2026-12-02 14:05` in the local time zone (the one date formatter, lib/format.ts). */
export function isoLocal(iso: string): string {
  return formatWhen(iso, false);
}

/** Runs stored before titles were words start with a code (`not-alive — …`): the verdict is shown as a label already. */
function peopleTitle(title: string): string {
  return title.replace(/^(?:alive|not-alive|rejected-by-host|filtered-in-path|inconclusive|passed|passed-insufficient|failed|not-attempted)(?: — |$)/, '');
}

/** The search form: applied on Search (or Enter), so typing does not query on every key. */
function HistoryFilters({ query, onSearch }: { query: HistoryQueryRequest; onSearch: (q: HistoryQueryRequest) => void }) {
  const [target, setTarget] = useState(query.target ?? '');
  const [kind, setKind] = useState(query.kind ?? '');
  const [verdict, setVerdict] = useState(query.verdict ?? '');
  const [profile, setProfile] = useState(query.profile ?? '');
  const [since, setSince] = useState(query.since ?? '');
  const [until, setUntil] = useState(query.until ?? '');
  const [pinned, setPinned] = useState(query.pinned ?? false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q: HistoryQueryRequest = {};
    if (target.trim()) q.target = target.trim();
    if (kind) q.kind = kind as HistoryQueryRequest['kind'];
    if (verdict) q.verdict = verdict;
    if (profile.trim()) q.profile = profile.trim();
    if (since) q.since = since;
    // "Until" a day includes that day.
    if (until) q.until = new Date(Date.parse(`${until}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (pinned) q.pinned = true;
    onSearch(q);
  };
  const reset = () => {
    setTarget('');
    setKind('');
    setVerdict('');
    setProfile('');
    setSince('');
    setUntil('');
    setPinned(false);
    onSearch({});
  };
  return (
    <form className="row" role="search" aria-label="Search history" onSubmit={submit}>
      <div>
        <label htmlFor="hist-target">Target contains</label>
        <input id="hist-target" type="search" value={target} onChange={(e) => setTarget(e.target.value)} maxLength={255} placeholder="198.18.1.10" />
      </div>
      <div>
        <label htmlFor="hist-kind">Kind</label>
        <select id="hist-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">Any</option>
          {HISTORY_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="hist-verdict">Outcome</label>
        <select id="hist-verdict" value={verdict} onChange={(e) => setVerdict(e.target.value)}>
          <option value="">Any</option>
          <optgroup label="Verdict">
            {Object.entries(VERDICT_LABEL).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Credential check">
            {Object.entries(AUTH_STATUS_LABEL).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div>
        <label htmlFor="hist-profile">Profile</label>
        <input id="hist-profile" value={profile} onChange={(e) => setProfile(e.target.value)} maxLength={80} placeholder="qualys-default" />
      </div>
      <div>
        <label htmlFor="hist-since">From</label>
        <input id="hist-since" type="date" value={since} onChange={(e) => setSince(e.target.value)} />
      </div>
      <div>
        <label htmlFor="hist-until">To</label>
        <input id="hist-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
      </div>
      <label className="row" style={{ gap: '0.3rem' }}>
        <input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.target.checked)} /> Pinned only
      </label>
      <button type="submit" className="primary">
        Search
      </button>
      <button type="button" onClick={reset}>
        Reset
      </button>
    </form>
  );
}

export function HistoryScreen() {
  const items = useHistoryItems();
  const loaded = useHistoryLoaded();
  const error = useHistoryError();
  const opening = useHistoryOpening();
  const query = useHistoryQuery();
  const notices = useHistoryNotices();
  const actions = useHistoryActions();
  const filtered = Object.keys(query).length > 0;
  // Runs stored by another process (the CLI, a second app) push no event here: read again on open.
  useEffect(() => {
    void actions.load();
  }, [actions]);
  const [confirmClear, setConfirmClear] = useState(false);
  const more = useHistoryMore();
  return (
    <>
      <ScreenHeader title="History" lead="Past diagnoses, sweeps and credential checks. Open one to see it again exactly as it was. No secrets are stored. Pinned runs are kept whatever the retention setting says." />
      <ErrorBanner message={error} />
      {notices.map((n) => (
        <div key={n} className="banner" role="status">
          {n}
        </div>
      ))}
      <ImportButton />
      <section className="panel" aria-label="Search">
        <HistoryFilters query={query} onSearch={(q) => void actions.search(q)} />
      </section>
      <section className="panel" aria-labelledby="hist-h">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h2 id="hist-h">
            {items.length}
            {more ? '+' : ''} {filtered ? 'matching ' : ''}entr{items.length === 1 && !more ? 'y' : 'ies'}
          </h2>
          {items.length > 0 && !filtered ? (
            confirmClear ? (
              <span className="row" role="group" aria-label="Confirm clearing history">
                <span>Delete every entry?</span>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    setConfirmClear(false);
                    void actions.clear();
                  }}
                >
                  Yes, clear history
                </button>
                <button type="button" onClick={() => setConfirmClear(false)}>
                  Keep it
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => setConfirmClear(true)}>
                Clear history
              </button>
            )
          ) : null}
        </div>
        {!loaded ? (
          <p className="muted">Loading…</p>
        ) : items.length === 0 ? (
          <p className="muted">{filtered ? 'No stored run matches this search.' : 'Nothing yet: diagnoses, sweeps and credential checks appear here when they finish.'}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="history-table">
              <caption className="sr-only">History of past runs, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Target</th>
                  <th scope="col">Profile</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((h) => (
                  <tr key={h.id}>
                    <td className="small mono">
                      <time dateTime={h.createdAt}>{isoLocal(h.createdAt)}</time>
                      {h.pinned ? <div className="small">Pinned</div> : null}
                    </td>
                    <td>{KIND_LABEL[h.kind]}</td>
                    <td className="mono">{h.target}</td>
                    <td className="small">{h.profile ?? '—'}</td>
                    <td>
                      {h.verdict ? <span className={`pill ${h.verdict}`}>{VERDICT_LABEL[h.verdict]}</span> : null}{' '}
                      {h.authStatus ? <span className={`pill ${h.authStatus}`}>{AUTH_STATUS_LABEL[h.authStatus]}</span> : null}{' '}
                      {h.hosts ? (
                        <span>
                          {h.hosts.alive} of {h.hosts.total} alive
                        </span>
                      ) : null}
                      {h.importedFrom ? <div className="small" data-testid="history-imported">Imported from {h.importedFrom}</div> : null}
                      {h.interrupted ? <div className="small">Interrupted: the app stopped before this run finished; what was done is kept.</div> : null}
                      <div className="small muted">{peopleTitle(h.title)}</div>
                      <div className="small muted">{h.privileged ? 'raw sockets' : 'without raw sockets'}</div>
                    </td>
                    <td>
                      <div className="row">
                        <button type="button" className="small" onClick={() => void actions.open(h.id)} disabled={opening !== null} aria-label={`Open ${KIND_LABEL[h.kind].toLowerCase()} of ${h.target}`}>
                          {opening === h.id ? 'Opening…' : 'Open'}
                        </button>
                        <button type="button" className="small" aria-pressed={h.pinned === true} onClick={() => void actions.pin(h.id, !h.pinned)} aria-label={`${h.pinned ? 'Unpin' : 'Pin'} ${KIND_LABEL[h.kind].toLowerCase()} of ${h.target}`}>
                          {h.pinned ? 'Unpin' : 'Pin'}
                        </button>
                        <button type="button" className="small" onClick={() => void bundleActions.exportRun(h.id)} aria-label={`Export ${KIND_LABEL[h.kind].toLowerCase()} of ${h.target} as a debug bundle`}>
                          Export
                        </button>
                        <button type="button" className="small" onClick={() => void actions.remove(h.id)} aria-label={`Delete ${KIND_LABEL[h.kind].toLowerCase()} of ${h.target} from history`}>
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {more ? (
              <div className="row">
                <span className="small muted">Showing the newest {items.length}.</span>
                <button type="button" onClick={() => void actions.loadMore()}>
                  Show {HISTORY_PAGE} more
                </button>
              </div>
            ) : null}
          </div>
        )}
      </section>
    </>
  );
}
