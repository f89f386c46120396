/** `scanready auth` end to end: the real CLI process against the lab's real sshd. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../shared/auth.js';
import { LAB } from '../../e2e/lab/hosts.js';
import { defaultKnownHostsFile } from './auth.js';

const ROOT = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-cli-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'electron', 'cli', 'main.ts'), 'auth', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', SCANREADY_USER_DATA: path.join(dir, `home-${++n}`), ...env },
      stdio: ['ignore', 'pipe', 'pipe'], // stdin is not a TTY: no prompts
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const PW = 'SrLab-nopasswd-pw1';

describe('scanready auth', () => {
  it('passed: exit 0, a checklist, the password never printed', async () => {
    const r = await cli([LAB.ssh, '--user', 'srlab-nopasswd', '--password-env', 'SR_PW', '--accept-new-host-key', '--sessions', '2'], { SR_PW: PW });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ reach +TCP 198\.18\.1\.20:22 accepts connections/);
    expect(r.stdout).toMatch(/✓ elevate +sudo su - gave a root shell/);
    expect(r.stdout).toMatch(/Status: PASSED/);
    expect(r.stdout.split('\n').filter((l) => /^ {2}[✓✗–] /.test(l))).toHaveLength(14);
    expect(r.stdout + r.stderr).not.toContain(PW);
  }, 90_000);

  it('--json: one object, exit 1 for passed-insufficient, reasons on steps', async () => {
    const r = await cli([LAB.ssh, '--user', 'srlab-nosudo', '--password-env', 'SR_PW', '--accept-new-host-key', '--sessions', '2', '--json'], { SR_PW: 'SrLab-nosudo-pw1' });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as AuthResult;
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['host', 'port', 'user', 'status', 'steps', 'hostKey', 'listening', 'advice']));
    expect(j).toMatchObject({ host: LAB.ssh, port: 22, user: 'srlab-nosudo', status: 'passed-insufficient' });
    expect(j.steps.find((s) => s.id === 'elevate')).toMatchObject({ ok: false, reason: 'not-in-sudoers' });
    for (const s of j.steps) expect(typeof s.ms).toBe('number');
    expect(r.stdout).not.toContain('SrLab-nosudo-pw1');
  }, 90_000);

  it('a non-SSH service on port 22: named in the output, exit 1', async () => {
    const r = await cli([LAB.notSsh, '--user', 'x', '--password-env', 'SR_PW', '--accept-new-host-key'], { SR_PW: 'whatever' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ handshake +port 22 speaks HTTP, not SSH/);
    expect(r.stdout).toMatch(/NOT ATTEMPTED/);
  }, 60_000);

  it('an unknown host key without --accept-new-host-key (no terminal to ask): failed, exit 1', async () => {
    const r = await cli([LAB.ssh, '--user', 'srlab-nopasswd', '--password-env', 'SR_PW', '--json'], { SR_PW: PW });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as AuthResult;
    expect(j.status).toBe('failed');
    expect(j.steps.find((s) => s.id === 'host-key')).toMatchObject({ ok: false, reason: 'host-key-unknown' });
  }, 60_000);

  it('the default store lives in $SCANREADY_USER_DATA (the app\'s); an accepted key is trusted next time', async () => {
    const home = path.join(dir, 'home-fixed');
    const env = { SR_PW: PW, SCANREADY_USER_DATA: home };
    expect(defaultKnownHostsFile({ SCANREADY_USER_DATA: home })).toBe(path.join(home, 'known_hosts.json'));
    const a = await cli([LAB.ssh, '--user', 'srlab-nopasswd', '--password-env', 'SR_PW', '--accept-new-host-key', '--sessions', '1', '--json'], env);
    expect(JSON.parse(a.stdout)).toMatchObject({ hostKey: { status: 'accepted' } });
    expect(existsSync(path.join(home, 'known_hosts.json'))).toBe(true);
    const b = await cli([LAB.ssh, '--user', 'srlab-nopasswd', '--password-env', 'SR_PW', '--sessions', '1', '--json'], env);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ hostKey: { status: 'trusted' } });
  }, 90_000);

  it.each([
    [['198.18.1.20', '--password-env', 'SR_PW'], /required option '--user/],
    [['198.18.1.20', '--user', 'u', '--password-env', 'SR_UNSET_VAR'], /environment variable SR_UNSET_VAR is not set/],
    [['198.18.1.20', '--user', 'u', '--password-env', 'hunter2 is my password'], /takes the NAME of an environment variable/],
    [['198.18.1.20', '--user', 'u'], /no credential: give --password-env/],
    [['198.18.1.20', '--user', 'u', '--password-env', 'SR_PW', '--delegation', 'sudoo'], /--delegation/],
    [['198.18.1.20', '--user', 'u', '--password-env', 'SR_PW', '--delegation', 'custom'], /\{cmd\}/],
    [['198.18.1.20', '--user', 'u', '--password-env', 'SR_PW', '--delegation', 'custom', '--delegation-command', 'sudo su -'], /must contain \{cmd\}/],
    [['198.18.1.20', '--user', 'u', '--password-env', 'SR_PW', '--port', '70000'], /--port must be 1-65535/],
    [['198.18.1.20', '--user', 'u', '--password-env', 'SR_PW', '--profile', 'nope'], /unknown profile "nope"/],
    [['198.18.1.20', '--user', 'u', '--key', '/nonexistent/key'], /cannot read key file/],
    // No Unix account has a line break or a control character in its name: refused, without echoing it.
    [['198.18.1.20', '--user', 'scan\nALL ALL=(ALL) NOPASSWD: ALL', '--password-env', 'SR_PW'], /--user: the user name contains a line break \(U\+000A at position 5\)/],
    [['198.18.1.20', '--user', 'scan\u001b]0;owned\u0007', '--password-env', 'SR_PW'], /--user: the user name contains a control character \(U\+001B/],
  ])('bad input %j: exit 2 with one clear line', async (args, message) => {
    const r = await cli(args, { SR_PW: 'x' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').filter((l) => !/run with --help/.test(l))).toHaveLength(1);
    expect(r.stderr).not.toContain('hunter2');
    expect([...r.stderr].filter((c) => c < ' ' && c !== '\n')).toEqual([]);
  }, 30_000);

  it('an encrypted key without --passphrase-env and no terminal: exit 2', async () => {
    const r = await cli([LAB.ssh, '--user', 'srlab-keyonly', '--key', path.join(ROOT, 'e2e', 'lab', 'fixtures', 'id_ed25519_pass')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/encrypted: give --passphrase-env/);
  }, 30_000);

  it('a corrupt known-hosts store: runtime failure, exit 3', async () => {
    const file = path.join(dir, 'corrupt.json');
    writeFileSync(file, '{ nope');
    const r = await cli([LAB.ssh, '--user', 'u', '--password-env', 'SR_PW', '--known-hosts', file], { SR_PW: 'x' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not valid JSON/);
  }, 30_000);
});
