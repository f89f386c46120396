import { describe, expect, it } from 'vitest';
import type { PathHop, PathResult } from './diagnosis.js';
import { deviceHop, pathFinding } from './pathFacts.js';

const hop = (ttl: number, responder: string | null, note: PathHop['note'], icmp: [number, number] | null = null): PathHop => ({
  ttl,
  responder,
  rttMs: responder ? 1 : null,
  icmpType: icmp?.[0] ?? null,
  icmpCode: icmp?.[1] ?? null,
  note,
});
const trace = (target: string, hops: PathHop[]): PathResult => {
  const answered = hops.filter((h) => h.responder !== null);
  return {
    target,
    method: 'raw-tcp',
    probe: 'TCP SYN 443',
    hops,
    reached: hops.some((h) => h.responder === target),
    lastResponder: answered[answered.length - 1]?.responder ?? null,
    blockingHop: hops.find((h) => h.note === 'admin-prohibited' || h.note === 'unreachable') ?? null,
  };
};

describe('path facts', () => {
  it('a host that rejects by itself: the target, never a router', () => {
    const p = trace('198.18.1.16', [hop(1, '198.18.0.2', 'time-exceeded', [11, 0]), hop(2, '198.18.1.16', 'admin-prohibited', [3, 13])]);
    expect(pathFinding(p)).toMatchObject({ kind: 'target-rejects', hop: 2 });
  });
  it('a router that rejects: numbered by the first hop it answered at (the gateway)', () => {
    const p = trace('198.18.1.17', [hop(1, '198.18.0.2', 'time-exceeded', [11, 0]), hop(2, '198.18.0.2', 'admin-prohibited', [3, 13])]);
    expect(pathFinding(p)).toMatchObject({ kind: 'hop-rejects', address: '198.18.0.2', hop: 1, gateway: true, block: { ttl: 2 } });
    expect(deviceHop(p, '198.18.0.2')).toBe(1);
  });
  it('silence after a hop, a reached target, no answer at all', () => {
    expect(pathFinding(trace('198.18.1.18', [hop(1, '198.18.0.2', 'time-exceeded'), hop(2, null, 'no-response')]))).toMatchObject({
      kind: 'silent-after',
      address: '198.18.0.2',
      hop: 1,
    });
    expect(pathFinding(trace('198.18.1.10', [hop(1, '198.18.0.2', 'time-exceeded'), hop(2, '198.18.1.10', 'reached')]))).toEqual({ kind: 'reached', hop: 2 });
    expect(pathFinding(trace('198.18.1.11', [hop(1, null, 'no-response')]))).toEqual({ kind: 'no-answer' });
  });
});
