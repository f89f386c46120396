/**
 * Port finder: when none of the profile's probes gets an answer, look wider for *any* port the host
 * answers on — that port is what the operator can add to the scan profile's discovery ports.
 * TCP: Nmap's top-N ports (raw SYN at a bounded packet rate when privileged, else connect() with bounded
 * concurrency). UDP: common services with a real request each (connected UDP sockets, both modes).
 * Bounded: every port gets 1 + retries attempts, each with a timeout, plus an overall deadline.
 */
import dgram from 'node:dgram';
import { setMaxListeners } from 'node:events';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import type { OpenPort } from '../../shared/diagnosis.js';
import { buildTcpSegment, canonicalIp, IPPROTO_TCP, parseIncomingTcp, TCP_ACK, TCP_RST, TCP_SYN, type IpFamily } from '../probes/packets.js';
import { udpPayloadFor } from '../probes/udpPayloads.js';
import { waitUntil } from './path.js';
import { openRawSocket } from './rawSocket.js';
import { sourceAddressFor } from './sourceAddress.js';
import { TCP_SERVICE_NAMES, TOP_TCP_PORTS } from './topPorts.js';

/** Common UDP services probed by default. */
export const COMMON_UDP_PORTS: readonly number[] = [53, 67, 68, 69, 123, 137, 161, 500, 514, 520, 1900, 5353];

const UDP_SERVICE_NAMES: Readonly<Record<number, string>> = {
  53: 'domain',
  67: 'dhcps',
  68: 'dhcpc',
  69: 'tftp',
  123: 'ntp',
  137: 'netbios-ns',
  161: 'snmp',
  500: 'isakmp',
  514: 'syslog',
  520: 'route',
  1900: 'upnp',
  5353: 'mdns',
};

export interface PortFinderOptions {
  /** How many of Nmap's top TCP ports (default 1000; above 1000 the remaining ports follow in numeric order). */
  topPorts?: number;
  /** Explicit TCP ports instead of the top-N list. */
  tcpPorts?: number[];
  /** UDP ports (default COMMON_UDP_PORTS; [] for none). */
  udpPorts?: number[];
  /** Packet rate for raw SYN probes, packets per second (default 2000). */
  ratePps?: number;
  /** connect() sockets open at once (default 256; UDP at most 64). */
  concurrency?: number;
  /** Wait for an answer, per attempt, in milliseconds (default 1000). */
  timeoutMs?: number;
  /** Extra attempts for unanswered ports (default 1). */
  retries?: number;
  /** true: raw SYN (fails without privilege); false: connect(); undefined: raw if allowed. */
  privileged?: boolean;
  /** Overall deadline in milliseconds (default 60000). */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Called as soon as a port answers. */
  onPort?: (port: OpenPort) => void;
}

export interface PortFinderResult {
  openPorts: OpenPort[];
  /** How TCP was probed. */
  tcpMethod: 'raw-syn' | 'connect' | 'none';
  tcpProbed: number;
  udpProbed: number;
  durationMs: number;
  cancelled: boolean;
  /** The deadline stopped the search before every port had its attempts. */
  truncated: boolean;
}

/** The first `n` ports of Nmap's top list; past 1000, the other ports in numeric order. */
export function topTcpPorts(n: number): number[] {
  const count = Math.min(Math.max(Math.floor(n), 0), 65535);
  if (count <= TOP_TCP_PORTS.length) return TOP_TCP_PORTS.slice(0, count);
  const seen = new Set(TOP_TCP_PORTS);
  const out = [...TOP_TCP_PORTS];
  for (let p = 1; p <= 65535 && out.length < count; p++) if (!seen.has(p)) out.push(p);
  return out;
}

function serviceName(protocol: 'tcp' | 'udp', port: number): string | undefined {
  return protocol === 'tcp' ? TCP_SERVICE_NAMES[port] : UDP_SERVICE_NAMES[port];
}

