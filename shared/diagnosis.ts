/**
 * Diagnosis: discovery + path + port finder + (optional) credential check → ranked advice.
 * Advice types live in ./advice.ts (re-exported here for existing importers).
 */
import type { Advice } from './advice.js';
import type { AuthEvent, AuthResult } from './auth.js';
import type { DiscoveryEvent, HostResult } from './discovery.js';

export type { Advice, AdviceAction, AdviceId, AdviceSeverity } from './advice.js';

export interface PathHop {
  ttl: number;
  responder: string | null;
  rttMs: number | null;
  icmpType: number | null;
  icmpCode: number | null;
  /** `time-exceeded`, `reached`, `admin-prohibited`, `unreachable`, `no-response`. */
  note: 'time-exceeded' | 'reached' | 'admin-prohibited' | 'unreachable' | 'no-response';
}

export interface PathResult {
  target: string;
  method: 'raw-tcp' | 'raw-udp' | 'raw-icmp' | 'udp-socket' | 'system-traceroute' | 'none';
  /** Protocol/port the trace used (the one most likely to pass). */
  probe: string;
  hops: PathHop[];
  reached: boolean;
  lastResponder: string | null;
  /** A hop that sent an unreachable (admin-prohibited or other). */
  blockingHop: PathHop | null;
  detail?: string;
}

export interface OpenPort {
  protocol: 'tcp' | 'udp';
  port: number;
  result: 'syn-ack' | 'rst' | 'udp-reply' | 'icmp-port-unreachable';
  service?: string;
}

/**
 * The target is a name that does not resolve (DNS): nothing was sent, so there is no probe, no
 * verdict and no path. `DiagnosisResult.discovery` is then a placeholder without probes; show this instead.
 */
export interface UnresolvedTarget {
  /** The name as typed. */
  name: string;
  /** What the resolver said, in plain words. */
  reason: string;
}

export interface DiagnosisResult {
  target: string;
  /** Set when the target name does not resolve: read this, not `discovery`'s verdict. */
  unresolved?: UnresolvedTarget;
  discovery: HostResult;
  path: PathResult | null;
  openPorts: OpenPort[] | null;
  auth: AuthResult | null;
  advice: Advice[];
  /** Scanner addresses the firewall rules were written for (given, or this machine's source address). */
  scannerIps?: string[];
  /** Name the target resolved from, when it was a host name. */
  resolvedFrom?: string;
  /** How the port finder ran, when it ran. */
  portFinder?: PortFinderSummary;
  /** Why a stage was skipped or degraded (no privilege, no traceroute, cancelled...). */
  notes?: string[];
  startedAt?: string;
  durationMs?: number;
}

/** Stages of a diagnosis run, in order. */
export type DiagnosisStage = 'discovery' | 'path' | 'port-finder' | 'auth' | 'advice';

/**
 * One event of a diagnosis run: the one type for the engine (electron/diagnosis runDiagnosis
 * streams it) and for IPC (shared/ipc.ts `DiagnosePush` carries it to the UI, adding only the
 * `run-error` every run can end with). Discovery and auth events are the same objects the
 * discover/auth runs push, wrapped, so the same UI pieces render them; `hop` and `port` arrive
 * as they are found.
 */
export type DiagnosisEvent =
  | { type: 'stage'; stage: DiagnosisStage; state: 'running' | 'done' | 'skipped'; detail?: string }
  | { type: 'discovery'; event: DiscoveryEvent }
  /** One hop of the path trace, as it answers. */
  | { type: 'hop'; hop: PathHop }
  /** The final path (after a possible second trace with a port the host answers on). */
  | { type: 'path'; path: PathResult }
  /** One port the port finder found, as it answers. */
  | { type: 'port'; port: OpenPort }
  | { type: 'open-ports'; openPorts: OpenPort[] }
  | { type: 'auth'; event: AuthEvent }
  /**
   * The finished diagnosis. The engine does not know the history; the service sets `historyId`
   * (null when saving failed or history is off) before pushing it to the UI.
   */
  | { type: 'done'; result: DiagnosisResult; historyId?: string | null };

/** How the wider port search ran (DiagnosisResult.portFinder). */
export interface PortFinderSummary {
  tcpMethod: 'raw-syn' | 'connect' | 'none';
  tcpProbed: number;
  udpProbed: number;
  durationMs: number;
  /** The overall deadline stopped it early. */
  truncated: boolean;
}
