/**
 * Addresses to the fewest CIDR blocks and to ranges. IPv4 as numbers (sorted, merged, then each
 * run split into aligned blocks); IPv6 addresses are listed one by one (triage of IPv6 lists is rare).
 */
import { formatIPv4, parseIPv4 } from '../targets/index.js';

/** Sorted, merged runs of consecutive IPv4 numbers. */
export function runsOf(numbers: Iterable<number>): [number, number][] {
  const sorted = Float64Array.from(numbers).sort();
  const runs: [number, number][] = [];
  for (const n of sorted) {
    const last = runs[runs.length - 1];
    if (last && n <= last[1] + 1) last[1] = Math.max(last[1], n);
    else runs.push([n, n]);
  }
  return runs;
}

/** One run to the fewest aligned CIDR blocks. */
export function runToCidrs(first: number, last: number): string[] {
  const out: string[] = [];
  let a = first;
  while (a <= last) {
    let size = 1;
    // Largest block aligned at `a` that still fits.
    while (size < 2 ** 32 && a % (size * 2) === 0 && a + size * 2 - 1 <= last) size *= 2;
    out.push(`${formatIPv4(a)}/${32 - Math.log2(size)}`);
    a += size;
  }
  return out;
}

export function collapse(addresses: readonly string[]): { cidrs: string[]; ranges: string[] } {
  const v4: number[] = [];
  const other: string[] = [];
  for (const a of addresses) {
    const n = parseIPv4(a);
    if (n === null) other.push(a);
    else v4.push(n);
  }
  const runs = runsOf(v4);
  const cidrs = runs.flatMap(([f, l]) => runToCidrs(f, l));
  const ranges = runs.map(([f, l]) => (f === l ? formatIPv4(f) : `${formatIPv4(f)}-${formatIPv4(l)}`));
  const v6 = [...new Set(other)].sort();
  return { cidrs: [...cidrs, ...v6.map((a) => `${a}/128`)], ranges: [...ranges, ...v6] };
}