/** SSDP, mDNS and TFTP requests (the discovery engine's payload table covers the rest). */
function udpRequest(port: number): Buffer {
  switch (port) {
    case 1900:
      return Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n');
    case 5353:
      return udpPayloadFor(53).payload; // a unicast DNS query to the mDNS port gets a unicast answer
    case 69:
      return Buffer.concat([Buffer.from([0, 1]), Buffer.from('scanready\0octet\0')]); // TFTP RRQ
    default:
      return udpPayloadFor(port).payload;
  }
}

/** Looks for ports the target answers on. Never throws for network conditions. */
export async function findOpenPorts(target: string, opts: PortFinderOptions = {}): Promise<PortFinderResult> {
  const family = net.isIP(target);
  if (family === 0) throw Object.assign(new Error(`port finder needs an IP address, got "${target}"`), { code: 'bad-input' });
  const started = performance.now();
  const deadlineMs = Math.min(Math.max(opts.deadlineMs ?? 60_000, 1000), 600_000);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
  setMaxListeners(0, signal); // one listener per open socket, bounded by the concurrency
  const tcpPorts = [...new Set(opts.tcpPorts ?? topTcpPorts(opts.topPorts ?? 1000))].filter((p) => p >= 1 && p <= 65535);
  const udpPorts = [...new Set(opts.udpPorts ?? COMMON_UDP_PORTS)].filter((p) => p >= 1 && p <= 65535);
  const timeoutMs = Math.min(Math.max(opts.timeoutMs ?? 1000, 50), 10_000);
  const retries = Math.min(Math.max(opts.retries ?? 1, 0), 3);
  const found: OpenPort[] = [];
  const emit = (p: OpenPort): void => {
    if (found.some((f) => f.protocol === p.protocol && f.port === p.port)) return;
    const service = serviceName(p.protocol, p.port);
    const withName = service ? { ...p, service } : p;
    found.push(withName);
    opts.onPort?.(withName);
  };

  try {
    let tcpMethod: PortFinderResult['tcpMethod'] = 'none';
    const udpJob = udpPorts.length > 0 ? udpSearch(target, family === 4 ? 4 : 6, udpPorts, timeoutMs, retries, opts.concurrency ?? 128, signal, emit) : Promise.resolve();
    if (tcpPorts.length > 0) {
      let done = false;
      if (opts.privileged !== false) {
        try {
          await rawSynSearch(target, family === 4 ? 4 : 6, tcpPorts, { ...opts, timeoutMs, retries }, signal, emit);
          tcpMethod = 'raw-syn';
          done = true;
        } catch (err) {
          if (opts.privileged === true) throw err;
        }
      }
      if (!done) {
        await connectSearch(target, tcpPorts, timeoutMs, opts.concurrency ?? 256, signal, emit);
        tcpMethod = 'connect';
      }
    }
    await udpJob;
    const order = (p: OpenPort): number => (p.protocol === 'tcp' ? 0 : 100000) + p.port;
    return {
      openPorts: found.sort((a, b) => order(a) - order(b)),
      tcpMethod,
      tcpProbed: tcpPorts.length,
      udpProbed: udpPorts.length,
      durationMs: Math.round(performance.now() - started),
      cancelled: opts.signal?.aborted === true,
      truncated: deadline.signal.aborted && opts.signal?.aborted !== true,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function rawSynSearch(
  target: string,
  family: IpFamily,
  ports: number[],
  opts: PortFinderOptions & { timeoutMs: number; retries: number },
  signal: AbortSignal,
  emit: (p: OpenPort) => void,
): Promise<void> {
  const dst = canonicalIp(target);
  const src = await sourceAddressFor(target);
  if (src === null) return;
  const srcPort = randomInt(40000, 60000);
  const seq = randomInt(0, 0x7fffffff);
  const wanted = new Set(ports);
  const answered = new Set<number>();
  const sock = openRawSocket(family, IPPROTO_TCP, (buf, source) => {
    const t = parseIncomingTcp(buf, family, source);
    if (!t || canonicalIp(t.src) !== dst || t.tcp.dstPort !== srcPort || !wanted.has(t.tcp.srcPort)) return;
    if (answered.has(t.tcp.srcPort)) return;
    const synAck = (t.tcp.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
    const rst = (t.tcp.flags & TCP_RST) !== 0;
    if (!synAck && !rst) return;
    answered.add(t.tcp.srcPort);
    emit({ protocol: 'tcp', port: t.tcp.srcPort, result: synAck ? 'syn-ack' : 'rst' });
  });
  try {
    const pps = Math.min(Math.max(opts.ratePps ?? 2000, 1), 100_000);
    const tickMs = 10;
    const perTick = Math.max(1, Math.round((pps * tickMs) / 1000));
    for (let attempt = 0; attempt <= opts.retries && !signal.aborted; attempt++) {
      const todo = ports.filter((p) => !answered.has(p));
      if (todo.length === 0) break;
      for (let i = 0; i < todo.length && !signal.aborted; i += perTick) {
        const tickStart = performance.now();
        for (const port of todo.slice(i, i + perTick)) {
          const seg = buildTcpSegment({ family, src, dst, srcPort, dstPort: port, seq, flags: TCP_SYN, window: 1024, mss: 1460 });
          await sock.send(seg, dst, 64).catch(() => undefined);
        }
        const spent = performance.now() - tickStart;
        if (spent < tickMs) await new Promise((r) => setTimeout(r, tickMs - spent));
      }
      await waitUntil(() => todo.every((p) => answered.has(p)), opts.timeoutMs, signal);
    }
  } finally {
    sock.close();
  }
}

async function connectSearch(
  target: string,
  ports: number[],
  timeoutMs: number,
  concurrency: number,
  signal: AbortSignal,
  emit: (p: OpenPort) => void,
): Promise<void> {
  await eachPort(ports, Math.min(concurrency, 512), signal, async (port) => {
    const r = await connectOnce(target, port, timeoutMs, signal);
    if (r) emit({ protocol: 'tcp', port, result: r });
  });
}

/** Runs `probe` over `ports` with at most `concurrency` in flight, stopping early on abort. */
async function eachPort(ports: number[], concurrency: number, signal: AbortSignal, probe: (port: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ports.length && !signal.aborted) {
      const port = ports[next++];
      if (port === undefined) break;
      await probe(port);
    }
  };
  const n = Math.min(Math.max(concurrency, 1), ports.length);
  await Promise.all(Array.from({ length: n }, () => worker()));
}

function connectOnce(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<'syn-ack' | 'rst' | null> {
  return new Promise((resolve) => {
    const sock = new net.Socket();
    let settled = false;
    const finish = (r: 'syn-ack' | 'rst' | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish(null);
    const timer = setTimeout(() => finish(null), signal.aborted ? 0 : timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => finish('syn-ack'));
    sock.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'rst' : null));
    sock.connect({ host, port });
  });
}

async function udpSearch(
  target: string,
  family: IpFamily,
  ports: number[],
  timeoutMs: number,
  retries: number,
  concurrency: number,
  signal: AbortSignal,
  emit: (p: OpenPort) => void,
): Promise<void> {
  await eachPort(ports, Math.min(concurrency, 64), signal, async (port) => {
    const r = await udpOnce(target, family, port, timeoutMs, retries, signal);
    if (r) emit({ protocol: 'udp', port, result: r });
  });
}

function udpOnce(
  host: string,
  family: IpFamily,
  port: number,
  timeoutMs: number,
  retries: number,
  signal: AbortSignal,
): Promise<'udp-reply' | 'icmp-port-unreachable' | null> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
    let settled = false;
    let attempt = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: 'udp-reply' | 'icmp-port-unreachable' | null): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      try {
        sock.close();
      } catch {
        // not running
      }
      resolve(r);
    };
    const onAbort = (): void => finish(null);
    if (signal.aborted) {
      finish(null);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    sock.on('message', () => finish('udp-reply'));
    sock.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'icmp-port-unreachable' : null));
    const send = (): void => {
      if (settled) return;
      sock.send(udpRequest(port), (err) => {
        if (err) finish(null);
      });
      timer = setTimeout(() => {
        attempt++;
        if (attempt > retries) finish(null);
        else send();
      }, timeoutMs);
    };
    try {
      sock.connect(port, host, send);
    } catch {
      finish(null);
    }
  });
}
