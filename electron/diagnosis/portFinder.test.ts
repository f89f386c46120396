import { describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import { findOpenPorts, topTcpPorts } from './portFinder.js';
import { TOP_TCP_PORTS } from './topPorts.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';


describe('top ports table', () => {
  it("is Nmap's top 1000, most frequent first, no duplicates", () => {
    expect(TOP_TCP_PORTS).toHaveLength(1000);
    expect(new Set(TOP_TCP_PORTS).size).toBe(1000);
    expect(TOP_TCP_PORTS.slice(0, 10)).toEqual([80, 23, 443, 21, 22, 25, 3389, 110, 445, 139]);
    expect(TOP_TCP_PORTS).toContain(8443);
    expect(topTcpPorts(20)).toEqual(TOP_TCP_PORTS.slice(0, 20));
    const wide = topTcpPorts(1100);
    expect(wide).toHaveLength(1100);
    expect(new Set(wide).size).toBe(1100);
    expect(topTcpPorts(70000)).toHaveLength(65535);
  });
});

describe.skipIf(skipWithoutRawSockets())('port finder, raw SYN (lab)', () => {
  it('.19: finds TCP 8443, the only port the host answers on', async () => {
    const seen: number[] = [];
    const r = await findOpenPorts(LAB.offProfile, { onPort: (p) => seen.push(p.port) });
    expect(r.tcpMethod).toBe('raw-syn');
    expect(r.tcpProbed).toBe(1000);
    expect(r.openPorts).toEqual([{ protocol: 'tcp', port: LAB.offProfilePort, result: 'syn-ack', service: 'https-alt' }]);
    expect(seen).toEqual([LAB.offProfilePort]);
    // Bounded by the port count and rounds, not a clock (timing belongs in npm run bench).
  });

  it('.10: SYN-ACK on the listening ports, RST on the rest, DNS reply on UDP 53', async () => {
    const r = await findOpenPorts(LAB.open, { topPorts: 100 });
    const synAck = r.openPorts.filter((p) => p.result === 'syn-ack').map((p) => p.port);
    expect(synAck).toEqual([22, 80, 443]);
    expect(r.openPorts.filter((p) => p.protocol === 'tcp')).toHaveLength(100);
    expect(r.openPorts.find((p) => p.protocol === 'udp' && p.port === 53)?.result).toBe('udp-reply');
    expect(r.openPorts.find((p) => p.protocol === 'udp' && p.port === 161)?.result).toBe('icmp-port-unreachable');
  });

  it('.11: nothing, within the time bound', async () => {
    const r = await findOpenPorts(LAB.silent, { timeoutMs: 500, retries: 0 });
    expect(r.openPorts).toEqual([]);
    expect(r.tcpProbed).toBeGreaterThan(0);
  });

  it('cancels quickly', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await findOpenPorts(LAB.silent, { signal: ac.signal, topPorts: 1000, ratePps: 100 });
    expect(r.cancelled).toBe(true);
    // 1000 ports at 100 pps would take 10 s: cancelled means most were never sent.
    expect(r.openPorts.length).toBeLessThan(1000);
  });
});

describe('port finder, connect() (unprivileged method)', () => {
  it('.19: finds TCP 8443 with connect()', async () => {
    const r = await findOpenPorts(LAB.offProfile, { privileged: false, udpPorts: [] });
    expect(r.tcpMethod).toBe('connect');
    expect(r.openPorts).toEqual([{ protocol: 'tcp', port: LAB.offProfilePort, result: 'syn-ack', service: 'https-alt' }]);
  });

  it('.14: UDP only — DNS reply and port unreachables, no TCP', async () => {
    const r = await findOpenPorts(LAB.udpOnly, { privileged: false, topPorts: 20, timeoutMs: 300 });
    expect(r.openPorts.filter((p) => p.protocol === 'tcp')).toEqual([]);
    expect(r.openPorts.find((p) => p.port === 53)).toEqual({ protocol: 'udp', port: 53, result: 'udp-reply', service: 'domain' });
  });

  it('honours the deadline', async () => {
    const r = await findOpenPorts(LAB.silent, { privileged: false, concurrency: 4, deadlineMs: 1000, udpPorts: [] });
    expect(r.truncated).toBe(true);
  });
});
