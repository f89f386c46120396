/**
 * The one shell quoter. Every value ScanReady puts into a command line — a remote command the SSH
 * engine runs, a command an operator pastes as root, the elevation helper's command line — goes
 * through these functions. Pure string code (no node), so engine, advice and UI share it.
 *
 * POSIX sh (`shQuote`): a word of "safe" characters stays bare (like Python's shlex.quote), so ports,
 * addresses and plain names read naturally; anything else is single-quoted, the only POSIX quoting
 * with no special characters inside, and an embedded `'` becomes `'\''`. Single quotes also stop
 * bash's history expansion (`!`) and zsh's `=cmd` expansion, which double quotes do not.
 * PowerShell (`psQuote`): always single-quoted; `'` and the three other characters PowerShell
 * reads as a single quote (U+2018, U+2019, U+201A, U+201B) are doubled.
 */

/** Bare-safe: no glob, expansion, separator, quote or tilde character; `=` excluded (zsh `=cmd`). */
const SH_SAFE = /^[A-Za-z0-9_@%+:,./-]+$/;

/** Quotes one word for POSIX sh (and bash, dash, zsh, ksh). A NUL byte cannot be passed at all: throws. */
export function shQuote(s: string): string {
  if (s.includes('\0')) throw new Error('a NUL byte cannot be part of a shell argument');
  if (SH_SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line from already-separate words, each quoted. */
export function shJoin(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}

/**
 * A word that is an operand (a user name, a host, a pattern) after a command's options: quoted, and
 * preceded by `--` when it starts with `-`, so `passwd -S -- -rf` never reads it as an option.
 */
export function shOperand(s: string): string {
  return s.startsWith('-') ? `-- ${shQuote(s)}` : shQuote(s);
}

/** Runs a POSIX sh script regardless of the account's login shell (csh, fish, ...). */
export function shScript(script: string): string {
  return `/bin/sh -c ${shQuote(script)}`;
}

/** `printf '%s\n' LINE... > FILE`: writes lines verbatim (no `echo` escapes, no expansion). */
export function shWriteLines(file: string, lines: readonly string[], append = false): string {
  return `printf '%s\\n' ${lines.map(shQuote).join(' ')} ${append ? '>>' : '>'} ${shQuote(file)}`;
}

/** PowerShell's single-quote characters: ' and its typographic variants, all doubled inside '...'. */
const PS_SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/** Quotes one value for PowerShell as a verbatim (single-quoted) string. */
export function psQuote(s: string): string {
  if (s.includes('\0')) throw new Error('a NUL byte cannot be part of a PowerShell argument');
  return `'${s.replace(PS_SINGLE_QUOTES, (q) => q + q)}'`;
}

/** A PowerShell array argument: numbers bare, strings quoted (`22,80` / `'203.0.113.7','2001:db8::7'`). */
export function psList(items: ReadonlyArray<string | number>): string {
  return items.map((i) => (typeof i === 'number' ? String(Math.trunc(i)) : psQuote(i))).join(',');
}
