/**
 * Debug bundles: one ZIP with everything the scanner vendor's support needs beside a debug scan —
 * the full results, a human summary, the probes as CSV and the environment — with secrets redacted.
 * Plain Node (never imports 'electron'): used by the CLI, and usable by the service.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import { redact, redactArgv, redactString, type RedactOptions } from './redact.js';
import { hostMap } from './hosts.js';
import { mapAddresses, pcapFile, type PcapPacket } from './pcap.js';
import { MAX_BUNDLE_ENTRIES, MAX_ENTRY_BYTES, MAX_RATIO, MAX_TOTAL_BYTES } from './limits.js';
import { reportHtml } from './report.js';
import { BUNDLE_KIND, BUNDLE_SCHEMA_VERSION, type BundleResult } from './result.js';
export { BUNDLE_KIND, BUNDLE_SCHEMA_VERSION, type BundleResult } from './result.js';
import { formatSummary, probesCsv, type BundleEnvironment } from './summary.js';
import { transcriptText } from './transcript.js';

declare const SCANREADY_VERSION: string | undefined;

export interface BundleInput {
  diagnoses?: DiagnosisResult[];
  discoveries?: HostResult[];
  auth?: AuthResult[];
  /** The command line that produced the results (argv without node and the script). */
  command?: string[];
  /** Where the results came from when not from a command run now (e.g. a history entry). */
  source?: string;
  /** Raw mode: the packets the transport sent and received (becomes probes.pcap). */
  packets?: readonly PcapPacket[];
}



export interface BundleOptions {
  /** Replace an existing file (default: refuse). */
  overwrite?: boolean;
  /** Literal secret values to scrub wherever they occur, in every encoding (e.g. the password read from the environment). */
  secrets?: RedactOptions['secrets'];
  /** Custom delegation templates to scrub. */
  templates?: RedactOptions['templates'];
  /** Whether this process could open raw sockets (the CLI knows; otherwise derived from the results). */
  rawSockets?: boolean;
  /** ScanReady's version (default: the build's, when known). */
  version?: string;
  /** Deflate the entries (default true). */
  compress?: boolean;
  /** Refuse when the contents would exceed this many bytes (default 50 MB). */
  maxBytes?: number;
  /** The bundle's time (default now). */
  now?: Date;
  /** Replace host names and addresses with stable placeholders in every file, the pcap included. */
  redactHosts?: boolean;
}

export const MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

export type BundleErrorCode = 'bad-input' | 'internal';

