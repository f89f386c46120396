/**
 * The credential check: what an authenticated Unix scan does over SSH, step by step,
 * each step streamed as it completes and bounded by a timeout.
 */
import type net from 'node:net';
import {
  AUTH_STEP_IDS,
  authRequestSchema,
  type AuthRequest,
  type AuthRequestInput,
  type AuthResult,
  type AuthStatus,
  type AuthStep,
  type AuthStepId,
  type HostKeyInfo,
  type ListeningPort,
} from '../../shared/auth.js';
import { builtinProfile } from '../../shared/profiles.js';
import { AUDIT_KEY, AUDIT_RULES_FILE, auditRules, credentialAdvice } from '../advice/index.js';
import { newTrace, openTcp, sshConnect, type ConnectTrace, type Credentials, type HostKeySeen, type SshConnection } from './client.js';
import { become, ELEVATE_EXPLANATIONS, explainElevateFailure, isSudoFamily, methodNeedsPty, randomToken, templateProblem, type BecomeConfig, type BecomeOutcome } from './elevate.js';
import { errorMessage, isSshError, SshError, throwIfAborted } from './errors.js';
import type { KnownHostsStore } from './knownHosts.js';
import { loadPrivateKey } from './keys.js';
import { markCandidates, parseListening } from './listening.js';
import { shQuote, shScript } from './quote.js';
import { SCAN_COMMANDS } from './scanCommands.js';
import { parseSudoList } from './sudoRules.js';
import { clip, decodeOutput, scrub } from './text.js';

export interface AuthCheckOptions {
  signal?: AbortSignal;
  knownHosts: KnownHostsStore;
  onStep?: (s: AuthStep) => void;
  /** Asked when the host key is new and `acceptNewHostKey` is false; true trusts it. */
  confirmHostKey?: (k: HostKeyInfo) => Promise<boolean>;
}

/** Names the service behind a port from the first bytes it sent (after our SSH identification). */
export function identifyService(bytes: Buffer): { service: string; evidence: string } {
  const text = bytes.toString('latin1');
  const evidence = clip(decodeOutput(bytes).split('\n').slice(0, 3).join(' | '), 200);
  const b0 = bytes[0];
  if (/^HTTP\/\d/.test(text) || /^<(!doctype|html)/i.test(text)) return { service: 'HTTP', evidence };
  if (b0 === 0x15 || b0 === 0x16) return { service: 'TLS', evidence: `TLS record type 0x${b0.toString(16)}` };
  if (/^220[ -].*FTP/i.test(text)) return { service: 'FTP', evidence };
  if (/^220[ -]/.test(text)) return { service: /SMTP|mail|Postfix|Exim|Sendmail/i.test(text) ? 'SMTP' : 'SMTP or FTP', evidence };
  if (/^\+OK/.test(text)) return { service: 'POP3', evidence };
  if (/^\* OK/.test(text)) return { service: 'IMAP', evidence };
  if (/^RFB \d/.test(text)) return { service: 'VNC', evidence };
  if (/^SSH-1\.(?!99)/.test(text)) return { service: 'SSH protocol 1 only', evidence };
  return { service: 'an unknown non-SSH service', evidence };
}

const STEP_LABEL: Record<AuthStepId, string> = {
  reach: 'reach',
  handshake: 'handshake',
  'host-key': 'host-key',
  login: 'login',
  uid: 'uid',
  elevate: 'elevate',
  'uid-elevated': 'uid-elevated',
  'sudo-rules': 'sudo-rules',
  'tmp-exec': 'tmp-exec',
  sessions: 'sessions',
  commands: 'commands',
  listening: 'listening',
  history: 'history',
  auditd: 'auditd',
};

interface RunState {
  req: AuthRequest;
  conn: SshConnection | null;
  loginUid: number | null;
  /** How to reach root for later steps, when delegation worked. */
  rootCfg: BecomeConfig | null;
  hostKey: HostKeyInfo | null;
  acceptedFingerprint: string | null;
  credentials: Credentials;
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
  const skipRest = (why: string): void => {
    for (const id of AUTH_STEP_IDS) if (!emitted(id)) emit({ id, ok: null, ms: 0, summary: `Skipped: ${why}`, data: { skipped: true } });
  };
  const state: RunState = { req, conn: null, loginUid: null, rootCfg: null, hostKey: null, acceptedFingerprint: null, credentials: {} };

  const finish = (status: AuthStatus): AuthResult => {
    const listening = (steps.find((s) => s.id === 'listening')?.data?.ports as ListeningPort[] | undefined) ?? [];
    const result: AuthResult = {
      host: req.host,
      port: req.port,
      user: req.user,
      delegation: req.delegation,
      status,
      steps,
      hostKey: state.hostKey,
      listening,
      advice: [],
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
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
      emit({ id: 'reach', ok: true, ms: Date.now() - t0, summary: `TCP ${req.host}:${req.port} accepts connections`, data: { address: sock.remoteAddress ?? null } });
    } catch (e) {
      if (isSshError(e) && e.code === 'aborted') throw e;
      const code = isSshError(e) ? e.code : 'connect-failed';
      emit({ id: 'reach', ok: false, ms: Date.now() - t0, reason: code, summary: reachSummary(code, req), explanation: reachExplanation(code), data: { error: errorMessage(e) } });
      skipRest('the SSH port is not reachable');
      return finish('not-attempted');
    }
  }

