/**
 * Facts about discovery profiles that need no validation library: the built-in profile names,
 * the default, and the port-list syntax. Kept apart from profiles.ts (zod schemas) so the CLI can
 * parse its options and print its help without loading zod; profiles.ts re-exports all of it.
 * Pure: no node, electron or DOM imports.
 */

/** Names of the built-in profiles (BUILTIN_PROFILES in profiles.ts holds one per name, in this order). */
export const BUILTIN_PROFILE_NAMES = ['qualys-default', 'nmap-default', 'nessus-default', 'greenbone-default'] as const;
export type BuiltinProfileName = (typeof BUILTIN_PROFILE_NAMES)[number];

export const DEFAULT_PROFILE_NAME: BuiltinProfileName = 'qualys-default';

/** Parses a port list like `22,80,8000-8010`. Throws an Error with a one-line message on bad input. */
export function parsePortList(text: string, label = 'port list'): number[] {
  const out: number[] = [];
  const trimmed = text.trim();
  if (trimmed === '') throw new Error(`empty ${label}`);
  for (const part of trimmed.split(',')) {
    const item = part.trim();
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
    if (!m) throw new Error(`bad ${label} entry "${item}": expected a port (1-65535) or a range like 8000-8010`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (const p of [lo, hi]) {
      if (p < 1 || p > 65535) throw new Error(`port ${p} out of range in ${label}: ports are 1-65535`);
    }
    if (hi < lo) throw new Error(`bad range "${item}" in ${label}: start is after end`);
    if (hi - lo > 65535) throw new Error(`range too large in ${label}`);
    for (let p = lo; p <= hi; p++) out.push(p);
  }
  return [...new Set(out)];
}
