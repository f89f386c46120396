/**
 * The history of runs, in one SQLite database (`history.sqlite` in the data directory) shared by
 * the app, web mode and the CLI. Results are redacted before they are written, compressed, and a
 * sweep's hosts are kept in ordered chunks so a 65,536-host sweep stays in the tens of megabytes.
 *
 * Plain Node (better-sqlite3 is loaded on first use): no electron import.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { HostResult } from '../../shared/discovery.js';
import type { HistoryEntry, HistoryKind, HistorySummary } from '../../shared/ipc.js';
import { redact, type RedactOptions } from '../bundle/redact.js';
import { openHistoryDb, openHistoryDbYielding, type Database, type OpenedDb } from './db.js';
import { importLegacyHistory } from './legacy.js';
import { HISTORY_ID_RE } from '../../shared/historyId.js';

/** Hosts per stored chunk of a sweep: large enough to compress well, small enough to write between events. */
export const CHUNK_HOSTS = 256;
export const DB_FILE_NAME = 'history.sqlite';

export interface RetentionPolicy {
  /** Delete runs older than this many days (pinned runs are kept); null = no age limit. */
  keepDays: number | null;
  /** Keep the stored runs under this many MiB, oldest unpinned first; null = no size limit. */
  keepMB: number | null;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepDays: 90, keepMB: 500 };

export interface HistoryQuery {
  /** Substring of the target as typed (case-insensitive). */
  target?: string;
  kind?: HistoryKind;
  /** Verdict (diagnosis, single-host discovery) or credential status. */
  verdict?: string;
  profile?: string;
  /** ISO time or date: runs at or after it. */
  since?: string;
  /** ISO time or date: runs before it. */
  until?: string;
  pinned?: boolean;
  limit?: number;
  offset?: number;
}

export const MAX_LIST = 5000;
/** The most of a run's pcap the history keeps (deflated); a larger capture is not stored. */
export const MAX_STORED_PCAP_BYTES = 4 * 1024 * 1024;

const ID_RE = HISTORY_ID_RE;

export function newHistoryId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
}

export class HistoryError extends Error {
  constructor(
    readonly code: 'not-found' | 'bad-input' | 'damaged',
    message: string,
  ) {
    super(message);
    this.name = 'HistoryError';
  }
}

function pack(value: unknown): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(value)), { level: 6 });
}

function unpack(data: Buffer | null): unknown {
  if (!data) return null;
  return JSON.parse(inflateRawSync(data).toString('utf8')) as unknown;
}

interface RunRow {
  id: string;
  kind: string;
  summary: string;
  result: Buffer | null;
  state: string;
  pinned: number;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function rowSummary(row: Pick<RunRow, 'summary' | 'pinned' | 'state'>): HistorySummary {
  const s = JSON.parse(row.summary) as HistorySummary;
  return { ...s, pinned: row.pinned === 1, ...(row.state === 'interrupted' ? { interrupted: true } : {}) };
}

/** Writes one sweep's hosts as they finish; the run is listed as interrupted if the process dies first. */
export interface SweepWriter {
  readonly id: string;
  add(host: HostResult): void;
  /** Stores the last chunk and the final summary, then applies retention (the policy given here, else the one at the start). */
  finish(summary: HistorySummary, cancelled: boolean, retention?: RetentionPolicy): void;
  /** Drops the run (nothing finished). */
  discard(): void;
}

export class HistoryStore {
  readonly file: string;
  private db: Database | null = null;
  /** Counts close() calls: an open in progress when the store is closed keeps nothing. */
  private closes = 0;
  /** Things to tell the user once: a damaged file moved aside, the old JSON history imported. */
  readonly notices: string[] = [];

  constructor(readonly userDataDir: string) {
    this.file = path.join(userDataDir, DB_FILE_NAME);
  }

  /** True when there is any history to read (the database, or an old JSON history to import). */
  private anything(): boolean {
    return this.db !== null || existsSync(this.file) || existsSync(path.join(this.userDataDir, 'history', 'index.json'));
  }

