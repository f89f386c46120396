import type { PathHop, PathResult } from '../../shared/diagnosis.js';
import { deviceHop, pathFinding } from '../../shared/pathFacts.js';
import { formatMs } from '../lib/format.js';

const NOTE: Record<PathResult['hops'][number]['note'], string> = {
  'time-exceeded': 'TTL exceeded (a router on the way)',
  reached: 'reached the target',
  'admin-prohibited': 'administratively prohibited',
  unreachable: 'unreachable',
  'no-response': 'no answer',
};

const METHOD: Record<PathResult['method'], string> = {
  'raw-tcp': 'raw TCP',
  'raw-udp': 'raw UDP',
  'raw-icmp': 'raw ICMP',
  'udp-socket': 'UDP socket with TTL (unprivileged)',
  'system-traceroute': 'system traceroute',
  none: 'not traced',
};

function icmpText(h: { icmpType: number | null; icmpCode: number | null; note: PathHop['note'] }): string {
  return `ICMP ${h.icmpType ?? '?'}/${h.icmpCode ?? '?'}, ${NOTE[h.note]}`;
}

/** What the trace found, in the words of the verdict and the advice (shared/pathFacts.ts reads the facts once). */
function Finding({ path }: { path: PathResult }) {
  const f = pathFinding(path);
  switch (f.kind) {
    case 'target-rejects':
      return (
        <div className="banner warn" role="note" data-testid="path-finding" data-finding={f.kind}>
          <strong>The target itself rejects the probes (hop {f.hop})</strong>
          {path.target} answered the trace with {icmpText(f.block)}: its own firewall refuses the scanner. Nothing on the path
          blocks it; the fix is on the host.
        </div>
      );
    case 'hop-rejects':
      return (
        <div className="banner error" role="note" data-testid="path-finding" data-finding={f.kind}>
          <strong>
            Blocked at hop {f.hop}: {f.address}
            {f.gateway ? " (this machine's gateway)" : ''}
          </strong>
          {f.address} is a router or firewall on the path, not the target. It answered
          {f.block.ttl !== f.hop ? ` the probe sent one hop further (TTL ${f.block.ttl})` : ' the probe'} with {icmpText(f.block)}. Ask whoever
          runs it to let the scanner through.
        </div>
      );
    case 'silent-after':
      return (
        <div className="banner warn" role="note" data-testid="path-finding" data-finding={f.kind}>
          <strong>
            Last answer from hop {f.hop}: {f.address}
          </strong>
          Nothing answered after it: a firewall at or after {f.address} drops the probes, or the host does (or is off).
        </div>
      );
    case 'reached':
      return (
        <p className="small" data-testid="path-finding" data-finding={f.kind}>
          The trace reached {path.target} at hop {f.hop}: nothing on the path blocks this probe.
        </p>
      );
    case 'no-answer':
      return (
        <p className="small" data-testid="path-finding" data-finding={f.kind}>
          No hop answered the trace.
        </p>
      );
  }
}

/** The route towards the target, hop by hop. Each device is numbered by the first hop it answered at. */
export function PathView({ path }: { path: PathResult | null | undefined }) {
  if (!path) return null;
  return (
    <section className="panel" aria-labelledby="path-h">
      <h2 id="path-h">Path to {path.target}</h2>
      <p className="small muted">
        Traced with {METHOD[path.method]}
        {path.probe ? ` using ${path.probe}` : ''}.
      </p>
      <Finding path={path} />
      {path.detail ? <p className="small">{path.detail}</p> : null}
      {path.hops.length > 0 ? (
        <ol className="path" aria-label="Hops">
          {path.hops.map((h) => {
            const first = h.responder !== null ? deviceHop(path, h.responder) : null;
            const isTarget = h.responder !== null && h.responder.toLowerCase() === path.target.toLowerCase();
            return (
              <li key={h.ttl} className={h.note === 'admin-prohibited' || h.note === 'unreachable' ? 'block' : ''}>
                <span className="mono">#{h.ttl}</span>
                <span>
                  <span className="mono">{h.responder ?? '*'}</span>
                  {isTarget ? ' (the target)' : first !== null && first !== h.ttl ? ` (the device of hop ${first} again)` : ''} —{' '}
                  {isTarget && h.note === 'time-exceeded' ? 'answered' : NOTE[h.note]}
                  {h.icmpType != null ? ` (ICMP ${h.icmpType}/${h.icmpCode ?? '?'})` : ''}
                </span>
                <span className="mono">{formatMs(h.rttMs)}</span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
