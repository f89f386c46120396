/**
 * The credential check's steps as a typed contract: one discriminated union over the step id,
 * with each step's `reason` and `data` typed. Field names are a contract (IPC, web mode,
 * `scanready auth --json`, bundles). Every consumer reads steps through `findStep` / `stepData`
 * (or narrows on `id`), never through casts.
 */

export const AUTH_STEP_IDS = [
  'reach',
  'handshake',
  'host-key',
  'login',
  'uid',
  'elevate',
  'uid-elevated',
  'sudo-rules',
  'tmp-exec',
  'sessions',
  'commands',
  'listening',
  'history',
  'auditd',
] as const;
export type AuthStepId = (typeof AUTH_STEP_IDS)[number];

export const DELEGATION_METHODS = ['sudo-su', 'sudo', 'su', 'pbrun', 'dzdo', 'doas', 'none', 'custom'] as const;
export type DelegationMethod = (typeof DELEGATION_METHODS)[number];

/** Why root delegation failed. */
export const ELEVATE_FAILURES = [
  'password-required',
  'wrong-password',
  'not-in-sudoers',
  'requiretty',
  'command-not-allowed',
  'not-root',
  'timeout',
  'unsupported-method',
] as const;
export type ElevateFailure = (typeof ELEVATE_FAILURES)[number];

export interface HostKeyInfo {
  algorithm: string;
  /** `SHA256:...` as OpenSSH prints it. */
  fingerprint: string;
  /** `trusted` (known and matching), `new` (first contact), `accepted` (new, accepted this run), `changed` (MISMATCH). */
  status: 'trusted' | 'new' | 'accepted' | 'changed';
  knownFingerprint?: string;
}

export interface ListeningPort {
  protocol: 'tcp' | 'udp' | 'tcp6' | 'udp6';
  address: string;
  port: number;
  process: string | null;
  /** True when the port is not in the chosen discovery profile: a custom-port candidate. */
  candidate: boolean;
}

/** One sudoers rule as `sudo -l` printed it. */
export interface SudoRule {
  /** Run-as spec, e.g. `ALL : ALL`, `root`; empty when omitted (root). */
  runAs: string;
  tags: string[];
  commands: string[];
}

// ---------------------------------------------------------------------------------------------
// Reasons, per step (machine-readable; the texts for people are in `summary` / `explanation`)
// ---------------------------------------------------------------------------------------------

/** The TCP connection to the SSH port failed. */
export const REACH_FAILURES = [
  'connection-refused',
  'timeout',
  'host-unreachable',
  'network-unreachable',
  'dns-failed',
  'connection-reset',
  'permission-denied',
  'connect-failed',
] as const;
export type ReachFailure = (typeof REACH_FAILURES)[number];

/** The SSH handshake (banner, key exchange) failed. */
export const HANDSHAKE_FAILURES = ['not-ssh', 'no-banner', 'max-startups', 'closed-before-banner', 'handshake-timeout', 'handshake-failed'] as const;
export type HandshakeFailure = (typeof HANDSHAKE_FAILURES)[number];

export type HostKeyFailure = 'host-key-changed' | 'host-key-unknown';

/** A private key that could not be used (no key was offered). */
export const KEY_PROBLEMS = ['key-unreadable', 'key-unsupported', 'passphrase-required', 'wrong-passphrase'] as const;
export type KeyProblem = (typeof KEY_PROBLEMS)[number];

/** Login failed, or the connection ended during login. */
export const LOGIN_FAILURES = [
  'auth-failed',
  'no-supported-method',
  ...KEY_PROBLEMS,
  'login-timeout',
  'connection-lost',
  'connection-reset',
  'connect-failed',
  'handshake-failed',
  'handshake-timeout',
] as const;
export type LoginFailure = (typeof LOGIN_FAILURES)[number];

/** A remote command that did not produce its answer. */
export type ExecFailure = 'timeout' | 'exec-failed';

/** `sudo -l` could not list the rules, or listed something other than ALL. */
export type SudoRulesReason = 'no-sudo' | 'no-sudo-rules' | 'restricted' | 'unparsed' | 'requiretty' | 'password-required' | 'wrong-password' | 'timeout';

export type TmpExecFailure = 'tmp-missing' | 'tmp-not-writable' | 'noexec' | ExecFailure;

/** Parallel connections or sessions were refused. */
export type SessionsFailure = 'throttled' | 'max-sessions' | 'banned' | 'max-startups' | 'auth-throttled' | 'timeout';

export type ListeningFailure = 'timeout' | 'no-tool';