  /** Opens on first use: commands that never touch history never load the native driver. */
  private open(): Database {
    if (this.db) return this.db;
    // Only writes get here without a database: they create the data directory (0700) as needed.
    mkdirSync(this.userDataDir, { recursive: true, mode: 0o700 });
    return this.opened(openHistoryDb(this.file));
  }

  /**
   * Opens (creating it if needed) ahead of a write, letting the event loop run between the steps:
   * the service calls it when a sweep starts, so its first host does not stall other clients.
   */
  async prepare(): Promise<void> {
    if (this.db) return;
    mkdirSync(this.userDataDir, { recursive: true, mode: 0o700 });
    const closes = this.closes;
    const o = await openHistoryDbYielding(this.file);
    // Opened meanwhile by a synchronous call, or the store was closed: keep no second handle.
    if (this.db || closes !== this.closes) o.db.close();
    else this.opened(o);
  }

  private opened({ db, movedAside }: OpenedDb): Database {
    this.db = db;
    if (movedAside) this.notices.push(`The history database was damaged and could not be opened. It was moved to ${movedAside} and a new, empty history was started.`);
    this.markInterrupted();
    const report = importLegacyHistory(this.userDataDir, (kind, summary, result) => this.insert(kind, summary, result));
    if (report) this.notices.push(report);
    return db;
  }

  /** In-flight runs whose writer is gone (killed, crashed) are kept, marked interrupted. */
  private markInterrupted(): void {
    const db = this.db!;
    const rows = db.prepare(`SELECT id, owner_pid AS pid FROM runs WHERE state = 'in-flight'`).all() as { id: string; pid: number | null }[];
    const mark = db.prepare(`UPDATE runs SET state = 'interrupted' WHERE id = ? AND state = 'in-flight'`);
    for (const r of rows) if (r.pid === null || !pidAlive(r.pid)) mark.run(r.id);
  }

  private insert(kind: HistoryKind, summary: HistorySummary, result: unknown, secrets: RedactOptions = {}): string {
    const db = this.db!;
    if (!ID_RE.test(summary.id)) throw new HistoryError('bad-input', 'bad history id');
    const s: HistorySummary = redact({ ...summary, kind }, secrets);
    // A sweep's hosts are probe evidence built from packets (no credential ever reaches
    // discovery), so they skip the redactor, which would cost more than the sweep itself at a /16.
    const hosts = kind === 'discovery' ? ((result as { hosts?: HostResult[] }).hosts ?? []) : [];
    const body = kind === 'discovery' ? { ...(result as object), hosts: undefined } : redact(result, secrets);
    const blob = pack(body);
    const write = db.transaction(() => {
      db.prepare('DELETE FROM runs WHERE id = ?').run(s.id);
      this.insertRunRow(s, blob, 'complete');
      let bytes = blob.length;
      const chunk = db.prepare('INSERT INTO sweep_chunks (run_id, chunk, hosts, alive, data) VALUES (?, ?, ?, ?, ?)');
      for (let i = 0; i * CHUNK_HOSTS < hosts.length; i++) {
        const part = hosts.slice(i * CHUNK_HOSTS, (i + 1) * CHUNK_HOSTS);
        const data = pack(part);
        bytes += data.length;
        chunk.run(s.id, i, part.length, part.filter((h) => h.alive).length, data);
      }
      db.prepare('UPDATE runs SET bytes = ? WHERE id = ?').run(bytes, s.id);
    });
    write.immediate();
    return s.id;
  }

  private insertRunRow(s: HistorySummary, blob: Buffer | null, state: string): void {
    this.db!.prepare(
      `INSERT INTO runs (id, kind, created_at, created_ms, target, title, profile, verdict, auth_status, privileged,
                         hosts_total, hosts_alive, state, owner_pid, bytes, summary, result)
       VALUES (@id, @kind, @createdAt, @createdMs, @target, @title, @profile, @verdict, @authStatus, @privileged,
               @hostsTotal, @hostsAlive, @state, @pid, 0, @summary, @result)`,
    ).run({
      id: s.id,
      kind: s.kind,
      createdAt: s.createdAt,
      createdMs: Date.parse(s.createdAt) || Date.now(),
      target: s.target,
      title: s.title,
      profile: s.profile,
      verdict: s.verdict ?? null,
      authStatus: s.authStatus ?? null,
      privileged: s.privileged ? 1 : 0,
      hostsTotal: s.hosts?.total ?? null,
      hostsAlive: s.hosts?.alive ?? null,
      state,
      pid: state === 'in-flight' ? process.pid : null,
      summary: JSON.stringify({ ...s, pinned: undefined, interrupted: undefined }),
      result: blob,
    });
  }

