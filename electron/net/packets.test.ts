import { describe, expect, it } from 'vitest';
import { describeIcmp, icmpOutcome as classifyIcmpError } from '../../shared/icmp.js';
import {
  buildIcmpEcho,
  buildIcmpTimestamp,
  buildIpv4Header,
  buildTcpSegment,
  buildUdpDatagram,
  bytesToIp,
  canonicalIp,
  internetChecksum,
  ipv6ToBytes,
  parseIncomingIcmp,
  parseIncomingTcp,
  parseIncomingUdp,
  parseIpv4Header,
  parseTcpHeader,
  tcpFlagNames,
  TCP_ACK,
  TCP_RST,
  TCP_SYN,
  transportChecksum,
} from './packets.js';

/** Slow, byte-at-a-time reference checksum, written independently of the module's. */
function refChecksum(bytes: number[]): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

describe('addresses', () => {
  it('formats IPv6 per RFC 5952 and round-trips', () => {
    expect(canonicalIp('2001:DB8:5352:1:0:0:0:10')).toBe('2001:db8:5352:1::10');
    expect(canonicalIp('::1')).toBe('::1');
    expect(canonicalIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero is not compressed
    expect(canonicalIp('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // the longest run wins
    expect(canonicalIp('::ffff:198.18.1.10')).toBe('::ffff:c612:10a');
    expect(bytesToIp(ipv6ToBytes('fe80::1%eth0'), 0, 6)).toBe('fe80::1');
    expect(canonicalIp('198.18.1.10')).toBe('198.18.1.10');
    expect(() => canonicalIp('999.1.1.1')).toThrow(/bad IPv4/);
    expect(() => canonicalIp('1::2::3')).toThrow(/bad IPv6/);
  });
});

describe('checksums', () => {
  it('matches the textbook IPv4 header example (checksum 0xb861)', () => {
    const hdr = Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex');
    expect(internetChecksum(hdr)).toBe(0xb861);
  });

  it('builds an IPv4 header with a valid checksum and the chosen TTL', () => {
    const h = buildIpv4Header({ src: '198.18.0.1', dst: '198.18.1.10', protocol: 6, ttl: 3, id: 0x1234, payloadLength: 24 });
    expect(h.toString('hex')).toBe(
      '45' + '00' + '002c' + '1234' + '4000' + '03' + '06' + h.subarray(10, 12).toString('hex') + 'c6120001' + 'c612010a',
    );
    expect(internetChecksum(h)).toBe(0); // a valid header sums to zero
    expect(parseIpv4Header(h)).toMatchObject({ ttl: 3, protocol: 6, src: '198.18.0.1', dst: '198.18.1.10', totalLength: 44 });
  });
});

describe('TCP', () => {
  it('lays out a SYN with MSS option and a pseudo-header checksum (IPv4)', () => {
    const seg = buildTcpSegment({
      family: 4,
      src: '10.0.0.1',
      dst: '10.0.0.2',
      srcPort: 40000,
      dstPort: 22,
      seq: 0x01020304,
      flags: TCP_SYN,
      mss: 1460,
    });
    expect(seg.length).toBe(24);
    expect(seg.subarray(0, 4).toString('hex')).toBe('9c400016'); // 40000 → 22
    expect(seg.subarray(4, 8).toString('hex')).toBe('01020304');
    expect(seg.subarray(8, 12).toString('hex')).toBe('00000000');
    expect(seg[12]).toBe(0x60); // data offset 6 words
    expect(seg[13]).toBe(0x02); // SYN
    expect(seg.readUInt16BE(14)).toBe(1024);
    expect(seg.subarray(20).toString('hex')).toBe('020405b4'); // MSS 1460
    // Independent check: pseudo-header (src, dst, 0, proto 6, length 24) + segment with zeroed checksum.
    const zeroed = Buffer.from(seg);
    zeroed.writeUInt16BE(0, 16);
    const pseudo = [10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, 24];
    expect(seg.readUInt16BE(16)).toBe(refChecksum([...pseudo, ...zeroed]));
  });

  it('lays out ACK and SYN-ACK probes with fixed source ports; IPv6 checksum uses the 40-byte pseudo-header', () => {
    const ack = buildTcpSegment({ family: 6, src: '2001:db8::1', dst: '2001:db8::2', srcPort: 80, dstPort: 2869, seq: 7, ack: 99, flags: TCP_ACK });
    expect(ack.length).toBe(20);
    expect(parseTcpHeader(ack)).toMatchObject({ srcPort: 80, dstPort: 2869, seq: 7, ack: 99, flags: TCP_ACK, headerLength: 20 });
    const zeroed = Buffer.from(ack);
    zeroed.writeUInt16BE(0, 16);
    const pseudo = [...ipv6ToBytes('2001:db8::1'), ...ipv6ToBytes('2001:db8::2'), 0, 0, 0, 20, 0, 0, 0, 6];
    expect(ack.readUInt16BE(16)).toBe(refChecksum([...pseudo, ...zeroed]));
    expect(transportChecksum(ack, '2001:db8::1', '2001:db8::2', 6, 6)).toBe(0);

    const synAck = buildTcpSegment({ family: 4, src: '1.2.3.4', dst: '5.6.7.8', srcPort: 80, dstPort: 41641, seq: 1, ack: 2, flags: TCP_SYN | TCP_ACK });
    expect(synAck[13]).toBe(0x12);
    expect(tcpFlagNames(synAck[13] ?? 0)).toBe('SYN,ACK');
  });

  it('parses a SYN-ACK as a raw IPv4 socket delivers it (IP header first) and IPv6 (TCP only)', () => {
    const tcp = buildTcpSegment({ family: 4, src: '198.18.1.10', dst: '198.18.0.1', srcPort: 22, dstPort: 40000, seq: 555, ack: 1001, flags: TCP_SYN | TCP_ACK });
    const ip = buildIpv4Header({ src: '198.18.1.10', dst: '198.18.0.1', protocol: 6, ttl: 63, payloadLength: tcp.length });
    const r = parseIncomingTcp(Buffer.concat([ip, tcp]), 4, '198.18.1.10');
    expect(r).toMatchObject({ src: '198.18.1.10', dst: '198.18.0.1', ttl: 63, tcp: { srcPort: 22, dstPort: 40000, seq: 555, ack: 1001, flags: 0x12 } });
    const r6 = parseIncomingTcp(tcp, 6, '2001:DB8:5352:1:0::10');
    expect(r6).toMatchObject({ src: '2001:db8:5352:1::10', dst: null, ttl: null });
    expect(parseIncomingTcp(Buffer.alloc(10), 6, '::1')).toBeNull();
  });
});

describe('ICMP', () => {
  it('builds an echo request with id/seq and a valid checksum', () => {
    const e = buildIcmpEcho({ family: 4, id: 0xabcd, seq: 0x0102, payload: Buffer.from('hi') });
    expect(e.toString('hex').startsWith('0800')).toBe(true);
    expect(e.subarray(4, 8).toString('hex')).toBe('abcd0102');
    expect(internetChecksum(e)).toBe(0);
    const e6 = buildIcmpEcho({ family: 6, id: 1, seq: 2, src: '::1', dst: '::1' });
    expect(e6[0]).toBe(128);
    expect(transportChecksum(e6, '::1', '::1', 6, 58)).toBe(0);
    const ts = buildIcmpTimestamp(5, 6, 1000);
    expect(ts[0]).toBe(13);
    expect(ts.length).toBe(20);
    expect(internetChecksum(ts)).toBe(0);
  });

  it('parses an echo reply with TTL, and ignores our own echo request seen on loopback', () => {
    const reply = Buffer.from(buildIcmpEcho({ family: 4, id: 7, seq: 9 }));
    reply[0] = 0;
    const ip = buildIpv4Header({ src: '198.18.1.15', dst: '198.18.0.1', protocol: 1, ttl: 62, payloadLength: reply.length });
    expect(parseIncomingIcmp(Buffer.concat([ip, reply]), 4, '198.18.1.15')).toEqual({ kind: 'echo-reply', src: '198.18.1.15', ttl: 62, id: 7, seq: 9 });
    const req = buildIcmpEcho({ family: 4, id: 7, seq: 9 });
    expect(parseIncomingIcmp(Buffer.concat([ip, req]), 4, '198.18.1.15')).toBeNull();
  });

  it('extracts the quoted TCP probe from an ICMP 3/13 sent by a router', () => {
    // Our SYN as it left: 198.18.0.1:40001 → 198.18.1.17:22, seq 0x11223344.
    const syn = buildTcpSegment({ family: 4, src: '198.18.0.1', dst: '198.18.1.17', srcPort: 40001, dstPort: 22, seq: 0x11223344, flags: TCP_SYN, mss: 1460 });
    const inner = Buffer.concat([buildIpv4Header({ src: '198.18.0.1', dst: '198.18.1.17', protocol: 6, ttl: 63, payloadLength: syn.length }), syn.subarray(0, 8)]);
    const icmp = Buffer.concat([Buffer.from([3, 13, 0, 0, 0, 0, 0, 0]), inner]);
    icmp.writeUInt16BE(internetChecksum(icmp), 2);
    const outer = buildIpv4Header({ src: '198.18.0.2', dst: '198.18.0.1', protocol: 1, ttl: 64, payloadLength: icmp.length });
    const msg = parseIncomingIcmp(Buffer.concat([outer, icmp]), 4, '198.18.0.2');
    expect(msg).toEqual({
      kind: 'error',
      src: '198.18.0.2',
      ttl: 64,
      type: 3,
      code: 13,
      quoted: { protocol: 6, src: '198.18.0.1', dst: '198.18.1.17', ttl: 63, srcPort: 40001, dstPort: 22, tcpSeq: 0x11223344 },
    });
    expect(classifyIcmpError(4, 3, 13)).toBe('icmp-admin-prohibited');
    expect(describeIcmp(4, 3, 13)).toBe('ICMP 3/13 (communication administratively prohibited)');
  });

  it('extracts a quoted UDP datagram from an ICMPv6 port unreachable and a quoted echo from time exceeded', () => {
    const udp = buildUdpDatagram(6, '2001:db8:5352::1', '2001:db8:5352:1::10', 50000, 161, Buffer.from([1, 2, 3]));
    const ip6 = Buffer.alloc(40);
    ip6[0] = 0x60;
    ip6.writeUInt16BE(udp.length, 4);
    ip6[6] = 17;
    ip6[7] = 64;
    ipv6ToBytes('2001:db8:5352::1').copy(ip6, 8);
    ipv6ToBytes('2001:db8:5352:1::10').copy(ip6, 24);
    const icmp6 = Buffer.concat([Buffer.from([1, 4, 0, 0, 0, 0, 0, 0]), ip6, udp]);
    const msg = parseIncomingIcmp(icmp6, 6, '2001:db8:5352:1::10');
    expect(msg).toMatchObject({ kind: 'error', src: '2001:db8:5352:1::10', ttl: null, type: 1, code: 4, quoted: { protocol: 17, dst: '2001:db8:5352:1::10', srcPort: 50000, dstPort: 161 } });
    expect(classifyIcmpError(6, 1, 4)).toBe('icmp-port-unreachable');
    expect(classifyIcmpError(6, 1, 1)).toBe('icmp-admin-prohibited');
    expect(classifyIcmpError(6, 3, 0)).toBe('icmp-time-exceeded');

    const echo = buildIcmpEcho({ family: 4, id: 0x4242, seq: 3 });
    const inner = Buffer.concat([buildIpv4Header({ src: '198.18.0.1', dst: '198.18.2.9', protocol: 1, ttl: 1, payloadLength: echo.length }), echo.subarray(0, 8)]);
    const te = Buffer.concat([buildIpv4Header({ src: '198.18.0.2', dst: '198.18.0.1', protocol: 1, ttl: 64, payloadLength: 8 + inner.length }), Buffer.from([11, 0, 0, 0, 0, 0, 0, 0]), inner]);
    expect(parseIncomingIcmp(te, 4, '198.18.0.2')).toMatchObject({ kind: 'error', type: 11, code: 0, quoted: { protocol: 1, dst: '198.18.2.9', echoId: 0x4242, echoSeq: 3 } });
    expect(classifyIcmpError(4, 11, 0)).toBe('icmp-time-exceeded');
    expect(classifyIcmpError(4, 3, 1)).toBe('icmp-unreachable');
  });

  it('rejects truncated packets instead of throwing', () => {
    expect(parseIncomingIcmp(Buffer.from([0x45, 0, 0]), 4, '1.2.3.4')).toBeNull();
    expect(parseIncomingIcmp(Buffer.from([3, 13, 0, 0, 0, 0, 0, 0, 0x45]), 6, '::1')).toBeNull();
    expect(parseIncomingTcp(buildIpv4Header({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 6, ttl: 1, payloadLength: 0 }), 4, '1.1.1.1')).toBeNull();
    expect(TCP_RST).toBe(4);
  });
});

describe('raw UDP parsing', () => {
  it('reads ports and payload after the IPv4 header, and from the start for IPv6', () => {
    const dgm = buildUdpDatagram(4, '198.18.0.1', '198.18.1.10', 53, 40000, Buffer.from('hi'));
    const ip = buildIpv4Header({ src: '198.18.1.10', dst: '198.18.0.1', protocol: 17, ttl: 61, payloadLength: dgm.length });
    const m = parseIncomingUdp(Buffer.concat([ip, dgm]), 4, '198.18.1.10');
    expect(m).toMatchObject({ src: '198.18.1.10', ttl: 61, srcPort: 53, dstPort: 40000 });
    expect(m?.payload.toString()).toBe('hi');
    const m6 = parseIncomingUdp(buildUdpDatagram(6, '2001:db8::1', '2001:db8::2', 123, 5000, Buffer.alloc(0)), 6, '2001:DB8::1');
    expect(m6).toMatchObject({ src: '2001:db8::1', ttl: null, srcPort: 123, dstPort: 5000 });
    expect(parseIncomingUdp(Buffer.alloc(5), 6, '::1')).toBeNull();
  });
});
