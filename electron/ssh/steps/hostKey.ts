/** Step `host-key`: the server's host key against the known-hosts store (trust on first use, hard stop on change). */
import type { HostKeyInfo, RanStep } from '../../../shared/auth.js';

export function hostKeyTrusted(key: HostKeyInfo, ms: number): RanStep<'host-key'> {
  return { id: 'host-key', ok: true, ms, summary: `${key.algorithm} ${key.fingerprint} matches the known key`, data: { ...key } };
}

export function hostKeyAccepted(key: HostKeyInfo, ms: number): RanStep<'host-key'> {
  return { id: 'host-key', ok: true, ms, summary: `${key.algorithm} ${key.fingerprint} is new: accepted and recorded (trust on first use)`, data: { ...key } };
}

export function hostKeyChanged(key: HostKeyInfo, ms: number): RanStep<'host-key'> {
  return {
    id: 'host-key',
    ok: false,
    ms,
    reason: 'host-key-changed',
    summary: `HOST KEY CHANGED: ${key.algorithm} ${key.fingerprint}, expected ${key.knownFingerprint ?? 'a different key'}`,
    explanation:
      'The server presented a different host key than the one on record. This is what a man-in-the-middle looks like, or the host was reinstalled/re-keyed. ScanReady stopped before sending any password. Verify the new fingerprint with the host owner (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), then remove the old entry and re-run.',
    data: { ...key },
  };
}

export function hostKeyUnknown(key: HostKeyInfo, ms: number): RanStep<'host-key'> {
  return {
    id: 'host-key',
    ok: false,
    ms,
    reason: 'host-key-unknown',
    summary: `${key.algorithm} ${key.fingerprint} is new and was not accepted`,
    explanation:
      'ScanReady has never seen this host key. Compare the fingerprint with the one on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and accept it (--accept-new-host-key in the CLI), or import your ~/.ssh/known_hosts. No credentials were sent.',
    data: { ...key },
  };
}
