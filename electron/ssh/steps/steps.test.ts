/**
 * The credential steps' parsers on real output samples (Linux, FreeBSD, AIX, Solaris; fixtures/)
 * and on garbage. `@P@` in a fixture stands for the step's marker prefix of the run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Markers, MAX_MARKER_LINES, parseMarkerLines } from '../markers.js';
import { SCAN_COMMANDS } from '../scanCommands.js';
import { parseAuditd, auditRule } from './auditd.js';
import { commandsResult, parseCommands } from './commands.js';
import type { RemoteRun } from './context.js';
import { identifyService, parseBanner } from './handshake.js';
import { parseHistory } from './history.js';
import { listeningResult, parseListeningRun } from './listening.js';
import { classifySessions, tally } from './sessions.js';
import { parseSudoList, parseSudoListRun } from './sudoRules.js';
import { parseTmpExec, tmpExecResult } from './tmpExec.js';
import { parseId, uidResult } from './uid.js';
import { SshError } from '../errors.js';

const FIX = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const TOKEN = '0123456789abcdef';
const fixture = (name: string, m: Markers, prompt = ''): string => readFileSync(path.join(FIX, name), 'utf8').split('@P@').join(m.prefix).split('@Q@').join(prompt);
const run = (text: string, extra: Partial<RemoteRun> = {}): RemoteRun => ({ text, root: true, timedOut: false, truncated: false, code: 0, ms: 5, ...extra });
const GARBAGE = [
  '',
  '\n\n\n',
  '\u0000\u0001\u001b[31m\u001b]0;owned\u0007',
  'x'.repeat(100_000),
  '=\n:\n==:==\n',
  'SR-uid-0123456789abcdef:\nSR-uid-0123456789abcdef:=\nSR-uid-0123456789abcdef:UID=1\n',
  '\uFFFD\uFFFD\uFFFD uid=abc(def) \uFFFD',
];

describe('marker protocol', () => {
  const m = new Markers('tmp', TOKEN);
  it('reads only lines that start with the prefix; values keep "=" and ":"', () => {
    const lines = m.parse(`motd ${m.prefix}rc=9\n${m.prefix}rc=0\n${m.prefix}mount=a=b:c\n${m.prefix}flag\nSR-tmp-ffffffffffffffff:rc=7\n`);
    expect(lines.get('rc')).toBe('0');
    expect(lines.get('mount')).toBe('a=b:c');
    expect(lines.has('flag')).toBe(true);
    expect(lines.get('flag')).toBeUndefined();
    expect(lines.all('rc')).toEqual(['0']); // another run's token and mid-line copies are not ours
  });
  it('the shell code it writes prints what the parser reads (real /bin/sh)', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('/bin/sh', ['-c', `${m.line('a', '$(echo "x y")')}; ${m.flag('b')}; printf 'l1\\nl2\\n' | ${m.tagLines('c')}`], { encoding: 'utf8' });
    const lines = m.parse(out);
    expect(lines.get('a')).toBe('x y');
    expect(lines.has('b')).toBe(true);
    expect(lines.all('c')).toEqual(['l1', 'l2']);
  });
  it('refuses names that could break the shell code', () => {
    expect(() => new Markers('a b')).toThrow();
    expect(() => m.line("x'; rm -rf /")).toThrow();
  });
  it('bounded: a flood of marker lines reads at most MAX_MARKER_LINES', () => {
    const flood = `${m.prefix}rc=1\n`.repeat(MAX_MARKER_LINES + 100);
    expect(parseMarkerLines(flood, m.prefix).size).toBe(MAX_MARKER_LINES);
  });
});

describe('uid: id -u / id -un / id', () => {
  const m = new Markers('uid', TOKEN);
  it.each([
    ['uid.linux.txt', 1001, 'scan'],
    ['uid.freebsd.txt', 1002, 'scanner'],
    ['uid.aix.txt', 204, 'qscan'],
    ['uid.solaris10.txt', 100, 'scan'], // /usr/bin/id has no -u: read from "uid=100(scan)"
  ])('%s', (file, uid, name) => {
    const p = parseId(fixture(file, m), m);
    expect(p).toMatchObject({ uid, name });
    expect(p.id).toMatch(/^uid=/);
    expect(uidResult(p, run(''), 1000)).toMatchObject({ ok: true, data: { uid, name } });
  });
  it('a restricted shell: no uid, exec-failed with the output as evidence', () => {
    const text = fixture('uid.restricted.txt', m);
    const p = parseId(text, m);
    expect(p.uid).toBeNull();
    const r = uidResult(p, run(text), 1000);
    expect(r).toMatchObject({ ok: false, reason: 'exec-failed', data: { uid: null } });
    expect(r.data?.output).toContain('ForceCommand');
    expect(uidResult(p, run('', { timedOut: true }), 1000)).toMatchObject({ ok: false, reason: 'timeout' });
  });
  it.each(GARBAGE)('garbage %#', (g) => {
    expect(parseId(g, m).uid).toBeNull();
  });
  it('a uid beyond 32 bits is not a uid', () => {
    expect(parseId(`${m.prefix}uid=99999999999\n`, m).uid).toBeNull();
  });
});

describe('tmp-exec', () => {
  const m = new Markers('tmp', TOKEN);
  it.each([
    ['tmp.linux-ok.txt', 'ran', false],
    ['tmp.linux-nomount.txt', 'ran', false],
    ['tmp.solaris-ok.txt', 'ran', false],
    ['tmp.aix-ok.txt', 'ran', false],
    ['tmp.linux-noexec.txt', 'failed', true],
    ['tmp.freebsd-noexec.txt', 'failed', true],
    ['tmp.aix-failed.txt', 'failed', false],
    ['tmp.missing.txt', 'missing', false],
    ['tmp.not-writable.txt', 'not-writable', false],
  ])('%s → %s (noexec %s)', (file, state, noexec) => {
    const p = parseTmpExec(fixture(file, m), m);
    expect(p.state).toBe(state);
    expect(p.noexec).toBe(noexec);
  });
  it('results: noexec names the mount, a plain failure quotes the shell, missing/not-writable', () => {
    const noexec = parseTmpExec(fixture('tmp.linux-noexec.txt', m), m);
    const r = tmpExecResult(noexec, run(''), 'scan', 1000);
    expect(r).toMatchObject({ ok: false, reason: 'noexec', data: { ranAs: 'root' } });
    expect(r.data?.mount).toContain('noexec');
    const aix = parseTmpExec(fixture('tmp.aix-failed.txt', m), m);
    const a = tmpExecResult(aix, run('', { root: false }), 'scan', 1000);
    expect(a).toMatchObject({ ok: false, reason: 'exec-failed', data: { ranAs: 'scan' } });
    expect(a.summary).toContain('0403-006');
    expect(tmpExecResult(parseTmpExec(fixture('tmp.missing.txt', m), m), run(''), 'scan', 1000)).toMatchObject({ reason: 'tmp-missing' });
    expect(tmpExecResult(parseTmpExec(fixture('tmp.not-writable.txt', m), m), run(''), 'scan', 1000)).toMatchObject({ reason: 'tmp-not-writable' });
    expect(tmpExecResult(parseTmpExec(fixture('tmp.solaris-ok.txt', m), m), run(''), 'scan', 1000)).toMatchObject({ ok: true });
  });
  it('a script that printed our marker only mid-line did not run', () => {
    expect(parseTmpExec(`${m.prefix}rc=0\n${m.prefix}out=x ${m.prefix}ran\n`, m).state).toBe('failed');
  });
  it.each(GARBAGE)('garbage %# → unknown, exec-failed or timeout', (g) => {
    const p = parseTmpExec(g, m);
    expect(p.state).toBe('unknown');
    expect(tmpExecResult(p, run(g, { timedOut: true }), 'scan', 1000)).toMatchObject({ ok: false, reason: 'timeout' });
  });
});

describe('commands: command -v, uname -a, /etc/os-release', () => {
  const m = new Markers('cmd', TOKEN);
  it.each([
    ['cmd.linux.txt', 'Ubuntu 22.04.4 LTS', 'dpkg', 9],
    ['cmd.freebsd.txt', 'FreeBSD 14.0-RELEASE', 'sysctl', 6],
    ['cmd.aix.txt', 'AIX', 'lslpp', 6],
    ['cmd.solaris.txt', 'Oracle Solaris 11.4', 'pkginfo', 5],
  ])('%s', (file, osName, has, count) => {
    const p = parseCommands(fixture(file, m), m);
    expect(p.present.map((c) => c.name)).toContain(has);
    expect(p.present).toHaveLength(count);
    const r = commandsResult(p, run(''), 'scan');
    expect(r.ok).toBe(true);
    expect(r.summary).toContain(osName);
    expect(r.data?.missing.length).toBe(SCAN_COMMANDS.length - count);
  });
  it('a shell builtin (command -v export → "export") is present; names not on the list are ignored', () => {
    const p = parseCommands(fixture('cmd.linux.txt', m) + `${m.prefix}cmd=evil:/tmp/evil\n${m.prefix}cmd=awk:/dup/awk\n`, m);
    expect(p.present.find((c) => c.name === 'export')?.path).toBe('export');
    expect(p.present.some((c) => c.name === 'evil')).toBe(false);
    expect(p.present.filter((c) => c.name === 'awk')).toHaveLength(1);
  });
  it('os-release quotes are removed', () => {
    expect(parseCommands(fixture('cmd.freebsd.txt', m), m).os).toMatchObject({ NAME: 'FreeBSD', VERSION: '14.0-RELEASE', ANSI_COLOR: '0;31' });
  });
  it.each(GARBAGE)('garbage %# → nothing present, failed', (g) => {
    const p = parseCommands(g, m);
    expect(p.present).toEqual([]);
    expect(commandsResult(p, run(g), 'scan')).toMatchObject({ ok: false, reason: 'exec-failed' });
  });
});

describe('history', () => {
  const m = new Markers('hist', TOKEN);
  it.each([
    ['hist.linux.txt', '/bin/bash', [{ file: '.bash_history', lines: 523 }], 3],
    ['hist.freebsd.txt', '/bin/sh', [{ file: '.sh_history', lines: 17 }], 1],
    ['hist.aix.txt', '/usr/bin/ksh', [{ file: '.sh_history', lines: 240 }], 0],
    ['hist.solaris.txt', '/usr/bin/bash', [{ file: '.bash_history', lines: 88 }, { file: '.history', lines: 3 }], 0],
    ['hist.none.txt', '/bin/bash', [], 0],
  ])('%s', (file, shell, files, settings) => {
    const p = parseHistory(fixture(file, m), m);
    expect(p.rootShell).toBe(shell);
    expect(p.files).toEqual(files);
    expect(p.settings).toHaveLength(settings);
  });
  it('files not on our list and non-numeric counts are ignored', () => {
    const p = parseHistory(`${m.prefix}file=../../etc/shadow:12\n${m.prefix}file=.bash_history:abc\n`, m);
    expect(p.files).toEqual([]);
  });
  it.each(GARBAGE)('garbage %#', (g) => {
    expect(parseHistory(g, m)).toMatchObject({ files: [], settings: [], rootShell: null });
  });
});

describe('auditd', () => {
  const m = new Markers('audit', TOKEN);
  it.each([
    ['audit.linux.txt', true, true, 1, 8],
    ['audit.linux-old.txt', true, true, 1, 1],
    ['audit.linux-off.txt', false, true, 0, 3],
    ['audit.freebsd.txt', true, false, null, 0],
    ['audit.aix.txt', false, false, null, 0],
  ])('%s', (file, running, auditctl, enabled, status) => {
    const p = parseAuditd(fixture(file, m), m);
    expect(p).toMatchObject({ running, auditctl, enabled });
    expect(p.status).toHaveLength(status);
  });
  it('the audit rule names the login uid', () => {
    expect(auditRule(1001)).toContain('auid=1001');
    expect(auditRule(null)).toContain('auid=<scan-account-uid>');
  });
  it.each(GARBAGE)('garbage %#', (g) => {
    expect(parseAuditd(g, m)).toEqual({ running: false, auditctl: false, status: [], enabled: null });
  });
});

describe('sudo -l run (markers, prompt, missing sudo) and rules', () => {
  const m = new Markers('sudo', TOKEN);
  const prompt = '[scanready-sudo-l-abc] password:';
  it('FreeBSD (ports sudo): ALL with NOPASSWD', () => {
    const r = parseSudoListRun(fixture('sudo.freebsd.txt', m), m, prompt, false, null);
    expect(r.missing).toBe(false);
    expect(r.text).not.toContain(m.prefix);
    expect(parseSudoList(r.text)).toMatchObject({ all: true, nopasswd: true, restricted: false });
  });
  it('AIX: a list of commands as root → restricted', () => {
    const s = parseSudoList(parseSudoListRun(fixture('sudo.aix.txt', m), m, prompt, false, null).text);
    expect(s.restricted).toBe(true);
    expect(s.allowedAsRoot).toEqual(['/usr/bin/lslpp', '/usr/bin/oslevel', '/usr/sbin/emgr -l', '/usr/bin/netstat -an']);
  });
  it('Solaris 11: ALL with requiretty in Defaults', () => {
    const s = parseSudoList(parseSudoListRun(fixture('sudo.solaris.txt', m), m, prompt, false, null).text);
    expect(s).toMatchObject({ all: true, nopasswd: false, requiretty: true });
  });
  it('sudo missing (exit 127)', () => {
    expect(parseSudoListRun(fixture('sudo.linux-missing.txt', m), m, prompt, false, null).missing).toBe(true);
  });
  it('our prompt is removed from the evidence; the answered failure wins; timeout when nothing else', () => {
    const r = parseSudoListRun(fixture('sudo.linux-prompt.txt', m, prompt), m, prompt, false, 'wrong-password');
    expect(r.evidence).not.toContain(prompt);
    expect(r.evidence).toContain('Sorry, try again.');
    expect(r.failure).toBe('wrong-password');
    expect(parseSudoListRun('', m, prompt, true, null).failure).toBe('timeout');
    expect(parseSudoListRun('sudo: sorry, you must have a tty to run sudo', m, prompt, false, null).failure).toBe('requiretty');
  });
});

describe('listening run: the tool marker', () => {
  const m = new Markers('listen', TOKEN);
  it('ss output with its tool marker → ports and candidates', () => {
    const text = `${m.prefix}tool=ss-tulpn\nNetid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\ntcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=612,fd=3))\ntcp LISTEN 0 128 0.0.0.0:8443 0.0.0.0:*\n`;
    const p = parseListeningRun(text, m);
    expect(p.tool).toBe('ss-tulpn');
    const r = listeningResult(p, run(text), 'scan', 'qualys-default');
    expect(r).toMatchObject({ ok: true, data: { tool: 'ss-tulpn', candidates: ['tcp/8443'] } });
  });
  it('no tool (or a tool name we do not know) → no-tool, no ports', () => {
    for (const t of [`${m.prefix}tool=none\n`, `${m.prefix}tool=lsof\ntcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN\n`]) {
      const p = parseListeningRun(t, m);
      expect(p).toEqual({ tool: null, ports: [] });
      expect(listeningResult(p, run(t), 'scan', 'qualys-default')).toMatchObject({ ok: false, reason: 'no-tool', data: { ports: [] } });
    }
  });
});

describe('handshake: SSH banners and other services', () => {
  it.each([
    ['SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.7\r\n', 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.7'],
    ['SSH-2.0-OpenSSH_9.5 FreeBSD-20231004\r\n', 'SSH-2.0-OpenSSH_9.5 FreeBSD-20231004'],
    ['SSH-2.0-OpenSSH_8.1\n', 'SSH-2.0-OpenSSH_8.1'], // AIX
    ['SSH-2.0-Sun_SSH_1.1.8\r\n', 'SSH-2.0-Sun_SSH_1.1.8'], // Solaris 10
    ['SSH-2.0-dropbear_2022.83\r\n', 'SSH-2.0-dropbear_2022.83'],
    ['SSH-1.99-Cisco-1.25\r\n', 'SSH-1.99-Cisco-1.25'],
    ['This is a private system.\r\nUnauthorized access prohibited.\r\nSSH-2.0-OpenSSH_7.4\r\n', 'SSH-2.0-OpenSSH_7.4'], // lines before the ident (RFC 4253 4.2)
    ['SSH-2.0-Evil\u001b]0;owned\u0007\u001b[31mRed\r\n', 'SSH-2.0-EvilRed'], // terminal escapes stripped,
  ])('%j', (bytes, banner) => {
    expect(parseBanner(Buffer.from(bytes, 'latin1'))).toBe(banner);
  });
  it('no ident line → null', () => {
    for (const b of ['', 'SSH-2.0-no-newline', 'HTTP/1.1 400 Bad Request\r\n\r\n', `${'x'.repeat(600)}\nSSH-2.0-late\r\n`]) expect(parseBanner(Buffer.from(b))).toBeNull();
  });
  it.each([
    ['HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n', 'HTTP'],
    ['\u0016\u0003\u0001\u0000', 'TLS'],
    ['220 ProFTPD Server (Debian) [::ffff:10.0.0.5]\r\n', 'FTP'],
    ['220 mail.example.com ESMTP Postfix (Ubuntu)\r\n', 'SMTP'],
    ['+OK Dovecot ready.\r\n', 'POP3'],
    ['* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n', 'IMAP'],
    ['RFB 003.008\n', 'VNC'],
    ['SSH-1.5-OldServer\n', 'SSH protocol 1 only'],
    ['\u0000\u0001garbage', 'an unknown non-SSH service'],
  ])('identifyService %j → %s', (bytes, service) => {
    expect(identifyService(Buffer.from(bytes, 'latin1')).service).toBe(service);
  });
});

describe('sessions: what throttled the parallel connections', () => {
  const ok = (n: number): PromiseSettledResult<unknown>[] => Array.from({ length: n }, () => ({ status: 'fulfilled', value: undefined }));
  const bad = (n: number, code: string): PromiseSettledResult<unknown>[] => Array.from({ length: n }, () => ({ status: 'rejected', reason: new SshError(code, `failed: ${code}`) }));
  it.each([
    [[...ok(10)], [...ok(10)], null],
    [[...ok(10)], [...ok(3), ...bad(7, 'channel-open-failed')], 'max-sessions'],
    [[...ok(4), ...bad(6, 'connection-refused')], [...ok(10)], 'banned'],
    [[...ok(4), ...bad(6, 'max-startups')], [...ok(10)], 'max-startups'],
    [[...ok(4), ...bad(6, 'auth-failed')], [...ok(10)], 'auth-throttled'],
    [[...ok(4), ...bad(6, 'login-timeout')], [...ok(10)], 'timeout'],
    [[...ok(4), ...bad(6, 'weird')], [...ok(10)], 'throttled'],
  ])('%#', (conns, chans, reason) => {
    const c = classifySessions(10, tally(conns), tally(chans));
    expect(c?.reason ?? null).toBe(reason);
  });
  it('tally keeps at most 5 messages and counts every code', () => {
    const t = tally([...bad(7, 'timeout'), ...bad(2, 'x'), ...ok(1)]);
    expect(t).toMatchObject({ ok: 1, failed: 9, errors: { timeout: 7, x: 2 } });
    expect(t.messages).toHaveLength(5);
  });
});
