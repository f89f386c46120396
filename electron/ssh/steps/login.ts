/** Step `login`: SSH user authentication with the record's password, key or agent. */
import { LOGIN_FAILURES, type AuthRequest, type LoginData, type RanStep, oneOf } from '../../../shared/auth.js';
import type { ConnectTrace } from '../client.js';
import type { SshError } from '../errors.js';

export function loginOk(req: AuthRequest, trace: ConnectTrace, ms: number, keyFormat: string | null, keyProblem: SshError | null): RanStep<'login'> {
  return {
    id: 'login',
    ok: true,
    ms,
    summary: `logged in as ${req.user} with ${trace.usedMethod ?? 'unknown method'} (server offers: ${(trace.offeredMethods ?? []).join(', ') || 'nothing listed'})`,
    data: {
      method: trace.usedMethod,
      offeredMethods: trace.offeredMethods,
      tried: trace.tried,
      ...(keyFormat ? { keyFormat } : {}),
      ...(keyProblem ? { keyProblem: keyProblem.code } : {}),
    },
  };
}

/** `code`: the engine's error code for the failed login. */
export function loginFailed(code: string, trace: ConnectTrace, ms: number, keyProblem: SshError | null, req: AuthRequest): RanStep<'login'> {
  const offered = trace.offeredMethods ?? [];
  const data: LoginData = { offeredMethods: trace.offeredMethods, tried: trace.tried, ...(keyProblem ? { keyProblem: keyProblem.code } : {}) };
  const have: string[] = [];
  if (req.password !== undefined) have.push('password', 'keyboard-interactive');
  if (req.privateKey !== undefined && !keyProblem) have.push('publickey');
  if (req.agent) have.push('publickey');
  if (code === 'auth-failed' && keyProblem && !have.some((m) => offered.includes(m))) {
    return {
      id: 'login',
      ok: false,
      ms,
      reason: oneOf(LOGIN_FAILURES, keyProblem.code) ?? 'key-unreadable',
      summary: `the private key could not be used: ${keyProblem.message}`,
      explanation: 'The key file could not be decrypted or read, so no key was offered. Check the passphrase and the key format (OpenSSH, PEM and PKCS#8 are supported).',
      data,
    };
  }
  if (code === 'auth-failed' && offered.length > 0 && !have.some((m) => offered.includes(m))) {
    return {
      id: 'login',
      ok: false,
      ms,
      reason: 'no-supported-method',
      summary: `the server offers ${offered.join(', ')}; none of the given credentials fits`,
      explanation: `The server only accepts ${offered.join(', ')}. Give the scan record a credential of that kind (e.g. a key when PasswordAuthentication is off).`,
      data,
    };
  }
  if (code === 'auth-failed') {
    return {
      id: 'login',
      ok: false,
      ms,
      reason: 'auth-failed',
      summary: `login as ${req.user} rejected (tried ${trace.tried.filter((t) => t !== 'none').join(', ') || 'nothing'}; server offers ${offered.join(', ') || 'nothing listed'})`,
      explanation:
        'The server rejected the credentials: wrong password or key, an expired or locked account, AllowUsers/DenyUsers, or a PAM rule. The scanner reports "Failed". Check the account on the host (e.g. journalctl -u ssh, /var/log/auth.log).',
      data,
    };
  }
  return {
    id: 'login',
    ok: false,
    ms,
    reason: oneOf(LOGIN_FAILURES, code) ?? 'connection-lost',
    summary: code === 'login-timeout' ? `login did not complete within ${req.timeoutMs} ms` : `the connection ended during login (${code})`,
    explanation: 'The server stopped answering or closed the connection during authentication (LoginGraceTime, a ban, MaxAuthTries, an overloaded host).',
    data,
  };
}
