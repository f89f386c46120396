/**
 * What a credential step gets from the runner: the request, the logged-in connection, the state
 * earlier steps left (login uid, how to reach root), and how to run a script on the host.
 */
import type { AuthRequest, AuthStep, AuthStepId } from '../../../shared/auth.js';
import type { Credentials, SshConnection } from '../client.js';
import { become, type BecomeConfig } from '../elevate.js';
import { throwIfAborted } from '../errors.js';
import { Markers } from '../markers.js';
import { shScript } from '../quote.js';
import { decodeOutput } from '../text.js';

export interface RunState {
  req: AuthRequest;
  loginUid: number | null;
  /** How to reach root for later steps, when delegation worked. */
  rootCfg: BecomeConfig | null;
  /** The host key fingerprint verified (or accepted) on the first connection. */
  acceptedFingerprint: string | null;
  credentials: Credentials;
}

/** One remote script's result, decoded and cleaned. */
export interface RemoteRun {
  text: string;
  /** It ran as root (delegation worked, or the login is root). */
  root: boolean;
  timedOut: boolean;
  truncated: boolean;
  code: number | null;
  ms: number;
}

export interface StepContext {
  readonly req: AuthRequest;
  readonly conn: SshConnection;
  readonly state: RunState;
  readonly signal: AbortSignal | undefined;
  emit(step: AuthStep): void;
  /** Runs a POSIX sh script as the account. */
  plain(script: string): Promise<RemoteRun>;
  /** Runs a POSIX sh script as root when delegation worked (or the login is root), else as the account. */
  asRoot(script: string): Promise<RemoteRun>;
}

/** A step after login: the runner calls `run`; a throw becomes a `step-error` result for `id`. */
export interface PostLoginStep {
  /** The step this module reports (it may report more, e.g. elevate → uid-elevated). */
  readonly id: AuthStepId;
  run(ctx: StepContext): Promise<void>;
}

/**
 * A step that is one remote script: its script (with its own markers), its parser of the output,
 * and its result builder. The parser is pure and tested on real output samples.
 */
export interface ScriptStep<P> {
  readonly id: AuthStepId;
  /** The marker namespace of this step (`SR-<name>-<token>:`). */
  readonly marker: string;
  readonly as: 'root' | 'account';
  script(m: Markers, ctx: StepContext): string;
  parse(text: string, m: Markers): P;
  result(parsed: P, run: RemoteRun, ctx: StepContext): AuthStep;
}

export function scriptStep<P>(def: ScriptStep<P>): PostLoginStep & { def: ScriptStep<P> } {
  return {
    id: def.id,
    def,
    async run(ctx) {
      const m = new Markers(def.marker);
      const script = def.script(m, ctx);
      const r = def.as === 'root' ? await ctx.asRoot(script) : await ctx.plain(script);
      ctx.emit(def.result(def.parse(r.text, m), r, ctx));
    },
  };
}

/** Builds the context for the steps after login. */
export function stepContext(state: RunState, conn: SshConnection, signal: AbortSignal | undefined, emit: (s: AuthStep) => void): StepContext {
  const T = state.req.timeoutMs;
  const plain = async (script: string): Promise<RemoteRun> => {
    throwIfAborted(signal);
    const r = await conn.exec(shScript(script), { timeoutMs: T, signal });
    return {
      text: decodeOutput(Buffer.concat([r.stdout, Buffer.from('\n'), r.stderr])),
      code: r.code,
      timedOut: r.timedOut,
      truncated: r.truncated,
      ms: r.ms,
      root: state.loginUid === 0,
    };
  };
  const asRoot = async (script: string): Promise<RemoteRun> => {
    throwIfAborted(signal);
    if (state.rootCfg) {
      const b = await become(conn, state.rootCfg, script, { timeoutMs: T, signal });
      return { text: b.output, root: b.uid === 0, timedOut: b.timedOut, truncated: b.truncated, ms: b.ms, code: b.exitCode };
    }
    return plain(script);
  };
  return { req: state.req, conn, state, signal, emit, plain, asRoot };
}

/** `root` or the account name: who a script ran as. */
export function ranAs(run: RemoteRun, req: AuthRequest): string {
  return run.root ? 'root' : req.user;
}
