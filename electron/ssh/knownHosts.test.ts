import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyAlgorithm, sha256Fingerprint } from './hostKey.js';
import { hostToken, KnownHostsStore, patternMatches } from './knownHosts.js';

function sshString(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}
const fakeKey = (type = 'ssh-ed25519'): Buffer => Buffer.concat([sshString(type), sshString(randomBytes(32))]);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sr-kh-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('host key helpers', () => {
  it('algorithm and OpenSSH-style SHA256 fingerprint', () => {
    const k = fakeKey();
    expect(keyAlgorithm(k)).toBe('ssh-ed25519');
    expect(sha256Fingerprint(k)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyAlgorithm(Buffer.from([0, 0, 0, 99, 1]))).toBe('unknown');
  });
  it('tokens and patterns like OpenSSH', () => {
    expect(hostToken('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(hostToken('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    expect(patternMatches('web*.example.com,!web9.example.com', 'web1.example.com')).toBe(true);
    expect(patternMatches('web*.example.com,!web9.example.com', 'web9.example.com')).toBe(false);
    expect(patternMatches('10.0.0.?', '10.0.0.7')).toBe(true);
    expect(patternMatches('10.0.0.1', '10.0.0.10')).toBe(false);
  });
});

describe('KnownHostsStore', () => {
  it('TOFU: new → trusted; a different key → changed with the known fingerprint', async () => {
    const file = path.join(dir, 'sub', 'known_hosts.json');
    const store = new KnownHostsStore(file);
    const k1 = fakeKey();
    expect((await store.check('10.0.0.1', 22, k1)).status).toBe('new');
    await store.trust('10.0.0.1', 22, k1);
    expect((await store.check('10.0.0.1', 22, k1)).status).toBe('trusted');
    const k2 = fakeKey();
    const c = await store.check('10.0.0.1', 22, k2);
    expect(c.status).toBe('changed');
    expect(c.knownFingerprint).toBe(sha256Fingerprint(k1));
    // Other port = other host
    expect((await store.check('10.0.0.1', 2222, k2)).status).toBe('new');
    // A key of another type while one is on record is a change too.
    expect((await store.check('10.0.0.1', 22, fakeKey('ecdsa-sha2-nistp256'))).status).toBe('changed');
  });

  it('persists as JSON, mode 0600, atomically (no temp files left), reloads', async () => {
    const file = path.join(dir, 'kh.json');
    const a = new KnownHostsStore(file);
    const k = fakeKey();
    await a.trust('h', 22, k);
    await a.trust('h2', 22, fakeKey());
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const json = JSON.parse(await readFile(file, 'utf8')) as { version: number; entries: unknown[] };
    expect(json.version).toBe(1);
    expect(json.entries).toHaveLength(2);
    const b = new KnownHostsStore(file);
    expect((await b.check('h', 22, k)).status).toBe('trusted');
    expect(await b.forget('h', 22)).toBe(1);
    expect((await new KnownHostsStore(file).check('h', 22, k)).status).toBe('new');
  });

  it('a corrupt file is an error, never an empty (trust-everything) store', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, '{not json');
    await expect(new KnownHostsStore(file).load()).rejects.toMatchObject({ code: 'known-hosts-corrupt' });
  });

  it('imports OpenSSH known_hosts: plain, [host]:port, patterns, hashed |1| entries; skips junk and markers', async () => {
    const k1 = fakeKey();
    const k2 = fakeKey('ecdsa-sha2-nistp256');
    const k3 = fakeKey();
    const k4 = fakeKey();
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[192.0.2.9]:2200').digest();
    const text = [
      '# comment',
      `192.0.2.1,web1 ssh-ed25519 ${k1.toString('base64')} root@web1`,
      `[192.0.2.2]:2222 ecdsa-sha2-nistp256 ${k2.toString('base64')}`,
      `|1|${salt.toString('base64')}|${hash.toString('base64')} ssh-ed25519 ${k3.toString('base64')}`,
      `*.lab.example ssh-ed25519 ${k4.toString('base64')}`,
      `@cert-authority *.example ssh-ed25519 ${k1.toString('base64')}`,
      'garbage line',
      `host ssh-rsa ${k1.toString('base64')}`,
      '',
    ].join('\n');
    const store = new KnownHostsStore(path.join(dir, 'kh.json'));
    const rep = await store.importOpenSsh(text);
    expect(rep.imported).toBe(4);
    expect(rep.skipped).toBe(3);
    expect((await store.check('192.0.2.1', 22, k1)).status).toBe('trusted');
    expect((await store.check('web1', 22, k1)).status).toBe('trusted');
    expect((await store.check('192.0.2.2', 2222, k2)).status).toBe('trusted');
    expect((await store.check('192.0.2.9', 2200, k3)).status).toBe('trusted');
    expect((await store.check('192.0.2.9', 2200, fakeKey())).status).toBe('changed');
    expect((await store.check('192.0.2.9', 22, k3)).status).toBe('new');
    expect((await store.check('db.lab.example', 22, k4)).status).toBe('trusted');
    // Importing twice adds nothing.
    expect((await store.importOpenSsh(text)).imported).toBe(0);
  });
});
