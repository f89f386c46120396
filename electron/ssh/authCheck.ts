/**
 * The credential check's runner: what an authenticated Unix scan does over SSH, step by step,
 * each step streamed as it completes and bounded by a timeout. The steps themselves (remote
 * script, parser, result) are modules in ./steps/; this file connects (reach, handshake,
 * host key, login), then loops over POST_LOGIN_STEPS.
 */
import type net from 'node:net';
import {
  AUTH_STEP_IDS,
  authRequestSchema,
  stepData,
  type AuthRequest,
  type AuthRequestInput,
  type AuthResult,
  type AuthStatus,
  type AuthStep,
  type AuthStepId,
  type HostKeyInfo,
} from '../../shared/auth.js';
import { credentialAdvice } from '../advice/index.js';
import { newTrace, openTcp, sshConnect, type ConnectTrace, type HostKeySeen, type SshConnection } from './client.js';
import { templateProblem } from './elevate.js';
import { errorMessage, isSshError, SshError, throwIfAborted } from './errors.js';
import type { KnownHostsStore } from './knownHosts.js';
import { loadPrivateKey } from './keys.js';
import { stepContext, type RunState } from './steps/context.js';
import { handshakeFailed, handshakeOk } from './steps/handshake.js';
import { hostKeyAccepted, hostKeyChanged, hostKeyTrusted, hostKeyUnknown } from './steps/hostKey.js';
import { POST_LOGIN_STEPS } from './steps/index.js';
import { loginFailed, loginOk } from './steps/login.js';
import { reachFailed, reachOk } from './steps/reach.js';
import { scrub, scrubDeep } from './text.js';
import { Transcript } from './transcript.js';

export { identifyService } from './steps/handshake.js';

export interface AuthCheckOptions {
  signal?: AbortSignal;
  knownHosts: KnownHostsStore;
  onStep?: (s: AuthStep) => void;
  /** Asked when the host key is new and `acceptNewHostKey` is false; true trusts it. */
  confirmHostKey?: (k: HostKeyInfo) => Promise<boolean>;
}

