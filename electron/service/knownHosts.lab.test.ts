/**
 * One known-hosts store for the CLI, web mode and the app: a key accepted by `scanready auth`
 * is trusted by the service (what the app and `scanready serve` run), and the reverse — against
 * the lab's real sshd, with SCANREADY_USER_DATA as the one variable that moves the store.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { AuthResult } from '../../shared/auth.js';
import type { AuthPush, HostKeyPrompt } from '../../shared/ipc.js';
import { createService, defaultKnownHostsFile, defaultUserDataDir, knownHostsFile, type Service } from './index.js';

const ROOT = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const USER = 'srlab-nopasswd';
const PW = 'SrLab-nopasswd-pw1';

function cliAuth(userData: string, extra: string[]): Promise<{ code: number | null; result: AuthResult }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'electron', 'cli', 'main.ts'), 'auth', LAB.ssh, '--user', USER, '--password-env', 'SR_PW', '--sessions', '1', '--json', ...extra],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', SR_PW: PW, SCANREADY_USER_DATA: userData }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve({ code, result: JSON.parse(stdout) as AuthResult });
      } catch {
        reject(new Error(`scanready auth printed no JSON (exit ${code}): ${stderr}`));
      }
    });
  });
}

/** One credential check through the service; `answer` is what the user says to a host-key prompt. */
async function serviceAuth(service: Service, answer: boolean): Promise<{ result: AuthResult; prompts: HostKeyPrompt[] }> {
  const prompts: HostKeyPrompt[] = [];
  const events: AuthPush[] = [];
  const off = service.on((channel, payload) => {
    if (channel === 'scanready:auth:host-key-prompt') {
      const p = payload as HostKeyPrompt;
      prompts.push(p);
      void service.invoke('scanready:auth:answer-host-key', { runId: p.runId, promptId: p.promptId, accept: answer });
    }
    if (channel === 'scanready:auth:event') events.push(payload as AuthPush);
  });
  try {
    const start = await service.invoke('scanready:auth:start', { host: LAB.ssh, user: USER, password: PW, sessions: 1 });
    if (!start.ok) throw new Error(start.error.message);
    const mine = (): AuthPush[] => events.filter((e) => e.runId === start.value.runId);
    for (let i = 0; i < 600 && !mine().some((e) => e.event.type === 'done' || e.event.type === 'run-error'); i++) await new Promise((r) => setTimeout(r, 100));
    const done = mine().find((e) => e.event.type === 'done');
    if (done?.event.type !== 'done') throw new Error(`no result: ${JSON.stringify(mine().at(-1))}`);
    return { result: done.event.result, prompts };
  } finally {
    off();
  }
}

describe('one known-hosts store (real sshd)', () => {
  it('the CLI default and the service use the same file, moved by SCANREADY_USER_DATA', () => {
    const env = { SCANREADY_USER_DATA: path.join(dir, 'x') };
    expect(defaultKnownHostsFile(env)).toBe(knownHostsFile(defaultUserDataDir(env)));
    expect(defaultKnownHostsFile(env)).toBe(path.join(dir, 'x', 'known_hosts.json'));
    // Without the variable: the app's directory (Electron's userData convention), not a second one.
    expect(defaultKnownHostsFile({ HOME: '/home/u' }, 'linux')).toBe(path.join(defaultUserDataDir({ HOME: '/home/u' }, 'linux'), 'known_hosts.json'));
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/ScanReady');
  });

  it('a key accepted with `scanready auth` is trusted by the service (no prompt)', async () => {
    const userData = path.join(dir, 'cli-first');
    const cli = await cliAuth(userData, ['--accept-new-host-key']);
    expect(cli.result.hostKey?.status).toBe('accepted');
    const service = createService({ userDataDir: defaultUserDataDir({ SCANREADY_USER_DATA: userData }), mode: 'web', version: 'test' });
    try {
      const known = await service.invoke('scanready:settings:known-hosts', null);
      expect(known.ok && known.value.map((k) => `${k.host}:${k.port}`)).toEqual([`${LAB.ssh}:22`]);
      // If the service did not see the CLI's key it would ask, and this answer (reject) would fail the check.
      const { result, prompts } = await serviceAuth(service, false);
      expect(prompts).toHaveLength(0);
      expect(result.hostKey?.status).toBe('trusted');
      expect(result.status).toBe('passed');
    } finally {
      await service.close();
    }
  }, 120_000);

  it('a key accepted in the app / web mode is trusted by `scanready auth`', async () => {
    const userData = path.join(dir, 'service-first');
    const service = createService({ userDataDir: defaultUserDataDir({ SCANREADY_USER_DATA: userData }), mode: 'web', version: 'test' });
    try {
      const { result, prompts } = await serviceAuth(service, true);
      expect(prompts).toHaveLength(1);
      expect(result.hostKey?.status).toBe('accepted');
    } finally {
      await service.close();
    }
    // No --accept-new-host-key and no terminal: an unknown key would fail the check.
    const cli = await cliAuth(userData, []);
    expect(cli.result.hostKey?.status).toBe('trusted');
    expect(cli.code).toBe(0);
  }, 120_000);
});
