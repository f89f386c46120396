/** One entry per line or comma; `#` starts a comment (same as a targets file). */
export function parseTargetsText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(/[,\s]+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Why a diagnosis target is not one host, in the app's words (null when it may be one): a
 * diagnosis looks at one host, a range or list belongs to Sweep. The engine checks again.
 */
export function singleTargetProblem(text: string): string | null {
  const t = text.trim();
  if (t === '') return 'Type the address or host name the scanner reports as not alive.';
  if (/[\s,;]/.test(t)) return 'A diagnosis looks at one host: type one address or host name. For a list of hosts, use Sweep.';
  if (t.includes('/') || /^\d{1,3}(?:\.\d{1,3}){3}-/.test(t) || /^[0-9a-f:]*:[0-9a-f:]*-/i.test(t)) {
    return `“${t}” is a range of addresses, and a diagnosis looks at one host: type one address, or use Sweep for the range.`;
  }
  return null;
}

/** An engine message about the target, in the app's words (no CLI flags). */
export function targetWording(message: string): string {
  return message
    .replace(/;?\s*narrow the range or pass --force/i, ': a diagnosis looks at one host; use Sweep for ranges')
    .replace(/use a sweep \(discover\) for ranges/i, 'use Sweep for ranges')
    .replace(/\s*\(use discover for sweeps\)/i, ': use Sweep for ranges')
    .replace(/--[a-z-]+/g, (flag) => `the ${flag.slice(2).replace(/-/g, ' ')} option`);
}