  /**
   * Stores a finished run and applies the retention policy; returns its id. Everything but a
   * sweep's hosts passes the one redactor, with the run's own secrets when given.
   */
  add(kind: HistoryKind, summary: HistorySummary, result: unknown, retention: RetentionPolicy = DEFAULT_RETENTION, secrets: RedactOptions = {}): string {
    this.open();
    const id = this.insert(kind, summary, result, secrets);
    this.applyRetention(retention);
    return id;
  }

  /**
   * Starts a sweep whose hosts are written in chunks as they finish, so memory stays flat in the
   * number of hosts and a crash keeps what was done (listed as interrupted).
   */
  beginSweep(initial: HistorySummary, retention: RetentionPolicy = DEFAULT_RETENTION): SweepWriter {
    const db = this.open();
    const id = initial.id;
    if (!ID_RE.test(id)) throw new HistoryError('bad-input', 'bad history id');
    db.transaction(() => this.insertRunRow(redact({ ...initial, kind: 'discovery' }), null, 'in-flight')).immediate();
    let buffer: HostResult[] = [];
    let chunkNo = 0;
    let bytes = 0;
    let total = 0;
    let closed = false;
    const flush = (): void => {
      if (buffer.length === 0) return;
      const part = buffer; // probe evidence only: see insert()
      const data = pack(part);
      db.prepare('INSERT INTO sweep_chunks (run_id, chunk, hosts, alive, data) VALUES (?, ?, ?, ?, ?)').run(
        id,
        chunkNo++,
        part.length,
        part.filter((h) => h.alive).length,
        data,
      );
      bytes += data.length;
      buffer = [];
    };
    return {
      id,
      add: (host) => {
        if (closed) return;
        buffer.push(host);
        total++;
        if (buffer.length >= CHUNK_HOSTS) flush();
      },
      finish: (summary, cancelled, policy) => {
        if (closed) return;
        closed = true;
        const s: HistorySummary = redact({ ...summary, id, kind: 'discovery' });
        const blob = pack({ cancelled });
        db.transaction(() => {
          flush();
          db.prepare(
            `UPDATE runs SET state = 'complete', owner_pid = NULL, created_at = ?, created_ms = ?, target = ?, title = ?, profile = ?,
               verdict = ?, privileged = ?, hosts_total = ?, hosts_alive = ?, summary = ?, result = ?, bytes = ? WHERE id = ?`,
          ).run(
            s.createdAt,
            Date.parse(s.createdAt) || Date.now(),
            s.target,
            s.title,
            s.profile,
            s.verdict ?? null,
            s.privileged ? 1 : 0,
            s.hosts?.total ?? total,
            s.hosts?.alive ?? null,
            JSON.stringify(s),
            blob,
            bytes + blob.length,
            id,
          );
        }).immediate();
        this.applyRetention(policy ?? retention);
      },
      discard: () => {
        if (closed) return;
        closed = true;
        db.prepare('DELETE FROM runs WHERE id = ?').run(id);
      },
    };
  }

