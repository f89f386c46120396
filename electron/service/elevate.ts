/**
 * "Run privileged probes": start the CLI's `discover --json` through the OS elevation prompt
 * for one run, and stream its NDJSON back as DiscoveryEvents.
 *
 * - Linux: `pkexec <abs exe> [args]`; stdout is piped straight back.
 * - macOS: `osascript -e 'do shell script "..." with administrator privileges'`; `do shell script`
 *   only returns output at the end, so the command writes to a file we created and we tail it.
 * - Windows: PowerShell `Start-Process -Verb RunAs -Wait`; RunAs cannot redirect stdout, so the
 *   elevated `cmd /c` redirects into a file we tail, as on macOS.
 *
 * Targets and the effective profile are passed as files in a private temp directory (never
 * secrets: discovery has none), so no user text is ever part of a shell command line.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveryEvent, HostResult } from '../../shared/discovery.js';
import type { ElevationMethod, IpcErrorCode, PrivilegeStatus } from '../../shared/ipc.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { psQuote, shQuote } from '../../shared/shell.js';
import { readNdjson, tailFile } from './ndjson.js';

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
  /** Where the helper's NDJSON arrives. */
  output: { kind: 'stdout' } | { kind: 'file'; stdoutFile: string; stderrFile: string };
}


/** Quote for an AppleScript string literal. */
export function appleScriptString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}


