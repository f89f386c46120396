/**
 * Secrets at rest: "Remember" stores a credential set only as ciphertext from the OS vault
 * (Electron safeStorage), and where there is none (web mode, the CLI, Linux without a keyring)
 * it refuses — nothing is written in plain text. Each path ends by searching every file under the
 * user-data directory for the test secrets (plain, base64, hex, URL-encoded, reversed).
 *
 * - The refusal path (web mode) runs here: save is refused, then a real credential check against
 *   the lab and an export run with the same secret.
 * - The vault path: through the real safeStorage where an Electron binary exists (spawned headless);
 *   here there is none, so it runs with a stand-in vault (AES-256-GCM, key in memory — the part
 *   the OS keychain plays), and the safeStorage run reports itself skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { AuthPush } from '../../shared/ipc.js';
import { CredentialStore, type SecretVault } from './credentials.js';
import { createService, type Service } from './index.js';

const root = path.resolve(__dirname, '..', '..');
const PASSWORD = 'SrLab-nopasswd-pw1'; // the lab account's real password: the check must use it
const EXTRA = 'Zq7-delegation-secret-9';

let dir: string;
let service: Service | null = null;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-secrets-'));
});
afterEach(async () => {
  await service?.close();
  service = null;
  rmSync(dir, { recursive: true, force: true });
});

/** Every regular file under `d`, recursively. */
function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    const st = statSync(p);
    return st.isDirectory() ? filesUnder(p) : st.isFile() ? [p] : [];
  });
}

/** Fails if any form of any secret is in any file under `d`. */
function expectNoSecretUnder(d: string, secrets: string[]): void {
  const forms = secrets.flatMap((s) => [
    s,
    Buffer.from(s).toString('base64'),
    Buffer.from(s).toString('hex'),
    encodeURIComponent(s),
    [...s].reverse().join(''),
  ]);
  const files = filesUnder(d);
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) {
    const text = readFileSync(f).toString('latin1');
    for (const form of forms) expect(text.includes(form), `${form} found in ${path.relative(d, f)}`).toBe(false);
  }
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  expect(cond()).toBe(true);
}

describe('web mode and the CLI: Remember is refused, nothing is saved', () => {
  it('says why, and after saving, checking and exporting no secret is anywhere under the user-data directory', async () => {
    service = createService({ userDataDir: dir, mode: 'web', version: 'test' });
    const pushes: AuthPush[] = [];
    service.on((channel, payload) => {
      if (channel === 'scanready:auth:event') pushes.push(payload as AuthPush);
    });
    const status = await service.invoke('scanready:credentials:status', null);
    expect(status).toMatchObject({ ok: true, value: { available: false, reason: expect.stringMatching(/Web mode cannot keep secrets safely/) as unknown } });

    const saved = await service.invoke('scanready:credentials:save', { host: LAB.ssh, user: 'srlab-nopasswd', password: PASSWORD, delegationPassword: EXTRA });
    expect(saved).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/^Not saved: Web mode/) as unknown } });
    expect(await service.invoke('scanready:credentials:load', { host: LAB.ssh, user: 'srlab-nopasswd' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    // Check: a real credential check with the same secret (history, known hosts get written).
    const start = await service.invoke('scanready:auth:start', {
      host: LAB.ssh,
      user: 'srlab-nopasswd',
      password: PASSWORD,
      delegationPassword: EXTRA,
      acceptNewHostKey: true,
      sessions: 2,
    });
    if (!start.ok) throw new Error(start.error.message);
    await until(() => pushes.some((p) => p.runId === start.value.runId && (p.event.type === 'saved' || p.event.type === 'run-error')), 90_000);
    const done = pushes.find((p) => p.runId === start.value.runId && p.event.type === 'done');
    expect(done?.event.type === 'done' && done.event.result.status).toBe('passed');
    // Export: profiles and the history entry (what a user takes out of the app).
    const exported = await service.invoke('scanready:profiles:export', {});
    expect(exported.ok).toBe(true);
    const list = await service.invoke('scanready:history:list', null);
    if (!list.ok) throw new Error(list.error.message);
    for (const h of list.value) expect((await service.invoke('scanready:history:get', { id: h.id })).ok).toBe(true);

    expect(existsSync(path.join(dir, 'credentials.json'))).toBe(false);
    expectNoSecretUnder(dir, [PASSWORD, EXTRA]);
  }, 120_000);
});

