/**
 * The history database against real SQLite files: compaction, round trips, search, a writer
 * killed mid-sweep and mid-write, a damaged file, two processes at once, and no secret at rest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../shared/auth.js';
import { openHistoryDb } from './db.js';
import { SCHEMA_VERSION } from './migrations.js';
import { sampleHost } from './sampleHosts.js';
import { CHUNK_HOSTS, DB_FILE_NAME, HistoryStore, newHistoryId, summarizeAuth, summarizeDiscovery } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const writerScript = path.join(here, 'fixtures', 'writer.ts');
const NO_RETENTION = { keepDays: null, keepMB: null };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-history-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function diskBytes(d = dir): number {
  let n = 0;
  for (const f of readdirSync(d)) if (f.startsWith(DB_FILE_NAME)) n += statSync(path.join(d, f)).size;
  return n;
}

function authResult(host: string, extra: Partial<AuthResult> = {}): AuthResult {
  return {
    host,
    port: 22,
    user: 'scan',
    delegation: 'sudo-su',
    status: 'passed',
    steps: [{ id: 'login', ok: true, ms: 3, summary: 'logged in' }],
    hostKey: null,
    listening: [],
    advice: [],
    startedAt: new Date().toISOString(),
    durationMs: 5,
    ...extra,
  };
}

/** Starts the writer fixture; resolves lines as they arrive. */
function writer(args: string[]): { child: ChildProcess; waitFor: (re: RegExp) => Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', writerScript, dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (!w.re.test(line)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (re: RegExp): Promise<string> => {
    const seen = lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ re, resolve });
      void exited.then((code) => reject(new Error(`writer exited (${code}) before ${re}: ${stderr.slice(0, 2000)}`)));
    });
  };
  return { child, waitFor, exited };
}

