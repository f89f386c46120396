/**
 * The packets of one run, for probes.pcap: a PacketTap for the raw transport (electron/net
 * RawTransport onPacket / DiscoverOptions.onPacket) that keeps what the run sent and the replies
 * to it, each as a whole IP packet (the kernel hands some over without their IP header: the header
 * is rebuilt from what the transport knows).
 *
 * A raw socket sees every packet of its protocol arriving at this machine — other programs' SSH
 * sessions, other runs. Only replies to this run are kept: TCP/UDP from a peer and port this run
 * sent to, on the port it sent from; ICMP from a peer it sent to, or an ICMP error quoting a
 * packet to one. Bounded: at most MAX_CAPTURE_PACKETS packets and MAX_CAPTURE_BYTES bytes; beyond
 * that packets are counted in `dropped`, not kept.
 */
import type { PacketMeta, PacketTap } from '../net/index.js';
import { buildIpv4Header, buildIpv6Header, bytesToIp, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP } from '../net/packets.js';
import { pcapFile, type PcapPacket } from './pcap.js';

export const MAX_CAPTURE_PACKETS = 20_000;
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

/** Where an IP packet's transport header starts and what it carries (null: not an IP packet we read). */
function ipInfo(b: Buffer): { family: 4 | 6; src: string; dst: string; proto: number; off: number } | null {
  const v = b.length > 0 ? (b[0] ?? 0) >> 4 : 0;
  if (v === 4 && b.length >= 20) {
    const ihl = ((b[0] ?? 0) & 0x0f) * 4;
    if (ihl < 20 || b.length < ihl) return null;
    return { family: 4, src: bytesToIp(b, 12, 4), dst: bytesToIp(b, 16, 4), proto: b[9] ?? 0, off: ihl };
  }
  if (v === 6 && b.length >= 40) return { family: 6, src: bytesToIp(b, 8, 6), dst: bytesToIp(b, 24, 6), proto: b[6] ?? 0, off: 40 };
  return null;
}

export class PacketCapture {
  readonly packets: PcapPacket[] = [];
  dropped = 0;
  private bytes = 0;
  /** `proto|peer|peerPort|localPort` of every TCP/UDP packet sent. */
  private readonly flows = new Set<string>();
  /** Every address sent to. */
  private readonly peers = new Set<string>();
  /** Our address toward a peer (from the packets sent), for rebuilding headers of replies. */
  private readonly locals = new Map<string, string>();
  private readonly anyLocal: { 4?: string; 6?: string } = {};

  constructor(private readonly caps = { packets: MAX_CAPTURE_PACKETS, bytes: MAX_CAPTURE_BYTES }) {}

  /** The tap to hand to the transport. */
  readonly tap: PacketTap = (direction, bytes, timestampNs, meta) => {
    try {
      this.take(direction, bytes, timestampNs, meta);
    } catch {
      /* a malformed packet is not kept; the run goes on */
    }
  };

  private take(direction: 'out' | 'in', bytes: Buffer, timestampNs: bigint, meta: PacketMeta): void {
    const proto = meta.protocol;
    if (direction === 'out') {
      this.peers.add(meta.peer);
      if (meta.local) {
        this.locals.set(meta.peer, meta.local);
        this.anyLocal[meta.family] = meta.local;
      }
      const seg = meta.ipHeader ? bytes.subarray(ipInfo(bytes)?.off ?? 0) : bytes;
      if ((proto === IPPROTO_TCP || proto === IPPROTO_UDP) && seg.length >= 4) this.flows.add(`${proto}|${meta.peer}|${seg.readUInt16BE(2)}|${seg.readUInt16BE(0)}`);
    } else if (!this.wanted(bytes, meta)) return;
    const packet = meta.ipHeader ? Buffer.from(bytes) : this.withHeader(direction, bytes, meta);
    if (!packet) return;
    if (this.packets.length >= this.caps.packets || this.bytes + packet.length > this.caps.bytes) {
      this.dropped++;
      return;
    }
    this.bytes += packet.length + 16;
    this.packets.push({ direction, bytes: packet, timestampNs });
  }

  private wanted(bytes: Buffer, meta: PacketMeta): boolean {
    const info = meta.ipHeader ? ipInfo(bytes) : null;
    const seg = info ? bytes.subarray(info.off) : bytes;
    const proto = meta.protocol;
    if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) return seg.length >= 4 && this.flows.has(`${proto}|${meta.peer}|${seg.readUInt16BE(0)}|${seg.readUInt16BE(2)}`);
    if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) {
      if (this.peers.has(meta.peer)) return true;
      // An ICMP error from a router: it quotes our packet (IP header at offset 8, IPv4 only on raw v6 sockets too).
      const inner = seg.length > 8 ? ipInfo(seg.subarray(8)) : null;
      return inner !== null && this.peers.has(inner.dst);
    }
    return false;
  }

  private withHeader(direction: 'out' | 'in', payload: Buffer, meta: PacketMeta): Buffer | null {
    const local = meta.local ?? this.locals.get(meta.peer) ?? this.anyLocal[meta.family] ?? (meta.family === 4 ? '0.0.0.0' : '::');
    const [src, dst] = direction === 'out' ? [local, meta.peer] : [meta.peer, local];
    const header =
      meta.family === 4
        ? buildIpv4Header({ src, dst, protocol: meta.protocol, ttl: 64, payloadLength: payload.length })
        : buildIpv6Header({ src, dst, nextHeader: meta.protocol, hopLimit: 64, payloadLength: payload.length });
    return Buffer.concat([header, payload]);
  }

  /** The capture as a pcap file (what the history keeps); null when nothing was captured. */
  pcap(): Buffer | null {
    return this.packets.length === 0 ? null : pcapFile(this.packets);
  }
}

/** Reads back a pcap written by pcapFile (nanosecond, little-endian, LINKTYPE_RAW); direction is not in a pcap: 'out' when unknown. */
export function parsePcap(buf: Buffer, ours: ReadonlySet<string> = new Set()): PcapPacket[] {
  if (buf.length < 24 || buf.readUInt32LE(0) !== 0xa1b23c4d) return [];
  const out: PcapPacket[] = [];
  let at = 24;
  while (at + 16 <= buf.length) {
    const sec = BigInt(buf.readUInt32LE(at));
    const ns = BigInt(buf.readUInt32LE(at + 4));
    const len = buf.readUInt32LE(at + 8);
    if (at + 16 + len > buf.length) break;
    const bytes = Buffer.from(buf.subarray(at + 16, at + 16 + len));
    const info = ipInfo(bytes);
    out.push({ direction: info && ours.has(info.dst) ? 'in' : 'out', bytes, timestampNs: sec * 1_000_000_000n + ns });
    at += 16 + len;
  }
  return out;
}
