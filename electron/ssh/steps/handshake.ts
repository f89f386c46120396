/**
 * Step `handshake`: the SSH identification line and key exchange. Names the service when the
 * port speaks something else, and the sshd throttling signs (MaxStartups, early close).
 */
import { HANDSHAKE_FAILURES, type AuthRequest, type RanStep, oneOf } from '../../../shared/auth.js';
import type { ConnectTrace } from '../client.js';
import { clip, decodeOutput } from '../text.js';
import { identifyService } from './banner.js';

export { BANNER_BYTES, identifyService, parseBanner } from './banner.js';

export function handshakeOk(banner: string | null, ms: number): RanStep<'handshake'> {
  return { id: 'handshake', ok: true, ms, summary: `SSH server: ${banner ?? 'unknown version'}`, data: { banner } };
}

/** `code`: the engine's error code for the failed handshake. */
export function handshakeFailed(code: string, trace: ConnectTrace, ms: number, req: AuthRequest): RanStep<'handshake'> {
  const banner = trace.remoteIdent;
  const reason = oneOf(HANDSHAKE_FAILURES, code) ?? 'handshake-failed';
  switch (reason) {
    case 'not-ssh': {
      const svc = identifyService(trace.firstBytes);
      return {
        id: 'handshake',
        ok: false,
        ms,
        reason,
        summary: `port ${req.port} speaks ${svc.service}, not SSH`,
        explanation: `The service on port ${req.port} is not an SSH server (it answered like ${svc.service}). The scanner's Unix authentication cannot work there: point the record at the real SSH port.`,
        data: { service: svc.service, firstBytes: svc.evidence },
      };
    }
    case 'no-banner':
      return {
        id: 'handshake',
        ok: false,
        ms,
        reason,
        summary: `port ${req.port} accepted the connection but sent nothing within ${req.timeoutMs} ms`,
        explanation: 'An SSH server sends its version line right away. Silence means another protocol that waits for the client, a proxy, or a stalled sshd (overloaded, DNS lookups with UseDNS).',
        data: { banner: null },
      };
    case 'max-startups':
      return {
        id: 'handshake',
        ok: false,
        ms,
        reason,
        summary: `sshd refused the connection: Exceeded MaxStartups (too many unauthenticated connections)`,
        explanation: 'sshd drops new connections while too many others are still logging in (MaxStartups, default 10:30:100). A scanner opening many sessions hits this at random. Raise MaxStartups for the scan window.',
        data: { banner: null, firstBytes: clip(decodeOutput(trace.firstBytes), 200) },
      };
    case 'closed-before-banner':
      return {
        id: 'handshake',
        ok: false,
        ms,
        reason,
        summary: `port ${req.port} closed the connection before sending an SSH banner`,
        explanation: 'sshd dropped the connection before the handshake: MaxStartups throttling, tcp_wrappers (hosts.deny), a fail2ban/sshguard ban, or an sshd that cannot start its session.',
        data: { banner: null },
      };
    case 'handshake-timeout':
    case 'handshake-failed':
      return {
        id: 'handshake',
        ok: false,
        ms,
        reason: code === 'handshake-timeout' ? 'handshake-timeout' : 'handshake-failed',
        summary: banner
          ? `SSH banner "${clip(banner, 100)}" but the key exchange ${code === 'handshake-timeout' ? `did not finish within ${req.timeoutMs} ms` : 'failed'}`
          : `SSH handshake failed (${code})`,
        explanation:
          'The server claimed to be SSH but the key exchange did not complete: no common algorithms (very old or very strict server), a broken server, or something in the path that mangles the connection.',
        data: { banner, firstBytes: clip(decodeOutput(trace.firstBytes), 200) },
      };
  }
}