describe('history database', () => {
  it('is created 0600 at the newest schema, WAL mode', () => {
    const { db } = openHistoryDb(path.join(dir, DB_FILE_NAME));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(statSync(path.join(dir, DB_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('refuses a database from a newer version with a clear error, and leaves it alone', () => {
    const file = path.join(dir, DB_FILE_NAME);
    const { db } = openHistoryDb(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new HistoryStore(dir).list()).toThrow(/newer ScanReady/);
    expect(readdirSync(dir).filter((f) => f.includes('damaged'))).toEqual([]);
  });

  it('keeps a 4,096-host sweep in under 2 MB and reopens every probe of every host', () => {
    const store = new HistoryStore(dir);
    const id = newHistoryId();
    const w = store.beginSweep({ id, kind: 'discovery', createdAt: new Date().toISOString(), target: '198.18.0.0/20', title: 't', profile: 'qualys-default', privileged: true });
    const hosts = Array.from({ length: 4096 }, (_, i) => sampleHost(i));
    for (const h of hosts) w.add(h);
    w.finish(summarizeDiscovery(id, ['198.18.0.0/20'], hosts, false, new Date().toISOString()), false);
    store.close();
    expect(diskBytes()).toBeLessThan(2 * 1024 * 1024);
    const again = new HistoryStore(dir);
    const entry = again.get(id);
    expect(entry.kind).toBe('discovery');
    if (entry.kind !== 'discovery') return;
    expect(entry.result.cancelled).toBe(false);
    expect(entry.result.hosts).toEqual(hosts);
    expect(entry.summary).toMatchObject({ hosts: { total: 4096, alive: 3072 } });
    expect(entry.summary.interrupted).toBeUndefined();
    again.close();
  });

  it('searches by target, kind, verdict, profile and date, newest first', () => {
    const store = new HistoryStore(dir);
    const day = 86_400_000;
    const t0 = Date.parse('2026-11-01T12:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const at = new Date(t0 + i * day).toISOString();
      const id = newHistoryId(t0 + i * day);
      if (i % 2 === 0) {
        const host = { ...sampleHost(i), target: `198.18.3.${i}`, profile: i === 4 ? 'nmap-default' : 'qualys-default' };
        store.add('discovery', summarizeDiscovery(id, [host.target], [host], false, at), { hosts: [host], cancelled: false }, NO_RETENTION);
      } else {
        const r = authResult(`198.18.3.${i}`, { status: 'failed' });
        store.add('auth', summarizeAuth(id, r, at), r, NO_RETENTION);
      }
      ids.push(id);
    }
    const idsOf = (q: Parameters<HistoryStore['list']>[0]): string[] => store.list(q).map((s) => s.id);
    expect(idsOf({})).toEqual([...ids].reverse());
    expect(idsOf({ target: '198.18.3.2' })).toEqual([ids[2]]);
    expect(idsOf({ kind: 'auth' })).toEqual([ids[5], ids[3], ids[1]]);
    expect(idsOf({ verdict: 'failed' })).toEqual([ids[5], ids[3], ids[1]]);
    // sampleHost(0), (2) and (4): 0 and 4 are silent, 2 answers on port 22.
    expect(idsOf({ verdict: 'not-alive' })).toEqual([ids[4], ids[0]]);
    expect(idsOf({ profile: 'nmap-default' })).toEqual([ids[4]]);
    expect(idsOf({ since: '2026-11-03', until: '2026-11-05' })).toEqual([ids[3], ids[2]]);
    expect(idsOf({ limit: 2, offset: 1 })).toEqual([ids[4], ids[3]]);
    // LIKE wildcards in the search text are literal.
    expect(idsOf({ target: '%' })).toEqual([]);
    expect(() => store.list({ since: 'last tuesday' })).toThrow(/not a date/);
    store.close();
  });

  it('retention: by age and by size, oldest first, pinned runs kept', () => {
    const store = new HistoryStore(dir);
    const day = 86_400_000;
    const now = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = newHistoryId(now - (10 - i) * day);
      const hosts = Array.from({ length: 512 }, (_, k) => sampleHost(i * 512 + k));
      store.add('discovery', summarizeDiscovery(id, ['x'], hosts, false, new Date(now - (10 - i) * day).toISOString()), { hosts, cancelled: false }, NO_RETENTION);
      ids.push(id);
    }
    store.pin(ids[0]!, true);
    expect(store.applyRetention({ keepDays: 8, keepMB: null })).toBe(2); // ids[1], ids[2] are 9 and 8+ days old; ids[0] is pinned
    expect(store.list().map((s) => s.id)).toEqual([ids[3], ids[0]]);
    expect(store.applyRetention({ keepDays: null, keepMB: 0.00001 })).toBe(1); // only the unpinned one can go
    expect(store.list().map((s) => s.id)).toEqual([ids[0]]);
    store.close();
  });

  it('a writer killed mid-sweep loses nothing already written: the run is listed as interrupted, the file opens cleanly', async () => {
    const before = new HistoryStore(dir);
    const kept = authResult('198.18.4.1');
    const keptId = before.add('auth', summarizeAuth(newHistoryId(), kept, new Date().toISOString()), kept, NO_RETENTION);
    before.close();

    const w = writer(['sweep', String(100_000)]);
    const line = await w.waitFor(/^flushed 3 /);
    w.child.kill('SIGKILL');
    await w.exited;
    const sweepId = line.split(' ')[2]!;

    const after = new HistoryStore(dir);
    const list = after.list();
    expect(list.map((s) => s.id).sort()).toEqual([keptId, sweepId].sort());
    const sweep = list.find((s) => s.id === sweepId)!;
    expect(sweep.interrupted).toBe(true);
    const entry = after.get(sweepId);
    if (entry.kind !== 'discovery') throw new Error('expected a sweep');
    expect(entry.result.hosts.length).toBeGreaterThanOrEqual(3 * CHUNK_HOSTS);
    expect(entry.result.hosts.slice(0, 3 * CHUNK_HOSTS)).toEqual(Array.from({ length: 3 * CHUNK_HOSTS }, (_, i) => sampleHost(i)));
    expect(after.get(keptId).result).toEqual(kept);
    after.close();
  });

  it('a writer killed in the middle of its writes leaves every committed run whole', async () => {
    const w = writer(['runs', '100000', 'k']);
    await w.waitFor(/^added 40$/);
    w.child.kill('SIGKILL');
    await w.exited;
    const store = new HistoryStore(dir);
    const runs = store.list({ limit: 5000 });
    expect(runs.length).toBeGreaterThanOrEqual(40);
    for (const r of runs) expect(store.get(r.id).result).toMatchObject({ user: 'scan-k', status: 'passed' });
    store.close();
  });

  it('two processes writing at once: every run stored, none damaged', async () => {
    const a = writer(['runs', '60', 'a']);
    const b = writer(['runs', '60', 'b']);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const store = new HistoryStore(dir);
    const runs = store.list({ limit: 5000 });
    expect(runs.length).toBe(120);
    const users = runs.map((r) => store.get(r.id).result as AuthResult).map((r) => r.user);
    expect(users.filter((u) => u === 'scan-a').length).toBe(60);
    expect(users.filter((u) => u === 'scan-b').length).toBe(60);
    store.close();
  });

  it('a damaged file is moved aside with a message saying where, and a fresh history starts', () => {
    writeFileSync(path.join(dir, DB_FILE_NAME), Buffer.concat([Buffer.from('definitely not SQLite '), Buffer.alloc(8192, 7)]));
    const store = new HistoryStore(dir);
    expect(store.list()).toEqual([]);
    expect(store.notices.join(' ')).toMatch(/damaged .* moved to .*history\.sqlite\.damaged-/);
    const aside = readdirSync(dir).filter((f) => f.startsWith(`${DB_FILE_NAME}.damaged-`));
    expect(aside.length).toBe(1);
    expect(readFileSync(path.join(dir, aside[0]!)).subarray(0, 22).toString()).toBe('definitely not SQLite ');
    const r = authResult('198.18.5.1');
    const id = store.add('auth', summarizeAuth(newHistoryId(), r, new Date().toISOString()), r);
    expect(store.get(id).result).toEqual(r);
    store.close();
  });

  it('never stores a secret: every row and blob, decompressed, holds none of them in any encoding', () => {
    const secrets = ['Tr0ub4dor&3-hist', 'pp-secret-9z'];
    const encodings = (s: string): string[] => [
      s,
      Buffer.from(s).toString('base64'),
      Buffer.from(s).toString('hex'),
      encodeURIComponent(s),
      [...s].reverse().join(''),
    ];
    const store = new HistoryStore(dir);
    const r = authResult('198.18.6.1', {
      status: 'failed',
      steps: [
        { id: 'login', ok: false, ms: 3, summary: `login failed`, detail: `server said: password: ${secrets[0]}`, data: { password: secrets[0], passphrase: secrets[1] } },
      ] as unknown as AuthResult['steps'],
    });
    const id = store.add('auth', summarizeAuth(newHistoryId(), r, new Date().toISOString()), r);
    store.close();

    const { db } = openHistoryDb(path.join(dir, DB_FILE_NAME));
    const texts: string[] = [];
    for (const row of db.prepare('SELECT summary, result FROM runs').all() as { summary: string; result: Buffer | null }[]) {
      texts.push(row.summary);
      if (row.result) texts.push(inflateRawSync(row.result).toString());
    }
    for (const row of db.prepare('SELECT data FROM sweep_chunks').all() as { data: Buffer }[]) texts.push(inflateRawSync(row.data).toString());
    db.close();
    for (const f of readdirSync(dir)) if (existsSync(path.join(dir, f))) texts.push(readFileSync(path.join(dir, f)).toString('latin1'));
    const all = texts.join('\n');
    expect(all).toContain(id);
    const leaked = secrets.flatMap((s) => encodings(s)).filter((e) => all.includes(e));
    expect(leaked).toEqual([]);
  });
});
