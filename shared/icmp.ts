/**
 * ICMP and ICMPv6 errors: what a (type, code) pair means, in one place. The probe engine, the path
 * tracer, the advice and the UI all classify and describe ICMP through these functions.
 *
 * Administratively prohibited (one decision, used everywhere):
 * - IPv4 (RFC 792, RFC 1812 §5.2.7.1): destination unreachable codes 9 (network administratively
 *   prohibited), 10 (host administratively prohibited) and 13 (communication administratively
 *   prohibited).
 * - IPv6 (RFC 4443 §3.1): destination unreachable codes 1 (communication with destination
 *   administratively prohibited), 5 (source address failed ingress/egress policy) and 6 (reject
 *   route to destination). RFC 4443 says "codes 5 and 6 are more informative subsets of code 1":
 *   both are a policy decision by the sender (a filter on our source address, a configured reject
 *   route), so all three are admin-prohibited. Code 3 (address unreachable) and 0 (no route) are
 *   not policy: they are host / network unreachable.
 */

export type IcmpFamily = 4 | 6;

/** What an ICMP error says, independent of the address family. */
export type IcmpClass =
  /** ICMP 3/3, ICMPv6 1/4: the host is up and the UDP port is closed. */
  | 'port-unreachable'
  /** ICMP 3/9, 3/10, 3/13; ICMPv6 1/1, 1/5, 1/6: a firewall / policy rejected the packet. */
  | 'admin-prohibited'
  /** ICMP 3/0, 3/6, 3/11; ICMPv6 1/0: no route to the destination network. */
  | 'net-unreachable'
  /** ICMP 3/1, 3/7, 3/12; ICMPv6 1/3: the last router could not reach the host (no ARP/ND answer). */
  | 'host-unreachable'
  /** Any other destination unreachable (protocol unreachable, fragmentation needed, source route …). */
  | 'unreachable'
  /** ICMP 11, ICMPv6 3: TTL / hop limit exceeded in transit (or fragment reassembly time). */
  | 'time-exceeded'
  /** ICMPv6 2: packet too big. */
  | 'packet-too-big'
  /** ICMP 12, ICMPv6 4: parameter problem. */
  | 'parameter-problem'
  /** Not an error we know. */
  | 'other';

/** How a probe result names an ICMP error (the ICMP members of ProbeOutcome in shared/discovery.ts). */
export type IcmpOutcome = 'icmp-port-unreachable' | 'icmp-admin-prohibited' | 'icmp-unreachable' | 'icmp-time-exceeded';

export const ICMP4_DEST_UNREACH = 3;
export const ICMP4_TIME_EXCEEDED = 11;
export const ICMP4_PARAM_PROBLEM = 12;
export const ICMP6_DEST_UNREACH = 1;
export const ICMP6_PACKET_TOO_BIG = 2;
export const ICMP6_TIME_EXCEEDED = 3;
export const ICMP6_PARAM_PROBLEM = 4;

const ADMIN_CODES_V4: ReadonlySet<number> = new Set([9, 10, 13]);
const ADMIN_CODES_V6: ReadonlySet<number> = new Set([1, 5, 6]);
const NET_CODES_V4: ReadonlySet<number> = new Set([0, 6, 11]);
const HOST_CODES_V4: ReadonlySet<number> = new Set([1, 7, 12]);

/** Classifies an ICMP (family 4) or ICMPv6 (family 6) error by type and code. */
export function icmpClass(family: IcmpFamily, type: number, code: number): IcmpClass {
  if (family === 4) {
    if (type === ICMP4_TIME_EXCEEDED) return 'time-exceeded';
    if (type === ICMP4_PARAM_PROBLEM) return 'parameter-problem';
    if (type !== ICMP4_DEST_UNREACH) return 'other';
    if (code === 3) return 'port-unreachable';
    if (ADMIN_CODES_V4.has(code)) return 'admin-prohibited';
    if (NET_CODES_V4.has(code)) return 'net-unreachable';
    if (HOST_CODES_V4.has(code)) return 'host-unreachable';
    return 'unreachable';
  }
  if (type === ICMP6_TIME_EXCEEDED) return 'time-exceeded';
  if (type === ICMP6_PACKET_TOO_BIG) return 'packet-too-big';
  if (type === ICMP6_PARAM_PROBLEM) return 'parameter-problem';
  if (type !== ICMP6_DEST_UNREACH) return 'other';
  if (code === 4) return 'port-unreachable';
  if (ADMIN_CODES_V6.has(code)) return 'admin-prohibited';
  if (code === 0) return 'net-unreachable';
  if (code === 3) return 'host-unreachable';
  return 'unreachable';
}

