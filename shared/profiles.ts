/**
 * Discovery profiles: which probes a scanner sends before it decides a host is alive.
 * Pure data + validation; no node, electron or DOM imports (see eslint layering rules).
 */
import { z } from 'zod';
import type { BuiltinProfileName } from './profileData.js';

// Zod-free facts live in profileData.ts (the CLI reads them without loading zod); re-exported here.
export { BUILTIN_PROFILE_NAMES, DEFAULT_PROFILE_NAME, parsePortList, type BuiltinProfileName } from './profileData.js';

/** A TCP probe whose source port is fixed by the scanner (ACK and SYN-ACK probes). */
export const fixedPortProbeSchema = z.object({
  sourcePort: z.number().int().min(1).max(65535),
  port: z.number().int().min(1).max(65535),
});
export type FixedPortProbe = z.infer<typeof fixedPortProbeSchema>;

const portSchema = z.number().int().min(1, 'port must be 1-65535').max(65535, 'port must be 1-65535');

export const profileSchema = z.object({
  /** Stable identifier, e.g. `qualys-default`, or the custom profile's own name. */
  name: z.string().min(1).max(80),
  description: z.string().max(500).default(''),
  scanner: z.enum(['qualys', 'nmap', 'nessus', 'greenbone', 'custom']).default('custom'),
  /** TCP SYN probes: destination ports. */
  tcpSyn: z.array(portSchema).max(1000).default([]),
  /** TCP ACK probes with the scanner's fixed source port. */
  tcpAck: z.array(fixedPortProbeSchema).max(100).default([]),
  /** TCP SYN-ACK probes with the scanner's fixed source port. */
  tcpSynAck: z.array(fixedPortProbeSchema).max(100).default([]),
  /** UDP probes: destination ports (a service-specific request is sent where one is known). */
  udp: z.array(portSchema).max(1000).default([]),
  icmpEcho: z.boolean().default(true),
  icmpTimestamp: z.boolean().default(false),
  /** How long to wait for an answer to one attempt, in milliseconds. */
  timeoutMs: z.number().int().min(50).max(60_000).default(1000),
  /** Extra attempts after the first one for probes that got no answer. */
  retries: z.number().int().min(0).max(10).default(1),
});
export type DiscoveryProfile = z.infer<typeof profileSchema>;
export type DiscoveryProfileInput = z.input<typeof profileSchema>;

/** Qualys' own discovery defaults (Option Profile → Additional → Host Discovery, "Standard"). */
export const QUALYS_STANDARD_TCP = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 443, 445, 5631] as const;
export const QUALYS_STANDARD_UDP = [53, 111, 135, 137, 161, 500] as const;
/** Qualys accepts at most this many additional TCP ports and this many custom UDP ports. */
export const QUALYS_MAX_ADDITIONAL_TCP = 20;
export const QUALYS_MAX_CUSTOM_UDP = 6;

/** The built-in profiles, in BUILTIN_PROFILE_NAMES order (a test checks both lists agree). */
export const BUILTIN_PROFILES: readonly (DiscoveryProfile & { name: BuiltinProfileName })[] = [
  {
    name: 'qualys-default',
    description:
      'Qualys host discovery defaults: TCP SYN to 13 well-known ports, two TCP ACK and one TCP SYN-ACK probe with fixed source ports, UDP to 6 ports, ICMP echo.',
    scanner: 'qualys',
    tcpSyn: [...QUALYS_STANDARD_TCP],
    tcpAck: [
      { sourcePort: 80, port: 2869 },
      { sourcePort: 25, port: 12531 },
    ],
    tcpSynAck: [{ sourcePort: 80, port: 41641 }],
    udp: [...QUALYS_STANDARD_UDP],
    icmpEcho: true,
    icmpTimestamp: false,
    timeoutMs: 1000,
    retries: 1,
  },
  {
    name: 'nmap-default',
    description: 'Nmap host discovery as root: ICMP echo, TCP SYN to 443, TCP ACK to 80, ICMP timestamp.',
    scanner: 'nmap',
    tcpSyn: [443],
    tcpAck: [{ sourcePort: 41000, port: 80 }],
    tcpSynAck: [],
    udp: [],
    icmpEcho: true,
    icmpTimestamp: true,
    timeoutMs: 1000,
    retries: 1,
  },
  {
    name: 'nessus-default',
    description: 'Nessus ping (plugin 10180): TCP to a built-in port list, ICMP echo with 2 retries, UDP 53/111/123/520.',
    scanner: 'nessus',
    tcpSyn: [21, 22, 23, 25, 53, 79, 80, 111, 113, 135, 139, 443, 445, 3389],
    tcpAck: [],
    tcpSynAck: [],
    udp: [53, 111, 123, 520],
    icmpEcho: true,
    icmpTimestamp: false,
    timeoutMs: 1000,
    retries: 2,
  },
  {
    name: 'greenbone-default',
    description: 'Greenbone (boreas) alive test: TCP-ACK and TCP-SYN to 80, 137, 587, 3128, 8081 and ICMP; no UDP.',
    scanner: 'greenbone',
    tcpSyn: [80, 137, 587, 3128, 8081],
    tcpAck: [
      { sourcePort: 41001, port: 80 },
      { sourcePort: 41001, port: 137 },
      { sourcePort: 41001, port: 587 },
      { sourcePort: 41001, port: 3128 },
      { sourcePort: 41001, port: 8081 },
    ],
    tcpSynAck: [],
    udp: [],
    icmpEcho: true,
    icmpTimestamp: false,
    timeoutMs: 1000,
    retries: 1,
  },
];


export function builtinProfile(name: string): DiscoveryProfile | undefined {
  return BUILTIN_PROFILES.find((p) => p.name === name);
}

/**
 * Warnings for a profile that Qualys would not accept as-is. The profile still runs:
 * the operator is testing, but must know the real scanner cannot be configured this way.
 */
export function profileWarnings(profile: DiscoveryProfile): string[] {
  const warnings: string[] = [];
  const standardTcp = new Set<number>(QUALYS_STANDARD_TCP);
  const additionalTcp = [...new Set(profile.tcpSyn)].filter((p) => !standardTcp.has(p));
  if (additionalTcp.length > QUALYS_MAX_ADDITIONAL_TCP) {
    warnings.push(
      `${additionalTcp.length} additional TCP ports: Qualys accepts at most ${QUALYS_MAX_ADDITIONAL_TCP} — the real scan cannot use all of them.`,
    );
  }
  const standardUdp = new Set<number>(QUALYS_STANDARD_UDP);
  const customUdp = [...new Set(profile.udp)];
  const udpIsStandard = customUdp.length === standardUdp.size && customUdp.every((p) => standardUdp.has(p));
  if (!udpIsStandard && customUdp.length > QUALYS_MAX_CUSTOM_UDP) {
    warnings.push(
      `${customUdp.length} UDP ports: Qualys accepts at most ${QUALYS_MAX_CUSTOM_UDP} custom UDP ports — the real scan cannot use all of them.`,
    );
  }
  if (!profile.icmpEcho && profile.tcpSyn.length + profile.tcpAck.length + profile.tcpSynAck.length + profile.udp.length === 0) {
    warnings.push('The profile sends no probes at all: every host will look dead.');
  }
  return warnings;
}
