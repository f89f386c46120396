/**
 * Step `sessions`: scanners open many SSH sessions. Opens `sessions` separate connections in
 * parallel (MaxStartups, bans, PAM lockouts) and as many sessions on the first connection
 * (MaxSessions), and names what throttled them.
 */
import type { RanStep, SessionsFailure, SessionTally } from '../../../shared/auth.js';
import { sshConnect } from '../client.js';
import { errorMessage, isSshError, SshError, throwIfAborted } from '../errors.js';
import type { PostLoginStep, StepContext } from './context.js';

/** Counts settled attempts by outcome and error code (at most 5 messages kept). */
export function tally(rs: readonly PromiseSettledResult<unknown>[]): SessionTally {
  const errors: Record<string, number> = {};
  const messages: string[] = [];
  let ok = 0;
  for (const r of rs) {
    if (r.status === 'fulfilled') ok++;
    else {
      const code = isSshError(r.reason) ? r.reason.code : 'error';
      errors[code] = (errors[code] ?? 0) + 1;
      if (messages.length < 5) messages.push(errorMessage(r.reason));
    }
  }
  return { ok, failed: rs.length - ok, errors, messages };
}

/** Names what limited the parallel connections and sessions; null when all of them worked. */
export function classifySessions(n: number, connections: SessionTally, channels: SessionTally): { reason: SessionsFailure; why: string } | null {
  if (connections.failed === 0 && channels.failed === 0) return null;
  const ce = connections.errors;
  const count = (...codes: string[]): number => codes.reduce((sum, c) => sum + (ce[c] ?? 0), 0);
  let reason: SessionsFailure = 'throttled';
  let why: string;
  if (channels.failed > 0 && connections.failed === 0) {
    reason = 'max-sessions';
    why = `only ${channels.ok} of ${n} sessions could be opened on one connection: sshd MaxSessions limits them`;
  } else if (count('connection-refused') > 0) {
    reason = 'banned';
    why = `${count('connection-refused')} of ${n} connections were refused part-way: a ban (fail2ban, sshguard) or connection rate limit`;
  } else if (count('max-startups', 'closed-before-banner', 'connection-lost', 'handshake-failed', 'connection-reset') > 0) {
    reason = 'max-startups';
    why = `${connections.failed} of ${n} parallel connections were dropped before login: sshd MaxStartups (default 10:30:100) throttles unauthenticated connections`;
  } else if (count('auth-failed') > 0) {
    reason = 'auth-throttled';
    why = `${count('auth-failed')} of ${n} parallel logins were rejected though the same credentials worked once (PAM lockout, MaxAuthTries or a ban?)`;
  } else if (count('timeout', 'no-banner', 'handshake-timeout', 'login-timeout') > 0) {
    reason = 'timeout';
    why = `${connections.failed} of ${n} parallel connections timed out`;
  } else {
    why = `${connections.failed} connection(s) and ${channels.failed} session(s) failed`;
  }
  if (channels.failed > 0 && reason !== 'max-sessions') why += `; also only ${channels.ok} of ${n} sessions on one connection (MaxSessions)`;
  return { reason, why };
}

export function sessionsResult(n: number, connections: SessionTally, channels: SessionTally, ms: number): RanStep<'sessions'> {
  const data = { requested: n, connections, channels };
  const c = classifySessions(n, connections, channels);
  if (c === null) return { id: 'sessions', ok: true, ms, summary: `${n} parallel SSH connections and ${n} parallel sessions on one connection all worked`, data };
  return {
    id: 'sessions',
    ok: false,
    ms,
    reason: c.reason,
    summary: c.why,
    explanation:
      'Scanners open many SSH sessions (Qualys: many separate connections so each check gets a clean shell). When sshd or a ban throttles them, checks fail at random and results differ between scans. Raise MaxSessions/MaxStartups in sshd_config for the scanner, and whitelist the scanner in fail2ban/sshguard.',
    data,
  };
}

export const sessionsStep: PostLoginStep = {
  id: 'sessions',
  async run(ctx: StepContext) {
    const { req, conn, signal, state } = ctx;
    const n = req.sessions;
    const t0 = Date.now();
    const fingerprint = state.acceptedFingerprint;
    const conns = Array.from({ length: n }, async () => {
      const c = await sshConnect({
        host: req.host,
        port: req.port,
        username: req.user,
        timeoutMs: req.timeoutMs,
        signal,
        credentials: state.credentials,
        // Only the key we already verified: a parallel connection must not accept anything else.
        hostKeyDecision: (k) => k.fingerprint === fingerprint,
      });
      c.transcript = conn.transcript;
      try {
        const r = await c.exec('true', { timeoutMs: req.timeoutMs, signal, openRetries: 0 });
        if (r.timedOut) throw new SshError('timeout', 'command timed out');
      } finally {
        c.end();
      }
    });
    const connResults = await Promise.allSettled(conns);
    throwIfAborted(signal);
    const channelResults = await Promise.allSettled(
      Array.from({ length: n }, async () => {
        const r = await conn.exec('echo ok', { timeoutMs: req.timeoutMs, signal, openRetries: 0 });
        if (r.timedOut) throw new SshError('timeout', 'command timed out');
      }),
    );
    ctx.emit(sessionsResult(n, tally(connResults), tally(channelResults), Date.now() - t0));
  },
};
