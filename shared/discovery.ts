/**
 * Results of host discovery: one ProbeResult per probe sent, one HostResult per host.
 * These cross every boundary (IPC, web mode, CLI --json), so field names are a contract.
 * ICMP codes are classified in shared/icmp.ts; probes are named by probeLabel() below.
 */
import type { IcmpOutcome } from './icmp.js';

export type ProbeProtocol = 'tcp' | 'udp' | 'icmp';

/** What kind of packet the scanner sends. */
export type ProbeKind = 'syn' | 'ack' | 'syn-ack' | 'udp' | 'echo' | 'timestamp';

/**
 * How a probe was actually sent.
 * - `raw`: crafted packet on a raw socket (needs root / CAP_NET_RAW); replies read off raw sockets.
 * - `connect`: unprivileged TCP connect() standing in for a SYN probe.
 * - `udp-socket`: ordinary UDP socket (unprivileged); a port unreachable surfaces as ECONNREFUSED.
 * - `ping-socket`: unprivileged ICMP datagram socket (net.ipv4.ping_group_range).
 * - `system-ping`: the system `ping` binary.
 * - `none`: the probe could not be sent (see result `needs-privilege`).
 */
export type ProbeMethod = 'raw' | 'connect' | 'udp-socket' | 'ping-socket' | 'system-ping' | 'none';

/**
 * What came back. Names follow the packet, not an interpretation:
 * - `syn-ack`: TCP SYN-ACK (or a completed connect()).
 * - `rst`: TCP RST (or ECONNREFUSED from connect()).
 * - `echo-reply` / `timestamp-reply`: ICMP echo / timestamp reply.
 * - `udp-reply`: a UDP datagram back from the port.
 * - `icmp-port-unreachable`: ICMP 3/3 (ICMPv6 1/4).
 * - `icmp-admin-prohibited`: ICMP 3/9, 3/10, 3/13 (ICMPv6 1/1, 1/5, 1/6 — see shared/icmp.ts).
 * - `icmp-unreachable`: any other ICMP destination unreachable.
 * - `icmp-time-exceeded`: TTL expired in transit.
 * - `no-response`: nothing before the timeout, after every retry.
 * - `needs-privilege`: could not be sent without a raw socket. Never counted as "no response".
 * - `error`: the local system refused to send or receive (errno in `errno`, plain words in `detail`);
 *   nothing is known about the host from this probe.
 * - `cancelled`: the run was cancelled before an answer.
 */
export type ProbeOutcome =
  | 'syn-ack'
  | 'rst'
  | 'echo-reply'
  | 'timestamp-reply'
  | 'udp-reply'
  | IcmpOutcome
  | 'no-response'
  | 'needs-privilege'
  | 'error'
  | 'cancelled';

export interface ProbeResult {
  protocol: ProbeProtocol;
  kind: ProbeKind;
  /** Destination port; null for ICMP. */
  port: number | null;
  /** Source port the scanner uses (fixed for ACK/SYN-ACK probes, random otherwise); null for ICMP or when the OS chose it. */
  sourcePort: number | null;
  method: ProbeMethod;
  result: ProbeOutcome;
  /** Address the answer came from (the target, or a router on the path); null when nothing answered or it is unknowable unprivileged. */
  responder: string | null;
  /** True when `responder` is the target itself. */
  fromTarget: boolean;
  icmpType: number | null;
  icmpCode: number | null;
  /** IP TTL / hop limit of the answer, when the method can see it. */
  ttl: number | null;
  /** Round-trip time of the answering attempt, in milliseconds. */
  rttMs: number | null;
  /** Attempts sent (1 + retries used). */
  attempts: number;
  /** True when a scanner would count this answer as proof of life. */
  countsAsAlive: boolean;
  /** Free text: error message, UDP payload summary, why a probe was skipped. */
  detail?: string;
  /**
   * For `error`: the system error code (`EACCES`, `ENETUNREACH`, `EHOSTUNREACH`, `EADDRNOTAVAIL`, …)
   * or a ScanReady code (`ELINKLOCALSCOPE`); `detail` says the same in plain words.
   */
  errno?: string;
}

