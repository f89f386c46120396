/**
 * `npm start` where no Electron binary is installed (this machine): it must say why and run
 * web mode, whose first stdout line is the URL. Builds first when dist/ is incomplete.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';

const root = process.cwd();
const home = mkdtempSync(path.join(os.tmpdir(), 'scanready-start-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

it('falls back to web mode with the reason and prints the URL first', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SCANREADY_USER_DATA: home };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs'), '--port', '0'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`start.mjs exited (${code}): ${stderr}`)));
      setTimeout(() => reject(new Error(`no URL within 170 s: ${stderr}`)), 170_000);
    });
    expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    // Either reason is right here: no Electron binary is installed, and there is no display.
    expect(stderr).toMatch(/(Electron is not installed \(its download failed|Electron's binary is missing \(ELECTRON_SKIP_BINARY_DOWNLOAD|no display \(neither DISPLAY nor WAYLAND_DISPLAY)[^\n]*: starting web mode instead/);
    const r = await fetch(first, { redirect: 'manual' });
    expect(r.status).toBe(303);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}, 180_000);
