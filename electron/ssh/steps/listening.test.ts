import { describe, expect, it } from 'vitest';
import { builtinProfile } from '../../../shared/profiles.js';
import { markCandidates, parseListening, splitAddress } from './listening.js';
import { decodeOutput } from '../text.js';

const LINUX_NETSTAT = `Active Internet connections (servers and established)
Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      612/sshd: /usr/sbin
tcp        0      0 127.0.0.1:5432          0.0.0.0:*               LISTEN      801/postgres
tcp        0      0 0.0.0.0:8443            0.0.0.0:*               LISTEN      -
tcp        0     36 10.0.0.5:22             10.0.0.9:51514          ESTABLISHED 9001/sshd: scan [p
tcp6       0      0 :::22                   :::*                    LISTEN      612/sshd: /usr/sbin
tcp6       0      0 ::1:631                 :::*                    LISTEN      700/cupsd
udp        0      0 0.0.0.0:68              0.0.0.0:*                           455/dhclient
udp        0      0 0.0.0.0:161             0.0.0.0:*                           920/snmpd
udp        0      0 10.0.0.5:40000          8.8.8.8:53              ESTABLISHED 1/x
udp6       0      0 :::5353                 :::*                                530/avahi-daemon: r
Active UNIX domain sockets (servers and established)
Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path
unix  2      [ ACC ]     STREAM     LISTENING     17000    1/init               /run/systemd/private
`;

const LINUX_SS = `Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
udp   UNCONN 0      0          0.0.0.0:68         0.0.0.0:*    users:(("dhclient",pid=455,fd=7))
udp   UNCONN 0      0        127.0.0.53%lo:53     0.0.0.0:*    users:(("systemd-resolve",pid=300,fd=12))
udp   UNCONN 0      0             [::]:5353          [::]:*    users:(("avahi-daemon",pid=530,fd=14))
tcp   LISTEN 0      128        0.0.0.0:22         0.0.0.0:*    users:(("sshd",pid=612,fd=3))
tcp   LISTEN 0      511              *:80               *:*    users:(("apache2",pid=1201,fd=4),("apache2",pid=1200,fd=4))
tcp   LISTEN 0      4096      [::]:9090          [::]:*
tcp   ESTAB  0      0         10.0.0.5:22       10.0.0.9:51514 users:(("sshd",pid=9001,fd=4))
`;

const FREEBSD_NETSTAT = `Active Internet connections (including servers)
Proto Recv-Q Send-Q Local Address          Foreign Address        (state)
tcp4       0      0 *.22                   *.*                    LISTEN
tcp6       0      0 *.22                   *.*                    LISTEN
tcp46      0      0 *.8080                 *.*                    LISTEN
tcp4       0      0 127.0.0.1.25           *.*                    LISTEN
tcp4       0      0 10.0.0.7.22            10.0.0.9.51514         ESTABLISHED
udp4       0      0 *.514                  *.*
udp6       0      0 ::1.123                *.*
`;

const AIX_NETSTAT = `Active Internet connections (including servers)
Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
tcp4       0      0  *.22                   *.*                    LISTEN
tcp        0      0  *.657                  *.*                    LISTEN
udp4       0      0  *.161                  *.*
`;

const SOLARIS_NETSTAT = `
UDP: IPv4
   Local Address        Remote Address      State
-------------------- -------------------- ----------
      *.111                               Idle
      *.514                               Idle
      10.0.0.8.33000     10.0.0.1.53          Connected

TCP: IPv4
   Local Address        Remote Address    Swind Send-Q Rwind Recv-Q    State
-------------------- -------------------- ----- ------ ----- ------ -----------
      *.22                 *.*                0      0 128000      0 LISTEN
      *.6000               *.*                0      0 128000      0 LISTEN
10.0.0.8.22          10.0.0.9.51514       64128      0 128872      0 ESTABLISHED

TCP: IPv6
   Local Address                     Remote Address                 Swind Send-Q Rwind Recv-Q      State      If
--------------------------------- --------------------------------- ----- ------ ----- ------ ----------- -----
      *.22                              *.*                            0      0 128000      0 LISTEN
`;

describe('splitAddress', () => {
  it.each([
    ['0.0.0.0:22', '0.0.0.0', 22],
    [':::22', '::', 22],
    ['::1:631', '::1', 631],
    ['[::]:9090', '::', 9090],
    ['127.0.0.53%lo:53', '127.0.0.53%lo', 53],
    ['*:80', '*', 80],
    ['*.22', '*', 22],
    ['127.0.0.1.25', '127.0.0.1', 25],
    ['::1.123', '::1', 123],
  ])('%s', (token, address, port) => {
    expect(splitAddress(token)).toEqual({ address, port });
  });
  it.each(['', '*', '0.0.0.0:*', 'abc', ':99999', '$(rm -rf /):22'])('rejects %j', (token) => {
    expect(splitAddress(token)).toBeNull();
  });
});