  list(query: HistoryQuery = {}): HistorySummary[] {
    if (query.since) parseWhen(query.since, 'since');
    if (query.until) parseWhen(query.until, 'until');
    if (!this.anything()) return []; // reading creates nothing
    const db = this.open();
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (query.target) {
      where.push(`target LIKE @target ESCAPE '\\'`);
      args.target = `%${query.target.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (query.kind) {
      where.push('kind = @kind');
      args.kind = query.kind;
    }
    if (query.verdict) {
      where.push('(verdict = @verdict OR auth_status = @verdict)');
      args.verdict = query.verdict;
    }
    if (query.profile) {
      where.push('profile = @profile');
      args.profile = query.profile;
    }
    if (query.since) {
      where.push('created_ms >= @since');
      args.since = parseWhen(query.since, 'since');
    }
    if (query.until) {
      where.push('created_ms < @until');
      args.until = parseWhen(query.until, 'until');
    }
    if (query.pinned !== undefined) {
      where.push('pinned = @pinned');
      args.pinned = query.pinned ? 1 : 0;
    }
    const limit = Math.min(Math.max(1, query.limit ?? 1000), MAX_LIST);
    const offset = Math.max(0, query.offset ?? 0);
    const rows = db
      .prepare(
        `SELECT summary, pinned, state FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_ms DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
      )
      .all(args) as Pick<RunRow, 'summary' | 'pinned' | 'state'>[];
    return rows.map(rowSummary);
  }

  /**
   * Keeps a run's packets (a pcap file, electron/bundle/capture.ts) beside its result, deflated;
   * false when the run is gone or the capture is over MAX_STORED_PCAP_BYTES once deflated.
   */
  setPackets(id: string, pcap: Buffer, packets: number): boolean {
    if (!ID_RE.test(id)) throw new HistoryError('bad-input', 'bad history id');
    const db = this.open();
    const data = deflateRawSync(pcap, { level: 6 });
    if (data.length > MAX_STORED_PCAP_BYTES) return false;
    let stored = false;
    db.transaction(() => {
      if (!db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) return;
      const old = db.prepare('SELECT length(data) AS n FROM run_packets WHERE run_id = ?').get(id) as { n: number } | undefined;
      db.prepare('INSERT OR REPLACE INTO run_packets (run_id, packets, data) VALUES (?, ?, ?)').run(id, packets, data);
      db.prepare('UPDATE runs SET bytes = bytes + ? WHERE id = ?').run(data.length - (old?.n ?? 0), id);
      stored = true;
    }).immediate();
    return stored;
  }

  /** A run's packets as a pcap file, or null when none were kept. */
  packets(id: string): Buffer | null {
    if (!ID_RE.test(id)) throw new HistoryError('bad-input', 'bad history id');
    if (!this.anything()) return null;
    const row = this.open().prepare('SELECT data FROM run_packets WHERE run_id = ?').get(id) as { data: Buffer } | undefined;
    if (!row) return null;
    try {
      return inflateRawSync(row.data, { maxOutputLength: 64 * 1024 * 1024 });
    } catch {
      return null; // damaged: the bundle goes without its pcap
    }
  }

