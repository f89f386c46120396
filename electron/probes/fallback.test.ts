import { describe, expect, it } from 'vitest';
import { parsePingOutput, pingArgs } from './fallback.js';

describe('system ping output (iputils)', () => {
  it('parses an echo reply: responder, TTL, RTT', () => {
    const out = 'PING 198.18.1.10 (198.18.1.10) 56(84) bytes of data.\n64 bytes from 198.18.1.10: icmp_seq=1 ttl=63 time=0.321 ms\n\n--- 198.18.1.10 ping statistics ---\n';
    expect(parsePingOutput(out, '', 4).answer).toMatchObject({ result: 'echo-reply', responder: '198.18.1.10', ttl: 63, rttMs: 0.321 });
  });

  it('parses IPv6 replies and canonicalises the address', () => {
    const out = 'PING 2001:db8:5352:1::10(2001:db8:5352:1::10) 56 data bytes\n64 bytes from 2001:db8:5352:1:0:0:0:10: icmp_seq=1 ttl=63 time=0.08 ms\n';
    expect(parsePingOutput(out, '', 6).answer).toMatchObject({ result: 'echo-reply', responder: '2001:db8:5352:1::10', ttl: 63 });
  });

  it('maps "From X" error lines to ICMP type/code and keeps the responder', () => {
    const cases: [string, string, number, number][] = [
      ['From 198.18.0.2 icmp_seq=1 Packet filtered', 'icmp-admin-prohibited', 3, 13],
      ['From 198.18.1.16 icmp_seq=1 Destination Host Prohibited', 'icmp-admin-prohibited', 3, 10],
      ['From 198.18.1.16 icmp_seq=1 Destination Net Prohibited', 'icmp-admin-prohibited', 3, 9],
      ['From 198.18.0.1 icmp_seq=1 Destination Host Unreachable', 'icmp-unreachable', 3, 1],
      ['From 198.18.0.2 icmp_seq=1 Destination Port Unreachable', 'icmp-port-unreachable', 3, 3],
      ['From 198.18.0.2 icmp_seq=1 Time to live exceeded', 'icmp-time-exceeded', 11, 0],
    ];
    for (const [line, result, type, code] of cases) {
      const a = parsePingOutput(`PING x\n${line}\n`, '', 4).answer;
      expect(a, line).toMatchObject({ result, icmpType: type, icmpCode: code, responder: line.split(' ')[1] });
    }
    const v6 = parsePingOutput('From 2001:db8:5352::2 icmp_seq=1 Destination unreachable: Administratively prohibited\n', '', 6).answer;
    expect(v6).toMatchObject({ result: 'icmp-admin-prohibited', icmpType: 1, icmpCode: 1, responder: '2001:db8:5352::2' });
    expect(parsePingOutput('From 10.0.0.1 (10.0.0.1) icmp_seq=1 Destination Net Unreachable\n', '', 4).answer).toMatchObject({ icmpCode: 0, responder: '10.0.0.1' });
  });

  it('no reply → no answer; a local failure → an error message', () => {
    expect(parsePingOutput('PING 198.18.1.11 (198.18.1.11) 56(84) bytes of data.\n\n--- statistics ---\n1 packets transmitted, 0 received, 100% packet loss\n', '', 4)).toEqual({ answer: null });
    expect(parsePingOutput('', 'ping: connect: Network is unreachable\n', 4)).toEqual({ answer: null, error: 'ping: connect: Network is unreachable' });
  });

  it('builds ping arguments with whole or fractional seconds', () => {
    expect(pingArgs('198.18.1.10', 4, 1000)).toEqual(['-n', '-c', '1', '-W', '1', '-4', '198.18.1.10']);
    expect(pingArgs('::1', 6, 750)).toEqual(['-n', '-c', '1', '-W', '0.750', '-6', '::1']);
  });
});