/** Runs the whole check. Throws only for cancellation, bad input (`bad-request`) or an unreadable known-hosts store. */
export async function runAuthCheck(input: AuthRequestInput | AuthRequest, opts: AuthCheckOptions): Promise<AuthResult> {
  const parsed = authRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new SshError('bad-request', parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
  }
  const req = parsed.data;
  if (req.delegation === 'custom') {
    const problem = templateProblem(req.delegationCommand);
    if (problem) throw new SshError('bad-request', problem);
  }
  const { signal } = opts;
  const startedAt = new Date();
  const steps: AuthStep[] = [];
  const secrets = [req.password, req.passphrase, req.delegationPassword];
  const emit = (s: AuthStep): void => {
    // Defence in depth: no evidence string may carry a secret.
    const clean = scrubStep(s, secrets);
    steps.push(clean);
    opts.onStep?.(clean);
  };
  const emitted = (id: AuthStepId): boolean => steps.some((s) => s.id === id);
  const skipRest = (summary: string): void => {
    for (const id of AUTH_STEP_IDS) if (!emitted(id)) emit({ id, ok: null, ms: 0, reason: 'skipped', summary, data: { skipped: true } });
  };
  const state: RunState = { req, loginUid: null, rootCfg: null, acceptedFingerprint: null, credentials: {} };
  // Written by the host-key decision callback, read afterwards.
  const seen: { hostKey: HostKeyInfo | null } = { hostKey: null };
  // Every remote command and its output, redacted with this run's secrets as it is recorded.
  const transcript = new Transcript(req);

  const finish = (status: AuthStatus): AuthResult => {
    const result: AuthResult = {
      host: req.host,
      port: req.port,
      user: req.user,
      delegation: req.delegation,
      status,
      steps,
      hostKey: seen.hostKey,
      listening: stepData(steps, 'listening')?.ports ?? [],
      advice: [],
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      transcript: transcript.dropped > 0
        ? [...transcript.entries, { step: 'transcript', command: '', stdin: [], pty: false, exitCode: null, signal: null, timedOut: false, truncated: true, stdout: '', stderr: '', error: `${transcript.dropped} more commands ran; not kept (the transcript is full)`, ms: 0 }]
        : [...transcript.entries],
    };
    result.advice = credentialAdvice(result);
    return result;
  };

  await opts.knownHosts.load();
  throwIfAborted(signal);

  // Credentials: a key that cannot be read is reported at login, not thrown.
  let keyProblem: SshError | null = null;
  let keyFormat: string | null = null;
  if (req.privateKey !== undefined) {
    try {
      const k = loadPrivateKey(req.privateKey, req.passphrase);
      state.credentials.privateKey = k.parsed;
      keyFormat = `${k.format} ${k.type}${k.encrypted ? ' (passphrase-protected)' : ''}`;
    } catch (e) {
      keyProblem = isSshError(e) ? e : new SshError('key-unreadable', errorMessage(e));
    }
  }
  if (req.password !== undefined) state.credentials.password = req.password;
  if (req.agent) {
    const sockPath = process.env.SSH_AUTH_SOCK;
    if (sockPath) state.credentials.agent = sockPath;
  }

  // 1. reach
  let sock: net.Socket;
  {
    const t0 = Date.now();
    try {
      sock = await openTcp({ host: req.host, port: req.port, timeoutMs: req.timeoutMs, signal });
      emit(reachOk(req, sock.remoteAddress ?? null, Date.now() - t0));
    } catch (e) {
      if (isSshError(e) && e.code === 'aborted') throw e;
      emit(reachFailed(req, isSshError(e) ? e.code : 'connect-failed', errorMessage(e), Date.now() - t0));
      skipRest('Skipped: the SSH port is not reachable');
      return finish('not-attempted');
    }
  }

  // 2–4. handshake, host-key, login
  const trace: ConnectTrace = newTrace();
  const tSsh = Date.now();
  const known = opts.knownHosts.lookup(req.host, req.port);
  const decide = async (key: HostKeySeen): Promise<boolean> => {
    if (!emitted('handshake')) emit(handshakeOk(trace.remoteIdent, trace.atHostKey ?? Date.now() - tSsh));
    const t0 = Date.now();
    const check = await opts.knownHosts.check(req.host, req.port, key.blob);
    const base = { algorithm: key.algorithm, fingerprint: key.fingerprint };
    if (check.status === 'trusted') {
      seen.hostKey = { ...base, status: 'trusted' };
      state.acceptedFingerprint = key.fingerprint;
      emit(hostKeyTrusted(seen.hostKey, Date.now() - t0));
      return true;
    }
    if (check.status === 'changed') {
      seen.hostKey = { ...base, status: 'changed', ...(check.knownFingerprint ? { knownFingerprint: check.knownFingerprint } : {}) };
      emit(hostKeyChanged(seen.hostKey, Date.now() - t0));
      return false;
    }
    let accepted = req.acceptNewHostKey;
    if (!accepted && opts.confirmHostKey) {
      accepted = await opts.confirmHostKey({ ...base, status: 'new' });
    }
    if (accepted) {
      await opts.knownHosts.trust(req.host, req.port, key.blob);
      seen.hostKey = { ...base, status: 'accepted' };
      state.acceptedFingerprint = key.fingerprint;
      emit(hostKeyAccepted(seen.hostKey, Date.now() - t0));
      return true;
    }
    seen.hostKey = { ...base, status: 'new' };
    emit(hostKeyUnknown(seen.hostKey, Date.now() - t0));
    return false;
  };

  let conn: SshConnection;
  try {
    conn = await sshConnect({
      host: req.host,
      port: req.port,
      username: req.user,
      sock,
      timeoutMs: req.timeoutMs,
      signal,
      credentials: state.credentials,
      hostKeyDecision: decide,
      preferredHostKeyAlgorithms: [...new Set(known.map((k) => k.algorithm))],
      trace,
    });
  } catch (e) {
    if (isSshError(e) && e.code === 'aborted') throw e;
    const code = isSshError(e) ? e.code : 'connect-failed';
    const sshMs = Date.now() - tSsh - trace.decisionMs;
    if (!emitted('handshake')) {
      emit(handshakeFailed(code, trace, sshMs, req));
      skipRest('Skipped: no SSH handshake');
      return finish('not-attempted');
    }
    const stopped = seen.hostKey?.status === 'changed' || seen.hostKey?.status === 'new';
    if (code === 'host-key-rejected' || stopped) {
      skipRest(seen.hostKey?.status === 'changed' ? 'Skipped: the host key changed; nothing was sent' : 'Skipped: the host key was not accepted; nothing was sent');
      return finish('failed');
    }
    emit(loginFailed(code, trace, sshMs, keyProblem, req));
    skipRest('Skipped: login failed');
    return finish('failed');
  }

  try {
    emit(loginOk(req, trace, Math.max(0, (trace.atReady ?? 0) - (trace.atHandshake ?? trace.atHostKey ?? 0)), keyFormat, keyProblem));
    conn.transcript = transcript;
    const ctx = stepContext(state, conn, signal, emit);
    for (const step of POST_LOGIN_STEPS) {
      const t0 = Date.now();
      transcript.step = step.id;
      try {
        await step.run(ctx);
      } catch (e) {
        if (isSshError(e) && e.code === 'aborted') throw e;
        const message = errorMessage(e);
        emit({ id: step.id, ok: false, ms: Date.now() - t0, reason: 'step-error', summary: `${step.id} could not run: ${message}`, data: { error: message, code: isSshError(e) ? e.code : 'error' } });
      }
    }
    // Anything a broken step left out (elevate → uid-elevated) is reported, never silently missing.
    skipRest('not run');
    const root = stepData(steps, 'uid-elevated')?.uid === 0 || state.loginUid === 0;
    return finish(root ? 'passed' : 'passed-insufficient');
  } finally {
    conn.end();
  }
}

/** Removes secrets from every free-text value of a step (not from `id` / `reason`). Short secrets are left to the sources. */
function scrubStep<S extends AuthStep>(step: S, secrets: readonly (string | undefined)[]): S {
  const long = secrets.filter((x): x is string => typeof x === 'string' && x.length >= 4);
  if (long.length === 0) return step;
  return {
    ...step,
    summary: scrub(step.summary, long),
    ...(step.explanation !== undefined ? { explanation: scrub(step.explanation, long) } : {}),
    ...(step.data !== undefined ? { data: scrubDeep(step.data, long) } : {}),
  };
}
