import { describe, expect, it } from 'vitest';
import type { AuthResult } from './auth.js';
import { compareRuns, diffAuth, diffHosts, diffPaths, diffSweeps, hostUnchanged, probeState, type ComparableRun } from './compare.js';
import type { PathResult } from './diagnosis.js';
import type { HostResult, ProbeResult } from './discovery.js';

const probe = (over: Partial<ProbeResult>): ProbeResult => ({
  protocol: 'tcp', kind: 'syn', port: 80, sourcePort: null, method: 'raw', result: 'no-response', responder: null, fromTarget: false,
  icmpType: null, icmpCode: null, ttl: null, rttMs: null, attempts: 2, countsAsAlive: false, ...over,
});
const host = (address: string, verdict: HostResult['verdict'], probes: ProbeResult[]): HostResult => ({
  target: address, address, family: 4, alive: verdict === 'alive', verdict, reason: '', aliveBy: '', privileged: true, profile: 'p', warnings: [],
  startedAt: '2026-12-02T10:00:00.000Z', durationMs: 10, probes,
});
const path = (hops: PathResult['hops'], reached: boolean): PathResult => ({
  target: '198.18.1.18', method: 'raw-tcp', probe: 'TCP SYN 80', hops, reached, lastResponder: hops.at(-1)?.responder ?? null,
  blockingHop: hops.find((h) => h.note === 'admin-prohibited') ?? null,
});

describe('probeState', () => {
  it('says what answered and who, in words', () => {
    expect(probeState(undefined)).toBe('not sent');
    expect(probeState(probe({}))).toBe('no response');
    expect(probeState(probe({ result: 'rst', responder: '198.18.1.26', countsAsAlive: true }))).toBe('RST (closed, alive) from 198.18.1.26');
    expect(probeState(probe({ result: 'icmp-admin-prohibited', responder: '198.18.0.2', icmpType: 3, icmpCode: 13 }))).toBe(
      'ICMP 3/13 (communication administratively prohibited) from 198.18.0.2',
    );
    expect(probeState(probe({ result: 'icmp-admin-prohibited', responder: '2001:db8::1', icmpType: 1, icmpCode: 1 }), 6)).toMatch(/^ICMPv6 1\/1 \(administratively prohibited\) from 2001:db8::1$/);
    expect(probeState(probe({ result: 'error', errno: 'EACCES', detail: 'broadcast' }))).toBe('error EACCES: broadcast');
    expect(probeState(probe({ result: 'needs-privilege', method: 'none' }))).toBe('not sent (needs privilege)');
  });
});

describe('diffHosts', () => {
  it('lists only probes whose answer changed; RTT, TTL and attempts are not changes', () => {
    const a = host('198.18.1.26', 'not-alive', [probe({ port: 22 }), probe({ port: 80 }), probe({ kind: 'echo', protocol: 'icmp', port: null })]);
    const b = host('198.18.1.26', 'alive', [
      probe({ port: 22, attempts: 1, rttMs: 3 }),
      probe({ port: 80, result: 'rst', responder: '198.18.1.26', fromTarget: true, countsAsAlive: true, ttl: 63, rttMs: 0.4 }),
      probe({ kind: 'echo', protocol: 'icmp', port: null }),
    ]);
    const d = diffHosts(a, b);
    expect(d.verdict).toEqual({ before: 'not-alive', after: 'alive' });
    expect(d.now).toBe('alive');
    expect(d.probes).toEqual([
      { key: 'syn::80', probe: 'TCP SYN 80', before: 'no response', after: 'RST (closed, alive) from 198.18.1.26', aliveBefore: false, aliveAfter: true },
    ]);
    expect(hostUnchanged(d)).toBe(false);
    expect(hostUnchanged(diffHosts(b, b))).toBe(true);
  });

  it('a probe in only one run (a profile with another port) shows as not sent on the other side', () => {
    const a = host('h', 'not-alive', [probe({ port: 80 })]);
    const b = host('h', 'alive', [probe({ port: 80 }), probe({ port: 8443, result: 'syn-ack', responder: 'h', countsAsAlive: true })]);
    expect(diffHosts(a, b).probes).toEqual([expect.objectContaining({ probe: 'TCP SYN 8443', before: 'not sent', after: 'SYN-ACK (open) from h' })]);
    expect(diffHosts(b, a).probes).toEqual([expect.objectContaining({ probe: 'TCP SYN 8443', before: 'SYN-ACK (open) from h', after: 'not sent' })]);
  });

  it('ACK probes are told apart by their source port', () => {
    const a = host('h', 'alive', [probe({ kind: 'ack', port: 80, sourcePort: 2869 }), probe({ kind: 'ack', port: 80, sourcePort: 4000 })]);
    const b = host('h', 'alive', [probe({ kind: 'ack', port: 80, sourcePort: 2869, result: 'rst', responder: 'h', countsAsAlive: true }), probe({ kind: 'ack', port: 80, sourcePort: 4000 })]);
    expect(diffHosts(a, b).probes.map((p) => p.probe)).toEqual(['TCP ACK 2869→80']);
  });
});

