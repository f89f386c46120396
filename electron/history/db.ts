/**
 * Opens (or creates) the history database: WAL, a busy timeout so the CLI, web mode and the app
 * can share one data directory, numbered migrations, and a damaged file moved aside (never
 * deleted) with a fresh database started in its place.
 */
import { closeSync, existsSync, openSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Database = BetterSqlite3.Database;

/** Wait this long for another process's write to finish before giving up with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;

export class HistoryDbError extends Error {
  constructor(
    readonly code: 'unavailable' | 'newer-schema' | 'damaged' | 'busy',
    message: string,
  ) {
    super(message);
    this.name = 'HistoryDbError';
  }
}

export interface OpenedDb {
  db: Database;
  /** Set when a damaged file was found: where it was moved. */
  movedAside: string | null;
}

type DatabaseCtor = typeof BetterSqlite3;
let ctor: DatabaseCtor | null = null;

/** Loads the native driver on first use, so commands that never touch history never load it. */
function driver(): DatabaseCtor {
  if (ctor) return ctor;
  try {
    // `require` exists in the CommonJS bundles (where import.meta.url does not; the packager sees
    // this literal require and packs the module); ESM (the CLI bundle, tests, tsx) has the URL.
    ctor = (
      typeof require === 'function'
        ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon loaded on first use, see above
          require('better-sqlite3')
        : createRequire(import.meta.url)('better-sqlite3')
    ) as DatabaseCtor;
    return ctor;
  } catch (err) {
    throw new HistoryDbError('unavailable', `the history database driver (better-sqlite3) could not be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
}

function isDamage(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new HistoryDbError('newer-schema', `the history database was written by a newer ScanReady (schema ${current}, this one knows ${SCHEMA_VERSION})`);
  }
  if (current === 0) {
    // Must precede the first table; lets retention give space back without a full VACUUM.
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      apply.immediate();
    } catch (err) {
      if (err instanceof HistoryDbError) throw err;
      throw Object.assign(new Error(`history migration ${m.version} (${m.name}) failed: ${(err as Error).message}`), { code: (err as { code?: unknown }).code });
    }
  }
}

/**
 * Opening is a series of steps (load the driver, open the file, WAL, checks, migrations); each
 * `yield` is a point where a caller that must keep the event loop free may let other work run
 * (see openHistoryDbYielding). Creating a database costs fsyncs that add up to 100 ms and more.
 */
function* openOnce(file: string): Generator<void, Database, void> {
  // Create the file 0600 before SQLite does (it would use the umask); -wal/-shm copy its mode.
  if (file !== ':memory:' && !existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const Ctor = driver();
  yield;
  const db = new Ctor(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    yield;
    db.pragma('journal_mode = WAL');
    yield;
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a crash loses at most the last transactions, never corrupts
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`integrity check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    yield;
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function moveAside(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const dest = `${file}.damaged-${stamp}`;
  renameSync(file, dest);
  for (const side of ['-wal', '-shm']) {
    if (existsSync(file + side)) renameSync(file + side, dest + side);
  }
  return dest;
}

function* openSteps(file: string, now: Date): Generator<void, OpenedDb, void> {
  try {
    return { db: yield* openOnce(file), movedAside: null };
  } catch (err) {
    if (!isDamage(err)) {
      if (err instanceof HistoryDbError) throw err;
      const code = (err as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY') throw new HistoryDbError('busy', 'the history database is locked by another ScanReady process; try again');
      throw new HistoryDbError('unavailable', `the history database ${file} cannot be opened: ${(err as Error).message}`);
    }
    const movedAside = moveAside(file, now);
    return { db: yield* openOnce(file), movedAside };
  }
}

/** Opens `file`; a damaged database is moved aside and a fresh one started (`movedAside` says where). */
export function openHistoryDb(file: string, now = new Date()): OpenedDb {
  const steps = openSteps(file, now);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** The same as openHistoryDb, letting the event loop run between the steps (web mode, the app). */
export async function openHistoryDbYielding(file: string, now = new Date()): Promise<OpenedDb> {
  const steps = openSteps(file, now);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
