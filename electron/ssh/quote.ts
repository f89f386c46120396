/**
 * POSIX shell quoting. Everything ScanReady sends to a remote shell that is not a fixed
 * constant goes through `shQuote`: single quotes, with embedded single quotes as '\''.
 */
export function shQuote(s: string): string {
  if (s.includes('\0')) throw new Error('NUL byte in a shell argument');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line from already-separate words, each quoted. */
export function shJoin(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}

/** Runs a POSIX sh script regardless of the account's login shell (csh, fish, ...). */
export function shScript(script: string): string {
  return `/bin/sh -c ${shQuote(script)}`;
}
