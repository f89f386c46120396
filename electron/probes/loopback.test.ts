/**
 * Real sockets on 127.0.0.1 / ::1: a listener answers SYN-ACK, a closed port RST, a closed UDP port
 * an ICMP port unreachable — in raw mode and in the unprivileged fallback.
 */
import dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryEvent, ProbeResult } from '../../shared/discovery.js';
import { profileSchema } from '../../shared/profiles.js';
import { discover, discoverHost } from './index.js';
import { localAddressFor, RateLimiter } from '../net/index.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';

let server: net.Server;
let udpServer: dgram.Socket;
let openPort = 0;
let closedPort = 0;
let udpOpenPort = 0;
let udpClosedPort = 0;

async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'tcp') {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return port;
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

beforeAll(async () => {
  server = net.createServer((c) => c.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  openPort = (server.address() as net.AddressInfo).port;
  closedPort = await freePort('tcp');
  udpServer = dgram.createSocket('udp4');
  udpServer.on('message', (msg, rinfo) => udpServer.send(Buffer.from('pong'), rinfo.port, rinfo.address));
  await new Promise<void>((r) => udpServer.bind(0, '127.0.0.1', r));
  udpOpenPort = udpServer.address().port;
  udpClosedPort = await freePort('udp');
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => udpServer.close(r));
});

function profile(extra: Record<string, unknown> = {}) {
  return profileSchema.parse({
    name: 'loopback',
    tcpSyn: [openPort, closedPort],
    tcpAck: [{ sourcePort: 80, port: closedPort }],
    udp: [udpOpenPort, udpClosedPort],
    icmpEcho: true,
    timeoutMs: 500,
    retries: 1,
    ...extra,
  });
}

const byPort = (probes: ProbeResult[], kind: ProbeResult['kind'], port: number | null): ProbeResult | undefined =>
  probes.find((p) => p.kind === kind && p.port === port);

describe('rate limiter', () => {
  it('paces tasks at the configured rate and drops queued tasks on clear()', async () => {
    // Counts, not durations (the rate itself is timed by the bench): the burst runs at once, the
    // rest waits for tokens, and all of them run in the end.
    const rl = new RateLimiter(1000, 5);
    let ran = 0;
    for (let i = 0; i < 55; i++) rl.schedule(() => ran++, () => undefined);
    expect(ran).toBe(5);
    expect(rl.queued).toBe(50);
    await new Promise((r) => setImmediate(r));
    expect(ran).toBeLessThan(55);
    for (let i = 0; i < 400 && ran < 55; i++) await new Promise((r) => setTimeout(r, 5));
    expect(ran).toBe(55);
    let dropped = 0;
    for (let i = 0; i < 20; i++) rl.schedule(() => undefined, () => dropped++);
    rl.clear();
    expect(dropped).toBeGreaterThan(0);
    expect(rl.queued).toBe(0);
  });
});

describe('source address', () => {
  it('reads the local address toward a target without sending', async () => {
    expect(await localAddressFor('127.0.0.1')).toBe('127.0.0.1');
    expect(await localAddressFor('::1')).toBe('::1');
  });
});

describe.skipIf(skipWithoutRawSockets())('raw mode on loopback', () => {
  it('SYN-ACK from a listener, RST from a closed port and to an ACK, UDP reply, ICMP port unreachable, echo reply', async () => {
    const fds = openFds();
    const seen: ProbeResult[] = [];
    // A timeout longer than this test may run: the host can only finish because everything answered.
    const host = await discoverHost({ target: 'localhost', address: '127.0.0.1', family: 4 }, { profile: profile({ timeoutMs: 60_000 }), mode: 'raw' }, (p) => seen.push(p));
    expect(host.privileged).toBe(true);
    expect(host.verdict).toBe('alive');
    expect(seen).toHaveLength(host.probes.length);
    const open = byPort(host.probes, 'syn', openPort);
    expect(open).toMatchObject({ method: 'raw', result: 'syn-ack', responder: '127.0.0.1', fromTarget: true, ttl: 64, countsAsAlive: true, attempts: 1 });
    expect(open?.sourcePort).toBeGreaterThanOrEqual(32768);
    expect(open?.rttMs).toBeGreaterThanOrEqual(0);
    expect(byPort(host.probes, 'syn', closedPort)).toMatchObject({ result: 'rst', responder: '127.0.0.1', ttl: 64 });
    expect(byPort(host.probes, 'ack', closedPort)).toMatchObject({ result: 'rst', sourcePort: 80 });
    expect(byPort(host.probes, 'udp', udpOpenPort)).toMatchObject({ result: 'udp-reply', responder: '127.0.0.1' });
    expect(byPort(host.probes, 'udp', udpClosedPort)).toMatchObject({ result: 'icmp-port-unreachable', icmpType: 3, icmpCode: 3, responder: '127.0.0.1', ttl: 64 });
    expect(byPort(host.probes, 'echo', null)).toMatchObject({ result: 'echo-reply', responder: '127.0.0.1', ttl: 64 });
    expect(host.aliveBy).toBe(`ICMP;TCPPort ${openPort};UDPPort ${udpOpenPort};TCP RST;UDP Port Unreachable`);
    expect(host.probes.every((p) => p.attempts === 1 && p.result !== 'no-response')).toBe(true); // nothing waited for a timeout
    expect(openFds()).toBe(fds); // every socket released
  }, 30_000);

  it('IPv6 loopback', async () => {
    const s6 = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => s6.listen(0, '::1', r));
    const port6 = (s6.address() as net.AddressInfo).port;
    try {
      const host = await discoverHost({ target: '::1', address: '::1', family: 6 }, { profile: profile({ tcpSyn: [port6, closedPort], udp: [udpClosedPort] }), mode: 'raw' });
      expect(byPort(host.probes, 'syn', port6)).toMatchObject({ result: 'syn-ack', responder: '::1', ttl: null });
      expect(byPort(host.probes, 'syn', closedPort)).toMatchObject({ result: 'rst' });
      expect(byPort(host.probes, 'udp', udpClosedPort)).toMatchObject({ result: 'icmp-port-unreachable', icmpType: 1, icmpCode: 4 });
      expect(byPort(host.probes, 'echo', null)).toMatchObject({ result: 'echo-reply', responder: '::1' });
    } finally {
      await new Promise<void>((r) => s6.close(() => r()));
    }
  });
});

