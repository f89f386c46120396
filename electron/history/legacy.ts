/**
 * One-time import of the JSON history of earlier versions (`history/index.json` plus one
 * `<id>.json` per run). Each entry is inserted in its own transaction; only after every entry was
 * tried is the old folder renamed aside (never deleted). A damaged entry is reported and skipped.
 */
import { existsSync, lstatSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { HistoryKind, HistorySummary } from '../../shared/ipc.js';
import { HISTORY_ID_RE } from '../../shared/historyId.js';

/** The old writer refused entries over 32 MiB; anything larger is not one of ours. */
const MAX_LEGACY_ENTRY = 64 * 1024 * 1024;
const MAX_LEGACY_INDEX = 16 * 1024 * 1024;
const KINDS: readonly HistoryKind[] = ['diagnosis', 'discovery', 'auth'];
const ID_RE = HISTORY_ID_RE;

function readJson(file: string, cap: number): unknown {
  const st = lstatSync(file);
  if (!st.isFile()) throw new Error('not a regular file');
  if (st.size > cap) throw new Error(`larger than ${cap} bytes`);
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

export type LegacyInsert = (kind: HistoryKind, summary: HistorySummary, result: unknown) => void;

/** Returns a sentence for the user when something was imported or skipped; null when there was nothing. */
export function importLegacyHistory(userDataDir: string, insert: LegacyInsert, now = new Date()): string | null {
  const dir = path.join(userDataDir, 'history');
  const indexFile = path.join(dir, 'index.json');
  if (!existsSync(indexFile)) return null;
  let listed: unknown[] = [];
  try {
    const index = readJson(indexFile, MAX_LEGACY_INDEX) as { entries?: unknown };
    if (Array.isArray(index.entries)) listed = index.entries;
  } catch {
    listed = [];
  }
  let imported = 0;
  const skipped: string[] = [];
  for (const item of listed) {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || !ID_RE.test(id)) {
      skipped.push('(an index line without a valid id)');
      continue;
    }
    try {
      const entry = readJson(path.join(dir, `${id}.json`), MAX_LEGACY_ENTRY) as { summary?: HistorySummary; result?: unknown };
      const kind = entry.summary?.kind;
      if (!entry.summary || typeof entry.summary !== 'object' || !kind || !KINDS.includes(kind) || entry.result === undefined) throw new Error('not a history entry');
      if (typeof entry.summary.createdAt !== 'string' || typeof entry.summary.target !== 'string' || typeof entry.summary.title !== 'string') throw new Error('summary fields missing');
      insert(kind, { ...entry.summary, id }, entry.result);
      imported++;
    } catch {
      skipped.push(id);
    }
  }
  const dest = `${dir}.imported-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(dir, dest);
  const parts = [`Imported ${imported} run${imported === 1 ? '' : 's'} from the old history folder into the history database; the old folder was kept as ${dest}.`];
  if (skipped.length > 0) parts.push(`${skipped.length} damaged entr${skipped.length === 1 ? 'y was' : 'ies were'} skipped: ${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? ', …' : ''}.`);
  return parts.join(' ');
}
