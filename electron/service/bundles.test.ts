/**
 * The service's bundle calls without Electron: export a stored run (bytes for a download; the
 * save dialog's path), import bytes (an upload, a drop) or the open dialog's file into History,
 * marked imported and never probed; bad archives refused with one line, History unchanged.
 * The desktop dialogs are a fake `BundleDialogs` (electron/app/bundleDialogs.ts is their thin
 * Electron side, tested in electron/app/app.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../shared/auth.js';
import type { HostResult } from '../../shared/discovery.js';
import { bundleDialogs, withZipExtension } from '../app/bundleDialogs.js';
import { HistoryStore, summarizeAuth, summarizeSweep, SweepTally } from '../history/index.js';
import { readBundle } from '../bundle/read.js';
import { createServiceCore, type Service } from './core.js';
import { unavailableEngines } from './testEngines.js';

let dir: string;
let service: Service;
let opened: string | null;
let saveTo: string | null;
const changed: string[][] = [];

const AUTH: AuthResult = {
  host: '198.18.1.20', port: 22, user: 'srlab-nopasswd', delegation: 'sudo-su', status: 'passed', hostKey: null, listening: [], advice: [],
  steps: [{ id: 'reach', ok: true, ms: 3, summary: 'TCP 198.18.1.20:22 accepts connections', data: { address: '198.18.1.20' } }],
  startedAt: '2026-12-02T10:00:00.000Z', durationMs: 900,
  transcript: [{ step: 'uid', command: "/bin/sh -c 'id -u'", stdin: [], pty: false, exitCode: 0, signal: null, timedOut: false, truncated: false, stdout: '1001\n', stderr: '', ms: 12 }],
};
const HOST: HostResult = {
  target: '198.18.1.11', address: '198.18.1.11', family: 4, alive: false, verdict: 'not-alive', reason: 'nothing answered', aliveBy: '',
  privileged: true, profile: 'qualys-default', probes: [], warnings: [], startedAt: '2026-12-02T10:00:00.000Z', durationMs: 5,
};

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sr-svc-bundles-'));
  opened = null;
  saveTo = null;
  changed.length = 0;
});
afterEach(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function make(desktop: boolean): Service {
  const s = createServiceCore({
    userDataDir: path.join(dir, 'data'),
    mode: desktop ? 'electron' : 'web',
    version: 'test',
    engines: unavailableEngines(),
    ...(desktop ? { bundleDialogs: { saveBundle: () => Promise.resolve(saveTo), openBundle: () => Promise.resolve(opened) } } : {}),
  });
  s.on((channel, payload) => {
    if (channel === 'scanready:history:changed') changed.push((payload as { ids: string[] }).ids);
  });
  return s;
}

function stored(): { authId: string; sweepId: string } {
  const store = new HistoryStore(path.join(dir, 'data'));
  const authId = store.add('auth', summarizeAuth('a1-auth', AUTH, AUTH.startedAt), AUTH);
  const tally = new SweepTally();
  tally.add(HOST);
  const sweepId = store.add('discovery', summarizeSweep('a2-sweep', [HOST.target], tally, false, HOST.startedAt), { hosts: [HOST], cancelled: false });
  store.close();
  return { authId, sweepId };
}

async function value<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

function pyZip(name: string, script: string): string {
  const file = path.join(dir, name);
  const r = spawnSync('python3', ['-c', `import zipfile, sys\nf = sys.argv[1]\n${script}`, file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return file;
}

describe('bundles through the service (web mode: bytes)', () => {
  it('exports a stored credential check with its transcript, imports it back marked, never probed', async () => {
    service = make(false);
    const { authId } = stored();
    const out = await value(service.invoke('scanready:bundle:export', { id: authId }));
    expect(out.fileName).toMatch(/^scanready-auth-srlab-nopasswd@198\.18\.1\.20-22-2026-12-02\.zip$/);
    expect(out.entries).toEqual(expect.arrayContaining(['report.html', 'result.json', 'transcript.txt', 'README.txt']));
    const zip = path.join(dir, 'got.zip');
    (await import('node:fs')).writeFileSync(zip, Buffer.from(out.data, 'base64'));
    expect((await readBundle(zip)).entries.get('transcript.txt')?.toString()).toContain("$ /bin/sh -c 'id -u'");
    expect(readdirSync(path.join(dir, 'data', 'tmp'))).toEqual([]); // the temporary file is gone

    const imported = await value(service.invoke('scanready:bundle:import', { fileName: '/home/op/Downloads/ticket 4711.zip', data: out.data }));
    expect(imported.fileName).toBe('ticket 4711.zip');
    expect(imported.ids).toHaveLength(1);
    expect(changed).toContainEqual(imported.ids);
    const entry = await value(service.invoke('scanready:history:get', { id: imported.ids[0] }));
    expect(entry.summary).toMatchObject({ kind: 'auth', importedFrom: 'ticket 4711.zip', title: expect.stringContaining('imported from ticket 4711.zip') as unknown });
    expect(entry.result).toMatchObject({ status: 'passed', transcript: AUTH.transcript });
    expect(readdirSync(path.join(dir, 'data', 'tmp'))).toEqual([]);
  });

  it('--redact-hosts from the UI: no address in any entry', async () => {
    service = make(false);
    const { sweepId } = stored();
    const out = await value(service.invoke('scanready:bundle:export', { id: sweepId, redactHosts: true }));
    const zip = path.join(dir, 'red.zip');
    (await import('node:fs')).writeFileSync(zip, Buffer.from(out.data, 'base64'));
    for (const [name, data] of (await readBundle(zip)).entries) expect(data.toString('latin1'), name).not.toContain('198.18.1.11');
  });

  it('bad files: one clear line naming the file, History unchanged, nothing left behind', async () => {
    service = make(false);
    stored();
    const before = await value(service.invoke('scanready:history:list', null));
    const cases: [string, string, RegExp][] = [
      ['notes.zip', Buffer.from('just some text, not a zip').toString('base64'), /cannot open bundle notes\.zip: not a zip file/],
      ['bomb.zip', readFileSync(pyZip('bomb.zip', "z = zipfile.ZipFile(f, 'w', zipfile.ZIP_DEFLATED)\nz.writestr('result.json', b'\\0' * (80 * 1024 * 1024))\nz.close()")).toString('base64'), /bomb\.zip: .*(zip bomb|size cap)/],
      ['evil.zip', readFileSync(pyZip('evil.zip', "z = zipfile.ZipFile(f, 'w')\nz.writestr('../../etc/cron.d/x', b'x')\nz.close()")).toString('base64'), /evil\.zip: unsafe entry name/],
      ['other.zip', readFileSync(pyZip('other.zip', "z = zipfile.ZipFile(f, 'w')\nz.writestr('hello.txt', b'hi')\nz.close()")).toString('base64'), /other\.zip: not a ScanReady bundle/],
      ['empty.zip', '', /empty/],
    ];
    for (const [fileName, data, why] of cases) {
      const r = await service.invoke('scanready:bundle:import', { fileName, data });
      expect(r.ok, fileName).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('bad-input');
      expect(r.error.message, fileName).toMatch(why);
      expect(r.error.message.split('\n')).toHaveLength(1);
      expect(r.error.message).not.toContain(path.join(dir, 'data'));
    }
    expect(await value(service.invoke('scanready:history:list', null))).toEqual(before);
    expect(existsSync(path.join(dir, 'etc'))).toBe(false);
    expect(readdirSync(path.join(dir, 'data', 'tmp'))).toEqual([]);
    // Not base64 at all: refused by the schema.
    expect(await service.invoke('scanready:bundle:import', { fileName: 'x.zip', data: '<<<>>>' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  }, 60_000);

  it('save-as and open are the desktop app\'s: unavailable in web mode with a plain reason', async () => {
    service = make(false);
    const { authId } = stored();
    expect(await service.invoke('scanready:bundle:save-as', { id: authId })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/download/) as unknown } });
    expect(await service.invoke('scanready:bundle:open', null)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await service.invoke('scanready:bundle:export', { id: 'no-such-run' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('bundles through the service (desktop: dialogs)', () => {
  it('save-as writes where the dialog says (replacing a file the dialog confirmed); a cancel writes nothing', async () => {
    service = make(true);
    const { authId } = stored();
    expect(await value(service.invoke('scanready:bundle:save-as', { id: authId }))).toEqual({ file: null });
    saveTo = path.join(dir, 'chosen.zip');
    (await import('node:fs')).writeFileSync(saveTo, 'old');
    const r = await value(service.invoke('scanready:bundle:save-as', { id: authId }));
    expect(r.file).toBe(saveTo);
    expect((await readBundle(saveTo)).result.auth).toHaveLength(1);
  });

  it('open imports the file the dialog chose; a cancel is null; a bad file is one line', async () => {
    service = make(true);
    const { sweepId } = stored();
    expect(await value(service.invoke('scanready:bundle:open', null))).toBeNull();
    saveTo = path.join(dir, 'sweep.zip');
    await value(service.invoke('scanready:bundle:save-as', { id: sweepId }));
    opened = saveTo;
    const r = await value(service.invoke('scanready:bundle:open', null));
    expect(r).toMatchObject({ fileName: 'sweep.zip' });
    const entry = await value(service.invoke('scanready:history:get', { id: r!.ids[0]! }));
    expect(entry).toMatchObject({ kind: 'discovery', summary: { importedFrom: 'sweep.zip' }, result: { hosts: [{ target: '198.18.1.11' }] } });
    opened = path.join(dir, 'missing.zip');
    expect(await service.invoke('scanready:bundle:open', null)).toMatchObject({ ok: false, error: { code: 'bad-input', message: 'cannot open bundle missing.zip: no such file' } });
  });

  it('the Electron dialog wrapper: filters, .zip added, cancel is null', async () => {
    const calls: unknown[] = [];
    const d = bundleDialogs(
      {
        showSaveDialog: (o) => (calls.push(o), Promise.resolve({ canceled: false, filePath: '/tmp/x/my bundle' })),
        showOpenDialog: (o) => (calls.push(o), Promise.resolve({ canceled: true, filePaths: [] })),
      },
      () => '/home/op/Documents',
      (a, b) => `${a}/${b}`,
    );
    expect(await d.saveBundle('scanready-auth-x.zip')).toBe('/tmp/x/my bundle.zip');
    expect(await d.openBundle()).toBeNull();
    expect(calls[0]).toMatchObject({ defaultPath: '/home/op/Documents/scanready-auth-x.zip', filters: [{ extensions: ['zip'] }], properties: expect.arrayContaining(['showOverwriteConfirmation']) as unknown });
    expect(withZipExtension('a.ZIP')).toBe('a.ZIP');
  });
});
