/**
 * From a profile to the list of probes one host gets, and the result records they fill in.
 */
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { ALIVE_OUTCOMES, type ProbeMethod, type ProbeOutcome, type ProbeResult } from '../../shared/discovery.js';
import { canonicalIp } from '../net/index.js';
import type { ProbeSpec } from './types.js';

/** The probes of a profile in a stable order: SYN, ACK, SYN-ACK, UDP, ICMP echo, ICMP timestamp. */
export function probeSpecs(profile: DiscoveryProfile, family: 4 | 6): ProbeSpec[] {
  const specs: ProbeSpec[] = [];
  for (const port of new Set(profile.tcpSyn)) specs.push({ protocol: 'tcp', kind: 'syn', port, sourcePort: null });
  for (const p of profile.tcpAck) specs.push({ protocol: 'tcp', kind: 'ack', port: p.port, sourcePort: p.sourcePort });
  for (const p of profile.tcpSynAck) specs.push({ protocol: 'tcp', kind: 'syn-ack', port: p.port, sourcePort: p.sourcePort });
  for (const port of new Set(profile.udp)) specs.push({ protocol: 'udp', kind: 'udp', port, sourcePort: null });
  if (profile.icmpEcho) specs.push({ protocol: 'icmp', kind: 'echo', port: null, sourcePort: null });
  // ICMPv6 has no timestamp message: the probe only exists for IPv4.
  if (profile.icmpTimestamp && family === 4) specs.push({ protocol: 'icmp', kind: 'timestamp', port: null, sourcePort: null });
  return specs;
}

/** A result record with nothing answered yet. */
export function emptyResult(spec: ProbeSpec, method: ProbeMethod): ProbeResult {
  return {
    protocol: spec.protocol,
    kind: spec.kind,
    port: spec.port,
    sourcePort: spec.sourcePort,
    method,
    result: 'no-response',
    responder: null,
    fromTarget: false,
    icmpType: null,
    icmpCode: null,
    ttl: null,
    rttMs: null,
    attempts: 0,
    countsAsAlive: false,
  };
}

/** Sets the derived fields (`fromTarget`, `countsAsAlive`) from responder and result. */
export function finalizeResult(r: ProbeResult, targetAddress: string): ProbeResult {
  const fromTarget = r.responder !== null && canonicalIp(r.responder) === canonicalIp(targetAddress);
  r.fromTarget = fromTarget;
  r.countsAsAlive = fromTarget && ALIVE_OUTCOMES.has(r.result);
  return r;
}

/** An answer to one probe, as a transport reports it. */
export interface ProbeAnswer {
  result: ProbeOutcome;
  responder: string | null;
  icmpType?: number | null;
  icmpCode?: number | null;
  ttl?: number | null;
  rttMs?: number | null;
  detail?: string;
  /** For `error`: the errno (see ProbeResult.errno). */
  errno?: string;
}
