// Self-test of the network lab (e2e/lab): every scenario host behaves as e2e/lab/README.md says,
// checked from the scanner's namespace with real tools (ping, nmap) and real node sockets.
// The lab is brought up by e2e/lab/vitest-global-setup.ts before this file runs.
import { execFile, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAB, LAB_NAMESPACES, LAB_SCENARIOS } from '../e2e/lab/hosts.js';

const LAB_SH = fileURLToPath(new URL('../e2e/lab/lab.sh', import.meta.url));

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command with a hard timeout; never throws (the exit code is part of the result). */
function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** One echo request, 1 s wait. */
function ping(addr: string, netns?: string): Promise<RunResult> {
  const args = ['-n', '-c1', '-W1', addr];
  return netns ? run('ip', ['netns', 'exec', netns, 'ping', ...args]) : run('ping', args);
}

/** 'open', 'timeout', or an errno code. */
type TcpResult = string;

/** connect(): 'open', 'timeout', or the errno code (ECONNREFUSED = RST, EHOSTUNREACH = ICMP unreachable). */
function tcpConnect(addr: string, port: number, timeoutMs = 1000): Promise<TcpResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: addr, port });
    const finish = (r: TcpResult): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    sock.once('connect', () => finish('open'));
    sock.once('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
  });
}

/** One HTTP exchange over a raw socket: returns the status line, or '' on silence/close. */
function httpStatus(addr: string, port: number, request: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const sock = net.connect({ host: addr, port }, () => sock.write(request));
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(buf.split('\r\n')[0] ?? '');
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('data', (d: Buffer) => (buf += d.toString('latin1')));
    sock.once('end', finish);
    sock.once('error', finish);
  });
}

type UdpResult = { kind: 'reply'; msg: Buffer } | { kind: 'timeout' } | { kind: 'error'; code: string };

/** Connected UDP socket: an ICMP error surfaces as ECONNREFUSED (3/3) or EHOSTUNREACH (3/13). */
function udpSend(addr: string, port: number, payload: Buffer, timeoutMs = 1000): Promise<UdpResult> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(addr.includes(':') ? 'udp6' : 'udp4');
    let done = false;
    const finish = (r: UdpResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    sock.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'error', code: err.code ?? err.message }));
    sock.on('message', (msg) => finish({ kind: 'reply', msg }));
    sock.connect(port, addr, () => {
      sock.send(payload, (err) => {
        if (err) finish({ kind: 'error', code: (err as NodeJS.ErrnoException).code ?? err.message });
      });
    });
  });
}

function udpOutcome(r: UdpResult): string {
  return r.kind === 'error' ? r.code : r.kind;
}

