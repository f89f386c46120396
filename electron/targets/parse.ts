/**
 * Target parsing: addresses (v4/v6), hostnames, CIDR, ranges, files.
 * Every bad entry becomes a TargetError with a one-line message, before anything is sent.
 */
import { isIPv6 } from 'node:net';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';

export interface ResolvedTarget {
  /** The entry as the user typed it (for a range or CIDR: the single address). */
  target: string;
  address: string;
  family: 4 | 6;
  /** For hostnames: the name that resolved to `address`. */
  hostname?: string;
}

export class TargetError extends Error {
  readonly code = 'bad-input';
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Sweeps larger than a /16 are refused unless forced. */
export const MAX_TARGETS_UNFORCED = 65_536;
/** Hard ceiling even with --force: memory and sanity. */
export const MAX_TARGETS_FORCED = 1 << 24;

export interface ParseOptions {
  force?: boolean;
  /** Resolver, replaceable in tests. */
  resolve?: (name: string) => Promise<{ address: string; family: 4 | 6 }>;
}

type Entry =
  | { kind: 'single'; text: string; address: string; family: 4 | 6 }
  | { kind: 'v4range'; text: string; first: number; last: number }
  | { kind: 'v6range'; text: string; first: bigint; last: bigint }
  | { kind: 'name'; text: string; name: string };

const V4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted quad strictly (no leading zeros, no shorthand); returns null when it is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!V4_OCTET.test(p)) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseIPv6(text: string): bigint | null {
  if (!isIPv6(text)) return null;
  let t = text;
  // Embedded IPv4 tail (::ffff:1.2.3.4).
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4tail?.[1] !== undefined) {
    const v4 = parseIPv4(v4tail[1]);
    if (v4 === null) return null;
    t = t.slice(0, -v4tail[1].length) + ((v4 >>> 16) & 0xffff).toString(16) + ':' + (v4 & 0xffff).toString(16);
  }
  const [head = '', tail] = t.split('::') as [string, string | undefined];
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headParts.length - tailParts.length;
  const groups = tail === undefined ? headParts : [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
  if (groups.length !== 8) return null;
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

export function formatIPv6(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  // Compress the longest run of zero groups (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;

function parseEntry(raw: string): Entry {
  const text = raw.trim();
  if (text === '') throw new TargetError('empty target');
  if (/\s/.test(text)) throw new TargetError(`bad target "${text}": contains spaces (give several targets as separate arguments)`);

  const slash = text.indexOf('/');
  if (slash >= 0) {
    const addr = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) throw new TargetError(`bad CIDR "${text}": the prefix length must be a number`);
    const prefix = Number(prefixText);
    const v4 = parseIPv4(addr);
    if (v4 !== null) {
      if (prefix > 32) throw new TargetError(`bad CIDR "${text}": an IPv4 prefix is 0-32`);
      const size = 2 ** (32 - prefix);
      const first = Math.floor(v4 / size) * size;
      const last = first + size - 1;
      // Network and broadcast addresses hold no host on a /30 or larger network.
      if (prefix <= 30) return { kind: 'v4range', text, first: first + 1, last: last - 1 };
      return { kind: 'v4range', text, first, last };
    }
    const v6 = parseIPv6(addr);
    if (v6 !== null) {
      if (prefix > 128) throw new TargetError(`bad CIDR "${text}": an IPv6 prefix is 0-128`);
      const size = 1n << BigInt(128 - prefix);
      const first = (v6 / size) * size;
      return { kind: 'v6range', text, first, last: first + size - 1n };
    }
    throw new TargetError(`bad CIDR "${text}": "${addr}" is not an IP address`);
  }

  const v4 = parseIPv4(text);
  if (v4 !== null) return { kind: 'single', text, address: formatIPv4(v4), family: 4 };
  if (isIPv6(text)) {
    const v6 = parseIPv6(text);
    if (v6 !== null) return { kind: 'single', text, address: formatIPv6(v6), family: 6 };
  }

  // Ranges: 10.0.0.5-40 (last octet) or 10.0.0.5-10.0.1.20.
  const dash = /^(\d+\.\d+\.\d+\.\d+)-(\d+(?:\.\d+\.\d+\.\d+)?)$/.exec(text);
  if (dash?.[1] !== undefined && dash[2] !== undefined) {
    const start = parseIPv4(dash[1]);
    if (start === null) throw new TargetError(`bad range "${text}": "${dash[1]}" is not a valid IPv4 address`);
    let end: number | null;
    if (dash[2].includes('.')) {
      end = parseIPv4(dash[2]);
      if (end === null) throw new TargetError(`bad range "${text}": "${dash[2]}" is not a valid IPv4 address`);
    } else {
      const octet = Number(dash[2]);
      if (!V4_OCTET.test(dash[2])) throw new TargetError(`bad range "${text}": the last octet must be 0-255`);
      end = Math.floor(start / 256) * 256 + octet;
    }
    if (end < start) throw new TargetError(`bad range "${text}": the end is before the start`);
    return { kind: 'v4range', text, first: start, last: end };
  }

  if (/^[\d.]+$/.test(text)) throw new TargetError(`bad IPv4 address "${text}": four numbers 0-255 separated by dots`);
  if (text.includes(':')) throw new TargetError(`bad IPv6 address "${text}"`);
  if (!HOSTNAME.test(text)) throw new TargetError(`bad target "${text}": not an IP address, CIDR, range or host name`);
  return { kind: 'name', text, name: text };
}

function entrySize(e: Entry): bigint {
  switch (e.kind) {
    case 'single':
    case 'name':
      return 1n;
    case 'v4range':
      return BigInt(e.last - e.first + 1);
    case 'v6range':
      return e.last - e.first + 1n;
  }
}

async function defaultResolve(name: string): Promise<{ address: string; family: 4 | 6 }> {
  const r = await lookup(name, { verbatim: false });
  return { address: r.address, family: r.family === 6 ? 6 : 4 };
}

/**
 * Parses and resolves every entry. All entries are validated before any name is resolved,
 * so a typo in the tenth entry fails the whole call with nothing half-done.
 */
export async function parseTargets(entries: readonly string[], opts: ParseOptions = {}): Promise<ResolvedTarget[]> {
  if (entries.length === 0) throw new TargetError('no targets given');
  const parsed = entries.map(parseEntry);
  const total = parsed.reduce((n, e) => n + entrySize(e), 0n);
  if (total > BigInt(MAX_TARGETS_FORCED)) {
    throw new TargetError(`${total} addresses is more than ScanReady sweeps (at most ${MAX_TARGETS_FORCED})`);
  }
  if (total > BigInt(MAX_TARGETS_UNFORCED) && opts.force !== true) {
    throw new TargetError(`${total} addresses is larger than a /16 (${MAX_TARGETS_UNFORCED}); narrow the range or pass --force`);
  }
  const resolve = opts.resolve ?? defaultResolve;
  const out: ResolvedTarget[] = [];
  const seen = new Set<string>();
  const push = (t: ResolvedTarget): void => {
    if (seen.has(t.address)) return;
    seen.add(t.address);
    out.push(t);
  };
  for (const e of parsed) {
    switch (e.kind) {
      case 'single':
        push({ target: e.text, address: e.address, family: e.family });
        break;
      case 'v4range':
        for (let n = e.first; n <= e.last; n++) {
          const a = formatIPv4(n);
          push({ target: a, address: a, family: 4 });
        }
        break;
      case 'v6range':
        for (let n = e.first; n <= e.last; n++) {
          const a = formatIPv6(n);
          push({ target: a, address: a, family: 6 });
        }
        break;
      case 'name': {
        let r: { address: string; family: 4 | 6 };
        try {
          r = await resolve(e.name);
        } catch (err) {
          const code = (err as { code?: string }).code;
          throw new TargetError(
            `cannot resolve host name "${e.name}"${code === 'ENOTFOUND' ? ': no such name' : code ? ` (${code})` : ''}`,
          );
        }
        push({ target: e.text, address: r.address, family: r.family, hostname: e.name });
        break;
      }
    }
  }
  return out;
}

/** Reads a targets file: one entry per line, `#` starts a comment, blank lines ignored. */
export async function readTargetsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new TargetError(`cannot read targets file "${path}"${code ? ` (${code})` : ''}`);
  }
  const entries: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const clean = line.replace(/#.*/, '').trim();
    if (clean === '') continue;
    // Allow several entries per line separated by commas or whitespace.
    entries.push(...clean.split(/[\s,]+/).filter((s) => s !== ''));
  }
  if (entries.length === 0) throw new TargetError(`targets file "${path}" has no targets`);
  return entries;
}
