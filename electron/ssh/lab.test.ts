/**
 * The credential check against real OpenSSH sshd in the lab namespaces (e2e/lab/ssh-hosts.sh):
 * every status and every delegation failure reason, keys in three formats, ssh-agent,
 * /tmp noexec, MaxSessions/MaxStartups, a host-key change, a non-SSH service on port 22,
 * doas (OpenDoas), sudo's !visiblepw, a fail2ban-like ban.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStep, stepData, type AuthRequestInput, type AuthResult, type AuthStepDataMap, type AuthStepId, type AuthStepOf } from '../../shared/auth.js';
import { LAB, LAB_NAMESPACES } from '../../e2e/lab/hosts.js';
import { runAuthCheck } from './authCheck.js';
import { KnownHostsStore } from './knownHosts.js';

const ROOT = path.resolve(__dirname, '..', '..');
const FIX = path.join(ROOT, 'e2e', 'lab', 'fixtures');
const LAB_SH = path.join(ROOT, 'e2e', 'lab', 'lab.sh');
const KEYPASS = 'SrLab-keypass-1';
const PW = {
  nopasswd: 'SrLab-nopasswd-pw1',
  sudopw: 'SrLab-sudopw-pw1',
  nosudo: 'SrLab-nosudo-pw1',
  restricted: 'SrLab-restricted-pw1',
  tty: 'SrLab-tty-pw1',
  suonly: 'SrLab-suonly-pw1',
  root: 'SrLab-root-pw1',
  doas: 'SrLab-doas-pw1',
  doaspw: 'SrLab-doaspw-pw1',
  visiblepw: 'SrLab-visiblepw-pw1',
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-lab-ssh-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(req: Partial<AuthRequestInput> & { user: string }, store?: KnownHostsStore): Promise<AuthResult> {
  return runAuthCheck(
    { host: LAB.ssh, acceptNewHostKey: true, timeoutMs: 8000, sessions: 3, ...req },
    { knownHosts: store ?? new KnownHostsStore(path.join(dir, `kh-${++n}.json`)) },
  );
}
const step = <Id extends AuthStepId>(r: AuthResult, id: Id): AuthStepOf<Id> => {
  const s = findStep(r.steps, id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
/** The evidence of a step that ran (the test fails when it is missing). */
const data = <Id extends AuthStepId>(r: AuthResult, id: Id): AuthStepDataMap[Id] => {
  const d = stepData(r.steps, id);
  if (!d) throw new Error(`step ${id} has no evidence: ${JSON.stringify(findStep(r.steps, id))}`);
  return d;
};
const key = (name: string): string => readFileSync(path.join(FIX, name), 'utf8');

beforeAll(() => {
  // The global setup brought the lab up; fail clearly if the SSH part is missing.
  // `status` waits for a concurrent `up` (the lab lock, up to 180 s).
  const status = execFileSync('bash', [LAB_SH, 'status'], { encoding: 'utf8', timeout: 200_000 });
  expect(status).toMatch(/sshd srlab-ssh\s+198\.18\.1\.20:22 up/);
  expect(existsSync(path.join(FIX, 'id_ed25519_plain'))).toBe(true);
}, 240_000);

