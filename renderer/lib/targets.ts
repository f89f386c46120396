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

function ipv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return null;
  return (((o[0] ?? 0) * 256 + (o[1] ?? 0)) * 256 + (o[2] ?? 0)) * 256 + (o[3] ?? 0);
}

/**
 * How many hosts a sweep's entries hold, before starting (the engine counts again, exactly):
 * CIDR without network/broadcast addresses on /30 and larger, ranges, single addresses and names,
 * overlaps counted once. `unknown`: entries this count could not read (the engine will say why).
 */
export function countHosts(entries: readonly string[]): { hosts: bigint; unknown: number } {
  const spans: [number, number][] = [];
  const others = new Set<string>();
  let v6 = 0n;
  let unknown = 0;
  for (const raw of entries) {
    const e = raw.trim();
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(e);
    if (cidr?.[1] !== undefined && cidr[2] !== undefined) {
      const prefix = Number(cidr[2]);
      const a = ipv4(cidr[1]);
      if (a !== null && prefix <= 32) {
        const size = 2 ** (32 - prefix);
        const first = Math.floor(a / size) * size;
        spans.push(prefix <= 30 ? [first + 1, first + size - 2] : [first, first + size - 1]);
      } else if (cidr[1].includes(':') && prefix <= 128) v6 += 1n << BigInt(128 - prefix);
      else unknown++;
      continue;
    }
    const a = ipv4(e);
    if (a !== null) {
      spans.push([a, a]);
      continue;
    }
    const dash = /^(\d+\.\d+\.\d+\.\d+)-(\d+(?:\.\d+\.\d+\.\d+)?)$/.exec(e);
    if (dash?.[1] !== undefined && dash[2] !== undefined) {
      const start = ipv4(dash[1]);
      const end = start === null ? null : dash[2].includes('.') ? ipv4(dash[2]) : Math.floor(start / 256) * 256 + Number(dash[2]);
      if (start !== null && end !== null && end >= start && (dash[2].includes('.') || Number(dash[2]) <= 255)) spans.push([start, end]);
      else unknown++;
      continue;
    }
    if (/^[a-z0-9.:-]+$/i.test(e)) others.add(e.toLowerCase());
    else unknown++;
  }
  spans.sort((x, y) => x[0] - y[0]);
  let v4 = 0;
  let upTo = -1;
  for (const [lo, hi] of spans) {
    const from = Math.max(lo, upTo + 1);
    if (hi >= from) v4 += hi - from + 1;
    upTo = Math.max(upTo, hi);
  }
  return { hosts: BigInt(v4) + v6 + BigInt(others.size), unknown };
}
