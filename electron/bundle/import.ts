/**
 * Opening a bundle in the app: read with the safe reader (read.ts: caps, no path traversal, no
 * zip bomb, schemaVersion), then kept in History as runs marked "imported from FILE" — never
 * probed again. A diagnosis and a credential check become one entry each; the discoveries of a
 * bundle become one sweep entry. The bundle's probes.pcap goes with the first entry.
 *
 * Nothing is written but the history database: a bad archive is refused with one line and
 * leaves History as it was.
 */
import path from 'node:path';
import type { HistorySummary } from '../../shared/ipc.js';
import type { HistoryStore} from '../history/index.js';
import { DEFAULT_RETENTION, newHistoryId, summarizeAuth, summarizeDiagnosis, summarizeSweep, SweepTally, type RetentionPolicy } from '../history/index.js';
import { BundleError } from './bundle.js';
import { parsePcap } from './capture.js';
import { readBundle } from './read.js';

export interface ImportedBundle {
  /** The file name shown ("imported from NAME"): the base name only, as text. */
  fileName: string;
  /** The new History entries, in the bundle's order. */
  ids: string[];
  summaries: HistorySummary[];
}

/** A display name for an imported file: its base name, no control characters, at most 120 characters. */
export function importName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return (base === '' ? 'bundle.zip' : base).slice(0, 120);
}

/**
 * Reads `file` (a bundle) and stores its runs in the History of `store`, marked imported from
 * `displayName`. Throws BundleError('bad-input') for anything that is not a good bundle.
 */
export async function importBundle(file: string, store: HistoryStore, displayName = file, retention: RetentionPolicy = DEFAULT_RETENTION): Promise<ImportedBundle> {
  const fileName = importName(displayName);
  let b;
  try {
    b = await readBundle(file);
  } catch (err) {
    // Name the file the operator chose, not where it was kept meanwhile (an upload's temporary file).
    if (err instanceof BundleError) throw new BundleError(err.code, err.message.split(file).join(fileName));
    throw err;
  }
  const { diagnoses, discoveries, auth } = b.result;
  if (diagnoses.length + discoveries.length + auth.length === 0) throw new BundleError('bad-input', `cannot open bundle ${fileName}: it holds no results`);
  const at = typeof b.result.createdAt === 'string' && !Number.isNaN(Date.parse(b.result.createdAt)) ? b.result.createdAt : new Date().toISOString();
  const mark = (s: HistorySummary): HistorySummary => ({ ...s, importedFrom: fileName, title: `${s.title} (imported from ${fileName})` });
  const ids: string[] = [];
  const summaries: HistorySummary[] = [];
  const keep = (kind: HistorySummary['kind'], s: HistorySummary, result: unknown): void => {
    const summary = mark(s);
    ids.push(store.add(kind, summary, result, retention));
    summaries.push(summary);
  };
  try {
    for (const d of diagnoses) keep('diagnosis', summarizeDiagnosis(newHistoryId(), d, at), d);
    for (const a of auth) keep('auth', summarizeAuth(newHistoryId(), a, at), a);
    if (discoveries.length > 0) {
      const tally = new SweepTally();
      for (const h of discoveries) tally.add(h);
      keep('discovery', summarizeSweep(newHistoryId(), discoveries.map((h) => h.target), tally, false, at), { hosts: discoveries, cancelled: false });
    }
    const pcap = b.entries.get('probes.pcap');
    if (pcap && ids[0]) store.setPackets(ids[0], pcap, parsePcap(pcap).length);
  } catch (err) {
    // All or nothing: a half-imported bundle is removed again.
    for (const id of ids) store.delete(id);
    if (err instanceof BundleError) throw err;
    throw new BundleError('internal', `cannot keep bundle ${fileName} in History: ${(err as Error).message}`);
  }
  return { fileName, ids, summaries };
}
