/**
 * ScanReady's own known-hosts store: a JSON file (path passed in), trust on first use,
 * import of OpenSSH known_hosts (plain and hashed `|1|` entries). Written atomically.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { keyAlgorithm, sha256Fingerprint } from './hostKey.js';
import { readUserFile, UserFileError } from '../fsio/readUserFile.js';
import { SshError } from './errors.js';

export interface KnownHostEntry {
  /** Plain host token (`host` for port 22, `[host]:port` otherwise), an OpenSSH pattern list, or a hashed `|1|salt|hash`. */
  pattern: string;
  algorithm: string;
  /** Base64 public-key blob. */
  key: string;
  fingerprint: string;
  addedAt: string;
  source: 'tofu' | 'import';
}

export interface HostKeyCheck {
  status: 'trusted' | 'new' | 'changed';
  /** Fingerprint of the key on record (for `changed`). */
  knownFingerprint?: string;
  /** Algorithms of keys on record for this host (used to prefer them in the handshake). */
  knownAlgorithms: string[];
}

interface StoreFile {
  version: 1;
  entries: KnownHostEntry[];
}

/** OpenSSH's host token: bare for port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcardToRegExp(p: string): RegExp {
  const re = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

/** Does an OpenSSH host field (plain list with wildcards/negations, or hashed) match this token? */
export function patternMatches(pattern: string, token: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const want = Buffer.from(hash, 'base64');
    const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  let matched = false;
  for (const raw of pattern.split(',')) {
    const neg = raw.startsWith('!');
    const p = neg ? raw.slice(1) : raw;
    if (p === '') continue;
    if (wildcardToRegExp(p).test(token)) {
      if (neg) return false;
      matched = true;
    }
  }
  return matched;
}

export interface ImportReport {
  imported: number;
  skipped: number;
  /** Why lines were skipped (line number: reason), capped. */
  notes: string[];
}

export class KnownHostsStore {
  private entries: KnownHostEntry[] = [];
  private loaded = false;

  constructor(readonly file: string) {}

  /** Reads the store; a missing file is an empty store, a corrupt one is an error (never silently trusted). */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readUserFile(this.file, 'known-hosts');
    } catch (e) {
      if (e instanceof UserFileError && e.errno === 'ENOENT') {
        this.entries = [];
        this.loaded = true;
        return;
      }
      throw new SshError('known-hosts-unreadable', e instanceof UserFileError ? e.message : `cannot read known-hosts file ${this.file}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SshError('known-hosts-corrupt', `known-hosts file ${this.file} is not valid JSON`);
    }
    const entries = (parsed as Partial<StoreFile> | null)?.entries;
    if (!Array.isArray(entries)) throw new SshError('known-hosts-corrupt', `known-hosts file ${this.file} has no entries list`);
    this.entries = (entries as unknown[]).filter((e): e is KnownHostEntry => {
      const x = e as Partial<KnownHostEntry> | null;
      return typeof x === 'object' && x !== null && typeof x.pattern === 'string' && typeof x.key === 'string' && typeof x.algorithm === 'string';
    });
    this.loaded = true;
  }

  private async ensureLoaded(): Promise<void> {
    if (!this.loaded) await this.load();
  }

  list(): readonly KnownHostEntry[] {
    return this.entries;
  }

  lookup(host: string, port: number): KnownHostEntry[] {
    const token = hostToken(host, port);
    return this.entries.filter((e) => patternMatches(e.pattern, token));
  }

  async check(host: string, port: number, blob: Buffer): Promise<HostKeyCheck> {
    await this.ensureLoaded();
    const algorithm = keyAlgorithm(blob);
    const known = this.lookup(host, port);
    const knownAlgorithms = [...new Set(known.map((e) => e.algorithm))];
    const b64 = blob.toString('base64');
    if (known.some((e) => e.key === b64)) return { status: 'trusted', knownAlgorithms };
    if (known.length === 0) return { status: 'new', knownAlgorithms };
    // A different key, or a key of a type we have never seen for this host while others are on
    // record: both are treated as a change (OpenSSH prefers known types; so do we, see client.ts).
    const sameType = known.find((e) => e.algorithm === algorithm) ?? known[0];
    return { status: 'changed', knownFingerprint: sameType?.fingerprint, knownAlgorithms };
  }

  /** Trusts a key for host:port (TOFU or explicit acceptance). Replaces keys of the same type for that exact token. */
  async trust(host: string, port: number, blob: Buffer): Promise<void> {
    await this.ensureLoaded();
    const token = hostToken(host, port);
    const algorithm = keyAlgorithm(blob);
    this.entries = this.entries.filter((e) => !(e.pattern === token && e.algorithm === algorithm));
    this.entries.push({
      pattern: token,
      algorithm,
      key: blob.toString('base64'),
      fingerprint: sha256Fingerprint(blob),
      addedAt: new Date().toISOString(),
      source: 'tofu',
    });
    await this.save();
  }

  /** Forgets every key recorded for host:port (the operator confirmed a legitimate key change). */
  async forget(host: string, port: number): Promise<number> {
    await this.ensureLoaded();
    const token = hostToken(host, port);
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !(e.pattern === token || (e.pattern.startsWith('|1|') && patternMatches(e.pattern, token))));
    const removed = before - this.entries.length;
    if (removed > 0) await this.save();
    return removed;
  }

  /** Imports OpenSSH known_hosts text (as read from `~/.ssh/known_hosts`). */
  async importOpenSsh(text: string): Promise<ImportReport> {
    await this.ensureLoaded();
    const report: ImportReport = { imported: 0, skipped: 0, notes: [] };
    const skip = (n: number, why: string): void => {
      report.skipped++;
      if (report.notes.length < 50) report.notes.push(`line ${n}: ${why}`);
    };
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length && i < 100_000; i++) {
      const line = (lines[i] ?? '').trim();
      if (line === '' || line.startsWith('#')) continue;
      const fields = line.split(/\s+/);
      if (fields[0]?.startsWith('@')) {
        skip(i + 1, `${fields[0]} entries are not supported`);
        continue;
      }
      const [pattern, type, b64] = fields;
      if (!pattern || !type || !b64) {
        skip(i + 1, 'expected "hosts keytype base64key"');
        continue;
      }
      const blob = Buffer.from(b64, 'base64');
      const algorithm = keyAlgorithm(blob);
      if (blob.length < 20 || algorithm !== type) {
        skip(i + 1, 'malformed key');
        continue;
      }
      const key = blob.toString('base64');
      if (this.entries.some((e) => e.pattern === pattern && e.key === key)) continue;
      this.entries.push({ pattern, algorithm, key, fingerprint: sha256Fingerprint(blob), addedAt: new Date().toISOString(), source: 'import' });
      report.imported++;
    }
    if (report.imported > 0) await this.save();
    return report;
  }

  async importOpenSshFile(file: string): Promise<ImportReport> {
    return this.importOpenSsh(await readUserFile(file, 'known-hosts'));
  }

  /** temp file + rename in the same directory, mode 0600. */
  private async save(): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const body: StoreFile = { version: 1, entries: this.entries };
    const fh = await fs.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(body, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.rename(tmp, this.file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }
}
