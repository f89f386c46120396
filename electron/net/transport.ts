/**
 * RawTransport: the one privileged packet layer. Discovery, the path tracer and the port finder
 * all send through it; nothing else opens a raw socket (an ESLint rule keeps it so).
 *
 * Per address family, opened on first use: one raw TCP socket (crafted SYN / ACK / SYN-ACK out,
 * every incoming TCP segment in), one raw ICMP socket (echo / timestamp out, echo replies and ICMP
 * errors in) and one ordinary UDP socket (service requests out, UDP replies in — the ICMP errors
 * they cause arrive on the raw ICMP socket). Incoming packets are dispatched by key to whoever
 * registered it: see tcpKey / udpKey / echoKey. A tracer routes replies by hop by giving every TTL
 * its own key (its own source port or echo sequence number). Sends go through one token bucket.
 * Crafted UDP with a chosen source port (the tracer's) goes out on a raw UDP socket, opened only
 * when first needed.
 *
 * Every local failure rejects the send with an Error carrying `code` (EACCES, ENETUNREACH …):
 * callers turn it into a probe result (net/errors.ts); nothing here throws into the event loop.
 *
 * Packet tap: `onPacket(direction, bytes, timestampNs, meta)` sees every raw packet sent and
 * received (for a pcap); set it in the constructor options or later through `transport.onPacket`.
 *
 * Linux specifics: a raw IPv4 socket delivers the IP header (so we see the TTL), a raw IPv6 socket
 * does not (hop limit unknown: ttl null). Without IP_HDRINCL the kernel builds the IP header; the
 * TTL is set per send with IP_TTL / IPV6_UNICAST_HOPS just before the packet leaves.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import raw from 'raw-socket';
import type { Socket as RawSocket } from 'raw-socket';
import { errnoOf } from './errors.js';
import {
  buildIcmpEcho,
  buildIcmpTimestamp,
  buildTcpSegment,
  buildUdpDatagram,
  canonicalIp,
  parseIncomingIcmp,
  parseIncomingTcp,
  parseIncomingUdp,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPPROTO_ICMPV6,
  type IpFamily,
  type QuotedPacket,
  type TcpHeader,
  type TcpSegmentSpec,
} from './packets.js';
import { RateLimiter, TransportClosedError } from './rateLimiter.js';

export { RateLimiter, TransportClosedError } from './rateLimiter.js';

export const DEFAULT_TTL = 64;

/** Something that came back, already matched to a key. `at` is performance.now() at receipt. */
export type RawReply =
  | { type: 'tcp'; responder: string; ttl: number | null; at: number; tcp: TcpHeader }
  | { type: 'udp'; responder: string; ttl: number | null; at: number; port: number; payload: Buffer }
  | { type: 'echo-reply' | 'timestamp-reply'; responder: string; ttl: number | null; at: number; id: number; seq: number }
  | { type: 'icmp-error'; responder: string; ttl: number | null; at: number; icmpType: number; icmpCode: number; quoted: QuotedPacket };

export type ReplyHandler = (reply: RawReply) => void;

/** What a tapped packet is. Outgoing bytes start at the transport header (the kernel adds IP);
 * incoming IPv4 bytes start with the IP header, incoming IPv6 bytes at the transport header. */
export interface PacketMeta {
  family: IpFamily;
  protocol: number;
  /** The other end: destination of an outgoing packet, source of an incoming one. */
  peer: string;
  /** True when `bytes` starts with the IP header. */
  ipHeader: boolean;
  /** Our own address on this packet, when known (for packets handed over without their IP header). */
  local?: string;
}

/** Packet tap: every raw packet sent ('out', when it left) and received ('in'). */
export type PacketTap = (direction: 'out' | 'in', bytes: Buffer, timestampNs: bigint, meta: PacketMeta) => void;

/** Key of the replies to a TCP probe we sent from localPort to remote:remotePort. */
export function tcpKey(remote: string, remotePort: number, localPort: number): string {
  return `t|${remote}|${remotePort}|${localPort}`;
}
/** Key of the replies to a UDP datagram we sent from localPort to remote:remotePort. */
export function udpKey(remote: string, remotePort: number, localPort: number): string {
  return `u|${remote}|${remotePort}|${localPort}`;
}
/** Key of the replies to an ICMP echo / timestamp request to remote with this id and seq. */
export function echoKey(remote: string, id: number, seq: number): string {
  return `e|${remote}|${id}|${seq}`;
}

