/**
 * Turns what can be compared — a History run or a debug bundle — into a ComparableRun for the
 * shared diff (shared/compare.ts). Used by `scanready compare` and the service.
 */
import { stat } from 'node:fs/promises';
import type { ComparableRun } from '../../shared/compare.js';
import type { HistoryEntry } from '../../shared/ipc.js';
import type { BundleResult } from '../bundle/result.js';
import { HISTORY_ID_RE } from '../../shared/historyId.js';

/** A History run, as it was stored. */
export function runFromHistory(e: HistoryEntry): ComparableRun {
  const label = `history ${e.summary.id}`;
  switch (e.kind) {
    case 'diagnosis':
      return {
        label,
        kind: 'diagnosis',
        target: e.result.target,
        startedAt: e.result.startedAt ?? e.summary.createdAt,
        hosts: [e.result.discovery],
        path: e.result.path,
        auth: e.result.auth,
      };
    case 'discovery':
      return {
        label,
        kind: 'discovery',
        target: e.summary.target,
        startedAt: e.result.hosts[0]?.startedAt ?? e.summary.createdAt,
        hosts: e.result.hosts,
        path: null,
        auth: null,
      };
    case 'auth':
      return { label, kind: 'auth', target: e.result.host, startedAt: e.result.startedAt, hosts: [], path: null, auth: e.result };
  }
}

/** A bundle's result.json: its first diagnosis, else its discovery hosts, else its credential check. */
export function runFromBundle(file: string, r: BundleResult): ComparableRun {
  const label = `bundle ${file}`;
  const d = r.diagnoses[0];
  if (d) return { label, kind: 'diagnosis', target: d.target, startedAt: d.startedAt ?? r.createdAt, hosts: [d.discovery], path: d.path, auth: d.auth };
  if (r.discoveries.length > 0) {
    const first = r.discoveries[0]!;
    return { label, kind: 'discovery', target: r.discoveries.length === 1 ? first.target : `${first.target} … (${r.discoveries.length} hosts)`, startedAt: first.startedAt, hosts: r.discoveries, path: null, auth: null };
  }
  const a = r.auth[0];
  if (a) return { label, kind: 'auth', target: a.host, startedAt: a.startedAt, hosts: [], path: null, auth: a };
  throw new Error(`bundle ${file} holds no run to compare`);
}

export type ComparableSource = { kind: 'history'; id: string } | { kind: 'bundle'; file: string };

/** Which one the user meant: an existing file is a bundle, else an id-shaped argument is a History id. */
export async function sourceOf(arg: string): Promise<ComparableSource> {
  const st = await stat(arg).catch(() => null);
  if (st) return { kind: 'bundle', file: arg };
  if (HISTORY_ID_RE.test(arg)) return { kind: 'history', id: arg };
  return { kind: 'bundle', file: arg };
}
