import type { PathResult } from '../../shared/diagnosis.js';
import { formatMs } from '../lib/format.js';

const NOTE: Record<PathResult['hops'][number]['note'], string> = {
  'time-exceeded': 'TTL exceeded (router)',
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

/** The route towards the target, hop by hop; a blocking hop is named. */
export function PathView({ path }: { path: PathResult | null | undefined }) {
  if (!path) return null;
  return (
    <section className="panel" aria-labelledby="path-h">
      <h2 id="path-h">Path to {path.target}</h2>
      <p className="small muted">
        Traced with {METHOD[path.method]}
        {path.probe ? ` using ${path.probe}` : ''}. {path.reached ? 'The trace reached the target.' : 'The trace did not reach the target.'}
        {path.lastResponder ? ` Last hop that answered: ${path.lastResponder}.` : ''}
      </p>
      {path.blockingHop ? (
        <div className="banner error" role="note">
          <strong>
            Blocked at hop {path.blockingHop.ttl}: {path.blockingHop.responder ?? 'unknown address'}
          </strong>
          It sent ICMP {path.blockingHop.icmpType ?? '?'}/{path.blockingHop.icmpCode ?? '?'} ({NOTE[path.blockingHop.note]}). Ask whoever runs that
          router or firewall to let the scanner through.
        </div>
      ) : null}
      {path.detail ? <p className="small">{path.detail}</p> : null}
      {path.hops.length > 0 ? (
        <ol className="path" aria-label="Hops">
          {path.hops.map((h) => (
            <li key={h.ttl} className={h.note === 'admin-prohibited' || h.note === 'unreachable' ? 'block' : ''}>
              <span className="mono">#{h.ttl}</span>
              <span>
                <span className="mono">{h.responder ?? '*'}</span> — {NOTE[h.note]}
                {h.icmpType != null ? ` (ICMP ${h.icmpType}/${h.icmpCode ?? '?'})` : ''}
              </span>
              <span className="mono">{formatMs(h.rttMs)}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
