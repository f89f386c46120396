import { describe, expect, it } from 'vitest';
import { describeIcmp, icmpClass, icmpOutcome, isAdminProhibited, isNoRouteOrHost } from './icmp.js';
import { probeLabel } from './discovery.js';

describe('ICMP classifier (one decision for every consumer)', () => {
  it('IPv4 admin-prohibited is 3/9, 3/10, 3/13 and nothing else', () => {
    for (let code = 0; code <= 15; code++) {
      expect(isAdminProhibited(4, 3, code)).toBe(code === 9 || code === 10 || code === 13);
    }
  });
  it('ICMPv6 admin-prohibited is 1/1, 1/5, 1/6 (RFC 4443: 5 and 6 are subsets of 1)', () => {
    for (let code = 0; code <= 7; code++) {
      expect(isAdminProhibited(6, 1, code)).toBe(code === 1 || code === 5 || code === 6);
      expect(icmpOutcome(6, 1, code)).toBe(code === 4 ? 'icmp-port-unreachable' : [1, 5, 6].includes(code) ? 'icmp-admin-prohibited' : 'icmp-unreachable');
    }
  });
  it('port unreachable, time exceeded, no route / host', () => {
    expect(icmpClass(4, 3, 3)).toBe('port-unreachable');
    expect(icmpClass(6, 1, 4)).toBe('port-unreachable');
    expect(icmpOutcome(4, 11, 0)).toBe('icmp-time-exceeded');
    expect(icmpOutcome(6, 3, 0)).toBe('icmp-time-exceeded');
    expect(isNoRouteOrHost(4, 3, 0)).toBe(true);
    expect(isNoRouteOrHost(4, 3, 1)).toBe(true);
    expect(isNoRouteOrHost(6, 1, 0)).toBe(true);
    expect(isNoRouteOrHost(6, 1, 3)).toBe(true);
    expect(isNoRouteOrHost(6, 1, 1)).toBe(false);
    expect(isNoRouteOrHost(4, null, 1)).toBe(false);
    expect(icmpClass(6, 2, 0)).toBe('packet-too-big');
    expect(icmpClass(4, 12, 0)).toBe('parameter-problem');
  });
  it('describes codes in words', () => {
    expect(describeIcmp(4, 3, 13)).toBe('ICMP 3/13 (communication administratively prohibited)');
    expect(describeIcmp(6, 1, 5)).toBe('ICMPv6 1/5 (source address failed ingress/egress policy)');
    expect(describeIcmp(4, 11, 0)).toBe('ICMP 11/0 (TTL exceeded in transit)');
    expect(describeIcmp(4, 3, null)).toBe('ICMP 3/? (destination unreachable)');
    expect(describeIcmp(6, null, null)).toBe('ICMPv6');
    expect(describeIcmp(4, 99, 1)).toBe('ICMP 99/1');
  });
});

describe('probeLabel', () => {
  it('names every probe kind', () => {
    expect(probeLabel({ kind: 'syn', port: 22, sourcePort: null })).toBe('TCP SYN 22');
    expect(probeLabel({ kind: 'ack', port: 80, sourcePort: 2869 })).toBe('TCP ACK 2869→80');
    expect(probeLabel({ kind: 'ack', port: 80, sourcePort: null })).toBe('TCP ACK 80');
    expect(probeLabel({ kind: 'syn-ack', port: 443, sourcePort: 53 })).toBe('TCP SYN-ACK 53→443');
    expect(probeLabel({ kind: 'udp', port: 53, sourcePort: 40000 })).toBe('UDP 53');
    expect(probeLabel({ kind: 'echo', port: null, sourcePort: null })).toBe('ICMP echo');
    expect(probeLabel({ kind: 'timestamp', port: null, sourcePort: null })).toBe('ICMP timestamp');
  });
});
