/**
 * Shared CLI plumbing: exit codes, option parsing with one-line errors, and the
 * discovery options that `discover` and `diagnose` both take.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError, Option, type Command } from 'commander';
// profileData, not profiles: option parsing and --help must not load zod (CLI start-up time);
// the schemas and the built-in profiles load when a profile is resolved.
import { BUILTIN_PROFILE_NAMES, DEFAULT_PROFILE_NAME, parsePortList } from '../../shared/profileData.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { inertText } from '../../shared/inertText.js';
import { unixUserProblem } from '../../shared/unixUser.js';
import { readUserFile, UserFileError } from '../fsio/readUserFile.js';
import { EXIT } from './exit.js';

export { EXIT };

/** An error the CLI reports as one line with a chosen exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number (${min}-${max})`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be ${min}-${max}, got ${n}`);
    return n;
  };
}

export function portListOption(label: string): (value: string) => number[] {
  return (value: string) => {
    try {
      return parsePortList(value, label);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/**
 * A scan account name from the command line: refused (exit 2, one line that does not echo the name)
 * when it holds a control character or a line break — no Unix account does, and such a name would
 * end up in commands pasted as root.
 */
export function checkUserName(option: string, name: string): string {
  const problem = unixUserProblem(name);
  if (problem !== null) throw new CliError(`${option}: ${problem}`);
  return name;
}

/** `--scanner-ip`: repeatable and comma-separated; each an IPv4 or IPv6 address. */
export function scannerIpOption(value: string, previous: string[] | undefined): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const ip of items) {
    if (isIP(ip) === 0) throw new InvalidArgumentError(`--scanner-ip "${ip}" is not an IPv4 or IPv6 address`);
  }
  return [...(previous ?? []), ...items];
}

/** Maps any error to a message and exit status: bad input (2) versus runtime failure (3). */
export function classifyError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.code === 'bad-input') return { message, exitCode: EXIT.badInput };
  return { message, exitCode: EXIT.runtime };
}

/** Writes one error line to stderr; the message may carry outside text (file lines, OS errors), made inert. */
export function printError(message: string): void {
  process.stderr.write(`scanready: ${inertText(message)}\n`);
}

/**
 * Ctrl-C / SIGTERM for a run: aborts `signal`, remembers it (`interrupted`), and `dispose()` takes
 * the handlers off again so a second Ctrl-C after the run ends the process as usual.
 */
export function interruptible(): { signal: AbortSignal; readonly interrupted: boolean; dispose(): void } {
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get interrupted() {
      return interrupted;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Wraps an action: errors become one line on stderr and the right exit status. */
export function action<A extends unknown[]>(fn: (...args: A) => number | Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (err) {
      const { message, exitCode } = classifyError(err);
      printError(message);
      process.exitCode = exitCode;
    }
  };
}

export interface DiscoverCliOptions {
  profile?: string;
  tcp?: number[];
  addTcp?: number[];
  udp?: number[];
  icmp: boolean;
  timeout?: number;
  retries?: number;
  rate?: number;
  concurrency?: number;
  unprivileged?: boolean;
  force?: boolean;
  targetsFile?: string;
}

/** The discovery options shared by `discover` and `diagnose`. */
export function addDiscoverOptions(cmd: Command): Command {
  return cmd
    .option('--targets-file <file>', 'read targets from FILE (one per line, # comments)')
    .option(
      '--profile <name|file>',
      `discovery profile: ${BUILTIN_PROFILE_NAMES.join(', ')}, or a JSON file`,
      DEFAULT_PROFILE_NAME,
    )
    .option('--tcp <ports>', 'TCP SYN ports to probe instead of the profile\'s (e.g. 22,80,8000-8010)', portListOption('TCP port list'))
    .option('--add-tcp <ports>', 'TCP SYN ports to probe in addition to the profile\'s', portListOption('TCP port list'))
    .option('--udp <ports>', 'UDP ports to probe instead of the profile\'s', portListOption('UDP port list'))
    .option('--no-icmp', 'do not send ICMP echo')
    .option('--timeout <ms>', 'wait this long for an answer to each attempt', intOption('--timeout', 50, 60_000))
    .option('--retries <n>', 'extra attempts for unanswered probes', intOption('--retries', 0, 10))
    .option('--rate <pps>', 'packet rate limit, packets per second', intOption('--rate', 1, 100_000))
    .option('--concurrency <n>', 'hosts probed at once', intOption('--concurrency', 1, 4096))
    .addOption(new Option('--unprivileged', 'do not use raw sockets even when allowed (the fallback methods a desktop user gets)'))
    .option('--force', 'allow sweeps larger than a /16');
}

async function loadProfileFile(file: string): Promise<DiscoveryProfile> {
  let text: string;
  try {
    text = await readUserFile(file, 'profile');
  } catch (err) {
    if (err instanceof UserFileError && err.errno === 'ENOENT') {
      throw new CliError(`unknown profile "${inertText(file)}": not a built-in profile (${BUILTIN_PROFILE_NAMES.join(', ')}) and no such file`);
    }
    throw new CliError((err as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`profile file "${file}" is not valid JSON: ${(err as Error).message}`);
  }
  const { profileSchema } = await import('../../shared/profiles.js');
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'profile';
    throw new CliError(`profile file "${file}": ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Builds the effective profile from --profile plus the override options. */
export async function resolveProfile(opts: DiscoverCliOptions): Promise<DiscoveryProfile> {
  const { builtinProfile } = await import('../../shared/profiles.js');
  const name = opts.profile ?? DEFAULT_PROFILE_NAME;
  const base = builtinProfile(name) ?? (await loadProfileFile(name));
  const profile: DiscoveryProfile = { ...base, tcpSyn: [...base.tcpSyn], udp: [...base.udp] };
  if (opts.tcp) profile.tcpSyn = opts.tcp;
  if (opts.addTcp) profile.tcpSyn = [...new Set([...profile.tcpSyn, ...opts.addTcp])];
  if (opts.udp) profile.udp = opts.udp;
  if (!opts.icmp) profile.icmpEcho = false;
  if (opts.timeout !== undefined) profile.timeoutMs = opts.timeout;
  if (opts.retries !== undefined) profile.retries = opts.retries;
  const customised = opts.tcp ?? opts.addTcp ?? opts.udp ?? (!opts.icmp || opts.timeout !== undefined || opts.retries !== undefined);
  if (customised && builtinProfile(name)) profile.name = `${name}+custom`;
  return profile;
}
