/** probes.pcap: synthetic probes and replies, read back with the real tcpdump. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIpv4Header, buildTcpSegment, IPPROTO_TCP } from '../net/packets.js';
import { mapAddresses, pcapFile, type PcapPacket } from './pcap.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TCPDUMP = ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'].find((p) => spawnSync(p, ['--version']).status === 0);

function tcp(src: string, dst: string, sport: number, dport: number, flags: number): Buffer {
  const seg = buildTcpSegment({ family: 4, src, dst, srcPort: sport, dstPort: dport, seq: 1000, flags, mss: 1460 });
  return Buffer.concat([buildIpv4Header({ src, dst, protocol: IPPROTO_TCP, ttl: 64, payloadLength: seg.length }), seg]);
}

const SCANNER = '198.18.0.1';
const HOST = '198.18.5.9';
const PORTS = [22, 80, 443];
const T0 = 1_764_680_000_123_456_789n;
const packets: PcapPacket[] = [
  ...PORTS.map((p, i) => ({ direction: 'out' as const, bytes: tcp(SCANNER, HOST, 40000 + i, p, 0x02), timestampNs: T0 + BigInt(i) * 1000n })),
  { direction: 'in', bytes: tcp(HOST, SCANNER, 22, 40000, 0x12), timestampNs: T0 + 5_000_000n },
];

function read(file: string): string[] {
  const r = spawnSync(TCPDUMP as string, ['-r', file, '-nn', '-tt', '--time-stamp-precision=nano'], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => /^\d+\.\d+ IP /.test(l));
}

/** tcpdump -vv verifies IP and TCP checksums and says "incorrect" for a bad one. */
function badChecksums(file: string): string[] {
  const r = spawnSync(TCPDUMP as string, ['-r', file, '-nn', '-vv'], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => /incorrect/.test(l));
}

describe.skipIf(!TCPDUMP)('probes.pcap read back by tcpdump', () => {
  if (!TCPDUMP) console.log('skipped: tcpdump is not installed (apt-get install tcpdump)');

  it('LINKTYPE_RAW, nanosecond times: the probe count, ports and the reply', () => {
    const file = path.join(dir, 'probes.pcap');
    writeFileSync(file, pcapFile(packets));
    const lines = read(file);
    expect(lines).toHaveLength(4);
    for (const [i, p] of PORTS.entries()) expect(lines[i]).toContain(`${SCANNER}.${40000 + i} > ${HOST}.${p}: Flags [S]`);
    expect(lines[3]).toContain(`${HOST}.22 > ${SCANNER}.40000: Flags [S.]`);
    expect(lines[0]).toMatch(/^1764680000\.123456789 /);
    expect(badChecksums(file)).toEqual([]);
  });

  it('an empty capture is a valid file', () => {
    const file = path.join(dir, 'empty.pcap');
    writeFileSync(file, pcapFile([]));
    expect(read(file)).toEqual([]);
  });

  it('mapped addresses (--redact-hosts): tcpdump sees only the placeholders, checksums still right', () => {
    const map = (ip: string): string => (ip === HOST ? '192.0.2.1' : ip === SCANNER ? '192.0.2.254' : '192.0.2.253');
    const file = path.join(dir, 'mapped.pcap');
    const mapped = packets.map((p) => ({ ...p, bytes: mapAddresses(p.bytes, map) ?? Buffer.alloc(0) }));
    writeFileSync(file, pcapFile(mapped));
    const text = read(file).join('\n');
    expect(text).not.toContain('198.18.');
    expect(text).toContain('192.0.2.254.40000 > 192.0.2.1.22: Flags [S]');
    expect(badChecksums(file)).toEqual([]);
  });
});
