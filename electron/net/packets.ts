/**
 * Packet building and parsing for discovery probes, the path tracer and the port finder.
 * Pure functions over Buffers: no sockets here, so every byte layout is unit-testable.
 *
 * Layouts follow RFC 791 (IPv4), RFC 8200 (IPv6), RFC 9293 (TCP), RFC 792 (ICMP), RFC 4443 (ICMPv6).
 * Raw sockets on Linux hand IPv4 packets up *with* the IP header and IPv6 packets *without* it,
 * so the incoming parsers take the family and, for IPv6, the source address from recvfrom().
 */

export type IpFamily = 4 | 6;

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_TIMESTAMP_REQUEST = 13;
export const ICMP_TIMESTAMP_REPLY = 14;
export const ICMP6_DEST_UNREACH = 1;
export const ICMP6_PACKET_TOO_BIG = 2;
export const ICMP6_TIME_EXCEEDED = 3;
export const ICMP6_PARAM_PROBLEM = 4;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

// ---------------------------------------------------------------------------------------------
// Addresses

/** Parses a textual IPv4 address into 4 bytes. Throws on bad input. */
export function ipv4ToBytes(addr: string): Buffer {
  const parts = addr.split('.');
  if (parts.length !== 4) throw new Error(`bad IPv4 address "${addr}"`);
  const out = Buffer.alloc(4);
  parts.forEach((p, i) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`bad IPv4 address "${addr}"`);
    out[i] = Number(p);
  });
  return out;
}

