/**
 * Sweep results grouped by reason (one line per reason, not the same sentence a hundred times)
 * and the table's quick export as CSV or JSON. Until the triage view replaces the grouping.
 */
import { useMemo } from 'react';
import type { HostResult, Verdict } from '../../shared/discovery.js';
import { VERDICT_LABEL } from '../lib/format.js';
import { foundByText } from '../lib/labels.js';
import { useSweepActions, useSweepResults } from '../stores/sweepStore.js';

/** The reason with the host's own address taken out, so hosts that fail the same way share one line. */
export function reasonKey(h: HostResult): string {
  const own = h.address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return h.reason.replace(new RegExp(`(?<![\\w.:])${own}(?![\\w.:])`, 'g'), 'the host');
}

export interface ReasonGroup {
  verdict: Verdict;
  reason: string;
  hosts: HostResult[];
}

export function groupByReason(results: readonly HostResult[]): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>();
  for (const h of results) {
    const reason = reasonKey(h);
    const key = `${h.verdict}\u0000${reason}`;
    const g = groups.get(key);
    if (g) g.hosts.push(h);
    else groups.set(key, { verdict: h.verdict, reason, hosts: [h] });
  }
  return [...groups.values()].sort((a, b) => b.hosts.length - a.hosts.length || a.reason.localeCompare(b.reason));
}

/** One CSV cell: quoted, and never read as a formula by a spreadsheet. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The table as CSV, in words (verdict labels, readable "found by"); the codes are in the JSON export. */
export function sweepCsv(results: readonly HostResult[]): string {
  const head = ['Host', 'Target as typed', 'Verdict', 'Found by', 'Reason', 'Probe time (ms)', 'Profile', 'Raw sockets'];
  const rows = results.map((h) => [h.address, h.target, VERDICT_LABEL[h.verdict], foundByText(h.aliveBy), h.reason, String(h.durationMs), h.profile, h.privileged ? 'yes' : 'no']);
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function SweepByReason() {
  const results = useSweepResults();
  const { select } = useSweepActions();
  const groups = useMemo(() => groupByReason(results), [results]);
  if (results.length === 0) return null;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return (
    <section className="panel" aria-labelledby="by-reason-h" data-testid="sweep-by-reason">
      <div className="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 id="by-reason-h">
          By reason: {groups.length} reason{groups.length === 1 ? '' : 's'} for {results.length} host{results.length === 1 ? '' : 's'}
        </h2>
        <div className="row" role="group" aria-label="Export the results table">
          <button type="button" className="small" onClick={() => download(`scanready-sweep-${stamp}.csv`, 'text/csv', sweepCsv(results))}>
            Export CSV
          </button>
          <button
            type="button"
            className="small"
            onClick={() => download(`scanready-sweep-${stamp}.json`, 'application/json', `${JSON.stringify({ hosts: results }, null, 2)}\n`)}
          >
            Export JSON
          </button>
        </div>
      </div>
      <ul className="plain stack">
        {groups.map((g) => (
          <li key={`${g.verdict}-${g.reason}`}>
            <details>
              <summary>
                <strong>
                  {g.hosts.length} host{g.hosts.length === 1 ? '' : 's'}
                </strong>{' '}
                <span className={`pill ${g.verdict}`}>{VERDICT_LABEL[g.verdict]}</span> {g.reason}
              </summary>
              <ul className="plain row" style={{ marginTop: 6 }}>
                {g.hosts.slice(0, 200).map((h) => (
                  <li key={h.address}>
                    <button type="button" className="link mono small" onClick={() => select(h.address)} aria-label={`Details for ${h.address}`}>
                      {h.address}
                    </button>
                  </li>
                ))}
                {g.hosts.length > 200 ? <li className="small muted">and {g.hosts.length - 200} more (see the table)</li> : null}
              </ul>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