interface FamilySockets {
  tcp: RawSocket;
  icmp: RawSocket;
  udp: dgram.Socket;
  udpPort: number;
  /** Raw UDP socket for crafted datagrams with a chosen source port (opened on first use). */
  rawUdp: RawSocket | null;
  tcpTtl: number;
  icmpTtl: number;
  udpTtl: number;
  rawUdpTtl: number;
}

/** A crafted TCP segment to send, with its IP TTL / hop limit (default 64; the tracer limits it). */
export type TcpSend = TcpSegmentSpec & { ttl?: number };

export interface EchoSend {
  family: IpFamily;
  dst: string;
  src?: string;
  id: number;
  seq: number;
  /** ICMP timestamp request instead of echo (IPv4 only). */
  timestamp?: boolean;
  payload?: Buffer;
  ttl?: number;
}

export interface UdpSend {
  family: IpFamily;
  dst: string;
  dstPort: number;
  payload: Buffer;
  ttl?: number;
  /**
   * A chosen source port: the datagram is crafted and sent on a raw UDP socket (needs `src`), so
   * every probe can have its own reply key. Without it the shared UDP socket's port is used.
   */
  srcPort?: number;
  src?: string;
}

function familyOf(address: string): IpFamily {
  return address.includes(':') ? 6 : 4;
}

/** An Error with a `code` (raw-socket reports only strerror text). */
function withCode(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const withC = e as NodeJS.ErrnoException;
  if (typeof withC.code !== 'string') withC.code = errnoOf(e);
  return e;
}

function nowNs(): bigint {
  return process.hrtime.bigint();
}

/**
 * Tries to open (and immediately close) a raw ICMP socket: true when this process may use raw
 * sockets (root / CAP_NET_RAW on Linux, Administrator on Windows).
 */
export function canOpenRawSocket(family: IpFamily = 4): boolean {
  try {
    const s = raw.createSocket({
      protocol: family === 4 ? raw.Protocol.ICMP : raw.Protocol.ICMPv6,
      addressFamily: family === 4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6,
    });
    s.close();
    return true;
  } catch {
    return false;
  }
}

function closeQuietly(s: { close(): unknown } | null | undefined): void {
  try {
    s?.close();
  } catch {
    /* already closed */
  }
}

export interface RawTransportOptions {
  /** Global send rate, packets per second. */
  ratePps: number;
  /** Packet tap (see PacketTap). */
  onPacket?: PacketTap;
}

export class RawTransport {
  readonly limiter: RateLimiter;
  /** ICMP echo identifier of this transport (random per run). */
  readonly echoId = Math.floor(Math.random() * 0xffff) + 1;
  /** Packet tap; null when nobody listens (then it costs nothing). */
  onPacket: PacketTap | null;
  private echoSeq = Math.floor(Math.random() * 0xffff);
  private readonly handlers = new Map<string, ReplyHandler>();
  private readonly sockets = new Map<IpFamily, FamilySockets>();
  private readonly opening = new Map<IpFamily, Promise<FamilySockets>>();
  private readonly sources = new Map<string, Promise<string>>();
  private closed = false;