  get(id: string): HistoryEntry {
    if (!ID_RE.test(id)) throw new HistoryError('bad-input', 'bad history id');
    if (!this.anything()) throw new HistoryError('not-found', 'that history entry no longer exists');
    const db = this.open();
    const row = db.prepare('SELECT id, kind, summary, result, state, pinned FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new HistoryError('not-found', 'that history entry no longer exists');
    try {
      const summary = rowSummary(row);
      const result = (unpack(row.result) ?? {}) as Record<string, unknown>;
      if (row.kind === 'discovery') {
        const hosts: HostResult[] = [];
        const chunks = db.prepare('SELECT data FROM sweep_chunks WHERE run_id = ? ORDER BY chunk').iterate(id) as Iterable<{ data: Buffer }>;
        for (const c of chunks) hosts.push(...(unpack(c.data) as HostResult[]));
        return { kind: 'discovery', summary: { ...summary, kind: 'discovery' }, result: { cancelled: row.state !== 'complete', ...result, hosts } };
      }
      return { kind: row.kind, summary, result } as HistoryEntry;
    } catch (err) {
      if (err instanceof HistoryError) throw err;
      throw new HistoryError('damaged', 'that history entry is damaged and cannot be opened');
    }
  }

  pin(id: string, pinned: boolean): boolean {
    if (!ID_RE.test(id)) throw new HistoryError('bad-input', 'bad history id');
    if (!this.anything()) return false;
    return this.open().prepare('UPDATE runs SET pinned = ? WHERE id = ?').run(pinned ? 1 : 0, id).changes > 0;
  }

  delete(id: string): boolean {
    if (!ID_RE.test(id)) throw new HistoryError('bad-input', 'bad history id');
    if (!this.anything()) return false;
    const changed = this.open().prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
    if (changed) this.reclaim();
    return changed;
  }

  clear(): number {
    if (!this.anything()) return 0;
    const n = this.open().prepare(`DELETE FROM runs WHERE state != 'in-flight'`).run().changes;
    this.reclaim();
    return n;
  }

  /** Deletes unpinned runs older than keepDays, then the oldest unpinned until under keepMB. */
  applyRetention(policy: RetentionPolicy, now = Date.now()): number {
    if (!this.anything()) return 0;
    const db = this.open();
    let deleted = 0;
    db.transaction(() => {
      if (policy.keepDays !== null) {
        deleted += db.prepare(`DELETE FROM runs WHERE pinned = 0 AND state != 'in-flight' AND created_ms < ?`).run(now - policy.keepDays * 86_400_000).changes;
      }
      if (policy.keepMB !== null) {
        const budget = policy.keepMB * 1024 * 1024;
        let total = (db.prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM runs').get() as { b: number }).b;
        if (total > budget) {
          const oldest = db.prepare(`SELECT id, bytes FROM runs WHERE pinned = 0 AND state != 'in-flight' ORDER BY created_ms ASC, id ASC`).iterate() as Iterable<{ id: string; bytes: number }>;
          const victims: string[] = [];
          for (const r of oldest) {
            if (total <= budget) break;
            victims.push(r.id);
            total -= r.bytes;
          }
          const del = db.prepare('DELETE FROM runs WHERE id = ?');
          for (const v of victims) deleted += del.run(v).changes;
        }
      }
    }).immediate();
    if (deleted > 0) this.reclaim();
    return deleted;
  }

  /** Gives freed pages back to the file system (auto_vacuum = INCREMENTAL). */
  private reclaim(): void {
    this.db?.pragma('incremental_vacuum');
  }

  /**
   * At start: imports an old JSON history and applies retention, when there is any history at
   * all (a fresh data directory gets no database until the first run is stored).
   */
  startup(policy: RetentionPolicy): void {
    if (!existsSync(this.file) && !existsSync(path.join(this.userDataDir, 'history', 'index.json'))) return;
    this.applyRetention(policy);
  }

  /** Bytes on disk: the database and its WAL. */
  stats(): { runs: number; storedBytes: number } {
    if (!this.anything()) return { runs: 0, storedBytes: 0 };
    const db = this.open();
    const r = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM runs').get() as { n: number; b: number };
    return { runs: r.n, storedBytes: r.b };
  }

  close(): void {
    this.closes++;
    this.db?.close();
    this.db = null;
  }
}

/**
 * Every text the database holds, decompressed: summaries, results, sweep chunks. For the tests that
 * search stored data for secrets (a byte search of the file would miss what deflate hides).
 */
export function storedTexts(userDataDir: string): string[] {
  const { db } = openHistoryDb(path.join(userDataDir, DB_FILE_NAME));
  try {
    const out: string[] = [];
    for (const row of db.prepare('SELECT summary, result FROM runs').iterate() as Iterable<{ summary: string; result: Buffer | null }>) {
      out.push(row.summary);
      if (row.result) out.push(inflateRawSync(row.result).toString('utf8'));
    }
    for (const row of db.prepare('SELECT data FROM sweep_chunks').iterate() as Iterable<{ data: Buffer }>) out.push(inflateRawSync(row.data).toString('utf8'));
    return out;
  } finally {
    db.close();
  }
}

/** `2026-12-01`, `2026-12-01T10:00:00Z`, or a relative `7d` / `12h`. */
export function parseWhen(text: string, what: string, now = Date.now()): number {
  const rel = /^(\d{1,5})([dh])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * (rel[2] === 'd' ? 86_400_000 : 3_600_000);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? Date.parse(`${text.trim()}T00:00:00Z`) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new HistoryError('bad-input', `${what}: "${text.slice(0, 40)}" is not a date (use 2026-12-01, an ISO time, or 7d / 12h)`);
  return ms;
}