  // 2–4. handshake, host-key, login
  const trace: ConnectTrace = newTrace();
  const tSsh = Date.now();
  const known = opts.knownHosts.lookup(req.host, req.port);
  const handshakeOk = (): void => {
    if (emitted('handshake')) return;
    emit({
      id: 'handshake',
      ok: true,
      ms: trace.atHostKey ?? Date.now() - tSsh,
      summary: `SSH server: ${trace.remoteIdent ?? 'unknown version'}`,
      data: { banner: trace.remoteIdent },
    });
  };
  const decide = async (seen: HostKeySeen): Promise<boolean> => {
    handshakeOk();
    const t0 = Date.now();
    const check = await opts.knownHosts.check(req.host, req.port, seen.blob);
    const base = { algorithm: seen.algorithm, fingerprint: seen.fingerprint };
    if (check.status === 'trusted') {
      state.hostKey = { ...base, status: 'trusted' };
      state.acceptedFingerprint = seen.fingerprint;
      emit({ id: 'host-key', ok: true, ms: Date.now() - t0, summary: `${seen.algorithm} ${seen.fingerprint} matches the known key`, data: { ...state.hostKey } });
      return true;
    }
    if (check.status === 'changed') {
      state.hostKey = { ...base, status: 'changed', ...(check.knownFingerprint ? { knownFingerprint: check.knownFingerprint } : {}) };
      emit({
        id: 'host-key',
        ok: false,
        ms: Date.now() - t0,
        reason: 'host-key-changed',
        summary: `HOST KEY CHANGED: ${seen.algorithm} ${seen.fingerprint}, expected ${check.knownFingerprint ?? 'a different key'}`,
        explanation:
          'The server presented a different host key than the one on record. This is what a man-in-the-middle looks like, or the host was reinstalled/re-keyed. ScanReady stopped before sending any password. Verify the new fingerprint with the host owner (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), then remove the old entry and re-run.',
        data: { ...state.hostKey },
      });
      return false;
    }
    let accepted = req.acceptNewHostKey;
    if (!accepted && opts.confirmHostKey) {
      accepted = await opts.confirmHostKey({ ...base, status: 'new' });
    }
    if (accepted) {
      await opts.knownHosts.trust(req.host, req.port, seen.blob);
      state.hostKey = { ...base, status: 'accepted' };
      state.acceptedFingerprint = seen.fingerprint;
      emit({ id: 'host-key', ok: true, ms: Date.now() - t0, summary: `${seen.algorithm} ${seen.fingerprint} is new: accepted and recorded (trust on first use)`, data: { ...state.hostKey } });
      return true;
    }
    state.hostKey = { ...base, status: 'new' };
    emit({
      id: 'host-key',
      ok: false,
      ms: Date.now() - t0,
      reason: 'host-key-unknown',
      summary: `${seen.algorithm} ${seen.fingerprint} is new and was not accepted`,
      explanation:
        'ScanReady has never seen this host key. Compare the fingerprint with the one on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and accept it (--accept-new-host-key in the CLI), or import your ~/.ssh/known_hosts. No credentials were sent.',
      data: { ...state.hostKey },
    });
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
      emit(handshakeFailure(code, trace, sshMs, req));
      skipRest('no SSH handshake');
      return finish('not-attempted');
    }
    if (code === 'host-key-rejected' || (state.hostKey && (state.hostKey.status === 'changed' || state.hostKey.status === 'new'))) {
      skipRest(state.hostKey?.status === 'changed' ? 'the host key changed; nothing was sent' : 'the host key was not accepted; nothing was sent');
      return finish('failed');
    }
    emit(loginFailure(code, trace, sshMs, keyProblem, req));
    skipRest('login failed');
    return finish('failed');
  }
  state.conn = conn;

  try {
    emit({
      id: 'login',
      ok: true,
      ms: Math.max(0, (trace.atReady ?? 0) - (trace.atHandshake ?? trace.atHostKey ?? 0)),
      summary: `logged in as ${req.user} with ${trace.usedMethod ?? 'unknown method'} (server offers: ${(trace.offeredMethods ?? []).join(', ') || 'nothing listed'})`,
      data: {
        method: trace.usedMethod,
        offeredMethods: trace.offeredMethods,
        tried: trace.tried,
        ...(keyFormat ? { keyFormat } : {}),
        ...(keyProblem ? { keyProblem: keyProblem.code } : {}),
      },
    });
    await postLogin(state, emit, emitted, signal);
    const elevatedUid = steps.find((s) => s.id === 'uid-elevated')?.data?.uid;
    const root = elevatedUid === 0 || state.loginUid === 0;
    return finish(root ? 'passed' : 'passed-insufficient');
  } finally {
    conn.end();
  }
}