/** The OS keychain's part, for where Electron cannot run: AES-256-GCM with a key kept in memory only. */
function standInVault(): SecretVault {
  const key = randomBytes(32);
  return {
    status: () => ({ available: true }),
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(cipher) {
      const d = createDecipheriv('aes-256-gcm', key, cipher.subarray(0, 12));
      d.setAuthTag(cipher.subarray(12, 28));
      return Buffer.concat([d.update(cipher.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describe('the app with an OS vault: Remember stores ciphertext only', () => {
  it('saves, loads back and forgets; the file holds no secret in any form', async () => {
    const store = new CredentialStore(dir, standInVault(), 'electron');
    const key = { host: LAB.ssh, port: 22, user: 'srlab-nopasswd' };
    await store.save(key, { password: PASSWORD, delegationPassword: EXTRA, passphrase: '' });
    expect(await store.load(key)).toEqual({ password: PASSWORD, delegationPassword: EXTRA });
    expect(await store.load({ ...key, user: 'someone-else' })).toBeNull();
    expect(statSync(path.join(dir, 'credentials.json')).mode & 0o077).toBe(0);
    expectNoSecretUnder(dir, [PASSWORD, EXTRA, 'srlab-nopasswd']);
    expect(await store.forget(key)).toBe(true);
    expect(await store.load(key)).toBeNull();
  });

  it('a vault that cannot protect (Linux without a keyring) refuses with its reason', async () => {
    const weak: SecretVault = { ...standInVault(), status: () => ({ available: false, reason: 'No desktop keyring is running' }) };
    const store = new CredentialStore(dir, weak, 'electron');
    await expect(store.save({ host: LAB.ssh, port: 22, user: 'u' }, { password: PASSWORD })).rejects.toMatchObject({ code: 'unavailable', message: 'Not saved: No desktop keyring is running' });
    expect(existsSync(path.join(dir, 'credentials.json'))).toBe(false);
  });

  it('through the real Electron safeStorage, where an Electron binary exists', async (ctx) => {
    let electronBin: string | null = null;
    try {
      const bin = createRequire(path.join(root, 'package.json'))('electron') as unknown;
      if (typeof bin === 'string' && existsSync(bin)) electronBin = bin;
    } catch {
      electronBin = null;
    }
    if (!electronBin) {
      console.log('skipped: no Electron binary here (its download is not possible on this machine); the stand-in vault test above covers the store');
      ctx.skip();
      return;
    }
    // Bundle the real store and the safeStorage vault for Electron's main process, save, then search.
    const script = path.join(dir, 'vault-main.cjs');
    await build({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      outfile: script,
      absWorkingDir: root,
      stdin: {
        resolveDir: root,
        contents: `
          const { app, safeStorage } = require('electron');
          const { CredentialStore } = require('./electron/service/credentials.ts');
          const { safeStorageVault } = require('./electron/app/secretVault.ts');
          app.whenReady().then(async () => {
            const vault = safeStorageVault(safeStorage);
            const store = new CredentialStore(process.env.SR_DIR, vault, 'electron');
            const s = vault.status();
            let outcome;
            try { await store.save({ host: 'h', port: 22, user: 'u' }, { password: process.env.SR_SECRET }); outcome = { saved: true, back: (await store.load({ host: 'h', port: 22, user: 'u' })).password === process.env.SR_SECRET }; }
            catch (e) { outcome = { saved: false, reason: e.message }; }
            process.stdout.write(JSON.stringify({ status: s, ...outcome }) + '\\n');
            app.exit(0);
          });`,
      },
    });
    const dataDir = path.join(dir, 'data');
    writeFileSync(path.join(dir, 'package.json'), '{"name":"vault-test","main":"vault-main.cjs"}');
    const r = spawnSync(electronBin, ['--no-sandbox', '--ozone-platform=headless', `--user-data-dir=${path.join(dir, 'chromium')}`, dir], {
      env: { ...process.env, SR_DIR: dataDir, SR_SECRET: PASSWORD },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    const out = JSON.parse(line) as { status: { available: boolean; reason?: string }; saved: boolean; back?: boolean; reason?: string };
    if (out.status.available) {
      expect(out).toMatchObject({ saved: true, back: true });
      expectNoSecretUnder(dataDir, [PASSWORD]);
    } else {
      expect(out.saved).toBe(false);
      expect(out.reason).toBe(`Not saved: ${out.status.reason}`);
      expect(existsSync(path.join(dataDir, 'credentials.json'))).toBe(false);
    }
  }, 90_000);
});