/** Parses a textual IPv6 address (with `::`, optional embedded IPv4, optional `%zone`) into 16 bytes. */
export function ipv6ToBytes(addr: string): Buffer {
  const text = addr.split('%')[0] ?? '';
  const out = Buffer.alloc(16);
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address "${addr}"`);
  const toWords = (s: string): number[] => {
    if (s === '') return [];
    const words: number[] = [];
    const items = s.split(':');
    items.forEach((item, i) => {
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = ipv4ToBytes(item);
        words.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
        return;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) throw new Error(`bad IPv6 address "${addr}"`);
      words.push(parseInt(item, 16));
    });
    return words;
  };
  const head = toWords(halves[0] ?? '');
  const tail = halves.length === 2 ? toWords(halves[1] ?? '') : [];
  if (halves.length === 1 && head.length !== 8) throw new Error(`bad IPv6 address "${addr}"`);
  if (halves.length === 2 && head.length + tail.length > 7) throw new Error(`bad IPv6 address "${addr}"`);
  head.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  tail.forEach((w, i) => out.writeUInt16BE(w, (8 - tail.length + i) * 2));
  return out;
}

export function ipToBytes(addr: string, family: IpFamily): Buffer {
  return family === 4 ? ipv4ToBytes(addr) : ipv6ToBytes(addr);
}

/** Formats 4 or 16 bytes as text; IPv6 in RFC 5952 form (lower case, longest zero run of 2+ compressed). */
export function bytesToIp(buf: Buffer, offset = 0, family: IpFamily = 4): string {
  if (family === 4) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(buf.readUInt16BE(offset + i * 2));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestLen < 2) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** Canonical text of an address, so that keys built from user input and from packets compare equal. */
export function canonicalIp(addr: string): string {
  if (addr.includes(':')) return bytesToIp(ipv6ToBytes(addr), 0, 6);
  return bytesToIp(ipv4ToBytes(addr), 0, 4);
}

// ---------------------------------------------------------------------------------------------
// Checksums

/** One's-complement sum of 16-bit words, not yet folded or inverted. */
function sum16(buf: Buffer, start = 0, end = buf.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += buf.readUInt16BE(i);
  if (i < end) sum += (buf[i] ?? 0) << 8;
  return sum;
}

function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The Internet checksum (RFC 1071) of a buffer. */
export function internetChecksum(buf: Buffer, start = 0, end = buf.length): number {
  return fold(sum16(buf, start, end));
}

/** Sum of the IPv4/IPv6 pseudo-header used by TCP, UDP and ICMPv6 checksums. */
function pseudoHeaderSum(src: Buffer, dst: Buffer, protocol: number, length: number): number {
  let sum = sum16(src) + sum16(dst);
  if (src.length === 4) {
    sum += protocol + length;
  } else {
    sum += Math.floor(length / 0x10000) + (length & 0xffff) + protocol;
  }
  return sum;
}

/** Checksum of an upper-layer segment (TCP, UDP, ICMPv6) including the pseudo-header. */
export function transportChecksum(segment: Buffer, src: string, dst: string, family: IpFamily, protocol: number): number {
  const s = pseudoHeaderSum(ipToBytes(src, family), ipToBytes(dst, family), protocol, segment.length);
  return fold(sum16(segment, 0, segment.length, s));
}

// ---------------------------------------------------------------------------------------------
// TCP

export interface TcpSegmentSpec {
  family: IpFamily;
  /** Source address: needed for the pseudo-header checksum. */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  /** Add an MSS option (as Nmap does on SYN probes; some stacks ignore option-less SYNs). */
  mss?: number;
}

/** Builds a TCP header (no payload) with a correct checksum. */
export function buildTcpSegment(spec: TcpSegmentSpec): Buffer {
  const optLen = spec.mss !== undefined ? 4 : 0;
  const seg = Buffer.alloc(20 + optLen);
  seg.writeUInt16BE(spec.srcPort, 0);
  seg.writeUInt16BE(spec.dstPort, 2);
  seg.writeUInt32BE(spec.seq >>> 0, 4);
  seg.writeUInt32BE((spec.ack ?? 0) >>> 0, 8);
  seg[12] = ((20 + optLen) / 4) << 4;
  seg[13] = spec.flags & 0x3f;
  seg.writeUInt16BE(spec.window ?? 1024, 14);
  // checksum at 16 (zero for now), urgent pointer 18 stays 0
  if (spec.mss !== undefined) {
    seg[20] = 2; // kind: MSS
    seg[21] = 4;
    seg.writeUInt16BE(spec.mss, 22);
  }
  seg.writeUInt16BE(transportChecksum(seg, spec.src, spec.dst, spec.family, IPPROTO_TCP), 16);
  return seg;
}

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  headerLength: number;
}

export function parseTcpHeader(buf: Buffer, offset = 0): TcpHeader | null {
  if (buf.length < offset + 20) return null;
  return {
    srcPort: buf.readUInt16BE(offset),
    dstPort: buf.readUInt16BE(offset + 2),
    seq: buf.readUInt32BE(offset + 4),
    ack: buf.readUInt32BE(offset + 8),
    headerLength: ((buf[offset + 12] ?? 0) >> 4) * 4,
    flags: (buf[offset + 13] ?? 0) & 0x3f,
    window: buf.readUInt16BE(offset + 14),
  };
}

/** Human-readable flag list, e.g. `SYN,ACK`. */
export function tcpFlagNames(flags: number): string {
  const names: string[] = [];
  if (flags & TCP_SYN) names.push('SYN');
  if (flags & TCP_ACK) names.push('ACK');
  if (flags & TCP_RST) names.push('RST');
  if (flags & TCP_FIN) names.push('FIN');
  if (flags & TCP_PSH) names.push('PSH');
  if (flags & TCP_URG) names.push('URG');
  return names.join(',');
}

// ---------------------------------------------------------------------------------------------
// UDP (for completeness: tests and a raw UDP sender, should one ever be needed)

export function buildUdpDatagram(
  family: IpFamily,
  src: string,
  dst: string,
  srcPort: number,
  dstPort: number,
  payload: Buffer,
): Buffer {
  const seg = Buffer.alloc(8 + payload.length);
  seg.writeUInt16BE(srcPort, 0);
  seg.writeUInt16BE(dstPort, 2);
  seg.writeUInt16BE(seg.length, 4);
  payload.copy(seg, 8);
  let c = transportChecksum(seg, src, dst, family, IPPROTO_UDP);
  if (c === 0) c = 0xffff;
  seg.writeUInt16BE(c, 6);
  return seg;
}

// ---------------------------------------------------------------------------------------------
// ICMP

export interface EchoSpec {
  family: IpFamily;
  id: number;
  seq: number;
  payload?: Buffer;
  /** Needed only for a correct ICMPv6 checksum (Linux recomputes it on raw ICMPv6 sockets anyway). */
  src?: string;
  dst?: string;
}

/** Builds an ICMP (type 8) or ICMPv6 (type 128) echo request. */
export function buildIcmpEcho(spec: EchoSpec): Buffer {
  const payload = spec.payload ?? Buffer.from('ScanReady discovery probe', 'ascii');
  const msg = Buffer.alloc(8 + payload.length);
  msg[0] = spec.family === 4 ? ICMP_ECHO_REQUEST : ICMP6_ECHO_REQUEST;
  msg[1] = 0;
  msg.writeUInt16BE(spec.id & 0xffff, 4);
  msg.writeUInt16BE(spec.seq & 0xffff, 6);
  payload.copy(msg, 8);
  if (spec.family === 4) {
    msg.writeUInt16BE(internetChecksum(msg), 2);
  } else if (spec.src !== undefined && spec.dst !== undefined) {
    msg.writeUInt16BE(transportChecksum(msg, spec.src, spec.dst, 6, IPPROTO_ICMPV6), 2);
  }
  return msg;
}

/** Builds an ICMP timestamp request (type 13, IPv4 only). */
export function buildIcmpTimestamp(id: number, seq: number, originateMs: number): Buffer {
  const msg = Buffer.alloc(20);
  msg[0] = ICMP_TIMESTAMP_REQUEST;
  msg.writeUInt16BE(id & 0xffff, 4);
  msg.writeUInt16BE(seq & 0xffff, 6);
  msg.writeUInt32BE(originateMs % 86_400_000, 8);
  msg.writeUInt16BE(internetChecksum(msg), 2);
  return msg;
}

// ---------------------------------------------------------------------------------------------
// IPv4 header (for IP_HDRINCL senders and for parsing)

export interface Ipv4HeaderSpec {
  src: string;
  dst: string;
  protocol: number;
  ttl: number;
  id?: number;
  payloadLength: number;
}

export function buildIpv4Header(spec: Ipv4HeaderSpec): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + spec.payloadLength, 2);
  h.writeUInt16BE((spec.id ?? 0) & 0xffff, 4);
  h.writeUInt16BE(0x4000, 6); // DF
  h[8] = spec.ttl;
  h[9] = spec.protocol;
  ipv4ToBytes(spec.src).copy(h, 12);
  ipv4ToBytes(spec.dst).copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return h;
}

/** A fixed IPv6 header (no extension headers): for the pcap of packets the kernel handed over without one. */
export function buildIpv6Header(spec: { src: string; dst: string; nextHeader: number; hopLimit: number; payloadLength: number }): Buffer {
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(spec.payloadLength & 0xffff, 4);
  h[6] = spec.nextHeader;
  h[7] = spec.hopLimit;
  ipv6ToBytes(spec.src).copy(h, 8);
  ipv6ToBytes(spec.dst).copy(h, 24);
  return h;
}

export interface Ipv4Header {
  headerLength: number;
  totalLength: number;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
}

export function parseIpv4Header(buf: Buffer, offset = 0): Ipv4Header | null {
  if (buf.length < offset + 20) return null;
  const b0 = buf[offset] ?? 0;
  if (b0 >> 4 !== 4) return null;
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < 20 || buf.length < offset + headerLength) return null;
  return {
    headerLength,
    totalLength: buf.readUInt16BE(offset + 2),
    ttl: buf[offset + 8] ?? 0,
    protocol: buf[offset + 9] ?? 0,
    src: bytesToIp(buf, offset + 12, 4),
    dst: bytesToIp(buf, offset + 16, 4),
  };
}

export interface Ipv6Header {
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
}

export function parseIpv6Header(buf: Buffer, offset = 0): Ipv6Header | null {
  if (buf.length < offset + 40) return null;
  if ((buf[offset] ?? 0) >> 4 !== 6) return null;
  return {
    payloadLength: buf.readUInt16BE(offset + 4),
    nextHeader: buf[offset + 6] ?? 0,
    hopLimit: buf[offset + 7] ?? 0,
    src: bytesToIp(buf, offset + 8, 6),
    dst: bytesToIp(buf, offset + 24, 6),
  };
}

// ---------------------------------------------------------------------------------------------
// Incoming packets, as read off raw sockets

/**
 * Where the transport header starts in what a raw socket delivered, and who sent it. IPv4: after
 * the IP header (which must carry `protocol`), with its TTL. IPv6: at the start; the source comes
 * from recvfrom() and the hop limit is unknown.
 */
function rawEnvelope(buf: Buffer, family: IpFamily, from: string, protocol: number): { off: number; src: string; ttl: number | null; dst: string | null } | null {
  if (family === 6) return { off: 0, src: canonicalIp(from), ttl: null, dst: null };
  const ip = parseIpv4Header(buf);
  if (!ip || ip.protocol !== protocol) return null;
  return { off: ip.headerLength, src: ip.src, ttl: ip.ttl, dst: ip.dst };
}

/** A TCP segment read off a raw TCP socket. */
export interface IncomingTcp {
  src: string;
  /** Null for IPv6 (the raw socket does not deliver the IPv6 header). */
  dst: string | null;
  ttl: number | null;
  tcp: TcpHeader;
}

/**
 * Parses what a raw TCP socket delivered. IPv4: starts with the IP header. IPv6: starts with TCP,
 * the source address comes from recvfrom().
 */
export function parseIncomingTcp(buf: Buffer, family: IpFamily, from: string): IncomingTcp | null {
  const env = rawEnvelope(buf, family, from, IPPROTO_TCP);
  const tcp = env ? parseTcpHeader(buf, env.off) : null;
  if (!env || !tcp) return null;
  return { src: env.src, dst: env.dst, ttl: env.ttl, tcp };
}

/** A UDP datagram read off a raw UDP socket. */
export interface IncomingUdp {
  src: string;
  ttl: number | null;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

/** Parses what a raw UDP socket delivered (IPv4: with IP header; IPv6: from the UDP header). */
export function parseIncomingUdp(buf: Buffer, family: IpFamily, from: string): IncomingUdp | null {
  const env = rawEnvelope(buf, family, from, IPPROTO_UDP);
  if (!env || buf.length < env.off + 8) return null;
  const { off, src, ttl } = env;
  return { src, ttl, srcPort: buf.readUInt16BE(off), dstPort: buf.readUInt16BE(off + 2), payload: buf.subarray(off + 8) };
}

/** The packet of ours that an ICMP error quotes. */
export interface QuotedPacket {
  protocol: number;
  src: string;
  dst: string;
  /** TTL / hop limit left in the quoted header (as it reached the reporting router). */
  ttl: number;
  srcPort?: number;
  dstPort?: number;
  /** TCP sequence number of the quoted segment. */
  tcpSeq?: number;
  /** Echo id/seq of a quoted ICMP echo request. */
  echoId?: number;
  echoSeq?: number;
}

export type IncomingIcmp =
  | { kind: 'echo-reply'; src: string; ttl: number | null; id: number; seq: number }
  | { kind: 'timestamp-reply'; src: string; ttl: number | null; id: number; seq: number }
  | { kind: 'error'; src: string; ttl: number | null; type: number; code: number; quoted: QuotedPacket }
  | { kind: 'other'; src: string; ttl: number | null; type: number; code: number };

function parseQuoted(buf: Buffer, offset: number, family: IpFamily): QuotedPacket | null {
  let protocol: number;
  let src: string;
  let dst: string;
  let ttl: number;
  let l4: number;
  if (family === 4) {
    const ip = parseIpv4Header(buf, offset);
    if (!ip) return null;
    ({ protocol, src, dst, ttl } = ip);
    l4 = offset + ip.headerLength;
  } else {
    const ip = parseIpv6Header(buf, offset);
    if (!ip) return null;
    protocol = ip.nextHeader;
    src = ip.src;
    dst = ip.dst;
    ttl = ip.hopLimit;
    l4 = offset + 40;
  }
  const q: QuotedPacket = { protocol, src, dst, ttl };
  const avail = buf.length - l4;
  if ((protocol === IPPROTO_TCP || protocol === IPPROTO_UDP) && avail >= 4) {
    q.srcPort = buf.readUInt16BE(l4);
    q.dstPort = buf.readUInt16BE(l4 + 2);
    if (protocol === IPPROTO_TCP && avail >= 8) q.tcpSeq = buf.readUInt32BE(l4 + 4);
  } else if ((protocol === IPPROTO_ICMP || protocol === IPPROTO_ICMPV6) && avail >= 8) {
    q.echoId = buf.readUInt16BE(l4 + 4);
    q.echoSeq = buf.readUInt16BE(l4 + 6);
  }
  return q;
}

/**
 * Parses what a raw ICMP (IPv4: with IP header) or ICMPv6 (without) socket delivered.
 * Returns null for truncated packets and for our own outgoing requests seen on loopback.
 */
export function parseIncomingIcmp(buf: Buffer, family: IpFamily, from: string): IncomingIcmp | null {
  const env = rawEnvelope(buf, family, from, family === 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
  if (!env || buf.length < env.off + 8) return null;
  const { off, src, ttl } = env;
  const type = buf[off] ?? 0;
  const code = buf[off + 1] ?? 0;
  const id = buf.readUInt16BE(off + 4);
  const seq = buf.readUInt16BE(off + 6);
  if (family === 4) {
    if (type === ICMP_ECHO_REPLY) return { kind: 'echo-reply', src, ttl, id, seq };
    if (type === ICMP_TIMESTAMP_REPLY) return { kind: 'timestamp-reply', src, ttl, id, seq };
    if (type === ICMP_DEST_UNREACH || type === ICMP_TIME_EXCEEDED || type === 12 /* parameter problem */) {
      const quoted = parseQuoted(buf, off + 8, 4);
      if (!quoted) return null;
      return { kind: 'error', src, ttl, type, code, quoted };
    }
    if (type === ICMP_ECHO_REQUEST || type === ICMP_TIMESTAMP_REQUEST) return null;
    return { kind: 'other', src, ttl, type, code };
  }
  if (type === ICMP6_ECHO_REPLY) return { kind: 'echo-reply', src, ttl, id, seq };
  if (type === ICMP6_DEST_UNREACH || type === ICMP6_TIME_EXCEEDED || type === ICMP6_PACKET_TOO_BIG || type === ICMP6_PARAM_PROBLEM) {
    const quoted = parseQuoted(buf, off + 8, 6);
    if (!quoted) return null;
    return { kind: 'error', src, ttl, type, code, quoted };
  }
  if (type === ICMP6_ECHO_REQUEST) return null;
  return { kind: 'other', src, ttl, type, code };
}

// ICMP classification and descriptions live once, in shared/icmp.ts.
