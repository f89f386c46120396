/**
 * RawTransport: the privileged packet layer shared by every host of a run (discovery now;
 * traceroute and the port finder later).
 *
 * Per address family, opened on first use: one raw TCP socket (crafted SYN / ACK / SYN-ACK out,
 * every incoming TCP segment in), one raw ICMP socket (echo / timestamp out, echo replies and ICMP
 * errors in) and one ordinary UDP socket (service requests out, UDP replies in — the ICMP errors
 * they cause arrive on the raw ICMP socket). Incoming packets are dispatched by key to whoever
 * registered it: see tcpKey / udpKey / echoKey. Sends go through one global token bucket.
 *
 * Linux specifics: a raw IPv4 socket delivers the IP header (so we see the TTL), a raw IPv6 socket
 * does not (hop limit unknown: ttl null). Without IP_HDRINCL the kernel builds the IP header; the
 * TTL is set per send with IP_TTL / IPV6_UNICAST_HOPS just before the packet leaves.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import raw from 'raw-socket';
import type { Socket as RawSocket } from 'raw-socket';
import {
  buildIcmpEcho,
  buildIcmpTimestamp,
  buildTcpSegment,
  canonicalIp,
  parseIncomingIcmp,
  parseIncomingTcp,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPPROTO_ICMPV6,
  type IpFamily,
  type QuotedPacket,
  type TcpHeader,
} from './packets.js';

export const DEFAULT_TTL = 64;

/** Something that came back, already matched to a key. `at` is performance.now() at receipt. */
export type RawReply =
  | { type: 'tcp'; responder: string; ttl: number | null; at: number; tcp: TcpHeader }
  | { type: 'udp'; responder: string; ttl: null; at: number; port: number; payload: Buffer }
  | { type: 'echo-reply' | 'timestamp-reply'; responder: string; ttl: number | null; at: number; id: number; seq: number }
  | { type: 'icmp-error'; responder: string; ttl: number | null; at: number; icmpType: number; icmpCode: number; quoted: QuotedPacket };

export type ReplyHandler = (reply: RawReply) => void;

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

/** Error thrown for sends dropped by close() or a cleared rate limiter. */
export class TransportClosedError extends Error {
  constructor() {
    super('transport closed');
    this.name = 'AbortError';
  }
}

/**
 * Global packet-rate limiter (token bucket). Tasks run FIFO when a token is available; one timer
 * at most is pending, whatever the queue length.
 */
export class RateLimiter {
  private tokens: number;
  private last = performance.now();
  private readonly queue: { run: () => void; drop: () => void }[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly burst: number;

  constructor(
    readonly pps: number,
    burst?: number,
  ) {
    if (!(pps > 0)) throw new RangeError('rate must be > 0 packets per second');
    this.burst = burst ?? Math.max(1, Math.ceil(pps / 100));
    this.tokens = this.burst;
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Runs `run` when the rate allows; `drop` instead if clear() comes first. */
  schedule(run: () => void, drop: () => void): void {
    this.queue.push({ run, drop });
    // With a timer pending, the queue drains when it fires: never start a second one.
    if (this.timer === null) this.pump();
  }

  private onTimer = (): void => {
    this.timer = null;
    this.pump();
  };

  private pump(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.pps) / 1000);
    this.last = now;
    while (this.tokens >= 1 && this.head < this.queue.length) {
      const task = this.queue[this.head++];
      this.tokens -= 1;
      task?.run();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.queue.length && this.timer === null) {
      const waitMs = Math.max(1, ((1 - this.tokens) * 1000) / this.pps);
      this.timer = setTimeout(this.onTimer, waitMs);
    }
  }

  /** Drops every queued task (their `drop` runs). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rest = this.queue.splice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const t of rest) t.drop();
  }
}

interface FamilySockets {
  tcp: RawSocket;
  icmp: RawSocket;
  udp: dgram.Socket;
  udpPort: number;
  tcpTtl: number;
  icmpTtl: number;
  udpTtl: number;
}

export interface TcpSend {
  family: IpFamily;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  mss?: number;
  /** IP TTL / hop limit of this packet (default 64): traceroute sends TTL-limited probes. */
  ttl?: number;
}

