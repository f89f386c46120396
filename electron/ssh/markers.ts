/**
 * The marker protocol between our remote scripts and their parsers.
 *
 * A remote script prints its answers as lines `<prefix>key=value` (or `<prefix>key`), where the
 * prefix carries the step name and a random token made for this run: `SR-tmp-3f9a…:rc=0`.
 * Everything else the host prints — a motd, root's .profile under `su -`, file contents, error
 * text — is ignored, and cannot pass for one of our lines because it cannot know the token.
 * Parsing is bounded: at most `MAX_MARKER_LINES` lines are read, each value clipped.
 */
import { randomBytes } from 'node:crypto';

/** 16 hex characters from the CSPRNG. */
export function randomToken(): string {
  return randomBytes(8).toString('hex');
}

/** The most marker lines one parse reads; a flood of output costs no more than this. */
export const MAX_MARKER_LINES = 5000;
/** The longest value kept of one marker line (characters). */
export const MAX_MARKER_VALUE = 2000;

const KEY = /^[a-z][a-z0-9-]{0,30}$/;

export class Markers {
  /** `SR-<step>-<token>:` */
  readonly prefix: string;
  constructor(step: string, token: string = randomToken()) {
    if (!/^[a-z][a-z0-9-]{0,20}$/.test(step) || !/^[0-9a-f]{1,64}$/.test(token)) throw new Error(`bad marker name ${step}/${token}`);
    this.prefix = `SR-${step}-${token}:`;
  }

  /**
   * Shell code printing `<prefix>key=<valueExpr>`. `valueExpr` is our own shell code (an expansion
   * such as `$rc` or `$(uname -a)`), placed inside double quotes — never remote or user text.
   */
  line(key: string, valueExpr = ''): string {
    checkKey(key);
    return `printf '%s\\n' "${this.prefix}${key}=${valueExpr}"`;
  }

  /** Shell code printing the bare flag `<prefix>key`. */
  flag(key: string): string {
    checkKey(key);
    return `echo '${this.prefix}${key}'`;
  }

  /** A `sed` filter that turns every line of its input into `<prefix>key=<line>` (for multi-line output). */
  tagLines(key: string): string {
    checkKey(key);
    return `sed 's/^/${this.prefix}${key}=/'`;
  }

  /** Reads the marker lines of `text` (bounded). */
  parse(text: string): MarkerLines {
    return parseMarkerLines(text, this.prefix);
  }
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`bad marker key ${key}`);
}

export interface MarkerLine {
  key: string;
  /** '' for a bare flag. */
  value: string;
  /** False for a bare flag (`<prefix>key`). */
  hasValue: boolean;
}

/** The marker lines of one output, in order. */
export class MarkerLines {
  constructor(readonly lines: readonly MarkerLine[]) {}
  has(key: string): boolean {
    return this.lines.some((l) => l.key === key);
  }
  /** The value of the first `key=` line. */
  get(key: string): string | undefined {
    return this.lines.find((l) => l.key === key && l.hasValue)?.value;
  }
  /** Every value of `key=` lines, in order. */
  all(key: string): string[] {
    return this.lines.filter((l) => l.key === key && l.hasValue).map((l) => l.value);
  }
  get size(): number {
    return this.lines.length;
  }
}

/** Lines starting with `prefix`; at most MAX_MARKER_LINES, values clipped to MAX_MARKER_VALUE. */
export function parseMarkerLines(text: string, prefix: string): MarkerLines {
  const out: MarkerLine[] = [];
  let from = 0;
  // Walk the occurrences of the prefix instead of splitting the whole text: work is bounded by the markers found.
  while (out.length < MAX_MARKER_LINES) {
    const at = text.indexOf(prefix, from);
    if (at < 0) break;
    from = at + prefix.length;
    if (at > 0 && text[at - 1] !== '\n') continue; // a marker starts a line
    const end = text.indexOf('\n', from);
    const rest = text.slice(from, end < 0 ? Math.min(text.length, from + MAX_MARKER_VALUE + 64) : Math.min(end, from + MAX_MARKER_VALUE + 64));
    const eq = rest.indexOf('=');
    const key = eq < 0 ? rest.trimEnd() : rest.slice(0, eq);
    if (!KEY.test(key)) continue;
    const value = eq < 0 ? '' : rest.slice(eq + 1, eq + 1 + MAX_MARKER_VALUE);
    out.push({ key, value, hasValue: eq >= 0 });
  }
  return new MarkerLines(out);
}

/**
 * Where the line that starts with `marker` begins, or -1. The marker must start a line: an
 * echoed command line (a PTY may echo it) contains `echo MARKER` mid-line. Bounded search.
 */
export function findMarkerLine(text: string, marker: string): number {
  let from = 0;
  for (let i = 0; i < 1000; i++) {
    const at = text.indexOf(marker, from);
    if (at < 0) return -1;
    if (at === 0 || text[at - 1] === '\n') return at;
    from = at + marker.length;
  }
  return -1;
}
