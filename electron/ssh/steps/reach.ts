/** Step `reach`: a TCP connection to the SSH port. */
import { REACH_FAILURES, type AuthRequest, type RanStep, type ReachFailure, oneOf } from '../../../shared/auth.js';

export function reachOk(req: AuthRequest, address: string | null, ms: number): RanStep<'reach'> {
  return { id: 'reach', ok: true, ms, summary: `TCP ${req.host}:${req.port} accepts connections`, data: { address } };
}

/** `code`: the engine's error code for the failed connect (unknown codes become `connect-failed`). */
export function reachFailed(req: AuthRequest, code: string, error: string, ms: number): RanStep<'reach'> {
  const reason = oneOf(REACH_FAILURES, code) ?? 'connect-failed';
  return { id: 'reach', ok: false, ms, reason, summary: reachSummary(reason, code, req), explanation: reachExplanation(reason), data: { error } };
}

function reachSummary(reason: ReachFailure, code: string, req: AuthRequest): string {
  const where = `${req.host}:${req.port}`;
  switch (reason) {
    case 'connection-refused':
      return `${where}: connection refused (RST)`;
    case 'timeout':
      return `${where}: no answer within ${req.timeoutMs} ms`;
    case 'host-unreachable':
      return `${where}: host unreachable`;
    case 'network-unreachable':
      return `${where}: network unreachable`;
    case 'dns-failed':
      return `${req.host}: the name does not resolve`;
    default:
      return `${where}: TCP connect failed (${code})`;
  }
}

function reachExplanation(reason: ReachFailure): string {
  switch (reason) {
    case 'connection-refused':
      return 'The host answered but nothing listens on the SSH port (or a firewall rejects with RST). The scanner reports "Not Attempted". Check that sshd runs and on which port.';
    case 'timeout':
      return 'Nothing answered: a firewall drops the packets, or the host is down. The scanner reports "Not Attempted". Allow the scanner to reach the SSH port.';
    case 'host-unreachable':
    case 'network-unreachable':
      return 'A router or the local stack reported the destination unreachable. Check routing and firewalls between the scanner and the host.';
    default:
      return 'The SSH port could not be reached; the scanner would not attempt authentication.';
  }
}
