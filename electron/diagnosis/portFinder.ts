/**
 * Port finder: when none of the profile's probes gets an answer, look wider for *any* port the host
 * answers on — that port is what the operator can add to the scan profile's discovery ports.
 * TCP: Nmap's top-N ports; UDP: common services with a real request each (electron/net/udpPayloads).
 * The probes are the discovery engine's own (electron/probes runHost with a wide ad-hoc profile):
 * raw SYN through the one transport when privileged, else the unprivileged fallback's connect() and
 * UDP sockets — one rate limiter, event-driven waits, every socket error a probe result.
 * Bounded: every port gets 1 + retries attempts, each with a timeout, plus an overall deadline.
 */
import { setMaxListeners } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { OpenPort } from '../../shared/diagnosis.js';
import type { ProbeResult } from '../../shared/discovery.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { DEFAULT_RATE_PPS } from '../../shared/rate.js';
import type { PacketTap, RawTransport } from '../net/index.js';
import { canUseRawSockets, createDriver, runHost, type ProbeDriver } from '../probes/index.js';
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
  /** Packet rate for raw SYN probes, packets per second (default DEFAULT_RATE_PPS, shared/rate.ts). */
  ratePps?: number;
  /** connect() sockets open at once (default 256; UDP at most 64). */
  concurrency?: number;
  /** Wait for an answer, per attempt, in milliseconds (default 1000). */
  timeoutMs?: number;
  /** Extra attempts for unanswered ports (default 1). */
  retries?: number;
  /** true: raw SYN (fails without privilege); false: connect(); undefined: raw if allowed. */
  privileged?: boolean;
  /** Send raw probes through this transport (shared rate limiter) instead of opening one. */
  transport?: RawTransport;
  /** Packet tap for the transport the port finder opens (a pcap of the run). */
  onPacket?: PacketTap;
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
  /** Probes could not be sent at all (errno and plain words), e.g. no route to the target. */
  error?: { errno: string; detail: string };
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

/** Ports per engine run: bounds sockets (unprivileged) and queued packets (raw) at once. */
const RAW_CHUNK = 4096;
const CONNECT_CHUNK_MAX = 512;
const UDP_CHUNK_MAX = 64;

function portProfile(protocol: 'tcp' | 'udp', ports: number[], timeoutMs: number, retries: number): DiscoveryProfile {
  return {
    name: 'port-finder',
    description: '',
    scanner: 'custom',
    tcpSyn: protocol === 'tcp' ? ports : [],
    tcpAck: [],
    tcpSynAck: [],
    udp: protocol === 'udp' ? ports : [],
    icmpEcho: false,
    icmpTimestamp: false,
    timeoutMs,
    retries,
  };
}

/** The answer that shows a port is reachable, or null. */
function openPortOf(p: ProbeResult): OpenPort | null {
  if (!p.countsAsAlive || p.port === null) return null;
  if (p.protocol === 'tcp' && (p.result === 'syn-ack' || p.result === 'rst')) return { protocol: 'tcp', port: p.port, result: p.result };
  if (p.protocol === 'udp' && (p.result === 'udp-reply' || p.result === 'icmp-port-unreachable')) return { protocol: 'udp', port: p.port, result: p.result };
  return null;
}

/** Runs the engine over `ports` in chunks of `chunk`, one chunk after the other. */
async function probePorts(
  address: string,
  family: 4 | 6,
  driver: ProbeDriver,
  protocol: 'tcp' | 'udp',
  ports: number[],
  chunk: number,
  timeoutMs: number,
  retries: number,
  signal: AbortSignal,
  emit: (p: OpenPort) => void,
  onError: (p: ProbeResult) => void,
): Promise<void> {
  for (let i = 0; i < ports.length && !signal.aborted; i += chunk) {
    const profile = portProfile(protocol, ports.slice(i, i + chunk), timeoutMs, retries);
    await runHost({ target: address, address, family }, { driver, profile, signal }, (probe) => {
      const open = openPortOf(probe);
      if (open) emit(open);
      else if (probe.result === 'error') onError(probe);
    });
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
  setMaxListeners(0, signal);
  const tcpPorts = [...new Set(opts.tcpPorts ?? topTcpPorts(opts.topPorts ?? 1000))].filter((p) => p >= 1 && p <= 65535);
  const udpPorts = [...new Set(opts.udpPorts ?? COMMON_UDP_PORTS)].filter((p) => p >= 1 && p <= 65535);
  const timeoutMs = Math.min(Math.max(opts.timeoutMs ?? 1000, 50), 10_000);
  const retries = Math.min(Math.max(opts.retries ?? 1, 0), 3);
  const ratePps = Math.min(Math.max(opts.ratePps ?? DEFAULT_RATE_PPS, 1), 100_000);
  const concurrency = Math.max(1, opts.concurrency ?? 256);
  const found: OpenPort[] = [];
  let error: PortFinderResult['error'];
  const emit = (p: OpenPort): void => {
    if (found.some((f) => f.protocol === p.protocol && f.port === p.port)) return;
    const service = serviceName(p.protocol, p.port);
    const withName = service ? { ...p, service } : p;
    found.push(withName);
    opts.onPort?.(withName);
  };
  const onError = (p: ProbeResult): void => {
    error ??= { errno: p.errno ?? 'EUNKNOWN', detail: p.detail ?? 'error' };
  };

  const privileged = opts.privileged ?? canUseRawSockets();
  if (privileged && !canUseRawSockets()) {
    clearTimeout(timer);
    throw Object.assign(new Error('raw sockets are not available: run as root (or grant CAP_NET_RAW)'), { code: 'not-permitted' });
  }
  const address = target;
  const fam = family === 4 ? 4 : 6;
  // One driver (one rate limiter) for TCP and UDP; in the fallback, connect() gets one attempt
  // (the kernel retransmits the SYN itself), as before.
  const driver = createDriver({ privileged, ratePps, timeoutMs, ...(opts.transport ? { transport: opts.transport } : {}), ...(opts.onPacket ? { onPacket: opts.onPacket } : {}) });
  try {
    const udpJob =
      udpPorts.length > 0
        ? probePorts(address, fam, driver, 'udp', udpPorts, privileged ? RAW_CHUNK : Math.min(concurrency, UDP_CHUNK_MAX), timeoutMs, retries, signal, emit, onError)
        : Promise.resolve();
    if (tcpPorts.length > 0) {
      await probePorts(
        address,
        fam,
        driver,
        'tcp',
        tcpPorts,
        privileged ? RAW_CHUNK : Math.min(concurrency, CONNECT_CHUNK_MAX),
        timeoutMs,
        privileged ? retries : 0,
        signal,
        emit,
        onError,
      );
    }
    await udpJob;
    const order = (p: OpenPort): number => (p.protocol === 'tcp' ? 0 : 100000) + p.port;
    return {
      openPorts: found.sort((a, b) => order(a) - order(b)),
      tcpMethod: tcpPorts.length === 0 ? 'none' : privileged ? 'raw-syn' : 'connect',
      tcpProbed: tcpPorts.length,
      udpProbed: udpPorts.length,
      durationMs: Math.round(performance.now() - started),
      cancelled: opts.signal?.aborted === true,
      truncated: deadline.signal.aborted && opts.signal?.aborted !== true,
      ...(error && found.length === 0 ? { error } : {}),
    };
  } finally {
    clearTimeout(timer);
    driver.close();
  }
}