describe('statuses against real sshd', () => {
  it('passed: NOPASSWD sudo, every step ok, steps in contract order', async () => {
    const seen: string[] = [];
    const r = await runAuthCheck(
      { host: LAB.ssh, user: 'srlab-nopasswd', password: PW.nopasswd, acceptNewHostKey: true, timeoutMs: 8000 },
      { knownHosts: new KnownHostsStore(path.join(dir, 'kh-order.json')), onStep: (s) => seen.push(s.id) },
    );
    expect(r.status).toBe('passed');
    expect(seen).toEqual(['reach', 'handshake', 'host-key', 'login', 'uid', 'elevate', 'uid-elevated', 'sudo-rules', 'tmp-exec', 'sessions', 'commands', 'listening', 'history', 'auditd']);
    for (const id of ['reach', 'handshake', 'host-key', 'login', 'uid', 'elevate', 'uid-elevated', 'sudo-rules', 'tmp-exec', 'sessions', 'commands', 'listening'] as const) {
      expect(step(r, id).ok, `${id}: ${step(r, id).summary}`).toBe(true);
    }
    expect(data(r, 'handshake')?.banner).toMatch(/^SSH-2\.0-OpenSSH_/);
    expect(r.hostKey).toMatchObject({ status: 'accepted', fingerprint: expect.stringMatching(/^SHA256:/) as string });
    expect(data(r, 'login')).toMatchObject({ method: 'password', offeredMethods: ['publickey', 'password'] });
    expect(data(r, 'uid')?.uid).toBeGreaterThan(0);
    expect(data(r, 'uid-elevated')?.uid).toBe(0);
    expect(data(r, 'sudo-rules')).toMatchObject({ restricted: false, all: true, nopasswd: true });
    expect(data(r, 'sessions')).toMatchObject({ requested: 10, connections: { ok: 10 }, channels: { ok: 10 } });
    const cmds = data(r, 'commands');
    expect(cmds.present.map((p) => p.name)).toEqual(expect.arrayContaining(['uname', 'dpkg', 'awk', 'netstat']));
    expect(cmds.os.ID).toBe('debian');
    // sshd on 22 is in the Qualys profile; HTTP on 80 is too: the listening step saw both.
    expect(r.listening).toEqual(expect.arrayContaining([expect.objectContaining({ protocol: 'tcp', port: 22, candidate: false })]));
    expect(r.listening.some((p) => p.port === 80)).toBe(true);
    expect(data(r, 'listening')?.tool).toBe('netstat-anp');
    expect(step(r, 'history').ok).toBeNull();
    expect(step(r, 'auditd')).toMatchObject({ ok: null, data: { running: false } });
  }, 60_000);

  it('passed-insufficient: logged in, no sudo at all (not-in-sudoers)', async () => {
    const r = await run({ user: 'srlab-nosudo', password: PW.nosudo });
    expect(r.status).toBe('passed-insufficient');
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'not-in-sudoers' });
    expect(step(r, 'uid-elevated')).toMatchObject({ ok: false, reason: 'not-root' });
    expect(step(r, 'sudo-rules')).toMatchObject({ ok: false, reason: 'no-sudo-rules' });
    expect(data(r, 'tmp-exec')?.ranAs).toBe('srlab-nosudo');
    expect(r.advice.map((a) => a.id)).toContain('grant-nopasswd'); // not in sudoers at all: grant it (one advice module, same as diagnose)
  }, 60_000);

  it('failed: wrong login password', async () => {
    const r = await run({ user: 'srlab-nopasswd', password: 'Not-The-Password-9' });
    expect(r.status).toBe('failed');
    expect(step(r, 'login')).toMatchObject({ ok: false, reason: 'auth-failed' });
    expect(step(r, 'uid').ok).toBeNull();
    expect(r.advice[0]?.id).toBe('fix-login');
  }, 60_000);

  it('not-attempted: a non-SSH service (HTTP) on port 22 is named as such', async () => {
    const r = await run({ host: LAB.notSsh, user: 'srlab-nopasswd', password: PW.nopasswd });
    expect(r.status).toBe('not-attempted');
    expect(step(r, 'reach').ok).toBe(true);
    expect(step(r, 'handshake')).toMatchObject({ ok: false, reason: 'not-ssh', data: { service: 'HTTP' } });
    expect(step(r, 'handshake').summary).toBe('port 22 speaks HTTP, not SSH');
  }, 30_000);

  it('not-attempted: nothing listens on the port (refused)', async () => {
    const r = await run({ port: 2222, user: 'srlab-nopasswd', password: PW.nopasswd });
    expect(r.status).toBe('not-attempted');
    expect(step(r, 'reach')).toMatchObject({ ok: false, reason: 'connection-refused' });
  }, 30_000);
});

