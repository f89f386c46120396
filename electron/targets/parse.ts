/**
 * Target parsing: addresses (v4/v6), hostnames, CIDR, ranges, files.
 * Every bad entry becomes a TargetError with a one-line message, before anything is sent.
 */
import { isIPv6 } from 'node:net';
import { lookup } from 'node:dns/promises';
import { inertText } from '../../shared/inertText.js';
import { readUserFile } from '../fsio/readUserFile.js';

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

/** An entry as shown in an error message: control and escape characters made visible, long ones cut. */
function q(text: string): string {
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return `"${inertText(shown)}"`;
}

function parseEntry(raw: string): Entry {
  const text = raw.trim();
  if (text === '') throw new TargetError('empty target');
  if (/\s/.test(text)) throw new TargetError(`bad target ${q(text)}: contains spaces (give several targets as separate arguments)`);

  const slash = text.indexOf('/');
  if (slash >= 0) {
    const addr = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) throw new TargetError(`bad CIDR ${q(text)}: the prefix length must be a number`);
    const prefix = Number(prefixText);
    const v4 = parseIPv4(addr);
    if (v4 !== null) {
      if (prefix > 32) throw new TargetError(`bad CIDR ${q(text)}: an IPv4 prefix is 0-32`);
      const size = 2 ** (32 - prefix);
      const first = Math.floor(v4 / size) * size;
      const last = first + size - 1;
      // Network and broadcast addresses hold no host on a /30 or larger network.
      if (prefix <= 30) return { kind: 'v4range', text, first: first + 1, last: last - 1 };
      return { kind: 'v4range', text, first, last };
    }
    const v6 = parseIPv6(addr);
    if (v6 !== null) {
      if (prefix > 128) throw new TargetError(`bad CIDR ${q(text)}: an IPv6 prefix is 0-128`);
      const size = 1n << BigInt(128 - prefix);
      const first = (v6 / size) * size;
      return { kind: 'v6range', text, first, last: first + size - 1n };
    }
    throw new TargetError(`bad CIDR ${q(text)}: ${q(addr)} is not an IP address`);
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
    if (start === null) throw new TargetError(`bad range ${q(text)}: ${q(dash[1])} is not a valid IPv4 address`);
    let end: number | null;
    if (dash[2].includes('.')) {
      end = parseIPv4(dash[2]);
      if (end === null) throw new TargetError(`bad range ${q(text)}: ${q(dash[2])} is not a valid IPv4 address`);
    } else {
      const octet = Number(dash[2]);
      if (!V4_OCTET.test(dash[2])) throw new TargetError(`bad range ${q(text)}: the last octet must be 0-255`);
      end = Math.floor(start / 256) * 256 + octet;
    }
    if (end < start) throw new TargetError(`bad range ${q(text)}: the end is before the start`);
    return { kind: 'v4range', text, first: start, last: end };
  }

  if (/^[\d.]+$/.test(text)) throw new TargetError(`bad IPv4 address ${q(text)}: four numbers 0-255 separated by dots`);
  if (text.includes(':')) throw new TargetError(`bad IPv6 address ${q(text)}`);
  if (!HOSTNAME.test(text)) throw new TargetError(`bad target ${q(text)}: not an IP address, CIDR, range or host name`);
  return { kind: 'name', text, name: text };
}

async function defaultResolve(name: string): Promise<{ address: string; family: 4 | 6 }> {
  const r = await lookup(name, { verbatim: false });
  return { address: r.address, family: r.family === 6 ? 6 : 4 };
}

/**
 * The addresses of a sweep, validated and resolved but not expanded: iterating yields them one
 * at a time in the order given (duplicates dropped, first occurrence wins), so a /8 costs a few
 * intervals of memory, not sixteen million objects. `total` is exact and counted without
 * expanding. Iterable more than once; each iteration starts from the first address.
 */
export interface TargetPlan extends Iterable<ResolvedTarget> {
  readonly total: number;
}

/** One piece of the plan: `count` consecutive addresses starting at `first`, or one named host. */
type Piece =
  | { kind: 'v4'; first: number; count: number; text?: string; hostname?: string }
  | { kind: 'v6'; first: bigint; count: bigint; text?: string; hostname?: string };

interface Span<N> {
  lo: N;
  hi: N;
  /** The entry's position in the list: the earliest entry owns an address given twice. */
  order: number;
}