/** Quote one argument for cmd.exe. Our arguments are flags and temp paths; anything cmd could reinterpret is refused. */
export function cmdQuote(s: string): string {
  if (/["%^&|<>!\r\n]/.test(s)) throw new Error(`cannot pass "${s}" safely through cmd.exe`);
  return `"${s}"`;
}

export function planElevation(
  platform: NodeJS.Platform,
  cli: CliInvocation,
  cliArgs: string[],
  files: { stdoutFile: string; stderrFile: string },
): ElevationPlan {
  const absolute = platform === 'win32' ? path.win32.isAbsolute(cli.command) : path.posix.isAbsolute(cli.command);
  if (!absolute) throw new Error(`the helper path must be absolute (got ${cli.command})`);
  const argv = [cli.command, ...cli.args, ...cliArgs];
  switch (platform) {
    case 'linux':
      // pkexec resets the environment and needs an absolute program path; it passes argv untouched.
      return { method: 'pkexec', command: 'pkexec', args: argv, output: { kind: 'stdout' } };
    case 'darwin': {
      const sh = `${argv.map(shQuote).join(' ')} > ${shQuote(files.stdoutFile)} 2> ${shQuote(files.stderrFile)}`;
      const script = `do shell script ${appleScriptString(sh)} with administrator privileges`;
      return { method: 'osascript', command: '/usr/bin/osascript', args: ['-e', script], output: { kind: 'file', ...files } };
    }
    case 'win32': {
      // cmd /s /c "<line>": /s strips exactly the outer quotes, so the inner quoted paths survive.
      const line = `${argv.map(cmdQuote).join(' ')} > ${cmdQuote(files.stdoutFile)} 2> ${cmdQuote(files.stderrFile)}`;
      const ps =
        `$p = Start-Process -FilePath 'cmd.exe' -ArgumentList ${psQuote(`/d /s /c "${line}"`)} ` +
        `-Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode`;
      return {
        method: 'runas',
        command: 'powershell.exe',
        args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', ps],
        output: { kind: 'file', ...files },
      };
    }
    default:
      throw new Error(`privileged probes are not supported on ${platform}`);
  }
}

/** Arguments of the helper's `discover` run. */
export function discoverCliArgs(opts: { targetsFile: string; profileFile: string; force: boolean; ratePps?: number }): string[] {
  const args = ['discover', '--json', '--targets-file', opts.targetsFile, '--profile', opts.profileFile];
  if (opts.force) args.push('--force');
  if (opts.ratePps !== undefined) args.push('--rate', String(opts.ratePps));
  return args;
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

export function elevationStatus(platform: NodeJS.Platform, cli: CliInvocation | null): PrivilegeStatus['elevation'] {
  if (!cli) return { available: false, method: null, reason: 'the probe helper (ScanReady CLI) was not found next to the app' };
  switch (platform) {
    case 'linux':
      return findExecutable('pkexec')
        ? { available: true, method: 'pkexec' }
        : { available: false, method: null, reason: 'pkexec (polkit) is not installed: install policykit-1 / polkit, or run ScanReady as root' };
    case 'darwin':
      return { available: true, method: 'osascript' };
    case 'win32':
      return { available: true, method: 'runas' };
    default:
      return { available: false, method: null, reason: `no elevation method on ${platform}` };
  }
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

/** Maps the elevation tool's / helper's exit to an error (null = the run is fine). */
export function classifyExit(method: ElevationMethod, exitCode: number | null, stderr: string): ElevationError | null {
  const last = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .pop();
  if (exitCode === 0 || exitCode === 1) return null; // 1 = some host not alive: a normal outcome
  if (method === 'pkexec' && (exitCode === 126 || exitCode === 127)) {
    return new ElevationError('elevation-failed', 'The administrator prompt was cancelled or refused: the privileged probes did not run.');
  }
  if (method === 'osascript' && /-128|User canceled/i.test(stderr)) {
    return new ElevationError('elevation-failed', 'The administrator prompt was cancelled: the privileged probes did not run.');
  }
  if (method === 'runas' && /canceled by the user|cancelled by the user/i.test(stderr)) {
    return new ElevationError('elevation-failed', 'The Windows elevation prompt (UAC) was cancelled: the privileged probes did not run.');
  }
  if (exitCode === 2) return new ElevationError('bad-input', last?.replace(/^scanready: /, '') ?? 'the probe helper refused its input');
  const detail = last ? `: ${last.replace(/^scanready: /, '')}` : '';
  return new ElevationError('internal', `The privileged probe helper failed (exit ${exitCode ?? 'signal'})${detail}`);
}

/** Converts the helper's NDJSON (one HostResult per line, or DiscoveryEvents) into DiscoveryEvents. */
export class HostResultsToEvents {
  private done = 0;
  private alive = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly profile: string,
  ) {}

  start(privileged: boolean): DiscoveryEvent {
    return { type: 'start', total: this.total, privileged, profile: this.profile };
  }

  /** Events for one NDJSON object; unknown shapes give none. */
  convert(value: unknown): DiscoveryEvent[] {
    if (typeof value !== 'object' || value === null) return [];
    const v = value as Partial<HostResult> & { type?: unknown };
    if (typeof v.type === 'string') {
      // Already an event stream (a future `--events` output): pass through everything but the frame.
      return v.type === 'start' || v.type === 'end' ? [] : [value as DiscoveryEvent];
    }
    if (typeof v.target !== 'string' || typeof v.address !== 'string' || !Array.isArray(v.probes)) return [];
    const result = value as HostResult;
    this.done++;
    if (result.alive) this.alive++;
    const elapsed = Date.now() - this.started;
    const remaining = Math.max(0, this.total - this.done);
    return [
      { type: 'host-start', target: result.target, address: result.address },
      ...result.probes.map((probe): DiscoveryEvent => ({ type: 'probe', target: result.target, address: result.address, probe })),
      { type: 'host-done', result },
      { type: 'progress', done: this.done, total: this.total, alive: this.alive, etaMs: this.done > 0 ? Math.round((elapsed / this.done) * remaining) : null },
    ];
  }

  end(cancelled: boolean): DiscoveryEvent {
    return { type: 'end', done: this.done, total: this.total, alive: this.alive, cancelled, durationMs: Date.now() - this.started };
  }
}

export interface ElevatedDiscoverOptions {
  platform?: NodeJS.Platform;
  cli: CliInvocation;
  /** Raw target entries as typed (the helper parses them again, so names keep their spelling). */
  entries: string[];
  /** How many targets they resolve to (parsed by us first, so bad input never reaches the prompt). */
  total: number;
  profile: DiscoveryProfile;
  force: boolean;
  ratePps?: number;
  signal: AbortSignal;
  /** Replaces planElevation (tests run the same pipeline without an elevation prompt). */
  plan?: (cliArgs: string[], files: { stdoutFile: string; stderrFile: string }) => ElevationPlan;
}

/**
 * Runs the elevated helper and yields DiscoveryEvents as its lines arrive.
 * Throws ElevationError when the prompt is refused or the helper fails.
 *
 * Cancel: the helper runs as root, so we cannot signal it; closing its stdout makes its next
 * write fail (EPIPE) and it exits. In file mode (macOS/Windows) we stop reading and it finishes
 * its bounded run on its own.
 */
export async function* runElevatedDiscover(opts: ElevatedDiscoverOptions): AsyncGenerator<DiscoveryEvent> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scanready-elevated-'));
  try {
    const targetsFile = path.join(dir, 'targets.txt');
    const profileFile = path.join(dir, 'profile.json');
    const stdoutFile = path.join(dir, 'out.ndjson');
    const stderrFile = path.join(dir, 'err.txt');
    await fs.writeFile(targetsFile, opts.entries.join('\n') + '\n', { mode: 0o600 });
    await fs.writeFile(profileFile, JSON.stringify(opts.profile), { mode: 0o600 });
    const cliArgs = discoverCliArgs({ targetsFile, profileFile, force: opts.force, ...(opts.ratePps !== undefined ? { ratePps: opts.ratePps } : {}) });
    const files = { stdoutFile, stderrFile };
    const plan = opts.plan ? opts.plan(cliArgs, files) : planElevation(opts.platform ?? process.platform, opts.cli, cliArgs, files);
    if (plan.output.kind === 'file') {
      // Created by us (0600) so the elevated writer appends into a file the user owns and can read.
      await fs.writeFile(stdoutFile, '', { mode: 0o600 });
      await fs.writeFile(stderrFile, '', { mode: 0o600 });
    }

    const child = spawn(plan.command, plan.args, { stdio: ['ignore', plan.output.kind === 'stdout' ? 'pipe' : 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    let exited = false;
    const exit = new Promise<number | null>((resolve, reject) => {
      child.once('error', (err) => {
        exited = true;
        reject(new ElevationError('unavailable', `cannot start ${plan.command}: ${err.message}`));
      });
      child.once('close', (code) => {
        exited = true;
        resolve(code);
      });
    });
    exit.catch(() => undefined);
    const onAbort = (): void => {
      child.stdout?.destroy();
      // Before elevation succeeded the tool itself is still ours to stop.
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone, or not ours any more
      }
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });

    const convert = new HostResultsToEvents(opts.total, opts.profile.name);
    let started = false;
    try {
      const source: AsyncIterable<Buffer | string> =
        plan.output.kind === 'stdout'
          ? (child.stdout as AsyncIterable<Buffer>)
          : tailFile(stdoutFile, { isDone: () => exited, signal: opts.signal });
      try {
        for await (const item of readNdjson(source)) {
          if (opts.signal.aborted) break;
          if (!item.ok) continue;
          const events = convert.convert(item.value);
          if (!started && events.length > 0) {
            started = true;
            yield convert.start(true);
          }
          for (const ev of events) yield ev;
        }
      } catch (err) {
        if (!opts.signal.aborted) throw err;
      }
      if (opts.signal.aborted) {
        if (!started) yield convert.start(true);
        yield convert.end(true);
        return;
      }
      const code = await exit;
      if (plan.output.kind === 'file') stderr += await fs.readFile(stderrFile, 'utf8').catch(() => '');
      const error = classifyExit(plan.method, code, stderr);
      if (error) throw error;
      if (!started) yield convert.start(true);
      yield convert.end(false);
    } finally {
      opts.signal.removeEventListener('abort', onAbort);
      if (!exited) onAbort();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