describe('delegation failure reasons against real sudo/su', () => {
  it('password-required: key login, sudo wants a password, none given', async () => {
    const r = await run({ user: 'srlab-sudopw', privateKey: key('id_ed25519_plain') });
    expect(data(r, 'login')?.method).toBe('publickey');
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'password-required' });
    expect(r.status).toBe('passed-insufficient');
    expect(r.advice.map((a) => a.id)).toContain('grant-nopasswd');
  }, 60_000);

  it('sudo with a password: the prompt is answered, root', async () => {
    const r = await run({ user: 'srlab-sudopw', password: PW.sudopw });
    expect(r.status).toBe('passed');
    expect(step(r, 'elevate')).toMatchObject({ ok: true, data: { promptSeen: true, passwordSent: true } });
    expect(data(r, 'sudo-rules')).toMatchObject({ restricted: false, all: true, nopasswd: false });
  }, 60_000);

  it('wrong-password: one attempt only, then stop', async () => {
    const r = await run({ user: 'srlab-sudopw', password: PW.sudopw, delegationPassword: 'Not-The-Password-9' });
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'wrong-password' });
    expect(data(r, 'elevate')?.evidence).toMatch(/Sorry, try again/);
    expect(JSON.stringify(r)).not.toContain('Not-The-Password-9');
    expect(r.status).toBe('passed-insufficient');
  }, 60_000);

  it('command-not-allowed: restricted sudo rules; sudo -l shows restricted', async () => {
    const r = await run({ user: 'srlab-restricted', password: PW.restricted });
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'command-not-allowed' });
    expect(step(r, 'sudo-rules')).toMatchObject({ ok: false, reason: 'restricted', data: { restricted: true } });
    expect(data(r, 'sudo-rules')?.allowedAsRoot).toEqual(['/usr/bin/id', '/usr/bin/dpkg -l']);
    expect(step(r, 'sudo-rules').explanation).toMatch(/false negative/);
  }, 60_000);

  it('rules that allow exactly "su -": the literal, interactive sudo su - is used, as the scanner does', async () => {
    const r = await run({ user: 'srlab-suallowed', password: 'SrLab-suallowed-pw1' });
    expect(step(r, 'elevate')).toMatchObject({ ok: true, data: { form: 'interactive', promptSeen: true, passwordSent: true } });
    expect(data(r, 'uid-elevated')?.uid).toBe(0);
    expect(step(r, 'sudo-rules')).toMatchObject({ ok: true, data: { restricted: true, effectivelyAll: true, rootShell: '/usr/bin/su -' } });
    expect(step(r, 'tmp-exec')).toMatchObject({ ok: true, data: { ranAs: 'root' } });
    expect(step(r, 'listening').ok).toBe(true);
    expect(r.status).toBe('passed');
  }, 60_000);

  it('requiretty: fails without a TTY, retried on a PTY where it works — both reported', async () => {
    const r = await run({ user: 'srlab-tty', password: PW.tty });
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'requiretty', data: { requiretty: true, retriedWithPty: true, ptyResult: 'root', pty: true } });
    expect(step(r, 'uid-elevated')).toMatchObject({ ok: true, data: { uid: 0 } });
    expect(data(r, 'tmp-exec')?.ranAs).toBe('root');
    expect(r.status).toBe('passed');
    expect(r.advice.map((a) => a.id)).toContain('disable-requiretty');
  }, 60_000);

  it('not-root: a custom delegation that does not change the user', async () => {
    const r = await run({ user: 'srlab-nopasswd', password: PW.nopasswd, delegation: 'custom', delegationCommand: 'sh -c {cmd}' });
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'not-root', data: { markerSeen: true } });
    expect(data(r, 'uid-elevated')?.uid).toBeGreaterThan(0);
    expect(r.status).toBe('passed-insufficient');
  }, 60_000);

  it('none: no delegation; uid-elevated says not-root', async () => {
    const r = await run({ user: 'srlab-nopasswd', password: PW.nopasswd, delegation: 'none' });
    expect(step(r, 'elevate').ok).toBeNull();
    expect(step(r, 'uid-elevated')).toMatchObject({ ok: false, reason: 'not-root' });
    expect(r.status).toBe('passed-insufficient');
  }, 60_000);

  it('timeout: a delegation command that never answers', async () => {
    const t0 = Date.now();
    const r = await run({ user: 'srlab-nopasswd', password: PW.nopasswd, delegation: 'custom', delegationCommand: 'sleep 60; {cmd}', timeoutMs: 1500 });
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'timeout' });
    expect(step(r, 'elevate').ms).toBeLessThan(4000);
    expect(Date.now() - t0).toBeLessThan(40_000);
  }, 60_000);

  it.each(['pbrun', 'dzdo'] as const)('unsupported-method: %s is not installed', async (method) => {
    const r = await run({ user: 'srlab-nopasswd', password: PW.nopasswd, delegation: method });
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'unsupported-method' });
  }, 60_000);

  it('sudo (not sudo su -) works too', async () => {
    const r = await run({ user: 'srlab-nopasswd', password: PW.nopasswd, delegation: 'sudo' });
    expect(r.status).toBe('passed');
  }, 60_000);

  it('su: root password (only inside the lab host) → root; a wrong one → wrong-password', async () => {
    const ok = await run({ user: 'srlab-suonly', password: PW.suonly, delegation: 'su', delegationPassword: PW.root });
    expect(step(ok, 'elevate')).toMatchObject({ ok: true, data: { pty: true, passwordSent: true } });
    expect(ok.status).toBe('passed');
    const bad = await run({ user: 'srlab-suonly', password: PW.suonly, delegation: 'su', delegationPassword: 'Not-The-Password-9' });
    expect(step(bad, 'elevate')).toMatchObject({ ok: false, reason: 'wrong-password' });
    const none = await run({ user: 'srlab-suonly', password: PW.suonly, delegation: 'su' });
    expect(step(none, 'elevate')).toMatchObject({ ok: false, reason: 'password-required' });
  }, 90_000);
});