/** The probe outcome for an ICMP error. */
export function icmpOutcome(family: IcmpFamily, type: number, code: number): IcmpOutcome {
  switch (icmpClass(family, type, code)) {
    case 'port-unreachable':
      return 'icmp-port-unreachable';
    case 'admin-prohibited':
      return 'icmp-admin-prohibited';
    case 'time-exceeded':
      return 'icmp-time-exceeded';
    default:
      return 'icmp-unreachable';
  }
}

/** True for the admin-prohibited codes above; false when type or code is unknown. */
export function isAdminProhibited(family: IcmpFamily, type: number | null, code: number | null): boolean {
  return type !== null && code !== null && icmpClass(family, type, code) === 'admin-prohibited';
}

/** True for network / host unreachable (a router could not deliver: wrong address, host off). */
export function isNoRouteOrHost(family: IcmpFamily, type: number | null, code: number | null): boolean {
  if (type === null || code === null) return false;
  const c = icmpClass(family, type, code);
  return c === 'net-unreachable' || c === 'host-unreachable';
}

const ICMP4_UNREACH_NAMES: Readonly<Record<number, string>> = {
  0: 'net unreachable',
  1: 'host unreachable',
  2: 'protocol unreachable',
  3: 'port unreachable',
  4: 'fragmentation needed',
  5: 'source route failed',
  6: 'destination net unknown',
  7: 'destination host unknown',
  8: 'source host isolated',
  9: 'net administratively prohibited',
  10: 'host administratively prohibited',
  11: 'net unreachable for TOS',
  12: 'host unreachable for TOS',
  13: 'communication administratively prohibited',
  14: 'host precedence violation',
  15: 'precedence cutoff',
};
const ICMP6_UNREACH_NAMES: Readonly<Record<number, string>> = {
  0: 'no route to destination',
  1: 'administratively prohibited',
  2: 'beyond scope of source address',
  3: 'address unreachable',
  4: 'port unreachable',
  5: 'source address failed ingress/egress policy',
  6: 'reject route to destination',
};

/** The name of an ICMP type/code, e.g. `communication administratively prohibited`; undefined if unknown. */
export function icmpName(family: IcmpFamily, type: number, code: number | null): string | undefined {
  if (family === 4) {
    if (type === ICMP4_DEST_UNREACH) return code === null ? 'destination unreachable' : ICMP4_UNREACH_NAMES[code];
    if (type === ICMP4_TIME_EXCEEDED) return code === 1 ? 'fragment reassembly time exceeded' : 'TTL exceeded in transit';
    if (type === ICMP4_PARAM_PROBLEM) return 'parameter problem';
    if (type === 0) return 'echo reply';
    return undefined;
  }
  if (type === ICMP6_DEST_UNREACH) return code === null ? 'destination unreachable' : ICMP6_UNREACH_NAMES[code];
  if (type === ICMP6_TIME_EXCEEDED) return code === 1 ? 'fragment reassembly time exceeded' : 'hop limit exceeded in transit';
  if (type === ICMP6_PACKET_TOO_BIG) return 'packet too big';
  if (type === ICMP6_PARAM_PROBLEM) return 'parameter problem';
  if (type === 129) return 'echo reply';
  return undefined;
}

/** e.g. `ICMP 3/13 (communication administratively prohibited)`, `ICMPv6 1/1 (administratively prohibited)`. */
export function describeIcmp(family: IcmpFamily, type: number | null, code: number | null): string {
  const proto = family === 4 ? 'ICMP' : 'ICMPv6';
  if (type === null) return proto;
  const name = icmpName(family, type, code);
  return `${proto} ${type}/${code ?? '?'}${name ? ` (${name})` : ''}`;
}
