import { memo, useRef, useState, type KeyboardEvent } from 'react';
import type { MatrixCell } from '../lib/cells.js';
import { isFallback, METHOD_LABEL, OUTCOME_LABEL, probeLabel, probeTone } from '../lib/format.js';

export { buildCells, type MatrixCell } from '../lib/cells.js';

const Cell = memo(function Cell({
  cell,
  selected,
  focusable,
  onSelect,
  was,
}: {
  cell: MatrixCell;
  selected: boolean;
  focusable: boolean;
  onSelect: (key: string) => void;
  /** The answer before, when this probe's answer changed (watch, re-check). */
  was?: string | undefined;
}) {
  const r = cell.result;
  const tone = r ? probeTone(r) : 'pending';
  const label = probeLabel(cell.planned);
  const resultText = r ? OUTCOME_LABEL[r.result] : 'waiting…';
  const fallback = r ? isFallback(r) : false;
  const name = `${label}: ${resultText}${r && r.result !== 'needs-privilege' ? `, ${METHOD_LABEL[r.method]}` : ''}${
    r && !r.fromTarget && r.responder ? `, from ${r.responder}` : ''
  }${was !== undefined ? ` (changed, was ${was})` : ''}`;
  return (
    <button
      type="button"
      className={`cell ${tone}${was !== undefined ? ' changed' : ''}`}
      aria-pressed={selected}
      aria-label={name}
      tabIndex={focusable ? 0 : -1}
      onClick={() => onSelect(cell.key)}
      data-probe={cell.key}
      data-result={r?.result ?? 'pending'}
    >
      <span className="cell-probe">{label}</span>
      <span className="cell-result">{resultText}</span>
      {r?.result === 'needs-privilege' ? <span className="tag">needs root</span> : null}
      {fallback ? <span className="tag">fallback</span> : null}
      {r && !r.fromTarget && r.responder ? <span className="tag">via {r.responder}</span> : null}
      {was !== undefined ? <span className="tag was">was: {was}</span> : null}
    </button>
  );
});

/** One cell per probe, coloured by result; selecting a cell shows its evidence. */
export function ProbeMatrix({
  cells,
  selectedKey,
  onSelect,
  changed,
}: {
  cells: readonly MatrixCell[];
  selectedKey: string | null;
  onSelect: (key: string) => void;
  /** Probe key → its answer before (cells that changed are marked with it). */
  changed?: ReadonlyMap<string, string>;
}) {
  // One tab stop for the whole matrix (roving tabindex); arrow keys, Home and End move inside it.
  const grid = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<string | null>(null);
  const activeKey = cells.some((c) => c.key === active) ? active : (selectedKey ?? cells[0]?.key ?? null);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    const buttons = [...(grid.current?.querySelectorAll<HTMLButtonElement>('button.cell') ?? [])];
    const i = buttons.findIndex((b) => b === document.activeElement);
    if (i < 0) return;
    const columns = grid.current ? getComputedStyle(grid.current).gridTemplateColumns.split(' ').filter(Boolean).length || 1 : 1;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
    let next: number;
    if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    else if (e.key in moves) next = i + (moves[e.key] ?? 0);
    else return;
    e.preventDefault();
    next = Math.max(0, Math.min(buttons.length - 1, next));
    const target = buttons[next];
    if (!target) return;
    setActive(target.dataset.probe ?? null);
    target.focus();
  }

  return (
    <div>
      <div
        className="matrix"
        role="group"
        aria-label="Probe results, one per probe (arrow keys move between probes)"
        ref={grid}
        onKeyDown={onKeyDown}
      >
        {cells.map((c) => (
          <Cell
            key={c.key}
            cell={c}
            selected={c.key === selectedKey}
            focusable={c.key === activeKey}
            was={changed?.get(c.key)}
            onSelect={(k) => {
              setActive(k);
              onSelect(k);
            }}
          />
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
      {(cell.planned.kind === 'ack' || cell.planned.kind === 'syn-ack') && cell.planned.sourcePort !== null && cell.planned.port !== null ? (
        <p className="small muted" data-testid="port-pair-help">
          Sent from source port {cell.planned.sourcePort} to port {cell.planned.port} on the host: the scanner's fixed pair. A reset (RST)
          back proves the host is up even when SYN probes are filtered.
        </p>
      ) : null}
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