describe('unprivileged fallback on loopback', () => {
  it('connect(), connected UDP sockets and system ping; ACK probes need privilege', async () => {
    const fds = openFds();
    const host = await discoverHost({ target: '127.0.0.1', address: '127.0.0.1', family: 4 }, { profile: profile(), mode: 'unprivileged' });
    expect(host.privileged).toBe(false);
    expect(host.verdict).toBe('alive');
    expect(byPort(host.probes, 'syn', openPort)).toMatchObject({ method: 'connect', result: 'syn-ack', responder: '127.0.0.1', countsAsAlive: true });
    expect(byPort(host.probes, 'syn', closedPort)).toMatchObject({ method: 'connect', result: 'rst', responder: '127.0.0.1' });
    expect(byPort(host.probes, 'ack', closedPort)).toMatchObject({ method: 'none', result: 'needs-privilege', attempts: 0, countsAsAlive: false });
    expect(byPort(host.probes, 'udp', udpOpenPort)).toMatchObject({ method: 'udp-socket', result: 'udp-reply' });
    // Node surfaces the ICMP port unreachable on a connected UDP socket as an 'error' event, ECONNREFUSED.
    expect(byPort(host.probes, 'udp', udpClosedPort)).toMatchObject({ method: 'udp-socket', result: 'icmp-port-unreachable', responder: '127.0.0.1' });
    expect(byPort(host.probes, 'udp', udpClosedPort)?.detail).toContain('ECONNREFUSED');
    expect(byPort(host.probes, 'echo', null)).toMatchObject({ method: 'system-ping', result: 'echo-reply', responder: '127.0.0.1', ttl: 64 });
    expect(host.warnings.join(' ')).toMatch(/ACK\/SYN-ACK probe needs raw sockets/);
    expect(openFds()).toBe(fds);
  });

  it('streams events in order and reports every probe', async () => {
    const events: DiscoveryEvent[] = [];
    const targets = [
      { target: 'a', address: '127.0.0.1', family: 4 as const },
      { target: 'b', address: '127.0.0.2', family: 4 as const },
    ];
    for await (const ev of discover(targets, { profile: profile({ icmpEcho: false }), mode: 'unprivileged' })) events.push(ev);
    expect(events[0]).toMatchObject({ type: 'start', total: 2, privileged: false, profile: 'loopback' });
    // 127.0.0.2 is local too: the ports closed there answer RST, so both hosts are alive.
    expect(events.at(-1)).toMatchObject({ type: 'end', done: 2, total: 2, alive: 2, cancelled: false });
    expect(events.filter((e) => e.type === 'probe')).toHaveLength(2 * 5);
    expect(events.filter((e) => e.type === 'host-done')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ done: 2, total: 2, etaMs: 0 });
    for (const t of ['a', 'b']) {
      const start = events.findIndex((e) => e.type === 'host-start' && e.target === t);
      const done = events.findIndex((e) => e.type === 'host-done' && e.result.target === t);
      const probes = events.map((e, i) => (e.type === 'probe' && e.target === t ? i : -1)).filter((i) => i >= 0);
      expect(start).toBeGreaterThan(0);
      expect(Math.min(...probes)).toBeGreaterThan(start);
      expect(Math.max(...probes)).toBeLessThan(done);
    }
  });
});
