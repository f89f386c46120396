/**
 * The advice's only door to the net layer's facts — ICMP classes and probe labels. The advice keeps
 * no ICMP code tables of its own.
 *
 * The names and signatures are those of the net layer's single classifier and label formatter
 * (wt/net: shared/icmp.ts `describeIcmp`, `isAdminProhibited`, `isNoRouteOrHost`, family first;
 * shared/discovery.ts `probeLabel`). Until they land on main this file delegates to the classifier
 * main has today (electron/probes/packets.ts). AT MERGE (lead): replace this file's body with
 *   export { describeIcmp, isAdminProhibited, isNoRouteOrHost } from '../../shared/icmp.js';
 *   export { probeLabel } from '../../shared/discovery.js';
 */
import type { ProbeResult } from '../../shared/discovery.js';
import { classifyIcmpError, describeIcmp as describeKnown, ICMP6_DEST_UNREACH, ICMP_DEST_UNREACH } from '../probes/packets.js';

export type IcmpFamily = 4 | 6;

/** e.g. `ICMP 3/13 (communication administratively prohibited)`; `ICMP` when the type is unknown. */
export function describeIcmp(family: IcmpFamily, type: number | null, code: number | null): string {
  if (type === null) return family === 4 ? 'ICMP' : 'ICMPv6';
  if (code === null) return `${family === 4 ? 'ICMP' : 'ICMPv6'} ${type}/?`;
  return describeKnown(family, type, code);
}

/** A firewall / policy rejected the packet (the classifier's admin-prohibited class). */
export function isAdminProhibited(family: IcmpFamily, type: number | null, code: number | null): boolean {
  return type !== null && code !== null && classifyIcmpError(family, type, code) === 'icmp-admin-prohibited';
}

/**
 * A router could not deliver (network / host unreachable: host off or wrong address). Today's
 * classifier has no class for it, so: a destination unreachable that is neither port unreachable nor
 * admin-prohibited. shared/icmp.ts narrows this to the net/host-unreachable codes.
 */
export function isNoRouteOrHost(family: IcmpFamily, type: number | null, code: number | null): boolean {
  if (type === null || code === null) return false;
  const destUnreach = family === 4 ? ICMP_DEST_UNREACH : ICMP6_DEST_UNREACH;
  return type === destUnreach && classifyIcmpError(family, type, code) === 'icmp-unreachable';
}

/** Short name of a probe (`TCP SYN 22`, `TCP ACK 80→2869`, `UDP 53`, `ICMP echo`): net's probeLabel, same output. */
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
