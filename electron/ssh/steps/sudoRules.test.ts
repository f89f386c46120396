import { describe, expect, it } from 'vitest';
import { parseSudoList } from './sudoRules.js';

const head = (user: string): string => `Matching Defaults entries for ${user} on web01:
    env_reset, mail_badpass, secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin, use_pty

User ${user} may run the following commands on web01:
`;

describe('parseSudoList', () => {
  it('(ALL : ALL) ALL → unrestricted, password needed', () => {
    const r = parseSudoList(`${head('ops')}    (ALL : ALL) ALL\n`);
    expect(r).toMatchObject({ all: true, restricted: false, nopasswd: false, noSudo: false, negations: [] });
    expect(r.rules).toEqual([{ runAs: 'ALL : ALL', tags: [], commands: ['ALL'] }]);
    expect(r.defaults).toContain('use_pty');
  });

  it('(ALL) NOPASSWD: ALL → unrestricted, no password', () => {
    expect(parseSudoList(`${head('scan')}    (ALL) NOPASSWD: ALL\n`)).toMatchObject({ all: true, restricted: false, nopasswd: true });
  });

  it('a list of commands → restricted, with the commands allowed as root', () => {
    const r = parseSudoList(`${head('scan')}    (root) NOPASSWD: /usr/bin/id, /usr/bin/dpkg -l\n    (root) /usr/bin/rpm -qa, /bin/cat /etc/shadow\n`);
    expect(r.restricted).toBe(true);
    expect(r.all).toBe(false);
    expect(r.allowedAsRoot).toEqual(['/usr/bin/id', '/usr/bin/dpkg -l', '/usr/bin/rpm -qa', '/bin/cat /etc/shadow']);
  });

  it('ALL with ! negations → restricted, negations listed', () => {
    const r = parseSudoList(`${head('scan')}    (ALL) NOPASSWD: ALL, !/usr/bin/su, !/bin/bash\n`);
    expect(r.restricted).toBe(true);
    expect(r.negations).toEqual(['!/usr/bin/su', '!/bin/bash']);
  });

  it('escaped commas stay inside one command', () => {
    const r = parseSudoList(`${head('scan')}    (root) /usr/bin/awk -F\\, {print}\n`);
    expect(r.allowedAsRoot).toEqual(['/usr/bin/awk -F\\, {print}']);
  });

  it('ALL as another user only (not root) does not count as root', () => {
    const r = parseSudoList(`${head('scan')}    (www-data) NOPASSWD: ALL\n`);
    expect(r.all).toBe(false);
    expect(r.restricted).toBe(true);
  });

  it('a restricted rule next to an unrestricted one → not restricted', () => {
    const r = parseSudoList(`${head('scan')}    (root) NOPASSWD: /usr/bin/id\n    (ALL) ALL\n`);
    expect(r).toMatchObject({ all: true, restricted: false });
  });

  it('a rule allowing exactly su - (or a shell) is a root shell: rootShell says so', () => {
    expect(parseSudoList(`${head('scan')}    (root) /usr/bin/su -\n`)).toMatchObject({ restricted: true, rootShell: '/usr/bin/su -' });
    expect(parseSudoList(`${head('scan')}    (root) NOPASSWD: /bin/bash\n`).rootShell).toBe('/bin/bash');
    expect(parseSudoList(`${head('scan')}    (root) /usr/bin/sudoedit /etc/hosts, /usr/bin/id\n`).rootShell).toBeNull();
  });

  it('not allowed / not in sudoers', () => {
    expect(parseSudoList('User scan is not allowed to run sudo on web01.\n')).toMatchObject({ noSudo: true, restricted: false, all: false });
    expect(parseSudoList('scan is not in the sudoers file.\n').noSudo).toBe(true);
  });

  it('requiretty in Defaults is reported', () => {
    const r = parseSudoList(`Matching Defaults entries for t on h:\n    requiretty, env_reset\n\nUser t may run the following commands on h:\n    (ALL) NOPASSWD: ALL\n`);
    expect(r.requiretty).toBe(true);
  });

  it('sudo -ll long format', () => {
    const r = parseSudoList(`User scan may run the following commands on h:

Sudoers entry:
    RunAsUsers: root
    Options: !authenticate
    Commands:
\t/usr/bin/id
\t/usr/bin/dpkg -l

Sudoers entry:
    RunAsUsers: ALL
    Commands:
\tALL
`);
    expect(r.rules).toHaveLength(2);
    expect(r.all).toBe(true);
    expect(r.restricted).toBe(false);
  });

  it('garbage never throws', () => {
    for (const g of ['', '\u0000\u00ff', '(((((', 'User x may run the following commands on y:\n    (\n    NOPASSWD:\n']) {
      expect(() => parseSudoList(g)).not.toThrow();
    }
  });
});