describe('doas (OpenDoas, rules in /etc/doas.conf)', () => {
  it('permit nopass: root without a prompt', async () => {
    const r = await run({ user: 'srlab-doas', password: PW.doas, delegation: 'doas' });
    expect(step(r, 'elevate')).toMatchObject({ ok: true, data: { method: 'doas', pty: true, promptSeen: false, passwordSent: false, markerSeen: true } });
    expect(step(r, 'uid-elevated')).toMatchObject({ ok: true, data: { uid: 0 } });
    expect(step(r, 'tmp-exec')).toMatchObject({ ok: true, data: { ranAs: 'root' } });
    // sudo -l is informational for doas (the account has no sudo rules).
    expect(step(r, 'sudo-rules').ok).toBeNull();
    expect(r.status).toBe('passed');
  }, 60_000);

  it('permit with a password: doas\'s own prompt on the PTY is answered once; a wrong one → wrong-password', async () => {
    const r = await run({ user: 'srlab-doaspw', password: PW.doaspw, delegation: 'doas' });
    expect(step(r, 'elevate')).toMatchObject({ ok: true, data: { pty: true, promptSeen: true, passwordSent: true } });
    expect(String(data(r, 'elevate')?.evidence)).toMatch(/^doas \(srlab-doaspw@[^)]+\) password:/);
    expect(data(r, 'uid-elevated')?.uid).toBe(0);
    expect(r.status).toBe('passed');
    expect(JSON.stringify(r)).not.toContain(PW.doaspw);

    const bad = await run({ user: 'srlab-doaspw', password: PW.doaspw, delegation: 'doas', delegationPassword: 'Not-The-Password-9', sessions: 1 });
    expect(step(bad, 'elevate')).toMatchObject({ ok: false, reason: 'wrong-password', data: { promptSeen: true, passwordSent: true } });
    expect(data(bad, 'elevate')?.evidence).toMatch(/doas: Authentication failed/);
    expect(step(bad, 'elevate').explanation).toMatch(/doas rejected the password/);
    expect(JSON.stringify(bad)).not.toContain('Not-The-Password-9');
    expect(bad.status).toBe('passed-insufficient');
  }, 90_000);

  it('no doas rule for the account: "Operation not permitted" → command-not-allowed, explained in doas terms', async () => {
    const r = await run({ user: 'srlab-nosudo', password: PW.nosudo, delegation: 'doas' });
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'command-not-allowed', data: { promptSeen: false, passwordSent: false, evidence: 'doas: Operation not permitted' } });
    expect(step(r, 'elevate').explanation).toMatch(/\/etc\/doas\.conf/);
    expect(step(r, 'elevate').explanation).not.toMatch(/^sudo/);
    expect(step(r, 'uid-elevated')).toMatchObject({ ok: false, reason: 'not-root' });
    expect(r.status).toBe('passed-insufficient');
  }, 60_000);
});

describe('Defaults !visiblepw', () => {
  it('a delegation command without sudo -S and without a PTY: sudo will not read the password → requiretty (visiblepw), retried on a PTY → root', async () => {
    const r = await run({ user: 'srlab-visiblepw', password: PW.visiblepw, delegation: 'custom', delegationCommand: "sudo -p 'Password:' sh -c {cmd}" });
    const el = step(r, 'elevate');
    expect(el).toMatchObject({ ok: false, reason: 'requiretty', data: { visiblepw: true, requiretty: true, retriedWithPty: true, ptyResult: 'root', pty: true } });
    expect(data(r, 'elevate').firstEvidence).toMatch(/a terminal is required to read the password/);
    expect(el.summary).toMatch(/!visiblepw/);
    expect(el.explanation).toMatch(/visiblepw/);
    expect(step(r, 'uid-elevated')).toMatchObject({ ok: true, data: { uid: 0 } });
    expect(r.status).toBe('passed');
    const adv = r.advice.find((a) => a.id === 'disable-requiretty');
    expect(adv?.title).toMatch(/visiblepw/);
    expect(JSON.stringify(r)).not.toContain(PW.visiblepw);
  }, 60_000);

  it('ScanReady\'s own sudo su - (sudo -S) is not affected by !visiblepw', async () => {
    const r = await run({ user: 'srlab-visiblepw', password: PW.visiblepw, sessions: 1 });
    expect(step(r, 'elevate')).toMatchObject({ ok: true, data: { pty: false, passwordSent: true } });
    expect(r.status).toBe('passed');
  }, 60_000);
});