/** A standard DNS query (RD set) for an A record. */
function dnsQuery(id: number, name: string): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** nmap with bounded retries; returns the port state line for one TCP port. */
async function nmapPort(scan: '-sS' | '-sA', addr: string, port: number): Promise<string> {
  const r = await run('nmap', ['-n', '-Pn', scan, '-p', String(port), '--max-retries', '1', '--host-timeout', '8s', '--reason', addr], 15_000);
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${port}/tcp`));
  return line ?? `no port line (exit ${String(r.code)}): ${r.stdout}${r.stderr}`;
}

/** What a repeated `up` must leave alone: the namespaces and the daemons' processes. */
function labState(): { namespaces: string[]; daemons: Record<string, string> } {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => (Object.values(LAB_NAMESPACES) as string[]).includes(n))
    .sort();
  const daemons: Record<string, string> = {};
  for (const f of readdirSync('/run/srlab').filter((f) => f.endsWith('.pid')).sort()) daemons[f] = readFileSync(path.join('/run/srlab', f), 'utf8').trim();
  return { namespaces, daemons };
}

describe('lab topology', () => {
  it('reports itself up, and a second `up` changes nothing', async () => {
    const status = await run('bash', [LAB_SH, 'status'], 200_000); // waits for a concurrent `up` (the lab lock)
    expect(status.stdout).toContain('lab: up');
    expect(status.code).toBe(0);
    // Its wall time is measured by `npm run bench`; the timeout here only guards against a hang.
    const before = labState();
    const up = await run('bash', [LAB_SH, 'up'], 300_000);
    expect(up.code, up.stderr).toBe(0);
    // Nothing was rebuilt: an `up` on a healthy lab must not disturb hosts other runs are using.
    expect(up.stderr).not.toMatch(/creating|starting|adding/);
    expect(labState()).toEqual(before);
  }, 520_000);

  it('has every scenario host of hosts.ts at its address in its namespace', async () => {
    const found = await Promise.all(
      LAB_SCENARIOS.map(async (h) => (await run('ip', ['-n', h.namespace, '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout),
    );
    LAB_SCENARIOS.forEach((h, i) => expect(found[i], h.key).toContain(` ${h.address}/24 `));
  });

  it('routes 198.18.0.0/15 and 2001:db8:5352::/48 through the router', async () => {
    const v4 = await run('ip', ['route', 'get', LAB.open]);
    expect(v4.stdout).toContain(`via ${LAB.router} dev srlab0`);
    const v6 = await run('ip', ['-6', 'route', 'get', LAB.openV6]);
    expect(v6.stdout).toContain(`via ${LAB.routerV6} dev srlab0`);
    // Targets are routed, not on-link: replies come back with TTL 63.
    const p = await ping(LAB.open);
    expect(p.stdout).toMatch(new RegExp(`from ${LAB.open.replaceAll('.', '\\.')}: icmp_seq=1 ttl=63`));
  });

  it('keeps IPv6 usable at once (no tentative addresses) and the router without a default route', async () => {
    const addrs = await run('ip', ['-o', '-6', 'addr', 'show', 'dev', 'srlab0']);
    expect(addrs.stdout).toContain('2001:db8:5352::1/64');
    expect(addrs.stdout).not.toContain('tentative');
    const rtr = await run('ip', ['-n', LAB_NAMESPACES.router, 'route', 'show', 'default']);
    expect(rtr.stdout.trim()).toBe('');
  });
});

describe('scenario hosts', () => {
  it('.10 open: echo, TCP 22/80/443 open, other ports RST, DNS reply, closed UDP → port unreachable, IPv6', async () => {
    expect((await ping(LAB.open)).code).toBe(0);
    expect(await tcpConnect(LAB.open, 22)).toBe('open');
    expect(await tcpConnect(LAB.open, 443)).toBe('open');
    expect(await tcpConnect(LAB.open, 81)).toBe('ECONNREFUSED');
    expect(await httpStatus(LAB.open, 80, 'GET / HTTP/1.0\r\n\r\n')).toBe('HTTP/1.1 200 OK');
    const dns = await udpSend(LAB.open, 53, dnsQuery(0x5352, `host.${LAB.dnsZone}`));
    expect(dns.kind).toBe('reply');
    if (dns.kind === 'reply') {
      expect(dns.msg.readUInt16BE(0)).toBe(0x5352); // same ID
      expect(dns.msg[2]! & 0x80).toBe(0x80); // QR
      expect(dns.msg[3]! & 0x0f).toBe(0); // NOERROR
      expect(dns.msg.readUInt16BE(6)).toBe(1); // one answer
      expect([...dns.msg.subarray(dns.msg.length - 4)].join('.')).toBe(LAB.dnsAnswer);
    }
    const nx = await udpSend(LAB.open, 53, dnsQuery(7, 'example.invalid'));
    expect(nx.kind === 'reply' && nx.msg[3]! & 0x0f).toBe(3); // NXDOMAIN
    // Garbage is ignored, as a real DNS server does.
    expect(udpOutcome(await udpSend(LAB.open, 53, Buffer.from('garbage'), 500))).toBe('timeout');
    expect(udpOutcome(await udpSend(LAB.open, 54, Buffer.from('x')))).toBe('ECONNREFUSED');
    const p6 = await run('ping', ['-6', '-n', '-c1', '-W1', LAB.openV6]);
    expect(p6.stdout).toContain(`from ${LAB.openV6}`);
    expect(await tcpConnect(LAB.openV6, 22)).toBe('open');
    expect(await tcpConnect(LAB.openV6, 81)).toBe('ECONNREFUSED');
    expect(udpOutcome(await udpSend(LAB.openV6, 53, dnsQuery(9, `x.${LAB.dnsZone}`)))).toBe('reply');
  });

  it('.11 silent: no answer to ping within 1 s, TCP or UDP', async () => {
    const [p, tcp, udp] = await Promise.all([
      ping(LAB.silent),
      tcpConnect(LAB.silent, 22),
      udpSend(LAB.silent, 53, dnsQuery(1, `a.${LAB.dnsZone}`)),
    ]);
    expect(p.code).not.toBe(0);
    expect(p.stdout).toContain('0 received');
    expect(p.stdout).not.toContain('From ');
    expect(tcp).toBe('timeout');
    expect(udpOutcome(udp)).toBe('timeout');
  });

  it('.12 no ICMP: echo dropped, TCP 22 and 80 open, closed ports RST', async () => {
    expect((await ping(LAB.noIcmp)).stdout).toContain('0 received');
    expect(await tcpConnect(LAB.noIcmp, 22)).toBe('open');
    expect(await tcpConnect(LAB.noIcmp, 80)).toBe('open');
    expect(await tcpConnect(LAB.noIcmp, 443)).toBe('ECONNREFUSED');
  });

  it('.13 stateless SYN filter: SYN, echo and UDP dropped; ACK gets RST', async () => {
    const [p, tcp, udp, ack, syn] = await Promise.all([
      ping(LAB.synFilter),
      tcpConnect(LAB.synFilter, 80),
      udpSend(LAB.synFilter, 53, dnsQuery(2, `a.${LAB.dnsZone}`)),
      nmapPort('-sA', LAB.synFilter, 80),
      nmapPort('-sS', LAB.synFilter, 443),
    ]);
    expect(p.stdout).toContain('0 received');
    expect(tcp).toBe('timeout');
    expect(udpOutcome(udp)).toBe('timeout');
    expect(ack).toMatch(/ unfiltered .*\breset\b/);
    expect(syn).toMatch(/ filtered .*\bno-response\b/);
  });

  it('.14 UDP only: TCP and echo dropped, DNS answers, closed UDP → port unreachable', async () => {
    const [p, tcp] = await Promise.all([ping(LAB.udpOnly), tcpConnect(LAB.udpOnly, 53)]);
    expect(p.stdout).toContain('0 received');
    expect(tcp).toBe('timeout');
    expect(udpOutcome(await udpSend(LAB.udpOnly, 53, dnsQuery(3, `a.${LAB.dnsZone}`)))).toBe('reply');
    expect(udpOutcome(await udpSend(LAB.udpOnly, 161, Buffer.from('x')))).toBe('ECONNREFUSED');
  });

  it('.15 ICMP only: echo answered, TCP and UDP dropped', async () => {
    const [p, tcp, udp] = await Promise.all([
      ping(LAB.icmpOnly),
      tcpConnect(LAB.icmpOnly, 22),
      udpSend(LAB.icmpOnly, 54, Buffer.from('x')),
    ]);
    expect(p.stdout).toContain(`from ${LAB.icmpOnly}`);
    expect(tcp).toBe('timeout');
    expect(udpOutcome(udp)).toBe('timeout');
  });

  it('.16 prohibit: everything rejected with admin-prohibited from the host itself', async () => {
    const p = await ping(LAB.prohibit);
    expect(p.stdout).toMatch(/From 198\.18\.1\.16 icmp_seq=1 Packet filtered/);
    expect(await tcpConnect(LAB.prohibit, 22)).toBe('EHOSTUNREACH');
    expect(udpOutcome(await udpSend(LAB.prohibit, 53, dnsQuery(4, `a.${LAB.dnsZone}`)))).toBe('EHOSTUNREACH');
  });

  it('.17 router reject: admin-prohibited from 198.18.0.2, while the host itself answers', async () => {
    const p = await ping(LAB.routerReject);
    expect(p.stdout).toMatch(/From 198\.18\.0\.2 icmp_seq=1 Packet filtered/);
    expect(await tcpConnect(LAB.routerReject, 22)).toBe('EHOSTUNREACH');
    expect(udpOutcome(await udpSend(LAB.routerReject, 53, dnsQuery(5, `a.${LAB.dnsZone}`)))).toBe('EHOSTUNREACH');
    // From the router itself (not forwarded) the host is reachable: it is the path that blocks.
    expect((await ping(LAB.routerReject, LAB_NAMESPACES.router)).stdout).toContain(`from ${LAB.routerReject}`);
    const nc = await run('ip', ['netns', 'exec', LAB_NAMESPACES.router, 'nc', '-z', '-w1', LAB.routerReject, '22'], 5000);
    expect(nc.code).toBe(0);
  });

  it('.18 router drop: silence from the scanner, while the host itself answers', async () => {
    const [p, tcp, fromRouter] = await Promise.all([
      ping(LAB.routerDrop),
      tcpConnect(LAB.routerDrop, 22),
      ping(LAB.routerDrop, LAB_NAMESPACES.router),
    ]);
    expect(p.stdout).toContain('0 received');
    expect(p.stdout).not.toContain('From ');
    expect(tcp).toBe('timeout');
    expect(fromRouter.stdout).toContain(`from ${LAB.routerDrop}`);
  });

  it('.19 off-profile: only TCP 8443 answers', async () => {
    const [p, t22, t443] = await Promise.all([ping(LAB.offProfile), tcpConnect(LAB.offProfile, 22), tcpConnect(LAB.offProfile, 443)]);
    expect(p.stdout).toContain('0 received');
    expect(t22).toBe('timeout');
    expect(t443).toBe('timeout');
    expect(await httpStatus(LAB.offProfile, LAB.offProfilePort, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 200 OK');
  });

  it('.20 and .24: HTTP on 80 beside sshd, and HTTP (not SSH) on port 22', async () => {
    expect(await httpStatus(LAB.ssh, 80, 'GET / HTTP/1.0\r\n\r\n')).toBe('HTTP/1.1 200 OK');
    expect(await httpStatus(LAB.notSsh, 22, 'SSH-2.0-OpenSSH_9.2\r\n')).toBe('HTTP/1.1 400 Bad Request');
    for (const addr of [LAB.sshNoExec, LAB.sshLimit, LAB.sshRekey]) {
      expect((await ping(addr)).stdout, addr).toContain(`from ${addr}`);
    }
  });
});

describe('farm 198.18.2.0/24', () => {
  it('even last octets answer like a host, odd ones are silent', async () => {
    const [p2, p3, p254, p253, t2, t3, u2, u3] = await Promise.all([
      ping(LAB.farm(2)),
      ping(LAB.farm(3)),
      ping(LAB.farm(254)),
      ping(LAB.farm(253)),
      tcpConnect(LAB.farm(2), 80),
      tcpConnect(LAB.farm(3), 80),
      udpSend(LAB.farm(2), 9, Buffer.from('x')),
      udpSend(LAB.farm(3), 9, Buffer.from('x')),
    ]);
    expect(p2.stdout).toContain(`from ${LAB.farm(2)}`);
    expect(p3.stdout).toContain('0 received');
    expect(p254.stdout).toContain(`from ${LAB.farm(254)}`);
    expect(p253.stdout).toContain('0 received');
    expect(t2).toBe('ECONNREFUSED');
    expect(t3).toBe('timeout');
    expect(udpOutcome(u2)).toBe('ECONNREFUSED');
    expect(udpOutcome(u3)).toBe('timeout');
  });

  it('an nmap echo sweep finds exactly the 127 even hosts', async () => {
    const r = await run('nmap', ['-n', '-sn', '-PE', '--max-retries', '1', '-oG', '-', LAB.farmRange], 30_000);
    const up = r.stdout
      .split('\n')
      .filter((l) => l.includes('Status: Up'))
      .map((l) => Number(/198\.18\.2\.(\d+)/.exec(l)?.[1]));
    expect(up.length).toBe(127);
    expect(up.every((n) => LAB.farmAlive(n))).toBe(true);
  });

  it('ICMP errors are not rate-limited: 120 closed-port probes all get port unreachable', async () => {
    const targets = Array.from({ length: 120 }, (_, i) => LAB.farm(2 + 2 * (i % 127)));
    const results = await Promise.all(targets.map((a, i) => udpSend(a, 40000 + i, Buffer.from('x'), 2000)));
    expect(results.map(udpOutcome).filter((r) => r !== 'ECONNREFUSED')).toEqual([]);
    // The router's rejects too: 60 in a burst, all answered.
    const rejects = await Promise.all(Array.from({ length: 60 }, (_, i) => udpSend(LAB.routerReject, 41000 + i, Buffer.from('x'), 2000)));
    expect(rejects.map(udpOutcome).filter((r) => r !== 'EHOSTUNREACH')).toEqual([]);
  });
});

describe('unprivileged user', () => {
  const asUser = (args: string[]): Promise<RunResult> => run('runuser', ['-u', LAB.unprivilegedUser, '--', ...args], 10_000);

  it('cannot open a raw socket, can ping, has no sudo', async () => {
    const raw = await asUser(['node', '-e', "require('raw-socket').createSocket({ protocol: 1 })"]);
    expect(raw.code).not.toBe(0);
    expect(raw.stderr).toMatch(/Operation not permitted|EPERM/);
    const p = await asUser(['ping', '-n', '-c1', '-W1', LAB.open]);
    expect(p.stdout).toContain(`from ${LAB.open}`);
    const sudo = await asUser(['sudo', '-n', 'true']);
    expect(sudo.code).not.toBe(0);
    const caps = await asUser(['grep', '^CapEff', '/proc/self/status']);
    expect(caps.stdout.trim()).toMatch(/CapEff:\s+0+$/);
  });
});