async function postLogin(
  state: RunState,
  emit: (s: AuthStep) => void,
  emitted: (id: AuthStepId) => boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { req } = state;
  const conn = state.conn;
  if (!conn) return;
  const T = req.timeoutMs;

  const plain = async (script: string, timeoutMs = T): Promise<{ text: string; code: number | null; timedOut: boolean; truncated: boolean; ms: number }> => {
    throwIfAborted(signal);
    const r = await conn.exec(shScript(script), { timeoutMs, signal });
    return { text: decodeOutput(Buffer.concat([r.stdout, Buffer.from('\n'), r.stderr])), code: r.code, timedOut: r.timedOut, truncated: r.truncated, ms: r.ms };
  };
  /** Runs as root when delegation worked (or the login is root), else as the account. */
  const asRoot = async (script: string): Promise<{ text: string; root: boolean; timedOut: boolean; truncated: boolean; ms: number; code: number | null }> => {
    throwIfAborted(signal);
    if (state.rootCfg) {
      const b = await become(conn, state.rootCfg, script, { timeoutMs: T, signal });
      return { text: b.output, root: b.uid === 0, timedOut: b.timedOut, truncated: b.truncated, ms: b.ms, code: b.exitCode };
    }
    const r = await plain(script);
    return { ...r, root: state.loginUid === 0 };
  };
  const safely = async (id: AuthStepId, fn: () => Promise<void>): Promise<void> => {
    const t0 = Date.now();
    try {
      await fn();
    } catch (e) {
      if (isSshError(e) && e.code === 'aborted') throw e;
      emit({ id, ok: false, ms: Date.now() - t0, reason: isSshError(e) ? e.code : 'error', summary: `${STEP_LABEL[id]} could not run: ${errorMessage(e)}`, data: { error: errorMessage(e) } });
    }
  };

  // 5. uid
  await safely('uid', async () => {
    const r = await plain('id -u; id -un; id');
    const lines = r.text.split('\n').map((l) => l.trim());
    const uid = /^\d{1,10}$/.test(lines[0] ?? '') ? Number(lines[0]) : null;
    state.loginUid = uid;
    if (uid === null) {
      emit({
        id: 'uid',
        ok: false,
        ms: r.ms,
        reason: r.timedOut ? 'timeout' : 'exec-failed',
        summary: r.timedOut ? `id -u did not answer within ${T} ms` : 'could not run id -u: the account may not run commands (restricted shell, ForceCommand?)',
        data: { output: clip(r.text, 500) },
      });
      return;
    }
    emit({ id: 'uid', ok: true, ms: r.ms, summary: `effective UID ${uid} (${lines[1] ?? '?'})`, data: { uid, name: lines[1] ?? null, id: clip(lines[2] ?? '', 500) } });
  });

  // 6–7. elevate, uid-elevated
  await safely('elevate', async () => {
    const method = req.delegation;
    if (method === 'none') {
      emit({ id: 'elevate', ok: null, ms: 0, summary: 'no root delegation configured (method none)', data: { method } });
      const uid = state.loginUid;
      emit({
        id: 'uid-elevated',
        ok: uid === 0,
        ms: 0,
        ...(uid !== 0 ? { reason: 'not-root' } : {}),
        summary: uid === 0 ? 'logged in as root: no delegation needed' : `still UID ${uid ?? '?'}: without delegation the scan runs with insufficient privileges`,
        ...(uid !== 0 ? { explanation: ELEVATE_EXPLANATIONS['not-root'] } : {}),
        data: { uid },
      });
      return;
    }
    const password = method === 'su' ? req.delegationPassword : (req.delegationPassword ?? req.password);
    const cfg: BecomeConfig = {
      method,
      pty: methodNeedsPty(method),
      ...(password !== undefined ? { password } : {}),
      ...(req.delegationCommand !== undefined ? { template: req.delegationCommand } : {}),
    };
    const first = await become(conn, cfg, ':', { timeoutMs: T, signal });
    let final: BecomeOutcome = first;
    let requiretty = false;
    if (first.reason === 'requiretty' && !cfg.pty) {
      requiretty = true;
      const ptyCfg = { ...cfg, pty: true };
      final = await become(conn, ptyCfg, ':', { timeoutMs: T, signal });
      if (final.ok) state.rootCfg = ptyCfg;
    } else if (first.ok) {
      state.rootCfg = cfg;
    }
    let interactiveForm = false;
    if (!final.ok && final.reason === 'command-not-allowed' && method === 'sudo-su' && !final.pty) {
      // Rules may allow exactly `su -` (what the scanner runs): try the literal, interactive form.
      const iCfg = { ...cfg, interactive: true };
      const again = await become(conn, iCfg, ':', { timeoutMs: T, signal });
      if (again.ok) {
        final = again;
        interactiveForm = true;
        state.rootCfg = iCfg;
      } else if (again.reason === 'command-not-allowed') {
        final = again; // its evidence names the literal "su -" the scanner runs
      }
    }
    const label = delegationLabel(method, req.delegationCommand);
    const data = {
      method,
      command: label,
      pty: final.pty,
      promptSeen: final.promptSeen,
      passwordSent: final.passwordSent,
      markerSeen: final.markerSeen,
      exitCode: final.exitCode,
      evidence: final.evidence,
      ...(requiretty ? { requiretty: true, retriedWithPty: true, ptyResult: final.ok ? 'root' : (final.reason ?? 'failed') } : {}),
      ...(requiretty && first.visiblepw ? { visiblepw: true, firstEvidence: first.evidence } : {}),
      ...(interactiveForm ? { form: 'interactive', note: 'sudo allows only the literal "su -": commands were typed into the root shell, as the scanner does' } : {}),
    };
    if (requiretty) {
      emit({
        id: 'elevate',
        ok: false,
        ms: first.ms + final.ms,
        reason: 'requiretty',
        summary: first.visiblepw
          ? final.ok
            ? `${label}: sudo would not read the password without a terminal (Defaults !visiblepw) — failed without one, worked on a PTY`
            : `${label}: sudo would not read the password without a terminal (Defaults !visiblepw), and on a PTY it still failed (${final.reason ?? 'unknown'})`
          : final.ok
            ? `${label}: sudo requires a TTY (Defaults requiretty) — failed without one, worked on a PTY`
            : `${label}: sudo requires a TTY (Defaults requiretty), and on a PTY it still failed (${final.reason ?? 'unknown'})`,
        explanation:
          explainElevateFailure(method, 'requiretty', first.visiblepw) +
          (final.ok ? '' : ` On a PTY: ${explainElevateFailure(method, final.reason ?? 'not-root')}`),
        data,
      });
    } else if (final.ok) {
      emit({ id: 'elevate', ok: true, ms: final.ms, summary: `${label} gave a root shell${final.passwordSent ? ' (password prompt answered)' : ''}`, data });
    } else {
      const reason = final.reason ?? 'not-root';
      emit({
        id: 'elevate',
        ok: false,
        ms: final.ms,
        reason,
        summary: `${label} failed: ${reason}${final.evidence ? ` — "${clip(final.evidence.split('\n').filter(Boolean).slice(-2).join(' '), 200)}"` : ''}`,
        explanation: explainElevateFailure(method, reason, final.visiblepw),
        data,
      });
    }
    const uid = final.markerSeen ? final.uid : null;
    emit({
      id: 'uid-elevated',
      ok: uid === 0,
      ms: 0,
      ...(uid !== 0 ? { reason: 'not-root' } : {}),
      summary:
        uid === 0 ? 'effective UID 0 after delegation' : uid !== null ? `effective UID ${uid} after delegation: not root` : `no root shell: delegation failed (${final.reason ?? 'unknown'})`,
      ...(uid !== 0 ? { explanation: 'Without UID 0 the scan runs with insufficient privileges (the scanner reports "Passed*"): checks that need root give false negatives.' } : {}),
      data: { uid },
    });
  });

  // 8. sudo-rules
  await safely('sudo-rules', async () => {
    const password = req.delegation === 'su' ? req.password : (req.delegationPassword ?? req.password);
    const needPty = state.rootCfg?.pty === true && isSudoFamily(req.delegation);
    const r = await sudoList(conn, password, needPty, T, signal);
    const sudoish = isSudoFamily(req.delegation);
    if (r.missing) {
      emit({ id: 'sudo-rules', ok: sudoish ? false : null, ms: r.ms, reason: 'no-sudo', summary: 'sudo is not installed on the target', data: { output: r.evidence } });
      return;
    }
    if (r.failure === 'requiretty' && !needPty) {
      const again = await sudoList(conn, password, true, T, signal);
      Object.assign(r, again);
    }
    const parsedRules = parseSudoList(r.text);
    if (parsedRules.noSudo) {
      emit({
        id: 'sudo-rules',
        ok: sudoish ? false : null,
        ms: r.ms,
        reason: 'no-sudo-rules',
        summary: `sudo -l: ${req.user} may not run sudo on this host`,
        data: { restricted: false, noSudo: true, output: r.evidence },
      });
      return;
    }
    if (parsedRules.rules.length === 0) {
      emit({
        id: 'sudo-rules',
        ok: null,
        ms: r.ms,
        reason: r.failure ?? 'unparsed',
        summary: r.failure === 'password-required' ? 'sudo -l needs a password and none was given' : 'sudo -l listed no rules that could be read',
        data: { output: r.evidence },
      });
      return;
    }
    const restricted = parsedRules.restricted;
    if (restricted && parsedRules.rootShell && parsedRules.negations.length === 0) {
      emit({
        id: 'sudo-rules',
        ok: true,
        ms: r.ms,
        summary: `sudo rules list commands, but "${parsedRules.rootShell}" gives a full root shell: effectively unrestricted for the scanner`,
        data: { restricted: true, effectivelyAll: true, rootShell: parsedRules.rootShell, all: false, nopasswd: parsedRules.nopasswd, allowedAsRoot: parsedRules.allowedAsRoot.slice(0, 200), negations: [], rules: parsedRules.rules.slice(0, 100), defaults: parsedRules.defaults.slice(0, 100) },
      });
      return;
    }
    emit({
      id: 'sudo-rules',
      ok: !restricted,
      ms: r.ms,
      ...(restricted ? { reason: 'restricted' } : {}),
      summary: restricted
        ? `restricted sudo rules: ${parsedRules.allowedAsRoot.length} command(s) as root${parsedRules.negations.length ? `, ${parsedRules.negations.length} negated` : ''} instead of ALL`
        : `sudo rules allow ALL commands as root${parsedRules.nopasswd ? ' without a password (NOPASSWD)' : ' (with a password)'}`,
      ...(restricted
        ? {
            explanation:
              'The sudo rules list commands instead of ALL. Scanners add checks all the time, and new checks run new commands (or old ones with new arguments); a command missing from the list fails silently and the check reports a false negative — nobody is told. Qualys advises against granular rules for the scan account: grant ALL (audit it with auditd instead).',
          }
        : {}),
      data: {
        restricted,
        all: parsedRules.all,
        nopasswd: parsedRules.nopasswd,
        allowedAsRoot: parsedRules.allowedAsRoot.slice(0, 200),
        negations: parsedRules.negations.slice(0, 200),
        rules: parsedRules.rules.slice(0, 100),
        defaults: parsedRules.defaults.slice(0, 100),
      },
    });
  });

  // 9. tmp-exec
  await safely('tmp-exec', async () => {
    const token = randomToken();
    const script = [
      'if [ ! -d /tmp ]; then echo SRT:missing; exit 0; fi',
      'f=$(mktemp /tmp/scanready.XXXXXX 2>/dev/null) || f=/tmp/scanready.$$',
      'if ! ( : > "$f" ) 2>/dev/null; then echo SRT:not-writable; exit 0; fi',
      `printf '#!/bin/sh\\necho SRT-RAN-${token}\\n' > "$f"`,
      'chmod 700 "$f"',
      'out=$("$f" 2>&1); rc=$?',
      'rm -f "$f"',
      'echo "SRT:rc=$rc"',
      'echo "SRT:out=$out"',
      'echo "SRT:mount=$(grep -E "[[:space:]]/tmp[[:space:]]" /proc/mounts 2>/dev/null | head -n 1)"',
    ].join('; ');
    const r = await asRoot(script);
    const text = r.text;
    const mount = /SRT:mount=(.*)/.exec(text)?.[1]?.trim() ?? '';
    const as = r.root ? 'as root' : `as ${req.user}`;
    const data = { ranAs: r.root ? 'root' : req.user, mount: mount || null, output: clip(text, 1000) };
    if (text.includes('SRT:missing')) {
      emit({ id: 'tmp-exec', ok: false, ms: r.ms, reason: 'tmp-missing', summary: '/tmp does not exist', explanation: 'Most scanner checks are small scripts written to /tmp: without it they cannot run.', data });
    } else if (text.includes('SRT:not-writable')) {
      emit({ id: 'tmp-exec', ok: false, ms: r.ms, reason: 'tmp-not-writable', summary: `/tmp is not writable ${as}`, explanation: 'The scanner writes its check scripts to /tmp; if it cannot, those checks fail.', data });
    } else if (text.includes(`SRT-RAN-${token}`)) {
      emit({ id: 'tmp-exec', ok: true, ms: r.ms, summary: `wrote, ran and removed a script in /tmp ${as}`, data });
    } else if (/SRT:rc=/.test(text)) {
      const noexec = /\bnoexec\b/.test(mount);
      emit({
        id: 'tmp-exec',
        ok: false,
        ms: r.ms,
        reason: noexec ? 'noexec' : 'exec-failed',
        summary: noexec ? '/tmp is mounted noexec: a script written there cannot run' : `a script in /tmp did not run (${clip(/SRT:out=(.*)/.exec(text)?.[1] ?? '', 120)})`,
        explanation:
          'Scanners write most checks as small scripts to /tmp and execute them. With /tmp noexec those checks fail (false negatives). Allow exec on /tmp for the scan, or configure the scanner to use another writable, exec-allowed directory where it supports one.',
        data,
      });
    } else {
      emit({ id: 'tmp-exec', ok: false, ms: r.ms, reason: r.timedOut ? 'timeout' : 'exec-failed', summary: r.timedOut ? `the /tmp test did not finish within ${T} ms` : 'the /tmp test could not run', data });
    }
  });

  // 10. sessions
  await safely('sessions', async () => {
    emit(await sessionsStep(state, signal));
  });

  // 11. commands
  await safely('commands', async () => {
    const list = SCAN_COMMANDS.map(shQuote).join(' ');
    const script = `for c in ${list}; do p=$(command -v "$c" 2>/dev/null) && echo "SRC:$c:$p"; done; echo "SRU:$(uname -a 2>/dev/null)"; if [ -r /etc/os-release ]; then sed 's/^/SRO:/' /etc/os-release; fi`;
    const r = await asRoot(script);
    const present: { name: string; path: string }[] = [];
    const os: Record<string, string> = {};
    let uname = '';
    for (const line of r.text.split('\n')) {
      const c = /^SRC:([A-Za-z0-9_.+-]{1,40}):(.{1,300})$/.exec(line);
      if (c?.[1] && c[2] && SCAN_COMMANDS.includes(c[1])) present.push({ name: c[1], path: c[2] });
      const u = /^SRU:(.*)$/.exec(line);
      if (u?.[1]) uname = clip(u[1], 300);
      const o = /^SRO:([A-Z_]{1,40})=(.{0,200})$/.exec(line);
      if (o?.[1] && o[2] !== undefined) os[o[1]] = o[2].replace(/^"(.*)"$/, '$1');
    }
    const names = new Set(present.map((p) => p.name));
    const missing = SCAN_COMMANDS.filter((c) => !names.has(c));
    const osName = os.PRETTY_NAME ?? os.NAME ?? (uname.split(' ')[0] || 'unknown OS');
    emit({
      id: 'commands',
      ok: uname !== '',
      ms: r.ms,
      ...(uname === '' ? { reason: r.timedOut ? 'timeout' : 'exec-failed' } : {}),
      summary: `${present.length} of ${SCAN_COMMANDS.length} scan commands present ${r.root ? 'for root' : `for ${req.user}`}; ${osName}`,
      data: { present, missing, uname, os, ranAs: r.root ? 'root' : req.user },
    });
  });

  // 12. listening
  await safely('listening', async () => {
    const script =
      'if command -v netstat >/dev/null 2>&1 && out=$(netstat -anp 2>/dev/null) && [ -n "$out" ]; then echo SRL:netstat-anp; printf "%s\\n" "$out"; ' +
      'elif command -v ss >/dev/null 2>&1; then echo SRL:ss-tulpn; ss -tulpn 2>/dev/null; ' +
      'elif command -v netstat >/dev/null 2>&1; then echo SRL:netstat-an; netstat -an 2>/dev/null; else echo SRL:none; fi';
    const r = await asRoot(script);
    const tool = /SRL:([a-z-]+)/.exec(r.text)?.[1] ?? null;
    if (tool === null || tool === 'none') {
      emit({ id: 'listening', ok: false, ms: r.ms, reason: r.timedOut ? 'timeout' : 'no-tool', summary: 'neither netstat nor ss is available (or they printed nothing)', data: { ports: [] } });
      return;
    }
    const profile = builtinProfile(req.profile);
    const ports = markCandidates(parseListening(r.text), profile);
    const candidates = ports.filter((p) => p.candidate);
    emit({
      id: 'listening',
      ok: true,
      ms: r.ms,
      summary: `${ports.length} listening socket(s) via ${tool.replace('-', ' -')}; ${candidates.length} not in profile ${req.profile}${profile ? '' : ' (unknown profile: no comparison)'}`,
      data: {
        tool,
        ranAs: r.root ? 'root' : req.user,
        truncated: r.truncated,
        ports,
        candidates: candidates.map((p) => `${p.protocol}/${p.port}`),
      },
    });
  });

  // informational: history, auditd
  await safely('history', async () => {
    const script =
      'h=$(getent passwd root 2>/dev/null | cut -d: -f6); s=$(getent passwd root 2>/dev/null | cut -d: -f7); echo "SRH:shell=$s"; echo "SRH:home=$h"; ' +
      'for f in .bash_history .sh_history .zsh_history .history; do if [ -f "$h/$f" ]; then echo "SRH:file=$f:$(wc -l < "$h/$f" 2>/dev/null)"; fi; done; ' +
      'grep -hsE "^[^#]*(HISTFILE|HISTSIZE|HISTFILESIZE|HISTCONTROL)" /etc/profile /etc/bash.bashrc "$h/.bashrc" "$h/.profile" "$h/.bash_profile" 2>/dev/null | head -n 20 | sed "s/^/SRH:set=/"';
    const r = await asRoot(script);
    const files = [...r.text.matchAll(/SRH:file=([^:\n]+):\s*(\d+)/g)].map((m) => ({ file: m[1] ?? '', lines: Number(m[2] ?? 0) }));
    const settings = [...r.text.matchAll(/SRH:set=(.*)/g)].map((m) => clip((m[1] ?? '').trim(), 200));
    const shell = /SRH:shell=(.*)/.exec(r.text)?.[1]?.trim() ?? null;
    emit({
      id: 'history',
      ok: null,
      ms: r.ms,
      summary: files.length
        ? `root's shell history is written (${files.map((f) => `~root/${f.file}: ${f.lines} lines`).join(', ')}); an interactive "sudo su -" can add scanner commands to it`
        : r.root
          ? "root has no shell history file"
          : "root's history could not be inspected without root",
      explanation:
        'Informational. A shell history file is a convenience for people, not an audit log: it is easily edited or removed and is bounded by HISTSIZE. Non-interactive commands (how the scanner runs) are normally not written to it. To audit what the scan account does, use auditd.',
      data: { rootShell: shell, files, settings, inspectedAsRoot: r.root },
    });
  });

  await safely('auditd', async () => {
    const script =
      'if pidof auditd >/dev/null 2>&1 || pgrep -x auditd >/dev/null 2>&1; then echo SRA:running; else echo SRA:not-running; fi; ' +
      'if command -v auditctl >/dev/null 2>&1; then echo SRA:auditctl; auditctl -s 2>/dev/null | head -n 8 | sed "s/^/SRA:s=/"; fi';
    const r = await asRoot(script);
    const running = r.text.includes('SRA:running');
    const uid = state.loginUid ?? '<scan-account-uid>';
    // The rule, its key and file are the advice's (electron/advice): one name on the host for everything ScanReady adds.
    const [rule = '', rule32 = ''] = auditRules(String(uid));
    emit({
      id: 'auditd',
      ok: null,
      ms: r.ms,
      summary: running ? 'auditd is running: the scan account can be audited properly' : 'auditd is not running: nothing audits what the scan account does',
      explanation: `Informational. auditd, not shell history, is the mechanism to audit the scan account. Add the rules in ${AUDIT_RULES_FILE}: "${rule}" and "${rule32}", load them with "augenrules --load", read them with "ausearch -k ${AUDIT_KEY}", and forward the logs off the host (SIEM).`,
      data: { running, auditctl: r.text.includes('SRA:auditctl'), status: [...r.text.matchAll(/SRA:s=(.*)/g)].map((m) => clip(m[1] ?? '', 200)), rule },
    });
  });

  // Anything a crashed step left out is reported, never silently missing.
  for (const id of AUTH_STEP_IDS) {
    if (!emitted(id)) emit({ id, ok: null, ms: 0, summary: 'not run', data: { skipped: true } });
  }
}

