/**
 * The history database schema, as numbered migrations. `PRAGMA user_version` holds the number of
 * the last one applied; each runs in its own transaction, so a crash mid-migration leaves the
 * previous version intact. Append only: never edit a migration that has shipped.
 */
export interface Migration {
  version: number;
  /** What it does, for the error message when it fails. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs and sweep chunks',
    sql: `
      CREATE TABLE runs (
        id           TEXT PRIMARY KEY,
        kind         TEXT NOT NULL,
        created_at   TEXT NOT NULL,           -- ISO time the run finished (or started, while in flight)
        created_ms   INTEGER NOT NULL,        -- the same as epoch ms, for range queries and retention
        target       TEXT NOT NULL,
        title        TEXT NOT NULL,
        profile      TEXT,
        verdict      TEXT,
        auth_status  TEXT,
        privileged   INTEGER NOT NULL DEFAULT 0,
        hosts_total  INTEGER,
        hosts_alive  INTEGER,
        pinned       INTEGER NOT NULL DEFAULT 0,
        state        TEXT NOT NULL DEFAULT 'complete',  -- complete | in-flight | interrupted
        owner_pid    INTEGER,                           -- the writer of an in-flight run
        bytes        INTEGER NOT NULL DEFAULT 0,        -- compressed bytes stored for this run
        summary      TEXT NOT NULL,                     -- HistorySummary as JSON
        result       BLOB                               -- deflated JSON of the result (sweeps: without hosts)
      );
      CREATE INDEX runs_created ON runs(created_ms DESC);
      CREATE INDEX runs_target ON runs(target);
      -- A sweep's hosts, in order, in deflated chunks of up to CHUNK_HOSTS HostResult objects:
      -- neighbouring hosts share most of their text, so a chunk compresses ~50x where one
      -- row per host would not. Every probe of every host is kept.
      CREATE TABLE sweep_chunks (
        run_id   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        chunk    INTEGER NOT NULL,
        hosts    INTEGER NOT NULL,
        alive    INTEGER NOT NULL,
        data     BLOB NOT NULL,
        PRIMARY KEY (run_id, chunk)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'packets of a run (probes.pcap)',
    sql: `
      -- Raw mode: the packets a run sent and the replies to them, as a deflated pcap file (bounded by
      -- electron/bundle/capture.ts and MAX_STORED_PCAP_BYTES). Counted in runs.bytes for retention.
      CREATE TABLE run_packets (
        run_id  TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        packets INTEGER NOT NULL,
        data    BLOB NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