describe('a fail2ban-like ban (srlab-sshban: the 4th new connection within 30 s is banned)', () => {
  const resetBan = (): void => {
    for (const set of ['banned', 'conns']) {
      execFileSync('ip', ['netns', 'exec', LAB_NAMESPACES.sshBan, 'nft', 'flush', 'set', 'inet', 'srlab', set], { timeout: 10_000 });
    }
  };
  const bannedNow = (): string => execFileSync('ip', ['netns', 'exec', LAB_NAMESPACES.sshBan, 'nft', 'list', 'set', 'inet', 'srlab', 'banned'], { encoding: 'utf8', timeout: 10_000 });
  beforeAll(resetBan);
  afterAll(resetBan);

  it('sessions: parallel connections are refused part-way → banned; the next run cannot even reach the port', async () => {
    resetBan();
    const r = await run({ host: LAB.sshBan, user: 'srlab-nopasswd', password: PW.nopasswd, sessions: 6 });
    // reach + handshake used one connection of the budget; the main connection stays up.
    expect(step(r, 'login').ok).toBe(true);
    expect(step(r, 'elevate').ok).toBe(true);
    const s = step(r, 'sessions');
    expect(s).toMatchObject({ ok: false, reason: 'banned' });
    const d = data(r, 'sessions');
    expect(d.requested).toBe(6);
    expect(d.connections.ok).toBe(LAB.sshBanAllowed - 1);
    expect(d.connections.errors['connection-refused']).toBe(6 - (LAB.sshBanAllowed - 1));
    expect(d.channels.ok).toBe(6); // sessions on the established connection are unaffected
    expect(s.summary).toMatch(/refused part-way: a ban \(fail2ban, sshguard\)/);
    expect(s.explanation).toMatch(/whitelist the scanner/);
    expect(step(r, 'commands').ok).toBe(true); // later steps still ran on the first connection
    expect(r.status).toBe('passed');
    expect(bannedNow()).toContain(LAB.scannerAddress);

    const again = await run({ host: LAB.sshBan, user: 'srlab-nopasswd', password: PW.nopasswd, sessions: 1 });
    expect(again.status).toBe('not-attempted');
    expect(step(again, 'reach')).toMatchObject({ ok: false, reason: 'connection-refused' });
  }, 60_000);
});

describe('keys and agent', () => {
  it.each([
    ['id_ed25519_pass', 'openssh ssh-ed25519'],
    ['id_rsa_pem_pass', 'pem ssh-rsa'],
    ['id_rsa_pkcs8_pass', 'pkcs8 ssh-rsa'],
  ])('key-only account with a passphrase-protected %s key', async (file, format) => {
    const r = await run({ user: 'srlab-keyonly', privateKey: key(file), passphrase: KEYPASS, sessions: 2 });
    expect(step(r, 'login')).toMatchObject({ ok: true, data: { method: 'publickey' } });
    expect(String(data(r, 'login')?.keyFormat)).toContain(format);
    expect(r.status).toBe('passed');
  }, 60_000);

  it('a wrong passphrase: login fails with wrong-passphrase; the key-only account rejects passwords', async () => {
    const r = await run({ user: 'srlab-keyonly', privateKey: key('id_ed25519_pass'), passphrase: 'Not-The-Passphrase' });
    expect(r.status).toBe('failed');
    expect(step(r, 'login')).toMatchObject({ ok: false, reason: 'wrong-passphrase' });
    const p = await run({ user: 'srlab-keyonly', password: 'anything-at-all' });
    expect(step(p, 'login')).toMatchObject({ ok: false, reason: 'auth-failed' });
  }, 60_000);

  it('ssh-agent', async () => {
    const sock = path.join(dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', [path.join(FIX, 'id_ed25519_plain')], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore', timeout: 10_000 });
      const saved = process.env.SSH_AUTH_SOCK;
      process.env.SSH_AUTH_SOCK = sock;
      try {
        const r = await run({ user: 'srlab-keyonly', agent: true, sessions: 2 });
        expect(step(r, 'login')).toMatchObject({ ok: true, data: { method: 'agent' } });
        expect(r.status).toBe('passed');
      } finally {
        if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = saved;
      }
    } finally {
      agent.kill();
    }
  }, 60_000);
});

