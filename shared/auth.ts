/**
 * The credential check: what an authenticated Unix scan does over SSH, step by step.
 * Field names are a contract (IPC, web mode, `scanready auth --json`).
 */
import { z } from 'zod';
import type { Advice } from './advice.js';
import { unixUserSchema } from './unixUser.js';

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
export type ElevateFailure =
  | 'password-required'
  | 'wrong-password'
  | 'not-in-sudoers'
  | 'requiretty'
  | 'command-not-allowed'
  | 'not-root'
  | 'timeout'
  | 'unsupported-method';

export interface AuthStep {
  id: AuthStepId;
  /** true passed, false failed, null skipped/informational. */
  ok: boolean | null;
  ms: number;
  /** Machine-readable failure reason (e.g. `connection-refused`, `wrong-password`, `noexec`). */
  reason?: string;
  /** One line for humans. */
  summary: string;
  /** Longer plain-words explanation of a failure and what it means for the scan. */
  explanation?: string;
  /** Step-specific evidence (e.g. offered auth methods, sudo -l lines, uid). Never contains secrets. */
  data?: Record<string, unknown>;
}

export type AuthStatus = 'passed' | 'passed-insufficient' | 'failed' | 'not-attempted';

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

export interface AuthResult {
  host: string;
  port: number;
  user: string;
  delegation: DelegationMethod;
  status: AuthStatus;
  steps: AuthStep[];
  hostKey: HostKeyInfo | null;
  listening: ListeningPort[];
  /** What to change, from this result alone (electron/advice credentialAdvice; a diagnosis fills it the same way). */
  advice: Advice[];
  startedAt: string;
  durationMs: number;
}

export type AuthEvent =
  | { type: 'step'; step: AuthStep }
  | { type: 'host-key-prompt'; hostKey: HostKeyInfo }
  | { type: 'done'; result: AuthResult };

/** Input of a credential check. Secrets are values here, never command-line arguments. */
export const authRequestSchema = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(22),
  /** The scan account: no control characters or line breaks (shared/unixUser.ts). */
  user: unixUserSchema,
  password: z.string().max(4096).optional(),
  privateKey: z.string().max(65536).optional(),
  passphrase: z.string().max(4096).optional(),
  agent: z.boolean().default(false),
  delegation: z.enum(DELEGATION_METHODS).default('sudo-su'),
  /** For `custom`: a command template; `{cmd}` is replaced by the quoted command to run as root. */
  delegationCommand: z.string().max(1000).optional(),
  /** Password for the delegation prompt; defaults to the login password. */
  delegationPassword: z.string().max(4096).optional(),
  sessions: z.number().int().min(1).max(100).default(10),
  acceptNewHostKey: z.boolean().default(false),
  /** Profile whose ports decide which listening ports are custom-port candidates. */
  profile: z.string().max(80).default('qualys-default'),
  /** Per-step timeout in milliseconds. */
  timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
});
export type AuthRequest = z.infer<typeof authRequestSchema>;
export type AuthRequestInput = z.input<typeof authRequestSchema>;
