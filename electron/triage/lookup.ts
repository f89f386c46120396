/**
 * From a probed address back to the input entry that named it (its category, file and reason):
 * single addresses by a map, IPv4 ranges by binary search over their sorted spans.
 */
import type { TriageHost } from '../../shared/triage.js';
import { parseIPv4 } from '../targets/index.js';
import type { InputHost } from './parse/index.js';

export function inputLookup(hosts: readonly InputHost[]): (address: string, target: string) => TriageHost['input'] {
  const byEntry = new Map<string, InputHost>();
  const spans: { first: number; last: number; host: InputHost }[] = [];
  for (const h of hosts) {
    byEntry.set(h.entry, h);
    if (h.v4) spans.push({ ...h.v4, host: h });
  }
  spans.sort((a, b) => a.first - b.first);
  const info = (h: InputHost): TriageHost['input'] => ({ category: h.category, source: h.source, ...(h.reason !== undefined ? { reason: h.reason } : {}) });
  return (address, target) => {
    const direct = byEntry.get(target) ?? byEntry.get(address);
    if (direct) return info(direct);
    const n = parseIPv4(address);
    if (n === null) return null;
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = spans[mid] as (typeof spans)[number];
      if (s.first > n) hi = mid - 1;
      else {
        if (s.last >= n) return info(s.host);
        lo = mid + 1;
      }
    }
    // Overlapping spans: fall back to a scan (rare).
    const s = spans.find((x) => x.first <= n && x.last >= n);
    return s ? info(s.host) : null;
  };
}