/** Reasons per step id (`never`: the step has no failure of its own). */
export interface AuthStepReasons {
  reach: ReachFailure;
  handshake: HandshakeFailure;
  'host-key': HostKeyFailure;
  login: LoginFailure;
  uid: ExecFailure;
  elevate: ElevateFailure;
  'uid-elevated': 'not-root';
  'sudo-rules': SudoRulesReason;
  'tmp-exec': TmpExecFailure;
  sessions: SessionsFailure;
  commands: ExecFailure;
  listening: ListeningFailure;
  history: never;
  auditd: never;
}

// ---------------------------------------------------------------------------------------------
// Evidence, per step. Never contains secrets.
// ---------------------------------------------------------------------------------------------

export interface ReachData {
  /** The peer address once connected. */
  address?: string | null;
  /** The OS error when the connection failed. */
  error?: string;
}

export interface HandshakeData {
  /** The server's identification line (`SSH-2.0-...`), when it sent one. */
  banner?: string | null;
  /** `not-ssh`: what the port speaks instead. */
  service?: string;
  /** The first bytes the port sent, cleaned and clipped. */
  firstBytes?: string;
}

export type HostKeyData = HostKeyInfo;

export interface LoginData {
  /** The method that logged in (`password`, `publickey`, `keyboard-interactive`, `agent`). */
  method?: string | null;
  offeredMethods: string[] | null;
  tried: string[];
  /** e.g. `OpenSSH ed25519 (passphrase-protected)`. */
  keyFormat?: string;
  keyProblem?: string;
}

export interface UidData {
  uid: number | null;
  /** `id -un`. */
  name?: string | null;
  /** The whole `id` line. */
  id?: string;
  /** What the account printed instead, when the uid could not be read. */
  output?: string;
}

export interface ElevateData {
  method: DelegationMethod;
  /** The delegation as the scanner would run it, e.g. `sudo su -`. */
  command?: string;
  pty?: boolean;
  promptSeen?: boolean;
  passwordSent?: boolean;
  markerSeen?: boolean;
  exitCode?: number | null;
  /** What sudo/su printed before the root shell (secrets removed). */
  evidence?: string;
  /** `requiretty`: the first attempt failed for want of a terminal and was retried on a PTY. */
  requiretty?: true;
  retriedWithPty?: true;
  /** How the PTY retry ended: `root`, or its own failure reason. */
  ptyResult?: 'root' | ElevateFailure;
  /** sudo refused to read the password without a terminal (Defaults !visiblepw). */
  visiblepw?: true;
  firstEvidence?: string;
  /** sudo allows only the literal `su -`: commands were typed into the root shell. */
  form?: 'interactive';
  note?: string;
}

export interface UidElevatedData {
  uid: number | null;
}

export interface SudoRulesData {
  /** `sudo -l` output (secrets removed), when the rules could not be read. */
  output?: string;
  restricted?: boolean;
  noSudo?: true;
  /** The rules list commands, but one of them is a root shell. */
  effectivelyAll?: true;
  rootShell?: string | null;
  all?: boolean;
  nopasswd?: boolean;
  allowedAsRoot?: string[];
  negations?: string[];
  rules?: SudoRule[];
  defaults?: string[];
}

export interface TmpExecData {
  /** `root` or the account name. */
  ranAs: string;
  /** The /tmp line of the mount table, when it could be read. */
  mount: string | null;
  output: string;
}

export interface SessionTally {
  ok: number;
  failed: number;
  /** Failure codes and how often each came. */
  errors: Record<string, number>;
  /** The first few error messages. */
  messages: string[];
}

export interface SessionsData {
  requested: number;
  /** Separate SSH connections in parallel. */
  connections: SessionTally;
  /** Sessions (channels) in parallel on the first connection. */
  channels: SessionTally;
}

export interface CommandsData {
  present: { name: string; path: string }[];
  missing: string[];
  uname: string;
  /** /etc/os-release fields. */
  os: Record<string, string>;
  ranAs: string;
}

export type ListeningTool = 'netstat-anp' | 'ss-tulpn' | 'netstat-an';

export interface ListeningData {
  tool?: ListeningTool;
  ranAs?: string;
  truncated?: boolean;
  ports: ListeningPort[];
  /** `tcp/8080`-style labels of the candidate ports. */
  candidates?: string[];
}

export interface HistoryData {
  rootShell: string | null;
  files: { file: string; lines: number }[];
  settings: string[];
  inspectedAsRoot: boolean;
}