/**
 * Splits overlapping spans into disjoint ones, each address owned by the earliest span holding
 * it; returns them grouped by owner (in entry order), ascending within an owner. A sweep line over
 * the span boundaries with a min-heap of open spans: O(n log n) for n spans, whatever their sizes.
 */
function disjointByFirstOwner<N extends number | bigint>(spans: Span<N>[], one: N): Span<N>[] {
  if (spans.length === 0) return [];
  const cmp = (x: N, y: N): number => (x < y ? -1 : x > y ? 1 : 0);
  const byLo = [...spans].sort((x, y) => cmp(x.lo, y.lo));
  const add = (x: N, y: N): N => ((x as number) + (y as number)) as N;
  const sub = (x: N, y: N): N => ((x as number) - (y as number)) as N;
  const bounds: N[] = [];
  for (const s of spans) bounds.push(s.lo, add(s.hi, one));
  bounds.sort(cmp);
  // Min-heap of open spans by order.
  const heap: Span<N>[] = [];
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((heap[p] as Span<N>).order <= (heap[i] as Span<N>).order) break;
      [heap[p], heap[i]] = [heap[i] as Span<N>, heap[p] as Span<N>];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && (heap[l] as Span<N>).order < (heap[m] as Span<N>).order) m = l;
      if (r < heap.length && (heap[r] as Span<N>).order < (heap[m] as Span<N>).order) m = r;
      if (m === i) return;
      [heap[m], heap[i]] = [heap[i] as Span<N>, heap[m] as Span<N>];
      i = m;
    }
  };
  const out: Span<N>[] = [];
  let next = 0;
  for (let k = 0; k < bounds.length; k++) {
    const x = bounds[k] as N;
    if (k > 0 && bounds[k - 1] === x) continue;
    while (next < byLo.length && (byLo[next] as Span<N>).lo === x) {
      heap.push(byLo[next++] as Span<N>);
      up(heap.length - 1);
    }
    while (heap.length > 0 && (heap[0] as Span<N>).hi < x) {
      const last = heap.pop() as Span<N>;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    }
    const top = heap[0];
    if (!top) continue;
    let end = x;
    for (let k2 = k + 1; k2 < bounds.length; k2++) {
      if ((bounds[k2] as N) > x) {
        end = sub(bounds[k2] as N, one);
        break;
      }
    }
    const prev = out[out.length - 1];
    if (prev && prev.order === top.order && add(prev.hi, one) === x) prev.hi = end;
    else out.push({ lo: x, hi: end, order: top.order });
  }
  return out.sort((p, q2) => p.order - q2.order || cmp(p.lo, q2.lo));
}

function* expandPieces(pieces: readonly Piece[]): Generator<ResolvedTarget, void, undefined> {
  for (const p of pieces) {
    if (p.kind === 'v4') {
      if (p.text !== undefined) {
        const a = formatIPv4(p.first);
        yield { target: p.text, address: a, family: 4, ...(p.hostname !== undefined ? { hostname: p.hostname } : {}) };
        continue;
      }
      const end = p.first + p.count;
      for (let n = p.first; n < end; n++) {
        const a = formatIPv4(n);
        yield { target: a, address: a, family: 4 };
      }
    } else {
      if (p.text !== undefined) {
        yield { target: p.text, address: formatIPv6(p.first), family: 6, ...(p.hostname !== undefined ? { hostname: p.hostname } : {}) };
        continue;
      }
      const end = p.first + p.count;
      for (let n = p.first; n < end; n++) {
        const a = formatIPv6(n);
        yield { target: a, address: a, family: 6 };
      }
    }
  }
}

/**
 * Validates every entry, then resolves names, then returns the plan (nothing expanded). All
 * entries are validated before any name is resolved, so a typo in the tenth entry fails the whole
 * call with nothing half-done; the size limits are checked on the entries as given.
 */
