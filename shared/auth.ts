/**
 * The credential check: what an authenticated Unix scan does over SSH, step by step.
 * Field names are a contract (IPC, web mode, `scanready auth --json`).
 */
import { z } from 'zod';
import type { Advice } from './advice.js';
import { DELEGATION_METHODS, type AuthStep, type DelegationMethod, type HostKeyInfo, type ListeningPort } from './authSteps.js';
import { unixUserProblem } from './unixUser.js';

// The step contract lives in ./authSteps.ts; re-exported so `shared/auth.js` stays the one import for the credential check.
export * from './authSteps.js';

/** The zod field for a scan account's name (auth and diagnose requests): shared/unixUser.ts's rule. */
export const unixUserSchema = z.string().superRefine((name, ctx) => {
  const problem = unixUserProblem(name);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

export type AuthStatus = 'passed' | 'passed-insufficient' | 'failed' | 'not-attempted';

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
  /** Every remote command the check ran and what came back, per step, secrets removed (electron/ssh/transcript.ts). */
  transcript?: TranscriptEntry[];
}

/** One remote command of a credential check: what was sent, what came back (capped, secrets removed). */
export interface TranscriptEntry {
  /** The step that ran it (an AuthStepId). */
  step: string;
  command: string;
  /** What was written to its stdin (prompt answers, a script), secrets removed. */
  stdin: string[];
  pty: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Output cut: at the transport's cap or the transcript's. */
  truncated: boolean;
  stdout: string;
  stderr: string;
  /** Why the command could not run (a channel refused), else absent. */
  error?: string;
  ms: number;
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
