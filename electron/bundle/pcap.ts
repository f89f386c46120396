/**
 * probes.pcap: the probes a raw-mode run sent and the replies it received, as the raw transport
 * had them in hand (no capture privilege or tool). Classic pcap, nanosecond timestamps,
 * LINKTYPE_RAW (101: each record starts with the IPv4 or IPv6 header), little-endian — what
 * `tcpdump -r` and Wireshark read.
 *
 * Wiring (for the lead): the raw transport's optional tap `onPacket(direction, bytes, timestampNs)`
 * (electron/net/, the "net" engineer) collects PcapPackets for a run; the run's packets go beside
 * its result into writeBundle's `packets`. Until that lands, a bundle has no probes.pcap and its
 * README says why.
 */
import { internetChecksum, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, transportChecksum, bytesToIp, ipToBytes } from '../net/packets.js';

export const LINKTYPE_RAW = 101;
/** Nanosecond-resolution pcap magic. */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_SNAPLEN = 65535;

export interface PcapPacket {
  direction: 'out' | 'in';
  /** The IP packet, from its IPv4/IPv6 header on. */
  bytes: Uint8Array;
  /** Wall-clock time in nanoseconds since the epoch. */
  timestampNs: bigint;
}

export function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(PCAP_MAGIC_NS, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeInt32LE(0, 8); // thiszone
  h.writeUInt32LE(0, 12); // sigfigs
  h.writeUInt32LE(PCAP_SNAPLEN, 16);
  h.writeUInt32LE(LINKTYPE_RAW, 20);
  return h;
}

export function pcapRecord(p: PcapPacket): Buffer {
  const data = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, Math.min(p.bytes.byteLength, PCAP_SNAPLEN));
  const h = Buffer.alloc(16);
  const ns = p.timestampNs < 0n ? 0n : p.timestampNs;
  h.writeUInt32LE(Number(ns / 1_000_000_000n) >>> 0, 0);
  h.writeUInt32LE(Number(ns % 1_000_000_000n), 4);
  h.writeUInt32LE(data.length, 8);
  h.writeUInt32LE(p.bytes.byteLength, 12);
  return Buffer.concat([h, data]);
}

/** A whole pcap file (a bundle's packets are few: one per probe and reply). */
export function pcapFile(packets: readonly PcapPacket[]): Buffer {
  return Buffer.concat([pcapHeader(), ...packets.map(pcapRecord)]);
}

/**
 * A copy of an IP packet with its addresses mapped (for --redact-hosts), checksums fixed: the IP
 * header, TCP/UDP/ICMPv6 pseudo-header checksums, and the IP header quoted inside an ICMP error.
 * Unparsable packets come back unchanged in length but zeroed addresses are not attempted: they
 * are dropped by returning null, so no original address survives.
 */
export function mapAddresses(bytes: Uint8Array, map: (ip: string) => string, depth = 0): Buffer | null {
  const buf = Buffer.from(bytes);
  const version = buf.length > 0 ? (buf[0] ?? 0) >> 4 : 0;
  if (version === 4) {
    const ihl = ((buf[0] ?? 0) & 0x0f) * 4;
    if (buf.length < 20 || ihl < 20 || buf.length < ihl) return null;
    const src = map(bytesToIp(buf, 12, 4));
    const dst = map(bytesToIp(buf, 16, 4));
    ipToBytes(src, 4).copy(buf, 12);
    ipToBytes(dst, 4).copy(buf, 16);
    buf.writeUInt16BE(0, 10);
    buf.writeUInt16BE(internetChecksum(buf, 0, ihl), 10);
    const total = Math.min(buf.readUInt16BE(2), buf.length);
    return fixPayload(buf, ihl, total, buf[9] ?? 0, src, dst, 4, map, depth);
  }
  if (version === 6) {
    if (buf.length < 40) return null;
    const src = map(bytesToIp(buf, 8, 6));
    const dst = map(bytesToIp(buf, 24, 6));
    ipToBytes(src, 6).copy(buf, 8);
    ipToBytes(dst, 6).copy(buf, 24);
    const total = Math.min(40 + buf.readUInt16BE(4), buf.length);
    return fixPayload(buf, 40, total, buf[6] ?? 0, src, dst, 6, map, depth);
  }
  return null;
}

function fixPayload(buf: Buffer, off: number, end: number, proto: number, src: string, dst: string, family: 4 | 6, map: (ip: string) => string, depth: number): Buffer | null {
  const seg = buf.subarray(off, end);
  const csumAt = proto === IPPROTO_TCP ? 16 : proto === IPPROTO_UDP ? 6 : proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6 ? 2 : -1;
  if (csumAt < 0 || seg.length < csumAt + 2) return buf;
  // An ICMP error quotes the offending packet's IP header: map it too (or drop it).
  const type = seg[0] ?? 0;
  const isError = proto === IPPROTO_ICMP ? [3, 4, 5, 11, 12].includes(type) : proto === IPPROTO_ICMPV6 ? type < 128 : false;
  if (isError && seg.length > 8) {
    const inner = depth < 1 ? mapAddresses(seg.subarray(8), map, depth + 1) : null;
    if (inner) inner.copy(seg, 8, 0, Math.min(inner.length, seg.length - 8));
    else seg.fill(0, 8);
  }
  if (proto === IPPROTO_UDP && seg.readUInt16BE(6) === 0 && family === 4) return buf; // no checksum
  seg.writeUInt16BE(0, csumAt);
  const sum = proto === IPPROTO_ICMP ? internetChecksum(seg) : transportChecksum(seg, src, dst, family, proto);
  seg.writeUInt16BE(proto === IPPROTO_UDP && sum === 0 ? 0xffff : sum, csumAt);
  return buf;
}
