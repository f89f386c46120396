import { describe, expect, it } from 'vitest';
import { buildDelegationCommand, classifyFailure, ELEVATE_EXPLANATIONS, explainElevateFailure, isVisiblepwRefusal, templateProblem } from './elevate.js';
import { shQuote } from './quote.js';
import { decodeOutput, scrub, CappedBuffer } from './text.js';
import { execFileSync } from 'node:child_process';

describe('shQuote', () => {
  it.each(["plain", "it's", "'; rm -rf / #", '$(id) `id` "x" \\ \n !', ''])('round-trips %j through a real sh', (s) => {
    const out = execFileSync('/bin/sh', ['-c', `printf %s ${shQuote(s)}`]).toString();
    expect(out).toBe(s);
  });
  it('refuses NUL', () => {
    expect(() => shQuote('a\0b')).toThrow();
  });
});

describe('buildDelegationCommand', () => {
  const inner = "echo M; id -u; echo 'it''s'";
  it('sudo-su with a password: own prompt via -S -p, su - root -c, everything quoted', () => {
    const b = buildDelegationCommand({ method: 'sudo-su', password: 'pw', pty: false }, inner, 'abc');
    expect(b.prompt).toBe('[scanready-become-abc] password:');
    expect(b.command).toMatch(/^sudo -S -p '\[scanready-become-abc\] password:' su - root -c '/);
    expect(b.command).not.toContain('pw');
  });
  it('without a password sudo runs with -n; on a PTY without -S', () => {
    expect(buildDelegationCommand({ method: 'sudo', pty: false }, inner, 't').command).toMatch(/^sudo -n -u root \/bin\/sh -c /);
    expect(buildDelegationCommand({ method: 'sudo', password: 'x', pty: true }, inner, 't').command).toMatch(/^sudo -p /);
  });
  it('every method', () => {
    const cmd = (method: 'su' | 'pbrun' | 'dzdo' | 'doas' | 'none') => buildDelegationCommand({ method, password: 'x', pty: true }, inner, 't').command;
    expect(cmd('su')).toMatch(/^su - root -c '/);
    expect(cmd('pbrun')).toMatch(/^pbrun -u root \/bin\/sh -c /);
    expect(cmd('dzdo')).toMatch(/^dzdo -p /);
    expect(cmd('doas')).toMatch(/^doas -u root \/bin\/sh -c /);
    expect(cmd('none')).toMatch(/^\/bin\/sh -c /);
  });
  it('custom template: only {cmd} is substituted, quoted', () => {
    const b = buildDelegationCommand({ method: 'custom', template: 'sudo -u root {cmd}', pty: false }, inner, 't');
    expect(b.command.startsWith("sudo -u root '/bin/sh -c '\\''echo M;")).toBe(true);
  });
  it('the built command runs the inner script intact through a real sh (method none)', () => {
    const b = buildDelegationCommand({ method: 'none', pty: false }, `printf '%s|' "a b" 'c'"'"'d'`, 't');
    expect(execFileSync('/bin/sh', ['-c', b.command]).toString()).toBe("a b|c'd|");
  });
  it('templateProblem', () => {
    expect(templateProblem(undefined)).toMatch(/\{cmd\}/);
    expect(templateProblem('sudo su -')).toMatch(/must contain \{cmd\}/);
    expect(templateProblem('a {cmd}\nb')).toMatch(/single line/);
    expect(templateProblem('sudo {cmd}')).toBeNull();
  });
});

describe('classifyFailure', () => {
  it.each([
    ['sudo: sorry, you must have a tty to run sudo', 'requiretty'],
    ['Sorry, try again.', 'wrong-password'],
    ['su: Authentication failure', 'wrong-password'],
    ['sudo: a password is required', 'password-required'],
    ['scan is not in the sudoers file.  This incident will be reported.', 'not-in-sudoers'],
    ['Sorry, user scan is not allowed to execute \'/usr/bin/su -\' as root on web01.', 'command-not-allowed'],
    ['bash: line 1: pbrun: command not found', 'unsupported-method'],
    ['doas: Operation not permitted', 'command-not-allowed'],
    ['doas (scan@web01) password: \ndoas: Authentication failed', 'wrong-password'],
    ['sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required', 'requiretty'],
    ['sudo: no tty present and no askpass program specified', 'requiretty'],
  ])('%s → %s', (text, reason) => {
    expect(classifyFailure(text, null)).toBe(reason);
  });
  it('!visiblepw refusals are told apart from requiretty', () => {
    expect(isVisiblepwRefusal('sudo: a terminal is required to read the password; either use the -S option')).toBe(true);
    expect(isVisiblepwRefusal('sudo: no tty present and no askpass program specified')).toBe(true);
    expect(isVisiblepwRefusal('sudo: sorry, you must have a tty to run sudo')).toBe(false);
  });
  it('explanations are worded for the method', () => {
    expect(explainElevateFailure('doas', 'command-not-allowed')).toMatch(/doas\.conf/);
    expect(explainElevateFailure('sudo', 'command-not-allowed')).toBe(ELEVATE_EXPLANATIONS['command-not-allowed']);
    expect(explainElevateFailure('doas', 'timeout')).toBe(ELEVATE_EXPLANATIONS.timeout);
    expect(explainElevateFailure('sudo-su', 'requiretty', true)).toMatch(/visiblepw/);
    expect(explainElevateFailure('sudo-su', 'requiretty')).toBe(ELEVATE_EXPLANATIONS.requiretty);
  });
  it('exit 127 is unsupported; plain text is unclassified', () => {
    expect(classifyFailure('', 127)).toBe('unsupported-method');
    expect(classifyFailure('hello', 0)).toBeNull();
  });
});

describe('text helpers', () => {
  it('decodes invalid UTF-8 and strips terminal escapes', () => {
    expect(decodeOutput(Buffer.from([0x61, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x62, 0x0d, 0x0a]))).toBe('a\uFFFDb\n');
  });
  it('scrub removes secrets', () => {
    expect(scrub('x hunter2 y hunter2', ['hunter2'])).toBe('x [secret removed] y [secret removed]');
  });
  it('CappedBuffer keeps at most cap bytes and says it cut', () => {
    const c = new CappedBuffer(10);
    c.push(Buffer.alloc(6));
    c.push(Buffer.alloc(6));
    c.push(Buffer.alloc(6));
    expect(c.length).toBe(10);
    expect(c.truncated).toBe(true);
    expect(c.total).toBe(18);
  });
});