/** Removes secrets from every free-text value of a step (not from `id` / `reason`). Short secrets are left to the sources. */
function scrubStep(step: AuthStep, secrets: readonly (string | undefined)[]): AuthStep {
  const long = secrets.filter((x): x is string => typeof x === 'string' && x.length >= 4);
  if (long.length === 0) return step;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrub(v, long);
    if (depth > 8 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  return {
    ...step,
    summary: scrub(step.summary, long),
    ...(step.explanation !== undefined ? { explanation: scrub(step.explanation, long) } : {}),
    ...(step.data !== undefined ? { data: walk(step.data, 0) as Record<string, unknown> } : {}),
  };
}

interface SudoListResult {
  text: string;
  evidence: string;
  missing: boolean;
  failure: string | null;
  ms: number;
}

async function sudoList(conn: SshConnection, password: string | undefined, pty: boolean, timeoutMs: number, signal: AbortSignal | undefined): Promise<SudoListResult> {
  const token = randomToken();
  const prompt = `[scanready-sudo-l-${token}] password:`;
  const hasPw = password !== undefined && password !== '';
  const cmd = hasPw ? `sudo ${pty ? '' : '-S '}-p ${shQuote(prompt)} -l` : 'sudo -n -l';
  let answered = 0;
  let failure: string | null = null;
  const r = await conn.exec(shScript(`${cmd} 2>&1; echo "SRS:rc=$?"`), {
    timeoutMs,
    pty,
    signal,
    interactive: true,
    onOutput: (ctl) => {
      const n = ctl.text.split(prompt).length - 1;
      if (n > answered) {
        if (answered > 0 || !hasPw) {
          failure = answered > 0 ? 'wrong-password' : 'password-required';
          ctl.finish();
          return;
        }
        answered = n;
        ctl.write(`${password ?? ''}\n`);
      }
    },
  });
  const text = scrub(decodeOutput(Buffer.concat([r.stdout, Buffer.from('\n'), r.stderr])), [password]);
  const rc = /SRS:rc=(\d+)/.exec(text)?.[1];
  const missing = rc === '127';
  if (failure === null) {
    if (/must have a tty/i.test(text)) failure = 'requiretty';
    else if (/a password is required/i.test(text)) failure = 'password-required';
    else if (r.timedOut) failure = 'timeout';
  }
  return { text: text.replace(/SRS:rc=\d+/, ''), evidence: clip(text.split(prompt).join('').trim(), 3000), missing, failure, ms: r.ms };
}

async function sessionsStep(state: RunState, signal: AbortSignal | undefined): Promise<AuthStep> {
  const { req } = state;
  const conn = state.conn;
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
    try {
      const r = await c.exec('true', { timeoutMs: req.timeoutMs, signal, openRetries: 0 });
      if (r.timedOut) throw new SshError('timeout', 'command timed out');
    } finally {
      c.end();
    }
  });
  const connResults = await Promise.allSettled(conns);
  throwIfAborted(signal);
  const channelResults = conn
    ? await Promise.allSettled(
        Array.from({ length: n }, async () => {
          const r = await conn.exec('echo ok', { timeoutMs: req.timeoutMs, signal, openRetries: 0 });
          if (r.timedOut) throw new SshError('timeout', 'command timed out');
        }),
      )
    : [];
  const tally = (rs: PromiseSettledResult<unknown>[]): { ok: number; failed: number; errors: Record<string, number>; messages: string[] } => {
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
  };
  const connections = tally(connResults);
  const channels = tally(channelResults);
  const data = { requested: n, connections, channels };
  if (connections.failed === 0 && channels.failed === 0) {
    return { id: 'sessions', ok: true, ms: Date.now() - t0, summary: `${n} parallel SSH connections and ${n} parallel sessions on one connection all worked`, data };
  }
  const ce = connections.errors;
  let reason = 'throttled';
  let why: string;
  if (channels.failed > 0 && connections.failed === 0) {
    reason = 'max-sessions';
    why = `only ${channels.ok} of ${n} sessions could be opened on one connection: sshd MaxSessions limits them`;
  } else if ((ce['connection-refused'] ?? 0) > 0) {
    reason = 'banned';
    why = `${ce['connection-refused']} of ${n} connections were refused part-way: a ban (fail2ban, sshguard) or connection rate limit`;
  } else if ((ce['max-startups'] ?? 0) + (ce['closed-before-banner'] ?? 0) + (ce['connection-lost'] ?? 0) + (ce['handshake-failed'] ?? 0) + (ce['connection-reset'] ?? 0) > 0) {
    reason = 'max-startups';
    why = `${connections.failed} of ${n} parallel connections were dropped before login: sshd MaxStartups (default 10:30:100) throttles unauthenticated connections`;
  } else if ((ce['auth-failed'] ?? 0) > 0) {
    reason = 'auth-throttled';
    why = `${ce['auth-failed']} of ${n} parallel logins were rejected though the same credentials worked once (PAM lockout, MaxAuthTries or a ban?)`;
  } else if ((ce.timeout ?? 0) + (ce['no-banner'] ?? 0) + (ce['handshake-timeout'] ?? 0) + (ce['login-timeout'] ?? 0) > 0) {
    reason = 'timeout';
    why = `${connections.failed} of ${n} parallel connections timed out`;
  } else {
    why = `${connections.failed} connection(s) and ${channels.failed} session(s) failed`;
  }
  if (channels.failed > 0 && reason !== 'max-sessions') why += `; also only ${channels.ok} of ${n} sessions on one connection (MaxSessions)`;
  return {
    id: 'sessions',
    ok: false,
    ms: Date.now() - t0,
    reason,
    summary: why,
    explanation:
      'Scanners open many SSH sessions (Qualys: many separate connections so each check gets a clean shell). When sshd or a ban throttles them, checks fail at random and results differ between scans. Raise MaxSessions/MaxStartups in sshd_config for the scanner, and whitelist the scanner in fail2ban/sshguard.',
    data,
  };
}