describe('diffPaths', () => {
  const hop = (ttl: number, responder: string | null, note: PathResult['hops'][number]['note']) => ({ ttl, responder, rttMs: 1, icmpType: null, icmpCode: null, note });
  it('names hops that appeared, vanished or changed, and the blocking hop', () => {
    const before = path([hop(1, '198.18.0.2', 'admin-prohibited')], false);
    const after = path([hop(1, '198.18.0.2', 'time-exceeded'), hop(2, '198.18.1.18', 'reached')], true);
    const d = diffPaths(before, after)!;
    expect(d.appeared).toEqual([{ ttl: 2, before: 'no answer', after: '198.18.1.18 (the target)' }]);
    expect(d.changed).toEqual([{ ttl: 1, before: '198.18.0.2 (admin prohibited)', after: '198.18.0.2 (TTL exceeded)' }]);
    expect(d.vanished).toEqual([]);
    expect(d.reached).toEqual({ before: false, after: true });
    expect(d.blocking).toEqual({ before: 'hop 1: 198.18.0.2 (admin prohibited)', after: null });
    expect(diffPaths(after, before)!.vanished).toEqual([{ ttl: 2, before: '198.18.1.18 (the target)', after: 'no answer' }]);
    expect(diffPaths(null, null)).toBeNull();
  });
});

describe('diffAuth', () => {
  const auth = (status: AuthResult['status'], elevateOk: boolean): AuthResult =>
    ({
      host: 'h', port: 22, user: 'scan', delegation: 'sudo-su', status, hostKey: null, listening: [], advice: [], startedAt: '', durationMs: 1,
      steps: [
        { id: 'login', ok: true, ms: 1, summary: '' },
        elevateOk ? { id: 'elevate', ok: true, ms: 1, summary: '' } : { id: 'elevate', ok: false, reason: 'not-in-sudoers', ms: 1, summary: '' },
      ],
    }) as unknown as AuthResult;
  it('lists the steps whose status changed and the overall status', () => {
    const d = diffAuth(auth('passed-insufficient', false), auth('passed', true))!;
    expect(d.status).toEqual({ before: 'passed-insufficient', after: 'passed' });
    expect(d.steps).toEqual([{ id: 'elevate', before: 'failed (not-in-sudoers)', after: 'passed' }]);
    expect(diffAuth(null, null)).toBeNull();
  });
});

describe('diffSweeps and compareRuns', () => {
  it('counts hosts whose verdict turned, and hosts in only one run', () => {
    const a = [host('10.0.0.1', 'alive', []), host('10.0.0.2', 'not-alive', []), host('10.0.0.3', 'not-alive', [])];
    const b = [host('10.0.0.2', 'alive', []), host('10.0.0.3', 'not-alive', []), host('10.0.0.4', 'alive', [])];
    expect(diffSweeps(a, b)).toEqual({
      changed: [{ target: '10.0.0.2', address: '10.0.0.2', before: 'not-alive', after: 'alive' }],
      same: 1,
      onlyBefore: ['10.0.0.1'],
      onlyAfter: ['10.0.0.4'],
    });
    const run = (hosts: HostResult[], target = 'x'): ComparableRun => ({ label: 'l', kind: 'discovery', target, startedAt: null, hosts, path: null, auth: null });
    const c = compareRuns(run(a), run(b, 'y'));
    expect(c.sweep?.changed).toHaveLength(1);
    expect(c.host).toBeNull();
    expect(c.sameTarget).toBe(false);
    expect(compareRuns(run([a[1]!]), run([b[0]!])).host?.verdict).toEqual({ before: 'not-alive', after: 'alive' });
  });
});
