/**
 * Realistic sweep results for tests and the bench: the Qualys default probe set against a /16
 * where hosts alternate between silent, ICMP-only, one open port and a stateless SYN filter, with
 * jittered RTTs and TTLs (so compression gets no unrealistic help).
 */
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { emptyResult } from '../probes/plan.js';
import type { ProbeSpec } from '../probes/types.js';

const TCP = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 443, 445, 5631];
const UDP = [53, 111, 135, 137, 161, 500];

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** A probe record as the engine makes it (plan.ts), then what answered. */
function probe(p: Partial<ProbeResult> & Pick<ProbeResult, 'protocol' | 'kind'>): ProbeResult {
  const spec: ProbeSpec = { protocol: p.protocol, kind: p.kind, port: p.port ?? null, sourcePort: p.sourcePort ?? null };
  return { ...emptyResult(spec, 'raw'), attempts: 2, ...p };
}

export function sampleHost(i: number, base = '198.18'): HostResult {
  const r = rng(i * 2654435761);
  const address = `${base}.${(i >> 8) & 255}.${i & 255}`;
  const kind = i % 4; // 0 silent, 1 ICMP only, 2 port 22 open, 3 ACK only
  const rtt = (): number => Math.round((0.2 + r() * 3) * 1000) / 1000;
  const ttl = 63 - Math.floor(r() * 2);
  const probes: ProbeResult[] = [];
  for (const port of TCP) {
    const open = kind === 2 && port === 22;
    probes.push(
      probe({
        protocol: 'tcp',
        kind: 'syn',
        port,
        sourcePort: 40000 + Math.floor(r() * 20000),
        ...(open ? { result: 'syn-ack', responder: address, fromTarget: true, ttl, rttMs: rtt(), attempts: 1, countsAsAlive: true } : {}),
      }),
    );
  }
  for (const [sp, dp] of [
    [80, 2869],
    [25, 12531],
  ] as const) {
    probes.push(
      probe({
        protocol: 'tcp',
        kind: 'ack',
        port: dp,
        sourcePort: sp,
        ...(kind === 3 ? { result: 'rst', responder: address, fromTarget: true, ttl, rttMs: rtt(), attempts: 1, countsAsAlive: true } : {}),
      }),
    );
  }
  probes.push(probe({ protocol: 'tcp', kind: 'syn-ack', port: 41641, sourcePort: 80 }));
  for (const port of UDP) probes.push(probe({ protocol: 'udp', kind: 'udp', port, sourcePort: 30000 + Math.floor(r() * 30000) }));
  probes.push(
    probe({
      protocol: 'icmp',
      kind: 'echo',
      ...(kind === 1 ? { result: 'echo-reply', responder: address, fromTarget: true, icmpType: 0, icmpCode: 0, ttl, rttMs: rtt(), attempts: 1, countsAsAlive: true } : {}),
    }),
  );
  const alive = kind !== 0;
  return {
    target: `${base}.0.0/16`,
    address,
    family: 4,
    alive,
    verdict: alive ? 'alive' : 'not-alive',
    reason: alive
      ? kind === 1
        ? 'alive: ICMP echo reply'
        : kind === 2
          ? 'alive: SYN-ACK from TCP 22'
          : 'alive: RST to TCP ACK 80→2869, 25→12531; SYN probes dropped — a stateless SYN filter'
      : 'not alive: nothing answered 23 probes (2 attempts each)',
    aliveBy: kind === 1 ? 'ICMP' : kind === 2 ? 'TCPPort 22' : kind === 3 ? 'TCP RST' : '',
    privileged: true,
    profile: 'qualys-default',
    probes,
    warnings: [],
    startedAt: new Date(Date.UTC(2026, 11, 2, 10, 0, 0) + i * 3).toISOString(),
    durationMs: alive ? Math.round(r() * 40) : 2000 + Math.round(r() * 20),
  };
}