function delegationLabel(method: string, template: string | undefined): string {
  switch (method) {
    case 'sudo-su':
      return 'sudo su -';
    case 'custom':
      return `custom (${clip(template ?? '', 100)})`;
    default:
      return method;
  }
}

function reachSummary(code: string, req: AuthRequest): string {
  const where = `${req.host}:${req.port}`;
  switch (code) {
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

function reachExplanation(code: string): string {
  switch (code) {
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

function handshakeFailure(code: string, trace: ConnectTrace, ms: number, req: AuthRequest): AuthStep {
  const banner = trace.remoteIdent;
  if (code === 'not-ssh') {
    const svc = identifyService(trace.firstBytes);
    return {
      id: 'handshake',
      ok: false,
      ms,
      reason: 'not-ssh',
      summary: `port ${req.port} speaks ${svc.service}, not SSH`,
      explanation: `The service on port ${req.port} is not an SSH server (it answered like ${svc.service}). The scanner's Unix authentication cannot work there: point the record at the real SSH port.`,
      data: { service: svc.service, firstBytes: svc.evidence },
    };
  }
  if (code === 'no-banner') {
    return {
      id: 'handshake',
      ok: false,
      ms,
      reason: 'no-banner',
      summary: `port ${req.port} accepted the connection but sent nothing within ${req.timeoutMs} ms`,
      explanation: 'An SSH server sends its version line right away. Silence means another protocol that waits for the client, a proxy, or a stalled sshd (overloaded, DNS lookups with UseDNS).',
      data: { banner: null },
    };
  }
  if (code === 'max-startups') {
    return {
      id: 'handshake',
      ok: false,
      ms,
      reason: 'max-startups',
      summary: `sshd refused the connection: Exceeded MaxStartups (too many unauthenticated connections)`,
      explanation: 'sshd drops new connections while too many others are still logging in (MaxStartups, default 10:30:100). A scanner opening many sessions hits this at random. Raise MaxStartups for the scan window.',
      data: { banner: null, firstBytes: clip(decodeOutput(trace.firstBytes), 200) },
    };
  }
  if (code === 'closed-before-banner') {
    return {
      id: 'handshake',
      ok: false,
      ms,
      reason: 'closed-before-banner',
      summary: `port ${req.port} closed the connection before sending an SSH banner`,
      explanation: 'sshd dropped the connection before the handshake: MaxStartups throttling, tcp_wrappers (hosts.deny), a fail2ban/sshguard ban, or an sshd that cannot start its session.',
      data: { banner: null },
    };
  }
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

function loginFailure(code: string, trace: ConnectTrace, ms: number, keyProblem: SshError | null, req: AuthRequest): AuthStep {
  const offered = trace.offeredMethods ?? [];
  const data = { offeredMethods: trace.offeredMethods, tried: trace.tried, ...(keyProblem ? { keyProblem: keyProblem.code } : {}) };
  const have: string[] = [];
  if (req.password !== undefined) have.push('password', 'keyboard-interactive');
  if (req.privateKey !== undefined && !keyProblem) have.push('publickey');
  if (req.agent) have.push('publickey');
  if (code === 'auth-failed' && keyProblem && !have.some((m) => offered.includes(m))) {
    return {
      id: 'login',
      ok: false,
      ms,
      reason: keyProblem.code,
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
    reason: code,
    summary: code === 'login-timeout' ? `login did not complete within ${req.timeoutMs} ms` : `the connection ended during login (${code})`,
    explanation: 'The server stopped answering or closed the connection during authentication (LoginGraceTime, a ban, MaxAuthTries, an overloaded host).',
    data,
  };
}

