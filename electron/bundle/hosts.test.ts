/** --redact-hosts: no original host name or address in any file, the same placeholder everywhere, the pcap too. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/discovery.js';
import { buildIpv4Header, buildTcpSegment, IPPROTO_TCP } from '../net/packets.js';
import { bundleContents, readBundle, writeBundle } from './index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (target: string, address: string, responder: string): HostResult => ({
  target, address, family: 4, alive: false, verdict: 'filtered-in-path', reason: `ICMP 3/13 from ${responder} (a router), not ${address}`, aliveBy: '',
  privileged: true, profile: 'qualys-default', warnings: [`${target} resolved to ${address}`, `ss: LISTEN ${address}:22 (an address with its port is the host too)`], startedAt: '2026-01-01T00:00:00Z', durationMs: 9,
  probes: [{ protocol: 'tcp', kind: 'syn', port: 22, sourcePort: null, method: 'raw', result: 'icmp-admin-prohibited', responder, fromTarget: false, icmpType: 3, icmpCode: 13, ttl: 62, rttMs: 1, attempts: 1, countsAsAlive: false }],
});

const HOSTS = [host('db01.corp.example', '198.18.7.1', '198.18.7.254'), host('198.18.7.10', '198.18.7.10', '198.18.7.254')];

describe('--redact-hosts', () => {
  it('every text file: placeholders only, consistent, 198.18.7.1 never eats 198.18.7.10', () => {
    const files = bundleContents({ discoveries: HOSTS, command: ['discover', 'db01.corp.example', '198.18.7.10', '--bundle', 'x.zip'] }, { redactHosts: true });
    for (const [name, text] of files) {
      for (const orig of ['db01.corp.example', '198.18.7.1', '198.18.7.10', '198.18.7.254', 'corp.example']) expect(text, `${name}: ${orig}`).not.toContain(orig);
    }
    const result = JSON.parse(files.get('result.json') ?? '{}') as { discoveries: HostResult[] };
    expect(result.discoveries.map((h) => [h.target, h.address, h.probes[0]?.responder])).toEqual([
      ['host-1', 'host-2', 'hop-1'],
      ['host-3', 'host-3', 'hop-1'],
    ]);
    expect(result.discoveries[0]?.reason).toBe('ICMP 3/13 from hop-1 (a router), not host-2');
    expect(files.get('environment.json')).toContain('host-1');
  });

  it('probes.pcap: tcpdump sees documentation addresses only', async () => {
    const seg = buildTcpSegment({ family: 4, src: '198.18.0.1', dst: '198.18.7.1', srcPort: 40000, dstPort: 22, seq: 1, flags: 0x02 });
    const pkt = Buffer.concat([buildIpv4Header({ src: '198.18.0.1', dst: '198.18.7.1', protocol: IPPROTO_TCP, ttl: 64, payloadLength: seg.length }), seg]);
    const file = path.join(dir, 'h.zip');
    await writeBundle(file, { discoveries: HOSTS, packets: [{ direction: 'out', bytes: pkt, timestampNs: 1n }] }, { redactHosts: true });
    const b = await readBundle(file);
    const pcap = path.join(dir, 'p.pcap');
    (await import('node:fs')).writeFileSync(pcap, b.entries.get('probes.pcap') ?? Buffer.alloc(0));
    const r = spawnSync('tcpdump', ['-r', pcap, '-nn'], { encoding: 'utf8' });
    if (r.error) {
      console.log('skipped the tcpdump read: tcpdump is not installed');
      return;
    }
    expect(r.stdout).not.toContain('198.18.');
    expect(r.stdout).toContain('> 192.0.2.2.22: Flags [S]');
  });
});