export interface AuditdData {
  running: boolean;
  auditctl: boolean;
  /** `auditctl -s` lines. */
  status: string[];
  /** The audit rule for the scan account (64-bit syscalls). */
  rule: string;
  /** Both audit rules (64- and 32-bit syscalls), as the explanation asks for them; absent in results saved before. */
  rules?: string[];
}

/** Evidence per step id. */
export interface AuthStepDataMap {
  reach: ReachData;
  handshake: HandshakeData;
  'host-key': HostKeyData;
  login: LoginData;
  uid: UidData;
  elevate: ElevateData;
  'uid-elevated': UidElevatedData;
  'sudo-rules': SudoRulesData;
  'tmp-exec': TmpExecData;
  sessions: SessionsData;
  commands: CommandsData;
  listening: ListeningData;
  history: HistoryData;
  auditd: AuditdData;
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

interface StepCommon {
  ms: number;
  /** One line for humans. */
  summary: string;
  /** Longer plain-words explanation of a failure and what it means for the scan. */
  explanation?: string;
}

/** A step that ran: its own reasons and evidence. */
export interface RanStep<Id extends AuthStepId> extends StepCommon {
  id: Id;
  /** true passed, false failed, null informational. */
  ok: boolean | null;
  /** Machine-readable failure reason. */
  reason?: AuthStepReasons[Id];
  /** Step-specific evidence. The engine always fills it. */
  data?: AuthStepDataMap[Id];
}

/** A step that was not run because an earlier one failed (or the run ended). */
export interface SkippedStep<Id extends AuthStepId> extends StepCommon {
  id: Id;
  ok: null;
  reason: 'skipped';
  data: { skipped: true };
}

/** A step that could not run at all (its command channel failed, an unexpected error). */
export interface BrokenStep<Id extends AuthStepId> extends StepCommon {
  id: Id;
  ok: false;
  reason: 'step-error';
  /** `code`: the engine's error code (e.g. `channel-open-failed`, `connection-lost`). */
  data: { error: string; code: string };
}

export type AuthStepOf<Id extends AuthStepId> = RanStep<Id> | SkippedStep<Id> | BrokenStep<Id>;

/** One step of the credential check, discriminated by `id`, then by `reason`. */
export type AuthStep = { [Id in AuthStepId]: AuthStepOf<Id> }[AuthStepId];

/** Every reason any step may carry. */
export type AuthStepReason = AuthStepReasons[AuthStepId] | 'skipped' | 'step-error';

/** The step with this id, typed for it. */
export function findStep<Id extends AuthStepId>(steps: readonly AuthStep[], id: Id): AuthStepOf<Id> | undefined;
export function findStep(steps: readonly AuthStep[], id: AuthStepId): AuthStep | undefined {
  return steps.find((s) => s.id === id);
}

/** True when the step did not run (skipped, or broke before producing its own result). */
export function didNotRun(s: AuthStep): s is Extract<AuthStep, { reason: 'skipped' | 'step-error' }> {
  return s.reason === 'skipped' || s.reason === 'step-error';
}

/** The evidence of a step that ran; undefined when it is missing, was skipped or broke. */
export function stepData<Id extends AuthStepId>(steps: readonly AuthStep[], id: Id): AuthStepDataMap[Id] | undefined;
export function stepData(steps: readonly AuthStep[], id: AuthStepId): AuthStepDataMap[AuthStepId] | undefined {
  const s = steps.find((x) => x.id === id);
  if (s === undefined || s.reason === 'skipped' || s.reason === 'step-error') return undefined;
  return s.data;
}

/** True for a step the engine did not run because an earlier step failed. */
export function isSkipped(s: AuthStep): boolean {
  // Results saved before skipped steps had a reason carry only `data.skipped` (history, bundles).
  return s.reason === 'skipped' || (s.ok === null && s.data !== undefined && 'skipped' in s.data);
}

/** The element of `list` equal to `value`: a typed membership test (turns an engine code into a reason without a cast). */
export function oneOf<T extends string>(list: readonly T[], value: string): T | undefined {
  return list.find((x) => x === value);
}

/**
 * The live host-key hard stop: the changed key when `step` reports one (reason `host-key-changed`),
 * else null. Stores call it on every streamed step, so the stop shows while the run is going.
 */
export function changedHostKey(step: AuthStep): HostKeyInfo | null {
  if (step.id !== 'host-key' || step.reason !== 'host-key-changed') return null;
  return { algorithm: 'unknown', fingerprint: 'unknown', ...step.data, status: 'changed' };
}
