/**
 * "Run privileged probes": start the probe helper (`<cli> privileged-helper`) through the OS
 * elevation tool for one run, hand it the request over a pipe and stream its NDJSON back as
 * DiscoveryEvents (protocol: ./helperProtocol.ts).
 *
 * - Linux: `pkexec` (polkit prompt) in a desktop session; else `sudo -n` when the account has a
 *   NOPASSWD rule for exactly the helper command (headless jump hosts, web mode), else pkexec.
 *   Both pass stdin/stdout straight through.
 * - macOS: `osascript … with administrator privileges`; Windows: PowerShell `Start-Process -Verb
 *   RunAs`. Neither can pipe, so the helper connects back to a loopback port we listen on and
 *   proves itself with a one-time nonce; that connection is the pipe.
 *
 * Root never reads or writes a file the user owns: no temp files, no redirections. The only user
 * text on the elevated command line is none at all (targets and profile travel in the pipe).
 * Error texts never echo the request's content.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { DiscoveryEvent } from '../../shared/discovery.js';
import type { ElevationMethod, IpcErrorCode, PrivilegeStatus } from '../../shared/ipc.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { psQuote, shQuote } from '../../shared/shell.js';
import { HELPER_COMMAND, HELPER_PROTOCOL_VERSION, helperErrorSchema, helperHelloSchema, type HelperHello, type HelperRequest } from './helperProtocol.js';
import { readNdjson } from './ndjson.js';

// The one quoter (shared/shell.ts), re-exported for this module's tests.
export { psQuote, shQuote };

/** How to start the ScanReady CLI unelevated (the elevated run prefixes the OS tool). */
export interface CliInvocation {
  /** Absolute path: node, or the packaged app executable. */
  command: string;
  /** e.g. `[/abs/dist/cli.cjs]` or `['--scanready-cli']`. */
  args: string[];
}

export interface ElevationPlan {
  method: ElevationMethod;
  command: string;
  args: string[];
  /** `stdio`: the helper's stdin/stdout are the pipe; `connect`: it connects back (macOS/Windows). */
  channel: 'stdio' | 'connect';
}