describe('what else breaks authenticated scans', () => {
  it('/tmp mounted noexec (mount namespace): tmp-exec fails with noexec', async () => {
    const r = await run({ host: LAB.sshNoExec, user: 'srlab-nopasswd', password: PW.nopasswd });
    expect(step(r, 'tmp-exec')).toMatchObject({ ok: false, reason: 'noexec' });
    expect(String(data(r, 'tmp-exec')?.mount)).toContain('noexec');
    expect(r.status).toBe('passed');
    expect(r.advice.map((a) => a.id)).toContain('tmp-exec');
  }, 60_000);

  it('MaxSessions 1 / MaxStartups 1:100:1: sessions fails and says what happened; the check itself still works', async () => {
    const r = await run({ host: LAB.sshLimit, user: 'srlab-nopasswd', password: PW.nopasswd, sessions: 6 });
    const s = step(r, 'sessions');
    expect(s.ok).toBe(false);
    expect(['max-startups', 'max-sessions']).toContain(s.reason);
    const d = data(r, 'sessions');
    expect(d.connections.errors['max-startups']).toBeGreaterThan(0);
    expect(d.channels.ok).toBe(1);
    expect(d.channels.failed).toBe(5);
    expect(s.summary).toMatch(/MaxStartups/);
    expect(s.summary).toMatch(/MaxSessions/);
    // One session at a time: every other step still ran on the limited host.
    expect(step(r, 'elevate').ok).toBe(true);
    expect(step(r, 'commands').ok).toBe(true);
    expect(r.status).toBe('passed');
    expect(r.advice.map((a) => a.id)).toContain('raise-ssh-limits');
  }, 60_000);

  it('a host-key change between two runs stops before any password is sent', async () => {
    const store = new KnownHostsStore(path.join(dir, 'kh-rekey.json'));
    const first = await run({ host: LAB.sshRekey, user: 'srlab-nopasswd', password: PW.nopasswd, sessions: 1 }, store);
    expect(first.status).toBe('passed');
    const trusted = await run({ host: LAB.sshRekey, user: 'srlab-nopasswd', password: PW.nopasswd, sessions: 1, acceptNewHostKey: false }, store);
    expect(trusted.hostKey?.status).toBe('trusted');

    execFileSync('bash', [LAB_SH, 'rekey'], { timeout: 60_000, stdio: 'ignore', env: { ...process.env, LAB_QUIET: '1' } });
    const log = '/run/srlab/sshd-sshrekey.log';
    const authLines = (): number => (readFileSync(log, 'utf8').match(/(Accepted|Failed) (password|publickey|none) for/g) ?? []).length;
    const before = authLines();
    const second = await run({ host: LAB.sshRekey, user: 'srlab-nopasswd', password: PW.nopasswd, sessions: 1 }, store);
    expect(second.status).toBe('failed');
    expect(step(second, 'host-key')).toMatchObject({ ok: false, reason: 'host-key-changed' });
    expect(second.hostKey?.knownFingerprint).toBe(first.hostKey?.fingerprint);
    expect(second.hostKey?.fingerprint).not.toBe(first.hostKey?.fingerprint);
    expect(step(second, 'login').ok).toBeNull();
    await new Promise((r) => setTimeout(r, 300)); // let sshd flush its log
    expect(authLines()).toBe(before);
    expect(readFileSync(log, 'utf8')).toMatch(/\[preauth\]/);
  }, 90_000);

  it('an imported OpenSSH known_hosts (hashed, from ssh-keyscan -H) makes the key trusted without acceptance', async () => {
    const scanned = execFileSync('ssh-keyscan', ['-H', '-T', '5', LAB.ssh], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(scanned).toMatch(/^\|1\|/m);
    const store = new KnownHostsStore(path.join(dir, 'kh-import.json'));
    expect((await store.importOpenSsh(scanned)).imported).toBeGreaterThan(0);
    const r = await run({ user: 'srlab-nopasswd', password: PW.nopasswd, acceptNewHostKey: false, sessions: 1 }, store);
    expect(r.hostKey?.status).toBe('trusted');
    expect(r.status).toBe('passed');
  }, 60_000);
});
