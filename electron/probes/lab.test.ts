/**
 * Discovery against the routed lab (e2e/lab): verdict AND evidence for every scenario host .10–.19,
 * in raw mode (this process, root) and in the unprivileged fallback (the engine run as the ordinary
 * user srlab-user through electron/probes/run.ts — /work/main is world-readable, so no copy needed).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiscoveryEvent, HostResult, ProbeResult } from '../../shared/discovery.js';
import { builtinProfile, profileSchema, QUALYS_STANDARD_TCP } from '../../shared/profiles.js';
import { discover, discoverHost } from './index.js';
import type { ResolvedTarget } from './types.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';

const qualys = builtinProfile('qualys-default')!;
const SCENARIO = [LAB.open, LAB.silent, LAB.noIcmp, LAB.synFilter, LAB.udpOnly, LAB.icmpOnly, LAB.prohibit, LAB.routerReject, LAB.routerDrop, LAB.offProfile, LAB.openV6];
const withOffProfilePort = profileSchema.parse({ ...qualys, name: 'qualys-plus-8443', tcpSyn: [...QUALYS_STANDARD_TCP, LAB.offProfilePort] });
const REPO = path.resolve(__dirname, '../..');

const target = (a: string): ResolvedTarget => ({ target: a, address: a, family: a.includes(':') ? 6 : 4 });
const probe = (h: HostResult, kind: ProbeResult['kind'], port: number | null = null): ProbeResult => {
  const p = h.probes.find((x) => x.kind === kind && x.port === port);
  if (!p) throw new Error(`no ${kind} ${port} probe for ${h.address}`);
  return p;
};
const ofKind = (h: HostResult, ...kinds: ProbeResult['kind'][]): ProbeResult[] => h.probes.filter((p) => kinds.includes(p.kind));

async function sweep(addresses: string[], profile = qualys): Promise<Map<string, HostResult>> {
  const out = new Map<string, HostResult>();
  for await (const ev of discover(addresses.map(target), { profile, mode: 'raw' })) {
    if (ev.type === 'host-done') out.set(ev.result.address, ev.result);
  }
  return out;
}

function runAsUser(args: string[]): Promise<Map<string, HostResult>> {
  return new Promise((resolve, reject) => {
    execFile(
      'runuser',
      ['-u', LAB.unprivilegedUser, '--', process.execPath, '--import', 'tsx', 'electron/probes/run.ts', '--mode', 'auto', ...args],
      { cwd: REPO, timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' } },
      (err, stdout, stderr) => {
        // Exit status 1 means "some host not alive"; anything else is a failure.
        if (err && (err as { code?: unknown }).code !== 1) return reject(new Error(`${err.message}\n${stderr}`));
        const m = new Map<string, HostResult>();
        for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
          const h = JSON.parse(line) as HostResult;
          m.set(h.address, h);
        }
        resolve(m);
      },
    );
  });
}

describe.skipIf(skipWithoutRawSockets())('lab, raw mode', () => {
  let hosts: Map<string, HostResult>;
  const h = (a: string): HostResult => {
    const r = hosts.get(a);
    if (!r) throw new Error(`no result for ${a}`);
    return r;
  };
  beforeAll(async () => {
    hosts = await sweep(SCENARIO);
  });

  it('every result is raw and privileged, with the full probe matrix', () => {
    expect(hosts.size).toBe(SCENARIO.length);
    for (const r of hosts.values()) {
      expect(r.privileged).toBe(true);
      expect(r.probes).toHaveLength(23);
      expect(r.probes.every((p) => p.method === 'raw')).toBe(true);
    }
  });

  it('.10 answers everything', () => {
    const r = h(LAB.open);
    expect(r.verdict).toBe('alive');
    expect(probe(r, 'syn', 22)).toMatchObject({ result: 'syn-ack', responder: LAB.open, fromTarget: true, ttl: 63, countsAsAlive: true });
    expect(probe(r, 'syn', 21)).toMatchObject({ result: 'rst', responder: LAB.open, ttl: 63 });
    expect(ofKind(r, 'ack', 'syn-ack').every((p) => p.result === 'rst' && p.responder === LAB.open)).toBe(true);
    expect(probe(r, 'udp', 53)).toMatchObject({ result: 'udp-reply', responder: LAB.open });
    expect(probe(r, 'udp', 111)).toMatchObject({ result: 'icmp-port-unreachable', icmpType: 3, icmpCode: 3, responder: LAB.open, ttl: 63 });
    expect(probe(r, 'echo')).toMatchObject({ result: 'echo-reply', responder: LAB.open, ttl: 63 });
    expect(probe(r, 'echo').rttMs).toBeGreaterThan(0);
    expect(r.aliveBy).toBe('ICMP;TCPPort 22;TCPPort 80;TCPPort 443;UDPPort 53;TCP RST;UDP Port Unreachable');
  });

  it('.11 is silent: not alive, every probe tried twice', () => {
    const r = h(LAB.silent);
    expect(r.verdict).toBe('not-alive');
    expect(r.probes.every((p) => p.result === 'no-response' && p.attempts === 2 && p.responder === null)).toBe(true);
    expect(r.reason).toBe('not alive: no answer to 13 TCP SYN, 2 TCP ACK, 1 TCP SYN-ACK, 6 UDP and ICMP echo probes (2 attempts each, 1000 ms timeout)');
  });

  it('.12 drops ICMP echo but has open TCP ports', () => {
    const r = h(LAB.noIcmp);
    expect(r.verdict).toBe('alive');
    expect(probe(r, 'syn', 22).result).toBe('syn-ack');
    expect(probe(r, 'syn', 80).result).toBe('syn-ack');
    expect(probe(r, 'echo').result).toBe('no-response');
    expect(r.reason).toContain('no answer to ICMP echo');
    expect(r.aliveBy).toMatch(/^TCPPort 22;TCPPort 80/);
  });

  it('.13 stateless SYN filter: alive only through ACK / SYN-ACK RSTs', () => {
    const r = h(LAB.synFilter);
    expect(r.verdict).toBe('alive');
    expect(ofKind(r, 'syn', 'udp', 'echo').every((p) => p.result === 'no-response')).toBe(true);
    expect(probe(r, 'ack', 2869)).toMatchObject({ result: 'rst', sourcePort: 80, responder: LAB.synFilter, ttl: 63 });
    expect(probe(r, 'ack', 12531)).toMatchObject({ result: 'rst', sourcePort: 25 });
    expect(probe(r, 'syn-ack', 41641)).toMatchObject({ result: 'rst', sourcePort: 80 });
    expect(r.reason).toBe('alive: RST to TCP ACK 80→2869, 25→12531; RST to TCP SYN-ACK 80→41641; SYN probes dropped — a stateless SYN filter; no answer to ICMP echo');
    expect(r.aliveBy).toBe('TCP RST');
  });

  it('.14 UDP only', () => {
    const r = h(LAB.udpOnly);
    expect(r.verdict).toBe('alive');
    expect(ofKind(r, 'syn', 'ack', 'syn-ack', 'echo').every((p) => p.result === 'no-response')).toBe(true);
    expect(probe(r, 'udp', 53)).toMatchObject({ result: 'udp-reply', responder: LAB.udpOnly });
    expect(probe(r, 'udp', 161)).toMatchObject({ result: 'icmp-port-unreachable', responder: LAB.udpOnly });
    expect(r.aliveBy).toBe('UDPPort 53;UDP Port Unreachable');
  });

  it('.15 ICMP only', () => {
    const r = h(LAB.icmpOnly);
    expect(r.verdict).toBe('alive');
    expect(probe(r, 'echo')).toMatchObject({ result: 'echo-reply', responder: LAB.icmpOnly, ttl: 63 });
    expect(ofKind(r, 'syn', 'ack', 'syn-ack', 'udp').every((p) => p.result === 'no-response')).toBe(true);
    expect(r.aliveBy).toBe('ICMP');
  });

  it('.16 rejects with ICMP 3/13 from itself', () => {
    const r = h(LAB.prohibit);
    expect(r.verdict).toBe('rejected-by-host');
    expect(r.alive).toBe(false);
    const answered = r.probes.filter((p) => p.result !== 'no-response');
    expect(answered.length).toBeGreaterThanOrEqual(10);
    expect(answered.every((p) => p.result === 'icmp-admin-prohibited' && p.responder === LAB.prohibit && p.icmpType === 3 && p.icmpCode === 13)).toBe(true);
    expect(r.reason).toMatch(/^rejected by host: 198\.18\.1\.16 answered \d+ probes? with ICMP 3\/13/);
  });

  it('.17 the router rejects: filtered in path, naming 198.18.0.2', () => {
    const r = h(LAB.routerReject);
    expect(r.verdict).toBe('filtered-in-path');
    const answered = r.probes.filter((p) => p.result !== 'no-response');
    expect(answered.length).toBeGreaterThanOrEqual(10);
    expect(answered.every((p) => p.responder === LAB.router && p.fromTarget === false && p.icmpCode === 13 && p.ttl === 64)).toBe(true);
    expect(r.reason).toContain(`filtered in path: ${LAB.router} answered`);
  });

  it('.18 the router drops: not alive', () => {
    const r = h(LAB.routerDrop);
    expect(r.verdict).toBe('not-alive');
    expect(r.probes.every((p) => p.result === 'no-response')).toBe(true);
  });

  it('.19 only 8443 listens: not alive with the default profile, alive with 8443 added', async () => {
    expect(h(LAB.offProfile).verdict).toBe('not-alive');
    const r = await discoverHost(target(LAB.offProfile), { profile: withOffProfilePort, mode: 'raw' });
    expect(r.verdict).toBe('alive');
    expect(probe(r, 'syn', 8443)).toMatchObject({ result: 'syn-ack', responder: LAB.offProfile });
    expect(r.aliveBy).toBe('TCPPort 8443');
    expect(r.warnings).toEqual([]);
  });

  it('IPv6: 2001:db8:5352:1::10 answers everything', () => {
    const r = h(LAB.openV6);
    expect(r.family).toBe(6);
    expect(r.verdict).toBe('alive');
    expect(probe(r, 'syn', 22)).toMatchObject({ result: 'syn-ack', responder: LAB.openV6 });
    expect(probe(r, 'ack', 2869).result).toBe('rst');
    expect(probe(r, 'udp', 111)).toMatchObject({ result: 'icmp-port-unreachable', icmpType: 1, icmpCode: 4 });
    expect(probe(r, 'echo')).toMatchObject({ result: 'echo-reply', responder: LAB.openV6 });
  });

  it('a silent host gets its verdict with the defaults (its time is measured by the bench)', async () => {
    const r = await discoverHost(target(LAB.silent), { profile: qualys });
    expect(r.verdict).toBe('not-alive');
    expect(r.probes.every((p) => p.result === 'no-response')).toBe(true);
  });

  it('cancel: stops, marks unfinished probes cancelled, releases every socket', async () => {
    const fds = readdirSync('/proc/self/fd').length;
    const ac = new AbortController();
    const events: DiscoveryEvent[] = [];
    const targets = [LAB.silent, LAB.routerDrop, ...Array.from({ length: 40 }, (_, i) => LAB.farm(2 * i + 1))].map(target);
    // Abort while every host is still waiting (all are silent; the first timeout is at 1 s). How
    // fast cancel stops is a timing target for the bench, not asserted here.
    setTimeout(() => ac.abort(), 400);
    for await (const ev of discover(targets, { profile: qualys, mode: 'raw', signal: ac.signal })) events.push(ev);
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'end', cancelled: true });
    const done = events.filter((e): e is Extract<DiscoveryEvent, { type: 'host-done' }> => e.type === 'host-done');
    expect(done.length).toBeGreaterThan(0);
    for (const d of done) {
      expect(d.result.verdict).toBe('inconclusive');
      expect(d.result.probes.some((p) => p.result === 'cancelled')).toBe(true);
    }
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
  });

  it('farm sweep of 100 hosts: the right verdict for every host', async () => {
    const addrs = Array.from({ length: 100 }, (_, i) => LAB.farm(i + 1));
    const res = await sweep(addrs);
    // Even addresses answer like a normal host (alive, found by a SYN-ACK/RST or echo); odd ones
    // drop everything (not alive, every probe unanswered). The sweep's speed is measured by the bench.
    const expected = (i: number): { verdict: string; alive: boolean } => (LAB.farmAlive(i + 1) ? { verdict: 'alive', alive: true } : { verdict: 'not-alive', alive: false });
    const got = addrs.map((a) => ({ verdict: res.get(a)?.verdict, alive: res.get(a)?.alive }));
    expect(got).toEqual(addrs.map((_, i) => expected(i)));
    for (const [i, a] of addrs.entries()) {
      const r = res.get(a);
      if (LAB.farmAlive(i + 1)) expect(r?.aliveBy, a).not.toBe('');
      else expect(r?.probes.every((p) => p.result === 'no-response'), a).toBe(true);
    }
  });
});

describe('lab, unprivileged fallback (as srlab-user)', () => {
  let hosts: Map<string, HostResult>;
  const h = (a: string): HostResult => {
    const r = hosts.get(a);
    if (!r) throw new Error(`no result for ${a}`);
    return r;
  };
  beforeAll(async () => {
    hosts = await runAsUser(SCENARIO);
  }, 60_000);

  it('runs without privilege, names the method of every probe, never reports ACK probes as silent', () => {
    expect(hosts.size).toBe(SCENARIO.length);
    for (const r of hosts.values()) {
      expect(r.privileged).toBe(false);
      expect(ofKind(r, 'syn').every((p) => p.method === 'connect')).toBe(true);
      expect(ofKind(r, 'udp').every((p) => p.method === 'udp-socket')).toBe(true);
      expect(probe(r, 'echo').method).toBe('system-ping');
      expect(ofKind(r, 'ack', 'syn-ack').every((p) => p.method === 'none' && p.result === 'needs-privilege')).toBe(true);
      expect(r.warnings.some((w) => w.includes('need raw sockets'))).toBe(true);
    }
  });

  it('.10 alive through connect(), UDP and system ping', () => {
    const r = h(LAB.open);
    expect(r.verdict).toBe('alive');
    expect(probe(r, 'syn', 22)).toMatchObject({ result: 'syn-ack', responder: LAB.open });
    expect(probe(r, 'syn', 21).result).toBe('rst');
    expect(probe(r, 'udp', 53).result).toBe('udp-reply');
    expect(probe(r, 'udp', 111).result).toBe('icmp-port-unreachable');
    expect(probe(r, 'echo')).toMatchObject({ result: 'echo-reply', responder: LAB.open, ttl: 63 });
  });

  it('silent and SYN-filtered hosts are inconclusive, not "not alive": the ACK probes were not sent', () => {
    for (const a of [LAB.silent, LAB.synFilter, LAB.routerDrop, LAB.offProfile]) {
      const r = h(a);
      expect(r.verdict, a).toBe('inconclusive');
      expect(r.reason).toContain('2 TCP ACK and 1 TCP SYN-ACK probes not sent: they need raw sockets');
      expect(ofKind(r, 'syn', 'udp', 'echo').every((p) => p.result === 'no-response')).toBe(true);
    }
  });

  it('.12, .14, .15 alive by what the fallback can see', () => {
    expect(h(LAB.noIcmp)).toMatchObject({ verdict: 'alive' });
    expect(probe(h(LAB.noIcmp), 'syn', 22).result).toBe('syn-ack');
    expect(probe(h(LAB.udpOnly), 'udp', 53).result).toBe('udp-reply');
    expect(h(LAB.udpOnly).verdict).toBe('alive');
    expect(h(LAB.icmpOnly)).toMatchObject({ verdict: 'alive', aliveBy: 'ICMP' });
  });

  it('.16 rejected by host: system ping names the sender, connect() cannot', () => {
    const r = h(LAB.prohibit);
    expect(r.verdict).toBe('rejected-by-host');
    expect(probe(r, 'echo')).toMatchObject({ result: 'icmp-admin-prohibited', responder: LAB.prohibit, icmpType: 3, icmpCode: 13 });
    const syn = probe(r, 'syn', 22);
    expect(syn).toMatchObject({ result: 'icmp-unreachable', responder: null });
    expect(syn.detail).toContain('responder unknown without raw sockets');
  });

  it('.17 filtered in path, naming the router through system ping', () => {
    const r = h(LAB.routerReject);
    expect(r.verdict).toBe('filtered-in-path');
    expect(probe(r, 'echo')).toMatchObject({ result: 'icmp-admin-prohibited', responder: LAB.router });
    expect(r.reason).toContain(LAB.router);
  });

  it('IPv6 .10 alive', () => {
    const r = h(LAB.openV6);
    expect(r.verdict).toBe('alive');
    expect(probe(r, 'syn', 22).result).toBe('syn-ack');
  });

  it('.19 alive through connect() once 8443 is in a custom profile without ACK probes', async () => {
    const custom = JSON.stringify({ name: 'only-8443', tcpSyn: [LAB.offProfilePort], udp: [], icmpEcho: false });
    const res = await runAsUser(['--profile', custom, LAB.offProfile]);
    const r = res.get(LAB.offProfile);
    expect(r).toMatchObject({ verdict: 'alive', privileged: false, aliveBy: 'TCPPort 8443' });
  });
});
