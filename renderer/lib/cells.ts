import type { ProbeResult } from '../../shared/discovery.js';
import { probeKey, type PlannedProbe } from './format.js';

export interface MatrixCell {
  key: string;
  planned: PlannedProbe;
  result: ProbeResult | null;
}

/** Merges the profile's planned probes with the results received so far (extra results are appended). */
export function buildCells(planned: readonly PlannedProbe[], results: readonly ProbeResult[]): MatrixCell[] {
  const byKey = new Map<string, ProbeResult>();
  for (const r of results) byKey.set(probeKey(r), r);
  const cells: MatrixCell[] = planned.map((p) => {
    const key = probeKey(p);
    const result = byKey.get(key) ?? null;
    byKey.delete(key);
    return { key, planned: p, result };
  });
  for (const [key, r] of byKey) cells.push({ key, planned: r, result: r });
  return cells;
}
