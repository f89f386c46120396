import { describe, expect, it } from 'vitest';
import { countHosts, singleTargetProblem, targetWording } from './targets.js';

describe('sweep host count before starting', () => {
  it('counts ranges, CIDR (no network/broadcast), names, overlaps once', () => {
    expect(countHosts(['198.18.2.1-100'])).toEqual({ hosts: 100n, unknown: 0 });
    expect(countHosts(['198.18.2.0/24'])).toEqual({ hosts: 254n, unknown: 0 });
    expect(countHosts(['198.18.2.0/31', '198.18.2.1'])).toEqual({ hosts: 2n, unknown: 0 });
    expect(countHosts(['198.18.2.0/24', '198.18.2.10-20', 'db01.example.com', 'DB01.example.com'])).toEqual({ hosts: 255n, unknown: 0 });
    expect(countHosts(['10.0.0.0/8']).hosts).toBe(16_777_214n);
    expect(countHosts(['2001:db8::/120']).hosts).toBe(256n);
    expect(countHosts(['bad target!'])).toEqual({ hosts: 0n, unknown: 1 });
  });
});

describe('diagnosis target problems in the app’s words', () => {
  it('one host only', () => {
    expect(singleTargetProblem('198.19.0.0/8')).toMatch(/range.*Sweep/);
    expect(singleTargetProblem('10.0.0.5-40')).toMatch(/range/);
    expect(singleTargetProblem('a b')).toMatch(/one address/);
    expect(singleTargetProblem('db-01.example.com')).toBeNull();
    expect(singleTargetProblem('2001:db8::1')).toBeNull();
    expect(targetWording('x; narrow the range or pass --force')).not.toMatch(/--/);
  });
});
