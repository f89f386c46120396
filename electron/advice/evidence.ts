/**
 * Credential evidence: the facts the advice needs from a credential check, read from its steps in
 * exactly one place (`credentialEvidence`). Everything else in electron/advice reads these typed facts,
 * never `AuthStep.data`.
 *
 * AT MERGE with the typed step contract (wt/cred: shared/authSteps.ts): only this function's body
 * changes — `find(id)` becomes `findStep(auth.steps, id)`, `ran(s)` becomes `!didNotRun(s)`, and the
 * `data` reads become `stepData(auth.steps, id)?.field` (no casts).
 */
import type { AuthResult, AuthStatus, AuthStep, AuthStepId, DelegationMethod, HostKeyInfo } from '../../shared/auth.js';

/** What a failed step said, for the `why` of an advice item. */
export interface StepFacts {
  id: AuthStepId;
  /** Machine-readable reason (`wrong-password`, `noexec`, `banned`, ...), when the step gave one. */
  reason: string | null;
  summary: string;
  explanation: string | null;
}

/** Root delegation did not give uid 0. */
export interface ElevationFacts extends StepFacts {
  /** sudo refused to read a password without a terminal (Defaults !visiblepw), not requiretty. */
  visiblepw: boolean;
  /** After a requiretty failure, how the retry on a PTY ended (`root`, `password-required`, ...). */
  ptyResult: string | null;
}

export interface SudoRulesFacts extends StepFacts {
  /** Commands `sudo -l` lists as allowed as root (a restricted rule). */
  allowedAsRoot: string[];
}

export interface SessionsFacts extends StepFacts {
  /** How many parallel sessions the check opened. */
  requested: number | null;
}

export interface CredentialEvidence {
  user: string;
  host: string;
  port: number;
  delegation: DelegationMethod;
  status: AuthStatus;
  hostKey: HostKeyInfo | null;
  /** The host presented a key other than the trusted one. */
  hostKeyChanged: boolean;
  /** The key is new and was not accepted. */
  hostKeyUnknown: StepFacts | null;
  /** No usable SSH service: the TCP connection (`reach`) or the SSH handshake failed. */
  noSsh: (StepFacts & { connected: boolean }) | null;
  loginFailed: StepFacts | null;
  elevation: ElevationFacts | null;
  sudoRules: SudoRulesFacts | null;
  tmpFailed: StepFacts | null;
  sessionsFailed: SessionsFacts | null;
  /** The login UID (`id -u`), for the auditd rule. */
  loginUid: number | null;
  /** The history step's summary (informational). */
  history: string | null;
  /** Whether auditd runs on the host; null when not known. */
  auditdRunning: boolean | null;
}

/** Reads the evidence of a credential check. The ONE place that reads step `reason`/`data`. */
export function credentialEvidence(auth: AuthResult): CredentialEvidence {
  const find = (id: AuthStepId): AuthStep | undefined => auth.steps.find((s) => s.id === id);
  const ran = (s: AuthStep): boolean => s.data?.['skipped'] !== true;
  const failed = (id: AuthStepId): AuthStep | undefined => {
    const s = find(id);
    return s !== undefined && s.ok === false && ran(s) ? s : undefined;
  };
  const facts = (s: AuthStep): StepFacts => ({ id: s.id, reason: s.reason ?? null, summary: s.summary, explanation: s.explanation ?? null });
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : null);

  const hk = find('host-key');
  const reach = failed('reach');
  const handshake = failed('handshake');
  const elevate = failed('elevate');
  const uidElevated = failed('uid-elevated');
  const el = elevate ?? uidElevated;
  const rules = failed('sudo-rules');
  const sessions = failed('sessions');
  const allowed = rules?.data?.['allowedAsRoot'];
  const auditd = find('auditd');
  const history = find('history');
  const running = auditd && ran(auditd) ? auditd.data?.['running'] : undefined;

  return {
    user: auth.user,
    host: auth.host,
    port: auth.port,
    delegation: auth.delegation,
    status: auth.status,
    hostKey: auth.hostKey,
    hostKeyChanged: auth.hostKey?.status === 'changed' || hk?.reason === 'host-key-changed',
    hostKeyUnknown: hk && hk.ok === false && hk.reason === 'host-key-unknown' ? facts(hk) : null,
    noSsh: reach ? { ...facts(reach), connected: false } : handshake ? { ...facts(handshake), connected: true } : null,
    loginFailed: (() => {
      const s = failed('login');
      return s ? facts(s) : null;
    })(),
    elevation: el
      ? {
          ...facts(el),
          // uid-elevated fails without a reason of its own when delegation "worked" but did not give root.
          reason: el.reason ?? (el === uidElevated ? 'not-root' : null),
          visiblepw: el.data?.['visiblepw'] === true,
          ptyResult: typeof el.data?.['ptyResult'] === 'string' ? el.data['ptyResult'] : null,
        }
      : null,
    sudoRules: rules ? { ...facts(rules), allowedAsRoot: Array.isArray(allowed) ? allowed.map(String) : [] } : null,
    tmpFailed: (() => {
      const s = failed('tmp-exec');
      return s ? facts(s) : null;
    })(),
    sessionsFailed: sessions ? { ...facts(sessions), requested: num(sessions.data?.['requested']) } : null,
    loginUid: num(find('uid')?.data?.['uid']),
    history: history && ran(history) ? history.summary : null,
    auditdRunning: typeof running === 'boolean' ? running : null,
  };
}
