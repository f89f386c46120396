import { memo } from 'react';
import type { MatrixCell } from '../lib/cells.js';
import { isFallback, METHOD_LABEL, OUTCOME_LABEL, probeLabel, probeTone } from '../lib/format.js';

export { buildCells, type MatrixCell } from '../lib/cells.js';

const Cell = memo(function Cell({ cell, selected, onSelect }: { cell: MatrixCell; selected: boolean; onSelect: (key: string) => void }) {
  const r = cell.result;
  const tone = r ? probeTone(r) : 'pending';
  const label = probeLabel(cell.planned);
  const resultText = r ? OUTCOME_LABEL[r.result] : 'waiting…';
  const fallback = r ? isFallback(r) : false;
  const name = `${label}: ${resultText}${r && r.result !== 'needs-privilege' ? `, ${METHOD_LABEL[r.method]}` : ''}${
    r && !r.fromTarget && r.responder ? `, from ${r.responder}` : ''
  }`;
  return (
    <button
      type="button"
      className={`cell ${tone}`}
      aria-pressed={selected}
      aria-label={name}
      onClick={() => onSelect(cell.key)}
      data-probe={cell.key}
      data-result={r?.result ?? 'pending'}
    >
      <span className="cell-probe">{label}</span>
      <span className="cell-result">{resultText}</span>
      {r?.result === 'needs-privilege' ? <span className="tag">needs root</span> : null}
      {fallback ? <span className="tag">fallback</span> : null}
      {r && !r.fromTarget && r.responder ? <span className="tag">via {r.responder}</span> : null}
    </button>
  );
});

/** One cell per probe, coloured by result; selecting a cell shows its evidence. */
export function ProbeMatrix({
  cells,
  selectedKey,
  onSelect,
}: {
  cells: readonly MatrixCell[];
  selectedKey: string | null;
  onSelect: (key: string) => void;
}) {
  return (
    <div>
      <div className="matrix" role="group" aria-label="Probe results, one per probe">
        {cells.map((c) => (
          <Cell key={c.key} cell={c} selected={c.key === selectedKey} onSelect={onSelect} />
        ))}
      </div>
      <ul className="legend" aria-label="Legend">
        <li><span className="swatch ok" aria-hidden="true" /> answered: proof of life</li>
        <li><span className="swatch bad" aria-hidden="true" /> rejected / unreachable</li>
        <li><span className="swatch none" aria-hidden="true" /> no response</li>
        <li><span className="swatch priv" aria-hidden="true" /> not sent: needs privilege</li>
        <li><span className="swatch warn" aria-hidden="true" /> error / does not count</li>
        <li><span className="swatch pending" aria-hidden="true" /> waiting</li>
      </ul>
    </div>
  );
}

/** The evidence behind one probe. */
export function ProbeDetail({ cell }: { cell: MatrixCell | null }) {
  if (!cell) return <p className="muted small">Select a probe to see who answered, with what, and how it was sent.</p>;
  const r = cell.result;
  return (
    <div aria-live="polite">
      <h3>{probeLabel(cell.planned)}</h3>
      {!r ? (
        <p className="muted">No result yet.</p>
      ) : (
        <dl className="kv">
          <dt>Result</dt>
          <dd>{OUTCOME_LABEL[r.result]}{r.countsAsAlive ? ' — a scanner counts this as alive' : ''}</dd>
          <dt>Responder</dt>
          <dd className="mono">{r.responder ?? '—'}{r.responder ? (r.fromTarget ? ' (the target)' : ' (NOT the target: a device on the path)') : ''}</dd>
          <dt>ICMP type/code</dt>
          <dd className="mono">{r.icmpType != null ? `${r.icmpType}/${r.icmpCode ?? '?'}` : '—'}</dd>
          <dt>TTL</dt>
          <dd className="mono">{r.ttl ?? '—'}</dd>
          <dt>RTT</dt>
          <dd className="mono">{r.rttMs != null ? `${r.rttMs.toFixed(1)} ms` : '—'}</dd>
          <dt>Method</dt>
          <dd>
            {METHOD_LABEL[r.method]}
            {isFallback(r) ? ' — a stand-in for the packet the scanner sends' : ''}
            {r.result === 'needs-privilege' ? ' — this probe needs a raw socket (root / administrator); it was not sent' : ''}
          </dd>
          <dt>Source port</dt>
          <dd className="mono">{r.sourcePort ?? 'chosen by the OS'}</dd>
          <dt>Attempts</dt>
          <dd>{r.attempts}</dd>
          {r.detail ? (
            <>
              <dt>Detail</dt>
              <dd>{r.detail}</dd>
            </>
          ) : null}
        </dl>
      )}
    </div>
  );
}
