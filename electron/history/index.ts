/** Run history: one SQLite database shared by the app, web mode and the CLI. */
export { HistoryStore, HistoryError, newHistoryId, parseWhen, DEFAULT_RETENTION, DB_FILE_NAME, CHUNK_HOSTS, MAX_LIST } from './store.js';
export type { HistoryQuery, RetentionPolicy, SweepWriter } from './store.js';
export { HistoryDbError, BUSY_TIMEOUT_MS } from './db.js';
export { summarizeAuth, summarizeDiagnosis, summarizeDiscovery, summarizeSweep, SweepTally } from './summary.js';