/** `code` follows the service's error codes: the CLI maps 'bad-input' to exit 2. */
export class BundleError extends Error {
  constructor(
    readonly code: BundleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

export const BUNDLE_FILES = ['README.txt', 'report.html', 'summary.txt', 'result.json', 'probes.csv', 'environment.json'] as const;

export interface BundleWritten {
  file: string;
  bytes: number;
  entries: string[];
}

function buildVersion(): string | null {
  return typeof SCANREADY_VERSION === 'string' ? SCANREADY_VERSION : null;
}

function readme(input: Pick<Required<BundleInput>, 'diagnoses' | 'discoveries' | 'auth'>, when: string, pcap: string): string {
  const targets = [...input.diagnoses.map((d) => d.target), ...input.discoveries.map((h) => h.target), ...input.auth.map((a) => a.host)];
  const uniq = [...new Set(targets)];
  return [
    'ScanReady debug bundle',
    '======================',
    '',
    `Created ${when} for: ${uniq.length === 0 ? '(no results)' : uniq.slice(0, 20).join(', ') + (uniq.length > 20 ? ` and ${uniq.length - 20} more` : '')}.`,
    '',
    'ScanReady reproduces, from the operator\'s desk, what a vulnerability scanner does to find a host',
    '(its discovery probes) and to log in to it (an authenticated SSH scan). This bundle is what it saw.',
    '',
    'Contents',
    '  report.html       open this first: one page for a person (works offline, prints well)',
    '  summary.txt       per host: the verdict and its reason, every probe and its answer, the path trace,',
    '                    the ports the host answers on, the credential-check steps and the advice given',
    '  result.json       the full results, machine-readable (the same objects as `scanready ... --json`)',
    '  probes.csv        one row per probe: protocol, port, method, answer, responder, ICMP type/code, TTL, RTT',
    '  transcript.txt    (credential checks) every command sent over SSH, per step, and what came back',
    '  environment.json  ScanReady version, operating system, Node.js version, raw-socket privilege, time,',
    '                    and the command line',
    `  probes.pcap       ${pcap}`,
    '',
    'Sending it to the scanner vendor\'s support',
    '  When ScanReady\'s checks do not explain why the scanner reports the host "not alive" (or why the',
    '  authenticated scan fails), ask the vendor\'s support for a debug scan (Qualys: support enables a',
    '  debug scan for the option profile), run it against the same host, and send together:',
    '    1. this bundle;',
    '    2. the debug scan\'s log and the scan result (its reference / scan ID);',
    '    3. the scanner appliance\'s IP address and the option profile used;',
    '    4. the time of the scan with its time zone (this bundle\'s times are UTC).',
    '  ScanReady ran from this machine, not from the scanner appliance: differences between the two',
    '  (a firewall that lets this machine through but not the scanner) are part of the answer.',
    '',
    'Secrets',
    '  Passwords, passphrases, private keys and tokens were removed before this file was written, and no',
    '  environment variable values are included. Host names, IP addresses, user names and the',
    '  host\'s listening ports and sudo rules are included: look through it before you send it.',
    '',
    'Opening it again',
    '  `scanready show FILE` prints the summary (`--json`: result.json). It refuses an archive that is',
    `  not a zip or is corrupt, has absolute or \`../\` entry names, more than ${MAX_BUNDLE_ENTRIES} entries, an entry over`,
    `  ${MAX_ENTRY_BYTES / (1024 * 1024)} MB or ${MAX_TOTAL_BYTES / (1024 * 1024)} MB in all once inflated, an entry that inflates more than ${MAX_RATIO}:1 (zip bombs), a`,
    '  bundle of a newer schemaVersion, or a zip that is not a ScanReady bundle.',
    '',
  ].join('\n');
}

function rawSocketsFromResults(hosts: HostResult[]): boolean | null {
  if (hosts.length === 0) return null;
  return hosts.some((h) => h.privileged);
}

/**
 * Checks the destination before any work: an existing directory, no existing file unless
 * overwrite. Callers that run for minutes first (a diagnosis) call it up front to fail fast.
 */
export async function checkBundleDestination(file: string, overwrite = false): Promise<void> {
  if (typeof file !== 'string' || file.trim() === '') throw new BundleError('bad-input', 'bundle file name is empty');
  await checkDestination(path.resolve(file), overwrite);
}

async function checkDestination(file: string, overwrite: boolean): Promise<void> {
  const dir = path.dirname(file);
  let dirStat;
  try {
    dirStat = await fs.stat(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BundleError('bad-input', `cannot write bundle ${file}: directory ${dir} does not exist`);
    if (code === 'ENOTDIR') throw new BundleError('bad-input', `cannot write bundle ${file}: ${dir} is not a directory`);
    throw new BundleError('bad-input', `cannot write bundle ${file}: ${code ?? (err as Error).message}`);
  }
  if (!dirStat.isDirectory()) throw new BundleError('bad-input', `cannot write bundle ${file}: ${dir} is not a directory`);
  let st;
  try {
    st = await fs.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new BundleError('bad-input', `cannot write bundle ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (st.isDirectory()) throw new BundleError('bad-input', `cannot write bundle ${file}: it is a directory`);
  if (!overwrite) throw new BundleError('bad-input', `bundle ${file} already exists (not overwritten: choose another name)`);
}

function writeError(file: string, err: unknown): BundleError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new BundleError('bad-input', `cannot write bundle ${file}: permission denied (${code})`);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new BundleError('internal', `cannot write bundle ${file}: no space left (${code})`);
  return new BundleError('internal', `cannot write bundle ${file}: ${code ?? (err as Error).message}`);
}

/** The bundle's files, redacted: name → text. Exported for the tests and for callers that want the text. */
export function bundleContents(input: BundleInput, opts: BundleOptions = {}): Map<string, string> {
  const when = (opts.now ?? new Date()).toISOString();
  const redOpts: RedactOptions = { secrets: opts.secrets ?? [], templates: opts.templates ?? [] };
  const secretFree = redact(
    { diagnoses: input.diagnoses ?? [], discoveries: input.discoveries ?? [], auth: input.auth ?? [] },
    redOpts,
  );
  const hosts_ = opts.redactHosts ? hostMap(secretFree) : null;
  const clean = hosts_ ? hosts_.value(secretFree) : secretFree;
  const hosts = [...clean.diagnoses.map((d) => d.discovery), ...clean.discoveries];
  const environment: BundleEnvironment = {
    scanready: opts.version ?? buildVersion(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    node: process.versions.node,
    rawSockets: opts.rawSockets ?? rawSocketsFromResults(hosts),
    privilegedProbes: rawSocketsFromResults(hosts),
    time: when,
    timeZoneOffsetMinutes: -new Date(when).getTimezoneOffset(),
    command: input.command ? redactArgv(input.command, redOpts).map((a) => (hosts_ ? hosts_.text(a) : a)) : null,
    ...(input.source ? { source: input.source } : {}),
  };
  const result: BundleResult = { kind: BUNDLE_KIND, schemaVersion: BUNDLE_SCHEMA_VERSION, createdAt: when, ...(input.source ? { source: input.source } : {}), ...clean };
  const pcapNote = input.packets && input.packets.length > 0
    ? 'the probes sent and the answers received (raw mode), for tcpdump -r or Wireshark'
    : environment.rawSockets
      ? 'absent: this run\'s packets were not kept (the raw transport\'s packet tap is not connected yet)'
      : 'absent: the run was unprivileged (the operating system sent the probes; ScanReady never had the packets)';
  const files = new Map<string, string>([
    ['README.txt', readme(clean, when, pcapNote)],
    ['report.html', reportHtml(result, environment)],
    ['summary.txt', formatSummary(clean, environment)],
    ['result.json', `${JSON.stringify(result, null, 2)}\n`],
    ['probes.csv', probesCsv(hosts)],
    ['environment.json', `${JSON.stringify(environment, null, 2)}\n`],
  ]);
  const transcript = transcriptText(clean);
  if (transcript !== null) files.set('transcript.txt', transcript);
  // Belt and braces: every finished text once more (a secret split across fields, say, by the summary).
  for (const [name, text] of files) files.set(name, redactString(text, redOpts));
  if (hosts_) for (const [name, text] of files) files.set(name, hosts_.text(text));
  return files;
}

/** Rough size of the input before any work: refuses what would make a bundle too large to send. */
function inputBytes(input: BundleInput, limit: number): number {
  let total = 0;
  for (const list of [input.diagnoses ?? [], input.discoveries ?? [], input.auth ?? []] as unknown[][]) {
    for (const item of list) {
      total += JSON.stringify(item)?.length ?? 0;
      if (total > limit) return total;
    }
  }
  return total;
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Writes a debug bundle to `file` (a .zip): atomically (temp file in the same directory, fsync,
 * then link/rename), refusing an existing file unless `overwrite`, and refusing inputs whose
 * contents would exceed `maxBytes` (50 MB). Errors are BundleErrors with a one-line message.
 */
export async function writeBundle(file: string, input: BundleInput, opts: BundleOptions = {}): Promise<BundleWritten> {
  if (typeof file !== 'string' || file.trim() === '') throw new BundleError('bad-input', 'bundle file name is empty');
  const target = path.resolve(file);
  const limit = opts.maxBytes ?? MAX_BUNDLE_BYTES;
  const overwrite = opts.overwrite === true;
  await checkDestination(target, overwrite);

  const rough = inputBytes(input, limit);
  if (rough > limit) throw new BundleError('bad-input', `results too large for a bundle (over ${mb(limit)}): bundle fewer hosts`);
  const files = bundleContents(input, opts);
  const size = [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
  if (size > limit) throw new BundleError('bad-input', `results too large for a bundle (${mb(size)} > ${mb(limit)}): bundle fewer hosts`);

  const mtime = opts.now ?? new Date();
  const zip = new yazl.ZipFile();
  for (const [name, text] of files) zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime, mode: 0o644, compress: opts.compress !== false });
  const entries = [...files.keys()];
  if (input.packets && input.packets.length > 0) {
    const map = opts.redactHosts ? hostMap(redact({ diagnoses: input.diagnoses ?? [], discoveries: input.discoveries ?? [], auth: input.auth ?? [] })) : null;
    const packets = map ? input.packets.flatMap((p) => { const b = mapAddresses(p.bytes, (ip) => map.packetAddress(ip)); return b ? [{ ...p, bytes: b }] : []; }) : input.packets;
    zip.addBuffer(pcapFile(packets), 'probes.pcap', { mtime, mode: 0o644, compress: opts.compress !== false });
    entries.push('probes.pcap');
  }
  zip.end();

  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // Streamed: the archive is never whole in memory.
    await pipeline(zip.outputStream, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    const fh = await fs.open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (overwrite) await fs.rename(tmp, target);
    else {
      // link() fails if the name appeared meanwhile: never replace a file the user did not offer.
      try {
        await fs.link(tmp, target);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new BundleError('bad-input', `bundle ${target} already exists (not overwritten: choose another name)`);
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
        await fs.rename(tmp, target); // a file system without hard links: the check above stands
      }
    }
  } catch (err) {
    throw err instanceof BundleError ? err : writeError(target, err);
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const st = await fs.stat(target);
  return { file: target, bytes: st.size, entries };
}
