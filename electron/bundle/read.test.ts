/** Bad archives are refused with one clear line (issue 10: import). Archives are crafted with Python's zipfile. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/discovery.js';
import { BUNDLE_SCHEMA_VERSION, BundleError, readBundle, writeBundle } from './index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a zip with Python: entries as [name, text | {zeros: n}]. */
function pyZip(name: string, entries: [string, string | { zeros: number }][], deflate = true): string {
  const file = path.join(dir, name);
  const script = `
import json, sys, zipfile
entries = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED if sys.argv[3] == '1' else zipfile.ZIP_STORED) as z:
    for n, v in entries:
        z.writestr(n, b'\\0' * v['zeros'] if isinstance(v, dict) else v)
`;
  const r = spawnSync('python3', ['-c', script, file, JSON.stringify(entries), deflate ? '1' : '0'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return file;
}

const resultJson = (v: number): string => JSON.stringify({ kind: 'scanready-debug-bundle', schemaVersion: v, createdAt: '2026-01-01T00:00:00Z', diagnoses: [], discoveries: [], auth: [] });

async function refusal(file: string): Promise<string> {
  try {
    await readBundle(file);
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).code).toBe('bad-input');
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toContain(file);
    return msg;
  }
  throw new Error('not refused');
}

const host: HostResult = {
  target: '127.0.0.1', address: '127.0.0.1', family: 4, alive: true, verdict: 'alive', reason: 'alive: SYN-ACK from TCP 22', aliveBy: 'TCPPort 22',
  privileged: true, profile: 'qualys-default', probes: [], warnings: [], startedAt: '2026-01-01T00:00:00Z', durationMs: 5,
};

describe('readBundle', () => {
  it('reads back a bundle it wrote', async () => {
    const file = path.join(dir, 'good.zip');
    await writeBundle(file, { discoveries: [host] });
    const b = await readBundle(file);
    expect(b.result.schemaVersion).toBe(BUNDLE_SCHEMA_VERSION);
    expect(b.result.discoveries.map((h) => h.verdict)).toEqual(['alive']);
    expect([...b.entries.keys()]).toContain('report.html');
  });

  it('not a zip', async () => {
    const file = path.join(dir, 'text.zip');
    writeFileSync(file, 'hello, not a zip at all\n');
    expect(await refusal(file)).toMatch(/not a zip file/);
  });

  it('a corrupt zip (truncated in the middle)', async () => {
    const good = path.join(dir, 'to-cut.zip');
    await writeBundle(good, { discoveries: [host] });
    const bytes = (await import('node:fs')).readFileSync(good);
    const file = path.join(dir, 'cut.zip');
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 200), bytes.subarray(bytes.length - 22)]));
    expect(await refusal(file)).toMatch(/corrupt|not a zip/);
  });

  it.each([['../evil.txt'], ['a/../../evil.txt'], ['/etc/evil'], ['C:/evil'], ['a\\..\\evil']])('an entry named %s', async (name) => {
    const file = pyZip(`bad-name-${encodeURIComponent(name)}.zip`, [['result.json', resultJson(1)], [name, 'x']]);
    expect(await refusal(file)).toMatch(/unsafe entry name/);
  });

  it('a zip bomb: a high inflation ratio', async () => {
    const file = pyZip('bomb.zip', [['result.json', resultJson(1)], ['probes.csv', { zeros: 20 * 1024 * 1024 }]]);
    expect(await refusal(file)).toMatch(/inflates \d+:1 .*zip bomb/);
  });

  it('a zip bomb: more than the entry size cap, stored', async () => {
    const file = pyZip('big.zip', [['result.json', resultJson(1)], ['summary.txt', { zeros: 65 * 1024 * 1024 }]], false);
    expect(await refusal(file)).toMatch(/bytes \(cap|larger than/);
  });

  it('too many entries', async () => {
    const many: [string, string][] = Array.from({ length: 70 }, (_, i) => [`f${i}.txt`, 'x']);
    const file = pyZip('many.zip', [['result.json', resultJson(1)], ...many]);
    expect(await refusal(file)).toMatch(/71 entries/);
  });

  it('a newer schemaVersion', async () => {
    const file = pyZip('newer.zip', [['result.json', resultJson(BUNDLE_SCHEMA_VERSION + 1)]]);
    expect(await refusal(file)).toMatch(/newer ScanReady \(schemaVersion 3/);
  });

  it.each([
    ['no result.json', [['hello.txt', 'hi']]],
    ['someone else\'s result.json', [['result.json', '{"kind":"other"}']]],
    ['result.json not JSON', [['result.json', 'nope']]],
  ] as [string, [string, string][]][])('not a ScanReady bundle: %s', async (name, entries) => {
    const file = pyZip(`${encodeURIComponent(name)}.zip`, entries);
    expect(await refusal(file)).toMatch(/not a ScanReady bundle/);
  });

  it('a directory, a missing file', async () => {
    expect(await refusal(dir)).toMatch(/not a regular file/);
    expect(await refusal(path.join(dir, 'missing.zip'))).toMatch(/no such file/);
  });
});
