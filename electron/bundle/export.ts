/**
 * A bundle from a STORED run (`scanready export HISTORY_ID FILE`, and the app's Export): the
 * history entry exactly as it was saved — never a new probe.
 */
import type { HistoryEntry } from '../../shared/ipc.js';
import { HistoryStore } from '../history/index.js';
import { writeBundle, type BundleInput, type BundleOptions, type BundleWritten } from './bundle.js';
import { parsePcap } from './capture.js';

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
  try {
    return await writeBundleFromStore(store, id, file, opts);
  } finally {
    store.close();
  }
}

/** The same, with an open store (the service's): the entry and its packets as they were saved. */
export async function writeBundleFromStore(store: HistoryStore, id: string, file: string, opts: BundleOptions = {}): Promise<BundleWritten> {
  const entry: HistoryEntry = store.get(id);
  const pcap = store.packets(id);
  const packets = pcap ? parsePcap(pcap) : [];
  const source = entry.summary.importedFrom ? `imported from ${entry.summary.importedFrom}` : `history entry ${id} (${entry.summary.createdAt})`;
  return writeBundle(file, { ...bundleInputOf(entry), source, ...(packets.length > 0 ? { packets } : {}) }, opts);
}

/** A file name for a stored run's bundle: `scanready-<kind>-<target>-<date>.zip` (safe characters only). */
export function bundleFileName(entry: Pick<HistoryEntry, 'kind' | 'summary'>): string {
  const target = entry.summary.target.replace(/[^A-Za-z0-9.@:-]+/g, '_').replace(/:/g, '-').slice(0, 60) || 'run';
  const day = entry.summary.createdAt.slice(0, 10).replace(/[^0-9-]/g, '') || 'undated';
  return `scanready-${entry.kind}-${target}-${day}.zip`;
}