/** Quote for an AppleScript string literal. */
export function appleScriptString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function findExecutable(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The helper's argv (unelevated form): `<cli> privileged-helper [--connect PORT --nonce N]`. */
export function helperArgv(cli: CliInvocation, connect?: { port: number; nonce: string }): string[] {
  const argv = [cli.command, ...cli.args, HELPER_COMMAND];
  if (connect) argv.push('--connect', String(connect.port), '--nonce', connect.nonce);
  return argv;
}

/** True when `sudo -n` may run exactly this argv without a password (a NOPASSWD rule for the helper). */
export function sudoAllows(sudo: string, argv: string[], timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(sudo, ['-n', '-l', '--', ...argv], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/**
 * Picks the elevation tool. Linux: sudo without a prompt when a rule allows the helper, else
 * pkexec, else null. `connect` is required on macOS/Windows (where the helper connects back).
 */
export async function planElevation(
  platform: NodeJS.Platform,
  cli: CliInvocation,
  connect?: { port: number; nonce: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<ElevationPlan | null> {
  const absolute = platform === 'win32' ? path.win32.isAbsolute(cli.command) : path.posix.isAbsolute(cli.command);
  if (!absolute) throw new ElevationError('unavailable', 'the probe helper path is not absolute');
  switch (platform) {
    case 'linux': {
      const argv = helperArgv(cli);
      // pkexec resets the environment, needs an absolute program path and passes argv untouched.
      const pkexec = findExecutable('pkexec', env.PATH ?? '');
      const viaPkexec: ElevationPlan | null = pkexec ? { method: 'pkexec', command: pkexec, args: argv, channel: 'stdio' } : null;
      // A desktop session has a polkit agent to ask: use it, and do not ask sudo (which logs, and
      // may mail the admin about, every query from an account without sudo rights).
      if (viaPkexec && (env.DISPLAY || env.WAYLAND_DISPLAY)) return viaPkexec;
      const sudo = findExecutable('sudo', env.PATH ?? '');
      if (sudo && (await sudoAllows(sudo, argv))) return { method: 'sudo', command: sudo, args: ['-n', '--', ...argv], channel: 'stdio' };
      return viaPkexec;
    }
    case 'darwin': {
      if (!connect) return { method: 'osascript', command: '/usr/bin/osascript', args: [], channel: 'connect' };
      // Output is discarded: the results come back over the loopback connection, not a file.
      const sh = `${helperArgv(cli, connect).map(shQuote).join(' ')} < /dev/null > /dev/null 2>&1`;
      return { method: 'osascript', command: '/usr/bin/osascript', args: ['-e', `do shell script ${appleScriptString(sh)} with administrator privileges`], channel: 'connect' };
    }
    case 'win32': {
      if (!connect) return { method: 'runas', command: 'powershell.exe', args: [], channel: 'connect' };
      const [exe, ...rest] = helperArgv(cli, connect);
      // Start-Process joins ArgumentList with spaces: quote each for the child's command line.
      const argList = rest.map((a) => psQuote(/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a)).join(',');
      const ps = `$p = Start-Process -FilePath ${psQuote(exe ?? '')} -ArgumentList ${argList} -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode`;
      return { method: 'runas', command: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', ps], channel: 'connect' };
    }
    default:
      return null;
  }
}

export async function elevationStatus(platform: NodeJS.Platform, cli: CliInvocation | null): Promise<PrivilegeStatus['elevation']> {
  if (!cli) return { available: false, method: null, reason: 'the probe helper (ScanReady CLI) was not found next to the app' };
  let plan: ElevationPlan | null;
  try {
    plan = await planElevation(platform, cli);
  } catch (err) {
    return { available: false, method: null, reason: err instanceof Error ? err.message : 'no elevation method' };
  }
  if (plan) return { available: true, method: plan.method };
  if (platform === 'linux') {
    return {
      available: false,
      method: null,
      reason: 'neither pkexec (polkit) nor a sudo rule for the helper is available: install polkit, add a NOPASSWD sudo rule for the helper command, or run ScanReady as root',
    };
  }
  return { available: false, method: null, reason: `no elevation method on ${platform}` };
}

/** A failure of the elevated run, with the IPC error code the UI gets. */
export class ElevationError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ElevationError';
  }
}

/** One line of the tool's stderr fit for a message: only the elevation tool's own words, no control characters. */
function toolLine(stderr: string, tool: RegExp): string | null {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => tool.test(l))
    .pop();
  // eslint-disable-next-line no-control-regex -- stripping them is the point
  return line ? line.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 200) : null;
}

/**
 * Maps the end of an elevated run to an error (null = fine). `helloSeen`: the helper itself
 * started (so elevation worked). stderr is only quoted where it is the elevation tool's text.
 */
export function classifyExit(method: ElevationMethod, exitCode: number | null, stderr: string, helloSeen: boolean): ElevationError | null {
  if (exitCode === 0 && helloSeen) return null;
  if (!helloSeen) {
    if (method === 'pkexec' && (exitCode === 126 || exitCode === 127)) {
      return new ElevationError('elevation-failed', 'The administrator prompt was cancelled or refused: the privileged probes did not run.');
    }
    if (method === 'osascript' && /-128|User canceled/i.test(stderr)) {
      return new ElevationError('elevation-failed', 'The administrator prompt was cancelled: the privileged probes did not run.');
    }
    if (method === 'runas' && /cancel+ed by the user/i.test(stderr)) {
      return new ElevationError('elevation-failed', 'The Windows elevation prompt (UAC) was cancelled: the privileged probes did not run.');
    }
    if (method === 'sudo') {
      const said = toolLine(stderr, /^sudo:/);
      return new ElevationError('elevation-failed', `sudo did not start the privileged probe helper${said ? ` (${said})` : ''}: the privileged probes did not run.`);
    }
    return new ElevationError('elevation-failed', `The privileged probe helper did not start (exit ${exitCode ?? 'signal'}): the privileged probes did not run.`);
  }
  return new ElevationError('internal', `The privileged probe helper failed (exit ${exitCode ?? 'signal'}).`);
}

const EVENT_TYPES = new Set<DiscoveryEvent['type']>(['start', 'host-start', 'probe', 'host-done', 'host-error', 'progress', 'end']);

export interface ElevatedDiscoverOptions {
  platform?: NodeJS.Platform;
  cli: CliInvocation;
  /** Raw target entries as typed (the helper parses them again, so names keep their spelling). */
  entries: string[];
  profile: DiscoveryProfile;
  force: boolean;
  ratePps?: number;
  signal: AbortSignal;
}

/**
 * Runs the elevated helper and yields DiscoveryEvents as its lines arrive. The `start` event is
 * the helper's own, with its pid and effective uid (`helper`) — evidence of who ran the probes.
 * Throws ElevationError when the prompt is refused or the helper fails.
 */
export async function* runElevatedDiscover(opts: ElevatedDiscoverOptions): AsyncGenerator<DiscoveryEvent> {
  const platform = opts.platform ?? process.platform;
  const request: HelperRequest = {
    v: HELPER_PROTOCOL_VERSION,
    entries: opts.entries,
    profile: opts.profile,
    force: opts.force,
    ...(opts.ratePps !== undefined ? { ratePps: opts.ratePps } : {}),
  };
  if (platform === 'darwin' || platform === 'win32') {
    const listener = await listenForHelper();
    try {
      const plan = await planElevation(platform, opts.cli, { port: listener.port, nonce: listener.nonce });
      if (!plan) throw new ElevationError('unavailable', `privileged probes are not supported on ${platform}`);
      yield* streamHelper(plan, request, opts.signal, listener);
    } finally {
      listener.close();
    }
    return;
  }
  const plan = await planElevation(platform, opts.cli);
  if (!plan) throw new ElevationError('unavailable', (await elevationStatus(platform, opts.cli)).reason ?? 'no elevation method');
  yield* streamHelper(plan, request, opts.signal);
}

interface HelperListener {
  port: number;
  nonce: string;
  /** Resolves with the first connection that proved the nonce. */
  connection: Promise<net.Socket>;
  close(): void;
}

/** A loopback listener for the helper to connect back to (macOS/Windows). */
export async function listenForHelper(): Promise<HelperListener> {
  const nonce = randomBytes(32).toString('hex');
  let resolveConn!: (s: net.Socket) => void;
  const connection = new Promise<net.Socket>((resolve) => (resolveConn = resolve));
  let accepted = false;
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    if (accepted) return void socket.destroy();
    let first = '';
    const onData = (d: Buffer): void => {
      first += d.toString('latin1');
      const nl = first.indexOf('\n');
      if (nl < 0) {
        if (first.length > 200) socket.destroy();
        return;
      }
      socket.off('data', onData);
      if (accepted || first.slice(0, nl) !== nonce) return void socket.destroy();
      accepted = true;
      socket.pause();
      const rest = Buffer.from(first.slice(nl + 1), 'latin1');
      if (rest.length > 0) socket.unshift(rest);
      resolveConn(socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return { port, nonce, connection, close: () => server.close() };
}

/**
 * Starts `plan`, sends `request` through the pipe and yields the helper's events. Exported for
 * the plumbing tests (which run the same helper unelevated); the service only calls
 * runElevatedDiscover.
 */
export async function* streamHelper(
  plan: ElevationPlan,
  request: HelperRequest,
  signal: AbortSignal,
  listener?: Pick<HelperListener, 'connection'>,
): AsyncGenerator<DiscoveryEvent> {
  const child = spawn(plan.command, plan.args, { stdio: [plan.channel === 'stdio' ? 'pipe' : 'ignore', plan.channel === 'stdio' ? 'pipe' : 'ignore', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.length < 64 * 1024) stderr += d;
  });
  child.stdin?.on('error', () => undefined);
  let exited = false;
  const exit = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => {
      exited = true;
      reject(new ElevationError('unavailable', `cannot start ${path.basename(plan.command)}: ${err.message}`));
    });
    child.once('close', (code) => {
      exited = true;
      resolve(code);
    });
  });
  exit.catch(() => undefined);

  let pipe: { input: Writable; output: Readable } | null = null;
  const endPipe = (): void => {
    // Closing our side is the helper's cancel signal; the tool itself (sudo/pkexec) relays SIGTERM.
    pipe?.input.end();
  };
  const onAbort = (): void => {
    endPipe();
    if (!pipe) {
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  signal.addEventListener('abort', onAbort, { once: true });

  try {
    if (plan.channel === 'stdio') {
      pipe = { input: child.stdin as Writable, output: child.stdout as Readable };
    } else {
      if (!listener) throw new ElevationError('internal', 'no connection for the privileged probe helper');
      // The helper connects once elevated; the tool exiting first means it never did.
      const socket = await Promise.race([listener.connection, exit.then(() => null), new Promise<null>((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true }))]);
      if (socket) {
        socket.resume();
        pipe = { input: socket, output: socket };
      }
    }
    if (!pipe) {
      if (signal.aborted) return;
      const code = await exit;
      throw classifyExit(plan.method, code, stderr, false) ?? new ElevationError('internal', 'the privileged probe helper never connected');
    }
    pipe.input.write(`${JSON.stringify(request)}\n`);
    if (signal.aborted) endPipe();

    let hello: HelperHello | null = null;
    let helperError: { code: IpcErrorCode; message: string } | null = null;
    let ended = false;
    try {
      for await (const item of readNdjson(pipe.output as AsyncIterable<Buffer>)) {
        if (!item.ok) continue;
        if (!hello) {
          const h = helperHelloSchema.safeParse(item.value);
          if (!h.success) throw new ElevationError('internal', 'the privileged probe helper answered in an unknown format');
          hello = h.data;
          continue;
        }
        const e = helperErrorSchema.safeParse(item.value);
        if (e.success) {
          helperError = { code: e.data.code, message: e.data.message };
          continue;
        }
        const ev = item.value as DiscoveryEvent;
        if (typeof ev !== 'object' || ev === null || !EVENT_TYPES.has(ev.type)) continue;
        if (ev.type === 'start') {
          yield { ...ev, helper: { pid: hello.pid, euid: hello.euid } };
          continue;
        }
        if (ev.type === 'end') ended = true;
        yield ev;
      }
    } catch (err) {
      if (err instanceof ElevationError) throw err;
      if (!signal.aborted) throw new ElevationError('internal', 'the pipe from the privileged probe helper failed');
    }
    endPipe();
    if (helperError) throw new ElevationError(helperError.code, helperError.message);
    const code = await exit;
    if (signal.aborted && hello) {
      if (!ended) yield { type: 'end', done: 0, total: 0, alive: 0, cancelled: true, durationMs: 0 };
      return;
    }
    const error = classifyExit(plan.method, code, stderr, hello !== null);
    if (error) throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    pipe?.input.end();
    if (!exited) {
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}
