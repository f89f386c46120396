/**
 * The one sanitizer for text from outside — file contents, host names, SSH banners, remote
 * output, OS error text — before it reaches a terminal (CLI output, bundle summaries) or any
 * other place where a control character could act instead of being read. Two presentations of
 * one rule ("no control, escape or bidi character survives"):
 *
 * - `inertText`: every such character becomes a visible escape (`\x1b`, `\u202e`); the printable
 *   rest of an escape sequence (`]0;title`) stays, so the operator sees what the input held.
 *   For short outside strings echoed back: a bad line of a file, a host name, an error message.
 * - `stripTerminalControls`: whole escape sequences (CSI, OSC, DCS/PM/APC, two-byte ESC) are
 *   removed, CR/CRLF become LF, other controls are dropped. For remote command output and
 *   banners, where colours and prompts are noise, not evidence.
 */

/* eslint-disable no-control-regex */
// C0 controls except \t and \n, DEL, C1 (includes 8-bit CSI 0x9b and OSC 0x9d), Unicode bidi
// and line/paragraph separators, BOM/ZWNBSP.
const CONTROLS = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
const CONTROL_SINGLE_LINE = new RegExp(`[\\n${CONTROLS}]`, 'g');
const CONTROL_MULTI_LINE = new RegExp(`[${CONTROLS}]`, 'g');
const CONTROL_MULTI_LINE_TEST = new RegExp(`[${CONTROLS}]`);
const CONTROL_SINGLE_LINE_TEST = new RegExp(`[\\n${CONTROLS}]`);
// ESC- or C1-introduced sequences: CSI (ESC [ or 0x9b) params/intermediates/final; OSC, DCS, SOS,
// PM, APC (ESC ] P X ^ _ or 0x9d 0x90 0x98 0x9e 0x9f) up to BEL or ST (ESC \ or 0x9c), or to the
// end of the line when unterminated; any other two-byte ESC sequence.
const SEQUENCES =
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -~]?/g;
/* eslint-enable no-control-regex */

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface InertTextOptions {
  /** Keep line feeds (remote command output, multi-line explanations). Default: escape them too. */
  multiline?: boolean;
}

/** The text with every control and bidi character shown as a visible escape; safe to print on a terminal. */
export function inertText(text: string, opts: InertTextOptions = {}): string {
  return text.replace(opts.multiline === true ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE, visible);
}

/** True when `text` holds nothing `inertText` would change. */
export function isInertText(text: string, opts: InertTextOptions = {}): boolean {
  return !(opts.multiline === true ? CONTROL_MULTI_LINE_TEST : CONTROL_SINGLE_LINE_TEST).test(text);
}

/**
 * Remote output made readable and inert: escape sequences removed whole, CR and CRLF turned into
 * LF, every other control character dropped (tab and LF stay).
 */
export function stripTerminalControls(text: string): string {
  return text.replace(SEQUENCES, '').replace(/\r\n?/g, '\n').replace(CONTROL_MULTI_LINE, '');
}

/**
 * A copy of a JSON-like value (a result about to be formatted for a terminal) with every string
 * passed through `inertText` (multi-line). Our own styling is added after this.
 */
export function inertDeep<T>(value: T): T {
  if (typeof value === 'string') return inertText(value, { multiline: true }) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => inertDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = inertDeep(v);
    return out as T;
  }
  return value;
}
