import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../shared/discovery.js';
import { BUILTIN_PROFILES } from '../../shared/profiles.js';
import { buildCells } from './cells.js';
import { isFallback, plainError, plannedProbes, probeKey, probeLabel, profileSummary, probeTone } from './format.js';

const base: ProbeResult = {
  protocol: 'tcp',
  kind: 'syn',
  port: 22,
  sourcePort: 40123,
  method: 'raw',
  result: 'no-response',
  responder: null,
  fromTarget: false,
  icmpType: null,
  icmpCode: null,
  ttl: null,
  rttMs: null,
  attempts: 2,
  countsAsAlive: false,
};

describe('probe display', () => {
  it('plans one cell per probe of qualys-default (23), in a stable order', () => {
    const q = BUILTIN_PROFILES.find((p) => p.name === 'qualys-default')!;
    const planned = plannedProbes(q);
    expect(planned).toHaveLength(23);
    expect(planned.map(probeLabel)).toContain('TCP ACK 80→2869');
    expect(planned.map(probeLabel)).toContain('TCP SYN-ACK 80→41641');
    expect(new Set(planned.map(probeKey)).size).toBe(23);
  });

  it('matches a SYN result to its planned cell whatever source port the engine used', () => {
    const planned = plannedProbes({ tcpSyn: [22], tcpAck: [{ sourcePort: 80, port: 2869 }], tcpSynAck: [], udp: [], icmpEcho: false, icmpTimestamp: false });
    const syn = { ...base, result: 'rst' as const, countsAsAlive: true };
    const ack = { ...base, kind: 'ack' as const, port: 2869, sourcePort: 80, result: 'rst' as const };
    const stray = { ...base, kind: 'ack' as const, port: 2869, sourcePort: 81 };
    const cells = buildCells(planned, [syn, ack, stray]);
    expect(cells).toHaveLength(3);
    expect(cells[0]!.result).toBe(syn);
    expect(cells[1]!.result).toBe(ack);
    // A result the plan did not foresee is still shown, not dropped.
    expect(cells[2]!.result).toBe(stray);
  });

  it('colours by what the answer means', () => {
    expect(probeTone({ ...base, result: 'rst', countsAsAlive: true })).toBe('ok');
    expect(probeTone({ ...base, result: 'needs-privilege', method: 'none' })).toBe('priv');
    expect(probeTone({ ...base, result: 'icmp-admin-prohibited' })).toBe('bad');
    expect(probeTone({ ...base, result: 'no-response' })).toBe('none');
    // An echo reply that a scanner does not count (e.g. not from the target) is not green.
    expect(probeTone({ ...base, result: 'echo-reply', countsAsAlive: false })).toBe('warn');
  });

  it('marks stand-in methods as fallback, not raw or plain UDP', () => {
    expect(isFallback({ ...base, method: 'connect' })).toBe(true);
    expect(isFallback({ ...base, method: 'system-ping' })).toBe(true);
    expect(isFallback({ ...base, method: 'raw' })).toBe(false);
    expect(isFallback({ ...base, method: 'udp-socket' })).toBe(false);
  });

  it('summarises a profile', () => {
    expect(profileSummary(BUILTIN_PROFILES.find((p) => p.name === "qualys-default")!)).toBe('23 probes: 13 TCP SYN, 2 TCP ACK, 1 TCP SYN-ACK, 6 UDP, ICMP echo');
  });
});

describe('plainError', () => {
  it('keeps one plain line: no stack, no "Error:" prefix', () => {
    const err = new TypeError('cannot read x\n    at foo (bar.js:1:2)');
    expect(plainError(err)).toBe('Cannot read x');
    expect(plainError({ code: 'forbidden', message: 'Error: not allowed' })).toBe('Not allowed');
    expect(plainError(undefined)).toBe('Something went wrong.');
    expect(plainError('x'.repeat(1000)).length).toBeLessThanOrEqual(401);
  });
});
