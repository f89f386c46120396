/**
 * History of finished runs: `history/index.json` (summaries, newest first) plus one file per
 * entry with the full result, so the list stays small and an entry reopens exactly as it was.
 * Capped by count (settings.historyLimit) and by entry size. Never holds secrets: requests are
 * not stored, and every entry but a sweep's (which has no credentials) goes through the one
 * redactor (electron/bundle/redact.ts) with the run's own secrets and delegation template.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import type { HistoryEntry, HistoryKind, HistorySummary } from '../../shared/ipc.js';
import { redact, type RedactOptions } from '../bundle/redact.js';
import { readJsonFile, SerialQueue, setAside, writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { ServiceError } from './errors.js';

/** An entry larger than this is not kept (a 65k-host sweep with every probe would be huge). */
export const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

interface IndexFile {
  version: 1;
  entries: HistorySummary[];
}

const ID_RE = /^[A-Za-z0-9-]{1,80}$/;

export function newHistoryId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(5).toString('hex')}`;
}

function listTargets(targets: string[]): string {
  const uniq = [...new Set(targets)];
  return uniq.length <= 3 ? uniq.join(', ') : `${uniq.slice(0, 3).join(', ')} and ${uniq.length - 3} more`;
}

export function summarizeDiagnosis(id: string, result: DiagnosisResult, createdAt: string): HistorySummary {
  const d = result.discovery;
  return {
    id,
    kind: 'diagnosis',
    createdAt,
    target: result.target,
    title: `${d.verdict} — ${d.reason}`.slice(0, 300),
    profile: d.profile,
    verdict: d.verdict,
    ...(result.auth ? { authStatus: result.auth.status } : {}),
    privileged: d.privileged,
  };
}

export function summarizeDiscovery(id: string, entries: string[], hosts: HostResult[], cancelled: boolean, createdAt: string): HistorySummary {
  const alive = hosts.filter((h) => h.alive).length;
  const single = hosts.length === 1 ? hosts[0] : undefined;
  return {
    id,
    kind: 'discovery',
    createdAt,
    target: listTargets(entries),
    title: (single
      ? `${single.verdict} — ${single.reason}`
      : `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${alive} alive, ${hosts.length - alive} not alive`) + (cancelled ? ' (cancelled)' : ''),
    profile: hosts[0]?.profile ?? null,
    ...(single ? { verdict: single.verdict } : {}),
    hosts: { total: hosts.length, alive },
    privileged: hosts.length > 0 && hosts.every((h) => h.privileged),
  };
}

export function summarizeAuth(id: string, result: AuthResult, createdAt: string): HistorySummary {
  const failed = result.steps.find((s) => s.ok === false);
  return {
    id,
    kind: 'auth',
    createdAt,
    target: `${result.user}@${result.host}:${result.port}`,
    title: `${result.status}${failed ? ` — ${failed.summary}` : ''}`.slice(0, 300),
    profile: null,
    authStatus: result.status,
    privileged: false,
  };
}

export class HistoryStore {
  readonly dir: string;
  private readonly indexFile: string;
  private readonly queue = new SerialQueue();

  constructor(userDataDir: string) {
    this.dir = path.join(userDataDir, 'history');
    this.indexFile = path.join(this.dir, 'index.json');
  }

  private entryFile(id: string): string {
    if (!ID_RE.test(id)) throw new ServiceError('bad-input', 'bad history id');
    return path.join(this.dir, `${id}.json`);
  }

  private async readIndex(): Promise<HistorySummary[]> {
    const read = await readJsonFile(this.indexFile);
    if (read.state === 'missing') return [];
    if (read.state === 'corrupt') {
      await setAside(this.indexFile);
      return [];
    }
    const entries = (read.value as Partial<IndexFile> | null)?.entries;
    if (!Array.isArray(entries)) return [];
    return entries.filter(
      (e): e is HistorySummary => typeof e === 'object' && e !== null && typeof e.id === 'string' && ID_RE.test(e.id) && typeof e.kind === 'string',
    );
  }

  private async writeIndex(entries: HistorySummary[]): Promise<void> {
    const body: IndexFile = { version: 1, entries };
    await writeJsonAtomic(this.indexFile, body);
  }

  list(): Promise<HistorySummary[]> {
    return this.queue.run(() => this.readIndex());
  }

  /**
   * Stores a finished run; returns its id, or null when it is too large to keep.
   * The entry file is written before the index points at it, so a crash never leaves a
   * listed entry without its data.
   */
  add(kind: HistoryKind, summary: HistorySummary, result: unknown, limit: number, secrets: RedactOptions = {}): Promise<string | null> {
    return this.queue.run(async () => {
      const raw = { summary: { ...summary, kind }, result };
      const entry = kind === 'discovery' ? raw : redact(raw, secrets);
      const text = `${JSON.stringify(entry)}\n`;
      if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) return null;
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.entryFile(summary.id), text);
      const index = [entry.summary, ...(await this.readIndex()).filter((e) => e.id !== summary.id)];
      const kept = index.slice(0, Math.max(1, limit));
      await this.writeIndex(kept);
      for (const dropped of index.slice(kept.length)) await fs.rm(this.entryFile(dropped.id), { force: true });
      return summary.id;
    });
  }

  async get(id: string): Promise<HistoryEntry> {
    const file = this.entryFile(id);
    const listed = (await this.list()).some((e) => e.id === id);
    const read = listed ? await readJsonFile(file) : ({ state: 'missing' } as const);
    if (read.state === 'missing') throw new ServiceError('not-found', 'that history entry no longer exists');
    if (read.state === 'corrupt') throw new ServiceError('internal', 'that history entry is damaged and cannot be opened');
    return read.value as HistoryEntry;
  }

  delete(id: string): Promise<boolean> {
    return this.queue.run(async () => {
      const file = this.entryFile(id);
      const index = await this.readIndex();
      const kept = index.filter((e) => e.id !== id);
      if (kept.length === index.length) return false;
      await this.writeIndex(kept);
      await fs.rm(file, { force: true });
      return true;
    });
  }

  clear(): Promise<number> {
    return this.queue.run(async () => {
      const index = await this.readIndex();
      await this.writeIndex([]);
      // Also sweep files the index lost track of (a crash between entry and index write).
      const names = await fs.readdir(this.dir).catch(() => [] as string[]);
      for (const name of names) {
        if (name !== 'index.json' && /^[A-Za-z0-9-]{1,80}\.json$/.test(name)) await fs.rm(path.join(this.dir, name), { force: true });
      }
      return index.length;
    });
  }
}
