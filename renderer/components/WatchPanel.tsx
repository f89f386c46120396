import { useEffect, useMemo, useRef, useState } from 'react';
import type { HostResult } from '../../shared/discovery.js';
import { VERDICT_LABEL } from '../lib/format.js';
import { useWatch, useWatchActions } from '../stores/watchStore.js';
import { buildCells, ProbeDetail, ProbeMatrix } from './ProbeMatrix.js';

const STOPPED: Record<string, string> = {
  alive: 'the host is alive',
  change: 'something changed',
  cancelled: 'cancelled',
  cap: 'the 30-minute limit',
  rounds: 'one round done',
};

/**
 * Re-check (one more round of the same probes) and Watch until alive (a round every 5 s until the
 * host answers, Cancel, leaving the screen, or 30 minutes), for the diagnosis on screen. Probes
 * whose answer changed since the diagnosis are marked in the matrix with what they were.
 */
export function WatchPanel({ host, target, profile, mode, planned }: {
  host: HostResult;
  target: string;
  profile: string;
  mode: 'auto' | 'raw' | 'unprivileged';
  planned: Parameters<typeof buildCells>[0];
}) {
  const w = useWatch();
  const actions = useWatchActions();
  const [selected, setSelected] = useState<string | null>(null);
  const running = w.status === 'starting' || w.status === 'running';
  const mine = w.baseline === host || (w.baseline !== null && w.baseline.address === host.address && w.baseline.startedAt === host.startedAt);
  // Leaving the screen (or opening another diagnosis) stops the watch.
  useEffect(() => () => actions.reset(), [actions]);
  useEffect(() => {
    if (!mine && w.status !== 'idle') actions.reset();
  }, [mine, w.status, actions]);
  // When the host turns alive: the page title (web mode, a background tab) and a desktop notification where allowed.
  const title = useRef(document.title);
  useEffect(() => {
    if (!w.turnedAlive) return;
    const before = title.current;
    document.title = `Alive: ${target} — ScanReady`;
    try {
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification('ScanReady', { body: `${target} is alive now.` });
    } catch {
      // No notifications here: the title and the announcement say it.
    }
    return () => {
      document.title = before;
    };
  }, [w.turnedAlive, target]);
  const changed = useMemo(() => new Map((mine && w.diff ? w.diff.probes : []).map((c) => [c.key, c.before])), [mine, w.diff]);
  const cells = useMemo(() => (mine && w.latest ? buildCells(planned, w.latest.probes) : []), [mine, w.latest, planned]);
  const start = (kind: 'recheck' | 'watch') => void actions.start(kind, host, { target, profile, mode });
  const verdictNow = mine && w.latest ? w.latest.verdict : null;
  const live = !mine
    ? ''
    : w.turnedAlive
      ? `${target} is alive now: ${w.diff?.probes.filter((p) => p.aliveAfter).map((p) => p.probe).join(', ') || 'it answers'}.`
      : w.status === 'done' && w.diff
        ? w.diff.probes.length === 0 && !w.diff.verdict
          ? `No change since the diagnosis after ${w.rounds} round${w.rounds === 1 ? '' : 's'}.`
          : `${w.diff.probes.length} probe${w.diff.probes.length === 1 ? '' : 's'} changed since the diagnosis.`
        : '';
  return (
    <section className="panel" aria-labelledby="watch-h" data-testid="watch-panel">
      <h2 id="watch-h">Prove the fix</h2>
      <p className="small">
        After a firewall change: <strong>Re-check</strong> sends the same probes once more; <strong>Watch until alive</strong> sends them every 5 seconds until the host answers (at most 30 minutes). Probes that changed since this diagnosis are marked.
      </p>
      <div className="row">
        <button type="button" onClick={() => start('recheck')} disabled={running}>
          Re-check
        </button>
        <button type="button" className="primary" onClick={() => start('watch')} disabled={running || host.alive}>
          Watch until alive
        </button>
        {running ? (
          <button type="button" onClick={() => void actions.cancel()}>
            Cancel
          </button>
        ) : null}
        {mine && w.status !== 'idle' ? (
          <span className="small" data-testid="watch-status">
            {running ? `Watching… round ${w.rounds}` : w.status === 'error' ? `Stopped: ${w.error ?? 'error'}` : `Stopped after ${w.rounds} round${w.rounds === 1 ? '' : 's'}: ${STOPPED[w.stoppedBy ?? 'cancelled']}`}
          </span>
        ) : null}
      </div>
      <div role="status" aria-live="polite" className="sr-only" data-testid="watch-live">
        {live}
      </div>
      {mine && verdictNow ? (
        <>
          <p data-testid="watch-verdict">
            Verdict now: <strong>{VERDICT_LABEL[verdictNow]}</strong>
            {w.diff?.verdict ? <> (was {VERDICT_LABEL[w.diff.verdict.before]})</> : <> (unchanged)</>}
          </p>
          {w.turnedAlive ? (
            <div className="banner ok" role="alert">
              <strong>{target} is alive now.</strong> The change worked: a scanner's discovery would find it.
            </div>
          ) : null}
          {w.diff && w.diff.probes.length > 0 ? (
            <ul data-testid="watch-changes">
              {w.diff.probes.map((c) => (
                <li key={c.key}>
                  {c.probe}: {c.before} → <strong>{c.after}</strong>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="row" style={{ alignItems: 'flex-start' }}>
            <div className="grow" style={{ flexBasis: 520 }}>
              <ProbeMatrix cells={cells} selectedKey={selected} onSelect={(k) => setSelected(k === selected ? null : k)} changed={changed} />
            </div>
            <aside className="panel" style={{ flex: '0 1 330px', marginBottom: 0 }} aria-label="Selected probe (latest round)">
              <ProbeDetail cell={cells.find((c) => c.key === selected) ?? null} />
            </aside>
          </div>
        </>
      ) : null}
    </section>
  );
}
