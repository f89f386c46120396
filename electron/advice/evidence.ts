/**
 * Credential evidence: the facts the advice needs from a credential check, read from its steps in
 * exactly one place (`credentialEvidence`). Everything else in electron/advice reads these typed facts,
 * never `AuthStep.data`.
 * It reads the typed step contract (shared/authSteps.ts) only through `findStep`, `stepData` and
 * `didNotRun`: a skipped or broken step (`skipped`, `step-error`) is never taken as a failure.
 */
import {
  didNotRun,
  findStep,
  stepData,
  type AuthResult,
  type AuthStatus,
  type AuthStep,
  type AuthStepId,
  type DelegationMethod,
  type HostKeyInfo,
} from '../../shared/auth.js';

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

/** Reads the evidence of a credential check. The ONE place that reads step `reason`/`data`, only through findStep/stepData/didNotRun. */
export function credentialEvidence(auth: AuthResult): CredentialEvidence {
  const steps = auth.steps;
  /** A step that ran and failed (a skipped or broken step is not evidence of anything on the host). */
  const ranAndFailed = (s: AuthStep | undefined): AuthStep | undefined => (s !== undefined && s.ok === false && !didNotRun(s) ? s : undefined);
  const facts = (s: Pick<AuthStep, 'id' | 'reason' | 'summary' | 'explanation'>): StepFacts => ({ id: s.id, reason: s.reason ?? null, summary: s.summary, explanation: s.explanation ?? null });

  const hk = findStep(steps, 'host-key');
  const reach = ranAndFailed(findStep(steps, 'reach'));
  const handshake = ranAndFailed(findStep(steps, 'handshake'));
  const elevate = ranAndFailed(findStep(steps, 'elevate'));
  const uidElevated = ranAndFailed(findStep(steps, 'uid-elevated'));
  const el = elevate ?? uidElevated;
  const elevateData = elevate ? stepData(steps, 'elevate') : undefined;
  const rules = ranAndFailed(findStep(steps, 'sudo-rules'));
  const sessions = ranAndFailed(findStep(steps, 'sessions'));
  const login = ranAndFailed(findStep(steps, 'login'));
  const tmp = ranAndFailed(findStep(steps, 'tmp-exec'));
  const history = findStep(steps, 'history');
  const uid = stepData(steps, 'uid')?.uid;
  const running = stepData(steps, 'auditd')?.running;

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
    loginFailed: login ? facts(login) : null,
    elevation: el
      ? {
          ...facts(el),
          // uid-elevated fails without a reason of its own when delegation "worked" but did not give root.
          reason: el.reason ?? (el === uidElevated ? 'not-root' : null),
          visiblepw: elevateData?.visiblepw === true,
          ptyResult: elevateData?.ptyResult ?? null,
        }
      : null,
    sudoRules: rules ? { ...facts(rules), allowedAsRoot: [...(stepData(steps, 'sudo-rules')?.allowedAsRoot ?? [])] } : null,
    tmpFailed: tmp ? facts(tmp) : null,
    sessionsFailed: sessions ? { ...facts(sessions), requested: stepData(steps, 'sessions')?.requested ?? null } : null,
    loginUid: typeof uid === 'number' && Number.isInteger(uid) && uid >= 0 ? uid : null,
    history: history && !didNotRun(history) ? history.summary : null,
    auditdRunning: typeof running === 'boolean' ? running : null,
  };
}