/**
 * - `alive`: the target itself answered a probe a scanner counts.
 * - `not-alive`: every probe was sent and nothing answered.
 * - `rejected-by-host`: the only answers were "administratively prohibited" from the target itself.
 * - `filtered-in-path`: an ICMP unreachable came from another address (a router/firewall on the path).
 * - `inconclusive`: nothing answered, but probes that might have were not sent (no privilege).
 */
export type Verdict = 'alive' | 'not-alive' | 'rejected-by-host' | 'filtered-in-path' | 'inconclusive';

export interface HostResult {
  /** The target as the user typed it (hostname, address, or an entry of a range). */
  target: string;
  /** The address probed. */
  address: string;
  family: 4 | 6;
  alive: boolean;
  verdict: Verdict;
  /** One line built from the evidence, e.g. "alive: RST to TCP ACK 80→2869; SYN probes dropped — a stateless SYN filter". */
  reason: string;
  /** Scanner-style method list for an alive host, e.g. `ICMP;TCPPort 22;TCP RST`. Empty when not alive. */
  aliveBy: string;
  /** True when raw sockets were used for the probes that need them. */
  privileged: boolean;
  profile: string;
  probes: ProbeResult[];
  /** Things the operator must know about how this verdict was made (fallbacks, profile limits). */
  warnings: string[];
  startedAt: string;
  durationMs: number;
}

/** Streamed while a discovery runs; the UI and the CLI consume the same events. */
export type DiscoveryEvent =
  | {
      type: 'start';
      total: number;
      privileged: boolean;
      profile: string;
      /** "Run privileged probes": the elevated helper's own report of who ran the probes. */
      helper?: { pid: number; euid: number | null };
    }
  | { type: 'host-start'; target: string; address: string }
  | { type: 'probe'; target: string; address: string; probe: ProbeResult }
  | { type: 'host-done'; result: HostResult }
  | { type: 'host-error'; target: string; message: string }
  | { type: 'progress'; done: number; total: number; alive: number; etaMs: number | null }
  | { type: 'end'; done: number; total: number; alive: number; cancelled: boolean; durationMs: number };

/** Outcomes that prove the target is up when they come from the target itself. */
export const ALIVE_OUTCOMES: ReadonlySet<ProbeOutcome> = new Set<ProbeOutcome>([
  'syn-ack',
  'rst',
  'echo-reply',
  'timestamp-reply',
  'udp-reply',
  'icmp-port-unreachable',
]);

/** Short name of a probe: `TCP SYN 22`, `TCP ACK 80→2869`, `TCP SYN-ACK 443`, `UDP 53`, `ICMP echo`, `ICMP timestamp`. */
export function probeLabel(p: Pick<ProbeResult, 'kind' | 'port' | 'sourcePort'>): string {
  const port = p.port ?? '?';
  const pair = p.sourcePort !== null && p.sourcePort !== undefined ? `${p.sourcePort}→${port}` : `${port}`;
  switch (p.kind) {
    case 'syn':
      return `TCP SYN ${port}`;
    case 'ack':
      return `TCP ACK ${pair}`;
    case 'syn-ack':
      return `TCP SYN-ACK ${pair}`;
    case 'udp':
      return `UDP ${port}`;
    case 'echo':
      return 'ICMP echo';
    case 'timestamp':
      return 'ICMP timestamp';
  }
}

/** Stable key of a probe inside one host's matrix. */
export function probeKey(p: Pick<ProbeResult, 'kind' | 'port' | 'sourcePort'>): string {
  // SYN/UDP/ICMP probes use a random (or OS-chosen) source port: only ACK and SYN-ACK probes are
  // identified by theirs.
  const src = p.kind === 'ack' || p.kind === 'syn-ack' ? (p.sourcePort ?? '') : '';
  return `${p.kind}:${src}:${p.port ?? ''}`;
}