export async function planTargets(entries: readonly string[], opts: ParseOptions = {}): Promise<TargetPlan> {
  if (entries.length === 0) throw new TargetError('no targets given');
  const parsed = entries.map(parseEntry);
  let given = 0n;
  for (const e of parsed) given += entrySize(e);
  if (given > BigInt(MAX_TARGETS_FORCED)) {
    throw new TargetError(`${given} addresses is more than ScanReady sweeps (at most ${MAX_TARGETS_FORCED})`);
  }
  if (given > BigInt(MAX_TARGETS_UNFORCED) && opts.force !== true) {
    throw new TargetError(`${given} addresses is larger than a /16 (${MAX_TARGETS_UNFORCED}); narrow the range or pass --force`);
  }
  const resolve = opts.resolve ?? defaultResolve;
  const v4: Span<number>[] = [];
  const v6: Span<bigint>[] = [];
  // Per entry: the text and host name a single address is reported under.
  const label = new Map<number, { text: string; hostname?: string }>();
  const addSingle = (order: number, address: string, family: 4 | 6, text: string, hostname?: string): void => {
    label.set(order, { text, ...(hostname !== undefined ? { hostname } : {}) });
    if (family === 4) {
      const n = parseIPv4(address);
      if (n !== null) v4.push({ lo: n, hi: n, order });
    } else {
      const n = parseIPv6(address);
      if (n !== null) v6.push({ lo: n, hi: n, order });
    }
  };
  for (const [order, e] of parsed.entries()) {
    switch (e.kind) {
      case 'single':
        addSingle(order, e.address, e.family, e.text);
        break;
      case 'v4range':
        v4.push({ lo: e.first, hi: e.last, order });
        break;
      case 'v6range':
        v6.push({ lo: e.first, hi: e.last, order });
        break;
      case 'name': {
        let r: { address: string; family: 4 | 6 };
        try {
          r = await resolve(e.name);
        } catch (err) {
          const code = (err as { code?: string }).code;
          throw new TargetError(
            `cannot resolve host name ${q(e.name)}${code === 'ENOTFOUND' ? ': no such name' : code ? ` (${inertText(code)})` : ''}`,
          );
        }
        addSingle(order, r.address, r.family, e.text, e.name);
        break;
      }
    }
  }
  const pieces: Piece[] = [];
  let total = 0;
  const withLabel = (order: number): { text?: string; hostname?: string } => label.get(order) ?? {};
  const spans: { order: number; piece: Piece }[] = [
    ...disjointByFirstOwner(v4, 1).map((sp) => ({ order: sp.order, piece: { kind: 'v4' as const, first: sp.lo, count: sp.hi - sp.lo + 1, ...withLabel(sp.order) } })),
    ...disjointByFirstOwner(v6, 1n).map((sp) => ({ order: sp.order, piece: { kind: 'v6' as const, first: sp.lo, count: sp.hi - sp.lo + 1n, ...withLabel(sp.order) } })),
  ].sort((x, y) => x.order - y.order);
  for (const { piece } of spans) {
    pieces.push(piece);
    total += Number(piece.count);
  }
  const frozen = pieces;
  return {
    total,
    [Symbol.iterator]: () => expandPieces(frozen),
  };
}

/**
 * Parses, resolves and expands every entry into an array. For a handful of targets (one host to
 * diagnose); a sweep should iterate `planTargets` instead.
 */
export async function parseTargets(entries: readonly string[], opts: ParseOptions = {}): Promise<ResolvedTarget[]> {
  return [...(await planTargets(entries, opts))];
}

/**
 * The entries on one line of a targets file (or a plain list given to triage): `#` starts a
 * comment; several entries may share a line, separated by commas or whitespace.
 */
export function entriesOfLine(line: string): string[] {
  const clean = line.replace(/#.*/, '').trim();
  if (clean === '') return [];
  return clean.split(/[\s,]+/).filter((s) => s !== '');
}

/**
 * Checks one entry (address, CIDR, range or host name) without resolving or expanding it: throws
 * the same TargetError planTargets would. Returns how many addresses it stands for and, for IPv4,
 * the addresses it covers (first..last).
 */
export function checkTargetEntry(entry: string): { size: number; v4?: { first: number; last: number } } {
  const e = parseEntry(entry);
  const size = Number(entrySize(e));
  if (e.kind === 'v4range') return { size, v4: { first: e.first, last: e.last } };
  if (e.kind === 'single' && e.family === 4) {
    const n = parseIPv4(e.address) as number;
    return { size, v4: { first: n, last: n } };
  }
  return { size };
}

/** Reads a targets file: one entry per line, `#` starts a comment, blank lines ignored. */
export async function readTargetsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readUserFile(path, 'targets');
  } catch (err) {
    throw new TargetError((err as Error).message);
  }
  const entries: string[] = [];
  for (const line of text.split(/\r?\n/)) entries.push(...entriesOfLine(line));
  if (entries.length === 0) throw new TargetError(`targets file "${inertText(path)}" has no targets`);
  return entries;
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