export interface EchoSend {
  family: IpFamily;
  dst: string;
  src?: string;
  id: number;
  seq: number;
  /** ICMP timestamp request instead of echo (IPv4 only). */
  timestamp?: boolean;
  ttl?: number;
}

export interface UdpSend {
  family: IpFamily;
  dst: string;
  dstPort: number;
  payload: Buffer;
  ttl?: number;
}

function familyOf(address: string): IpFamily {
  return address.includes(':') ? 6 : 4;
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

export class RawTransport {
  readonly limiter: RateLimiter;
  /** ICMP echo identifier of this transport (random per run). */
  readonly echoId = Math.floor(Math.random() * 0xffff) + 1;
  private echoSeq = Math.floor(Math.random() * 0xffff);
  private readonly handlers = new Map<string, ReplyHandler>();
  private readonly sockets = new Map<IpFamily, FamilySockets>();
  private readonly opening = new Map<IpFamily, Promise<FamilySockets>>();
  private readonly sources = new Map<string, Promise<string>>();
  private closed = false;

  constructor(opts: { ratePps: number }) {
    this.limiter = new RateLimiter(opts.ratePps);
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

  /** Opens (once) the sockets of a family. Rejects when raw sockets are not permitted. */
  open(family: IpFamily): Promise<FamilySockets> {
    if (this.closed) return Promise.reject(new TransportClosedError());
    const existing = this.opening.get(family);
    if (existing) return existing;
    const p = this.openFamily(family);
    this.opening.set(family, p);
    return p;
  }

  private async openFamily(family: IpFamily): Promise<FamilySockets> {
    const af = family === 4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6;
    const tcp = raw.createSocket({ protocol: IPPROTO_TCP, addressFamily: af, bufferSize: 1500 });
    let icmp: RawSocket;
    try {
      icmp = raw.createSocket({ protocol: family === 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6, addressFamily: af, bufferSize: 1500 });
    } catch (err) {
      tcp.close();
      throw err;
    }
    const udp = dgram.createSocket(family === 4 ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
    const closeAll = (): void => {
      tcp.close();
      icmp.close();
      try {
        udp.close();
      } catch {
        /* already closed */
      }
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
      throw err;
    }
    if (this.closed) {
      closeAll();
      throw new TransportClosedError();
    }
    for (const s of [tcp, icmp]) {
      try {
        s.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_RCVBUF, 1 << 20);
      } catch {
        /* the kernel caps it at rmem_max; a smaller buffer only risks drops under load */
      }
    }
    const fs: FamilySockets = { tcp, icmp, udp, udpPort: udp.address().port, tcpTtl: -1, icmpTtl: -1, udpTtl: -1 };
    // Errors on a socket must not crash the process; the socket stays usable for later sends.
    tcp.on('error', () => undefined);
    icmp.on('error', () => undefined);
    udp.on('error', () => undefined);
    tcp.on('message', (buf, from) => {
      const m = parseIncomingTcp(buf, family, from);
      if (!m) return;
      this.dispatch(tcpKey(m.src, m.tcp.srcPort, m.tcp.dstPort), { type: 'tcp', responder: m.src, ttl: m.ttl, at: performance.now(), tcp: m.tcp });
    });
    icmp.on('message', (buf, from) => {
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
      this.dispatch(udpKey(canonicalIp(rinfo.address), rinfo.port, fs.udpPort), {
        type: 'udp',
        responder: canonicalIp(rinfo.address),
        ttl: null,
        at: performance.now(),
        port: rinfo.port,
        payload,
      });
    });
    this.sockets.set(family, fs);
    return fs;
  }

  /** Local UDP port of the family's shared UDP socket (opens the family if needed). */
  async udpLocalPort(family: IpFamily): Promise<number> {
    return (await this.open(family)).udpPort;
  }

  /**
   * The local address the kernel would use toward `dst`: connect a UDP socket (no packet is sent)
   * and read its local address. Cached per destination.
   */
  sourceFor(dst: string): Promise<string> {
    const cached = this.sources.get(dst);
    if (cached) return cached;
    const p = localAddressFor(dst);
    this.sources.set(dst, p);
    p.catch(() => this.sources.delete(dst));
    return p;
  }

  private rawSend(sock: RawSocket, buf: Buffer, dst: string, setTtl: () => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.closed) {
        reject(new TransportClosedError());
        return;
      }
      this.limiter.schedule(
        () => {
          if (this.closed) {
            reject(new TransportClosedError());
            return;
          }
          let sentAt = performance.now();
          sock.send(
            buf,
            0,
            buf.length,
            dst,
            () => {
              setTtl();
              sentAt = performance.now();
            },
            (err) => (err ? reject(err) : resolve(sentAt)),
          );
        },
        () => reject(new TransportClosedError()),
      );
    });
  }

  /** Sends a crafted TCP segment; resolves with the time it left (performance.now()). */
  async sendTcp(p: TcpSend): Promise<number> {
    const fs = await this.open(p.family);
    const seg = buildTcpSegment(p);
    const ttl = p.ttl ?? DEFAULT_TTL;
    return this.rawSend(fs.tcp, seg, p.dst, () => {
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
        : buildIcmpEcho({ family: p.family, id: p.id, seq: p.seq, src: p.src, dst: p.dst });
    const ttl = p.ttl ?? DEFAULT_TTL;
    return this.rawSend(fs.icmp, msg, p.dst, () => {
      if (fs.icmpTtl !== ttl) {
        setRawTtl(fs.icmp, p.family, ttl);
        fs.icmpTtl = ttl;
      }
    });
  }

  /** Sends a UDP datagram from the shared UDP socket; resolves with the time it left. */
  async sendUdp(p: UdpSend): Promise<number> {
    const fs = await this.open(p.family);
    const ttl = p.ttl ?? DEFAULT_TTL;
    return new Promise<number>((resolve, reject) => {
      if (this.closed) {
        reject(new TransportClosedError());
        return;
      }
      this.limiter.schedule(
        () => {
          if (this.closed) {
            reject(new TransportClosedError());
            return;
          }
          try {
            if (fs.udpTtl !== ttl) {
              fs.udp.setTTL(ttl);
              fs.udpTtl = ttl;
            }
            const sentAt = performance.now();
            fs.udp.send(p.payload, p.dstPort, p.dst, (err) => (err ? reject(err) : resolve(sentAt)));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        },
        () => reject(new TransportClosedError()),
      );
    });
  }

  /** Closes every socket and drops queued sends. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.limiter.clear();
    this.handlers.clear();
    for (const fs of this.sockets.values()) {
      fs.tcp.close();
      fs.icmp.close();
      try {
        fs.udp.close();
      } catch {
        /* already closed */
      }
    }
    this.sockets.clear();
  }
}

function setRawTtl(sock: RawSocket, family: IpFamily, ttl: number): void {
  if (family === 4) sock.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_TTL, ttl);
  else sock.setOption(raw.SocketLevel.IPPROTO_IPV6, raw.SocketOption.IPV6_UNICAST_HOPS, ttl);
}

/** Local address toward dst, by connecting a UDP socket (which sends nothing). */
export function localAddressFor(dst: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const family = familyOf(dst);
    const s = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    const done = (err: Error | null, addr?: string): void => {
      try {
        s.close();
      } catch {
        /* already closed */
      }
      if (err) reject(err);
      else resolve(canonicalIp(addr ?? ''));
    };
    s.once('error', (err) => done(err));
    s.connect(9, dst, () => {
      try {
        done(null, s.address().address);
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