describe('parseListening', () => {
  it('Linux netstat -anp: LISTEN tcp, unconnected udp, with processes; skips established and unix', () => {
    const r = parseListening(LINUX_NETSTAT);
    expect(r).toEqual([
      { protocol: 'tcp', address: '0.0.0.0', port: 22, process: '612/sshd:' },
      { protocol: 'tcp', address: '127.0.0.1', port: 5432, process: '801/postgres' },
      { protocol: 'tcp', address: '0.0.0.0', port: 8443, process: null },
      { protocol: 'tcp6', address: '::', port: 22, process: '612/sshd:' },
      { protocol: 'tcp6', address: '::1', port: 631, process: '700/cupsd' },
      { protocol: 'udp', address: '0.0.0.0', port: 68, process: '455/dhclient' },
      { protocol: 'udp', address: '0.0.0.0', port: 161, process: '920/snmpd' },
      { protocol: 'udp6', address: '::', port: 5353, process: '530/avahi-daemon:' },
    ]);
  });

  it('ss -tulpn: LISTEN/UNCONN only, users:(...) → pid/name', () => {
    const r = parseListening(LINUX_SS);
    expect(r.map((p) => `${p.protocol} ${p.address} ${p.port} ${p.process ?? '-'}`)).toEqual([
      'udp 0.0.0.0 68 455/dhclient',
      'udp 127.0.0.53%lo 53 300/systemd-resolve',
      'udp6 :: 5353 530/avahi-daemon',
      'tcp 0.0.0.0 22 612/sshd',
      'tcp * 80 1201/apache2, 1200/apache2',
      'tcp6 :: 9090 -',
    ]);
  });

  it('FreeBSD netstat -an (dot-separated ports, tcp4/tcp6/tcp46)', () => {
    const r = parseListening(FREEBSD_NETSTAT);
    expect(r.map((p) => `${p.protocol} ${p.address} ${p.port}`)).toEqual([
      'tcp * 22',
      'tcp6 * 22',
      'tcp6 * 8080',
      'tcp 127.0.0.1 25',
      'udp * 514',
      'udp6 ::1 123',
    ]);
  });

  it('AIX netstat -an', () => {
    expect(parseListening(AIX_NETSTAT).map((p) => `${p.protocol}/${p.port}`)).toEqual(['tcp/22', 'tcp/657', 'udp/161']);
  });

  it('Solaris sections (TCP: IPv4 / UDP: IPv4 / TCP: IPv6)', () => {
    expect(parseListening(SOLARIS_NETSTAT).map((p) => `${p.protocol} ${p.address} ${p.port}`)).toEqual([
      'udp * 111',
      'udp * 514',
      'tcp * 22',
      'tcp * 6000',
      'tcp6 * 22',
    ]);
  });

  it('garbage, non-UTF-8 bytes and hostile lines are skipped without throwing', () => {
    const bytes = Buffer.concat([
      Buffer.from('Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a]),
      Buffer.from('tcp 0 0 0.0.0.0:2222 0.0.0.0:* LISTEN 77/\xff\xfeevil\n', 'latin1'),
      Buffer.from('tcp 0 0 0.0.0.0:99999 0.0.0.0:* LISTEN 1/x\n'),
      Buffer.from('tcp x y z\n$(reboot)\n'),
      Buffer.from('udp 0 0 0.0.0.0:514 0.0.0.0:* 9/rsyslogd\n'),
      Buffer.alloc(5000, 0x41),
    ]);
    const r = parseListening(decodeOutput(bytes));
    expect(r.map((p) => `${p.protocol}/${p.port}`)).toEqual(['tcp/2222', 'udp/514']);
    expect(r[0]?.process).toBe('77/??evil');
    expect(parseListening('')).toEqual([]);
  });

  it('caps the number of ports (a host printing millions of lines)', () => {
    const lines = Array.from({ length: 7000 }, (_, i) => `tcp 0 0 10.0.${Math.floor(i / 250)}.${i % 250}:${1000 + (i % 60000)} 0.0.0.0:* LISTEN -`);
    expect(parseListening(lines.join('\n')).length).toBe(5000);
  });
});

describe('markCandidates', () => {
  it('flags reachable ports the profile does not probe; loopback never', () => {
    const ports = markCandidates(parseListening(LINUX_NETSTAT), builtinProfile('qualys-default'));
    const cand = ports.filter((p) => p.candidate).map((p) => `${p.protocol}/${p.port}`);
    // 22 (tcp) and 161 (udp) are in the Qualys standard lists; 5432 and 631 are loopback only.
    expect(cand).toEqual(['tcp/8443', 'udp/68', 'udp6/5353']);
  });
  it('another profile gives other candidates', () => {
    const ports = markCandidates(parseListening(LINUX_NETSTAT), builtinProfile('nmap-default'));
    expect(ports.filter((p) => p.candidate).map((p) => `${p.protocol}/${p.port}`)).toContain('tcp/22');
  });
});
