/**
 * A bundle from a STORED run (`scanready export HISTORY_ID FILE`, and the app's Export): the
 * history entry exactly as it was saved — never a new probe.
 */
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import type { HistoryEntry } from '../../shared/ipc.js';
import { HistoryStore } from '../service/history.js';
import { writeBundle, type BundleInput, type BundleOptions, type BundleWritten } from './bundle.js';

/** The bundle input of one history entry. */
export function bundleInputOf(entry: HistoryEntry): BundleInput {
  const result = entry.result as unknown;
  switch (entry.summary.kind) {
    case 'diagnosis':
      return { diagnoses: [result as DiagnosisResult] };
    case 'auth':
      return { auth: [result as AuthResult] };
    case 'discovery':
      return { discoveries: (result as { hosts?: HostResult[] } | null)?.hosts ?? [] };
  }
}

export async function writeBundleFromHistory(userDataDir: string, id: string, file: string, opts: BundleOptions = {}): Promise<BundleWritten> {
  const entry = await new HistoryStore(userDataDir).get(id);
  return writeBundle(file, { ...bundleInputOf(entry), source: `history entry ${id} (${entry.summary.createdAt})` }, opts);
}
