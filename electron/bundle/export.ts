/**
 * A bundle from a STORED run (`scanready export HISTORY_ID FILE`, and the app's Export): the
 * history entry exactly as it was saved — never a new probe.
 */
import type { HistoryEntry } from '../../shared/ipc.js';
import { HistoryStore } from '../history/index.js';
import { writeBundle, type BundleInput, type BundleOptions, type BundleWritten } from './bundle.js';

/** The bundle input of one history entry. */
export function bundleInputOf(entry: HistoryEntry): BundleInput {
  switch (entry.kind) {
    case 'diagnosis':
      return { diagnoses: [entry.result] };
    case 'auth':
      return { auth: [entry.result] };
    case 'discovery':
      return { discoveries: entry.result.hosts };
  }
}

export async function writeBundleFromHistory(userDataDir: string, id: string, file: string, opts: BundleOptions = {}): Promise<BundleWritten> {
  const store = new HistoryStore(userDataDir);
  let entry: HistoryEntry;
  try {
    entry = store.get(id);
  } finally {
    store.close();
  }
  return writeBundle(file, { ...bundleInputOf(entry), source: `history entry ${id} (${entry.summary.createdAt})` }, opts);
}