  constructor(opts: RawTransportOptions) {
    this.limiter = new RateLimiter(opts.ratePps);
    this.onPacket = opts.onPacket ?? null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Registers the handler for a reply key (one per key; a new one replaces the old). */
  on(key: string, handler: ReplyHandler): void {
    this.handlers.set(key, handler);
  }

  off(key: string): void {
    this.handlers.delete(key);
  }

  get handlerCount(): number {
    return this.handlers.size;
  }

  /** Next ICMP echo sequence number (16 bits, wraps). */
  nextEchoSeq(): number {
    this.echoSeq = (this.echoSeq + 1) & 0xffff;
    return this.echoSeq;
  }

  private dispatch(key: string, reply: RawReply): void {
    const h = this.handlers.get(key);
    if (h) h(reply);
  }

  private tap(direction: 'out' | 'in', bytes: Buffer, meta: PacketMeta): void {
    const t = this.onPacket;
    if (!t) return;
    try {
      t(direction, Buffer.from(bytes), nowNs(), meta);
    } catch {
      /* a tap must not break the run */
    }
  }

  /** The tap for the ordinary UDP socket (the kernel builds those datagrams): one rebuilt from what we know. */
  private tapUdp(direction: 'out' | 'in', family: IpFamily, peer: string, peerPort: number, localPort: number, payload: Buffer): void {
    this.sourceFor(peer).then(
      (local) => {
        const dgm = direction === 'out' ? buildUdpDatagram(family, local, peer, localPort, peerPort, payload) : buildUdpDatagram(family, peer, local, peerPort, localPort, payload);
        this.tap(direction, dgm, { family, protocol: IPPROTO_UDP, peer, ipHeader: false, local });
      },
      () => undefined,
    );
  }

  /** Opens (once) the sockets of a family. Rejects when raw sockets are not permitted. */
  open(family: IpFamily): Promise<FamilySockets> {
    if (this.closed) return Promise.reject(new TransportClosedError());
    const existing = this.opening.get(family);
    if (existing) return existing;
    const p = this.openFamily(family);
    this.opening.set(family, p);
    p.catch(() => this.opening.delete(family));
    return p;
  }

  private async openFamily(family: IpFamily): Promise<FamilySockets> {
    const af = family === 4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6;
    const tcp = raw.createSocket({ protocol: IPPROTO_TCP, addressFamily: af, bufferSize: 1500 });
    let icmp: RawSocket;
    try {
      icmp = raw.createSocket({ protocol: family === 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6, addressFamily: af, bufferSize: 1500 });
    } catch (err) {
      closeQuietly(tcp);
      throw withCode(err);
    }
    const udp = dgram.createSocket(family === 4 ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
    // Errors on a socket must not crash the process; the socket stays usable for later sends.
    udp.on('error', () => undefined);
    const closeAll = (): void => {
      closeQuietly(tcp);
      closeQuietly(icmp);
      closeQuietly(udp);
    };
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, () => {
          udp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      closeAll();
      throw withCode(err);
    }
    if (this.closed) {
      closeAll();
      throw new TransportClosedError();
    }
    for (const s of [tcp, icmp]) this.bigBuffer(s);
    const fs: FamilySockets = {
      tcp,
      icmp,
      udp,
      udpPort: udp.address().port,
      rawUdp: null,
      tcpTtl: -1,
      icmpTtl: -1,
      udpTtl: -1,
      rawUdpTtl: -1,
    };
    tcp.on('error', () => undefined);
    icmp.on('error', () => undefined);
    tcp.on('message', (buf, from) => {
      if (this.onPacket) this.tap('in', buf, { family, protocol: IPPROTO_TCP, peer: from, ipHeader: family === 4 });
      const m = parseIncomingTcp(buf, family, from);
      if (!m) return;
      this.dispatch(tcpKey(m.src, m.tcp.srcPort, m.tcp.dstPort), { type: 'tcp', responder: m.src, ttl: m.ttl, at: performance.now(), tcp: m.tcp });
    });
    icmp.on('message', (buf, from) => {
      if (this.onPacket) this.tap('in', buf, { family, protocol: family === 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6, peer: from, ipHeader: family === 4 });
      const m = parseIncomingIcmp(buf, family, from);
      if (!m) return;
      const at = performance.now();
      if (m.kind === 'echo-reply' || m.kind === 'timestamp-reply') {
        this.dispatch(echoKey(m.src, m.id, m.seq), { type: m.kind, responder: m.src, ttl: m.ttl, at, id: m.id, seq: m.seq });
      } else if (m.kind === 'error') {
        const q = m.quoted;
        const reply: RawReply = { type: 'icmp-error', responder: m.src, ttl: m.ttl, at, icmpType: m.type, icmpCode: m.code, quoted: q };
        if (q.protocol === IPPROTO_TCP && q.srcPort !== undefined && q.dstPort !== undefined) {
          this.dispatch(tcpKey(q.dst, q.dstPort, q.srcPort), reply);
        } else if (q.protocol === IPPROTO_UDP && q.srcPort !== undefined && q.dstPort !== undefined) {
          this.dispatch(udpKey(q.dst, q.dstPort, q.srcPort), reply);
        } else if ((q.protocol === IPPROTO_ICMP || q.protocol === IPPROTO_ICMPV6) && q.echoId !== undefined && q.echoSeq !== undefined) {
          this.dispatch(echoKey(q.dst, q.echoId, q.echoSeq), reply);
        }
      }
    });
    udp.on('message', (payload, rinfo) => {
      const responder = canonicalIp(rinfo.address);
      if (this.onPacket) this.tapUdp('in', family, responder, rinfo.port, fs.udpPort, payload);
      this.dispatch(udpKey(responder, rinfo.port, fs.udpPort), { type: 'udp', responder, ttl: null, at: performance.now(), port: rinfo.port, payload });
    });
    this.sockets.set(family, fs);
    return fs;
  }

  private bigBuffer(s: RawSocket): void {
    try {
      s.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_RCVBUF, 1 << 20);
    } catch {
      /* the kernel caps it at rmem_max; a smaller buffer only risks drops under load */
    }
  }

  /** The raw UDP socket of a family (opened on first use): crafted datagrams out, UDP replies in. */
  private rawUdpOf(fs: FamilySockets, family: IpFamily): RawSocket {
    if (fs.rawUdp) return fs.rawUdp;
    const af = family === 4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6;
    let sock: RawSocket;
    try {
      sock = raw.createSocket({ protocol: IPPROTO_UDP, addressFamily: af, bufferSize: 1500 });
    } catch (err) {
      throw withCode(err);
    }
    sock.on('error', () => undefined);
    sock.on('message', (buf, from) => {
      if (this.onPacket) this.tap('in', buf, { family, protocol: IPPROTO_UDP, peer: from, ipHeader: family === 4 });
      const m = parseIncomingUdp(buf, family, from);
      if (!m) return;
      this.dispatch(udpKey(m.src, m.srcPort, m.dstPort), { type: 'udp', responder: m.src, ttl: m.ttl, at: performance.now(), port: m.srcPort, payload: m.payload });
    });
    fs.rawUdp = sock;
    return sock;
  }

  /** Local UDP port of the family's shared UDP socket (opens the family if needed). */
  async udpLocalPort(family: IpFamily): Promise<number> {
    return (await this.open(family)).udpPort;
  }

  /**
   * The local address the kernel would use toward `dst`: connect a UDP socket (no packet is sent)
   * and read its local address. Cached per destination; rejects with the errno (ENETUNREACH …).
   */
  sourceFor(dst: string): Promise<string> {
    const cached = this.sources.get(dst);
    if (cached) return cached;
    const p = localAddressFor(dst);
    this.sources.set(dst, p);
    p.catch(() => this.sources.delete(dst));
    return p;
  }

  /** Waits for a rate token; rejects with TransportClosedError when closed first. */
  private token(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) reject(new TransportClosedError());
      else this.limiter.schedule(() => (this.closed ? reject(new TransportClosedError()) : resolve()), () => reject(new TransportClosedError()));
    });
  }

  private async rawSend(sock: RawSocket, buf: Buffer, dst: string, meta: PacketMeta, setTtl: () => void): Promise<number> {
    await this.token();
    return new Promise<number>((resolve, reject) => {
      let sentAt = performance.now();
      try {
        sock.send(
          buf,
          0,
          buf.length,
          dst,
          () => {
            setTtl();
            sentAt = performance.now();
          },
          (err) => {
            if (err) {
              reject(withCode(err));
              return;
            }
            if (this.onPacket) this.tap('out', buf, meta);
            resolve(sentAt);
          },
        );
      } catch (err) {
        reject(withCode(err));
      }
    });
  }

  /** Sends a crafted TCP segment; resolves with the time it left (performance.now()). */
  async sendTcp(p: TcpSend): Promise<number> {
    const fs = await this.open(p.family);
    const seg = buildTcpSegment(p);
    const ttl = p.ttl ?? DEFAULT_TTL;
    return this.rawSend(fs.tcp, seg, p.dst, { family: p.family, protocol: IPPROTO_TCP, peer: p.dst, ipHeader: false, local: p.src }, () => {
      if (fs.tcpTtl !== ttl) {
        setRawTtl(fs.tcp, p.family, ttl);
        fs.tcpTtl = ttl;
      }
    });
  }

  /** Sends an ICMP echo (or timestamp) request; resolves with the time it left. */
  async sendEcho(p: EchoSend): Promise<number> {
    const fs = await this.open(p.family);
    const msg =
      p.timestamp && p.family === 4
        ? buildIcmpTimestamp(p.id, p.seq, Date.now())
        : buildIcmpEcho({ family: p.family, id: p.id, seq: p.seq, src: p.src, dst: p.dst, payload: p.payload });
    const ttl = p.ttl ?? DEFAULT_TTL;
    const protocol = p.family === 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
    const local = this.onPacket && !p.src ? await this.sourceFor(p.dst).catch(() => undefined) : p.src;
    return this.rawSend(fs.icmp, msg, p.dst, { family: p.family, protocol, peer: p.dst, ipHeader: false, ...(local ? { local } : {}) }, () => {
      if (fs.icmpTtl !== ttl) {
        setRawTtl(fs.icmp, p.family, ttl);
        fs.icmpTtl = ttl;
      }
    });
  }

  /** Sends a UDP datagram; resolves with the time it left. See UdpSend.srcPort. */
  async sendUdp(p: UdpSend): Promise<number> {
    const fs = await this.open(p.family);
    const ttl = p.ttl ?? DEFAULT_TTL;
    if (p.srcPort !== undefined) {
      const src = p.src ?? (await this.sourceFor(p.dst));
      const sock = this.rawUdpOf(fs, p.family);
      const dgm = buildUdpDatagram(p.family, src, p.dst, p.srcPort, p.dstPort, p.payload);
      return this.rawSend(sock, dgm, p.dst, { family: p.family, protocol: IPPROTO_UDP, peer: p.dst, ipHeader: false, local: src }, () => {
        if (fs.rawUdpTtl !== ttl) {
          setRawTtl(sock, p.family, ttl);
          fs.rawUdpTtl = ttl;
        }
      });
    }
    await this.token();
    return new Promise<number>((resolve, reject) => {
      try {
        if (fs.udpTtl !== ttl) {
          fs.udp.setTTL(ttl);
          fs.udpTtl = ttl;
        }
        const sentAt = performance.now();
        fs.udp.send(p.payload, p.dstPort, p.dst, (err) => {
          if (err) return reject(withCode(err));
          if (this.onPacket) this.tapUdp('out', p.family, p.dst, p.dstPort, fs.udpPort, p.payload);
          resolve(sentAt);
        });
      } catch (err) {
        reject(withCode(err));
      }
    });
  }

  /** Closes every socket and drops queued sends. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.limiter.clear();
    this.handlers.clear();
    for (const fs of this.sockets.values()) {
      closeQuietly(fs.tcp);
      closeQuietly(fs.icmp);
      closeQuietly(fs.rawUdp);
      closeQuietly(fs.udp);
    }
    this.sockets.clear();
  }
}

function setRawTtl(sock: RawSocket, family: IpFamily, ttl: number): void {
  if (family === 4) sock.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_TTL, ttl);
  else sock.setOption(raw.SocketLevel.IPPROTO_IPV6, raw.SocketOption.IPV6_UNICAST_HOPS, ttl);
}

/**
 * Local address toward dst, by connecting a UDP socket (which sends nothing). Rejects with the
 * connect() error (ENETUNREACH when there is no route, EINVAL for an unscoped link-local …).
 */
export function localAddressFor(dst: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const family = familyOf(dst);
    const s = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    const done = (err: Error | null, addr?: string): void => {
      closeQuietly(s);
      if (err) reject(withCode(err));
      else resolve(canonicalIp(addr ?? ''));
    };
    s.on('error', (err) => done(err));
    try {
      s.connect(9, dst, (err?: Error) => {
        if (err) {
          done(err);
          return;
        }
        try {
          const local = s.address().address;
          // No address of this family on the way out (the kernel leaves the source unset): nothing
          // could be sent with a correct source, and no reply could come back.
          if (local === '0.0.0.0' || local === '::') done(Object.assign(new Error(`no local address toward ${dst}`), { code: 'EADDRNOTAVAIL', syscall: 'connect' }));
          else done(null, local);
        } catch (e) {
          done(e instanceof Error ? e : new Error(String(e)));
        }
      });
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
