/**
 * Types of the discovery engine's public face (see index.ts). Result types live in shared/discovery.ts.
 */
import type { DiscoveryProfile } from '../../shared/profiles.js';
import type { ProbeKind, ProbeProtocol } from '../../shared/discovery.js';
import type { PacketTap } from '../net/index.js';

/** One address to probe, as produced by the target parser (electron/targets/). */
export interface ResolvedTarget {
  /** The target as the user typed it (hostname, address, or an entry of a range). */
  target: string;
  /** The address to probe (textual IPv4 or IPv6). */
  address: string;
  family: 4 | 6;
}

/**
 * What a sweep consumes: an array, or a lazy plan (electron/targets `planTargets`) that yields
 * addresses one at a time and knows its `total` without expanding.
 */
export type TargetSource = readonly ResolvedTarget[] | (Iterable<ResolvedTarget> & { readonly total: number });

/**
 * - `auto`: raw sockets when the process may open them (root / CAP_NET_RAW), else the fallback.
 * - `raw`: raw sockets or fail.
 * - `unprivileged`: never raw sockets (connect(), UDP sockets, system ping) even when privileged.
 */
export type DiscoverMode = 'auto' | 'raw' | 'unprivileged';

export interface DiscoverOptions {
  profile: DiscoveryProfile;
  mode?: DiscoverMode;
  /** Global send rate for the whole run, packets per second (default DEFAULT_RATE_PPS). */
  ratePps?: number;
  /** Hosts probed at the same time (default DEFAULT_CONCURRENCY; lower in the unprivileged fallback). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Packet tap on the raw transport (raw mode only): every packet sent and received, for a pcap. */
  onPacket?: PacketTap;
}

/** One probe of a profile, before it is sent. */
export interface ProbeSpec {
  protocol: ProbeProtocol;
  kind: ProbeKind;
  /** Destination port; null for ICMP. */
  port: number | null;
  /** Fixed source port (ACK / SYN-ACK probes); null when the engine picks it. */
  sourcePort: number | null;
}

/** The default global send rate: one constant for every face (shared/rate.ts). */
export { DEFAULT_RATE_PPS } from '../../shared/rate.js';
export const DEFAULT_CONCURRENCY = 128;
/** Host concurrency cap in the unprivileged fallback: each probe there is a socket or a process. */
export const FALLBACK_CONCURRENCY = 32;
