/**
 * Advice for a group of hosts (triage): the advice of one representative host (the same engine,
 * buildAdvice, so a group never gets advice a single host would not), scaled to the group:
 * - firewall rules: one rule for a network firewall covering every address of the group (its
 *   CIDR blocks), beside the per-host rules (the same on every host);
 * - "Scan Dead Hosts" only for a small group (under 256 addresses and no block of a /24 or
 *   larger — the scanner's own caution), else replaced by a note saying why not;
 * - every `why` says it stands for the whole group and which host the evidence is from.
 * Pure: no I/O.
 */
import type { Advice } from '../../shared/advice.js';
import type { OpenPort, PathResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { discoveryRuleSpec, networkFirewallActions } from './firewall.js';
import { buildAdvice } from './network.js';

/** Largest group "Scan Dead Hosts" is advised for: below a /24 (Qualys: not for a Class C or larger). */
export const SCAN_DEAD_HOSTS_MAX = 255;

export interface GroupAdviceInput {
  /** One host of the group, with its whole probe matrix. */
  evidence: HostResult;
  path: PathResult | null;
  /** Ports found answering on the group (null when the port finder did not run). */
  openPorts: OpenPort[] | null;
  profile: DiscoveryProfile;
  scannerIps: string[];
  scannerIpsGuessed?: boolean;
  /** Number of addresses in the group. */
  size: number;
  /** The group's addresses as the fewest CIDR blocks. */
  cidrs: string[];
}

function prefixOf(cidr: string): number {
  const m = /\/(\d+)$/.exec(cidr);
  return m?.[1] !== undefined ? Number(m[1]) : 32;
}

/** True when "Scan Dead Hosts" may be advised for a group of this size and shape. */
export function scanDeadHostsAllowed(size: number, cidrs: readonly string[]): boolean {
  return size <= SCAN_DEAD_HOSTS_MAX && !cidrs.some((c) => !c.includes(':') && prefixOf(c) <= 24);
}

export function groupAdvice(input: GroupAdviceInput): { advice: Advice[]; notes: string[] } {
  const host = buildAdvice({
    discovery: input.evidence,
    path: input.path,
    openPorts: input.openPorts,
    auth: null,
    profile: input.profile,
    scannerIps: input.scannerIps,
    ...(input.scannerIpsGuessed ? { scannerIpsGuessed: true } : {}),
    target: input.evidence.address,
  });
  const notes: string[] = [];
  const many = input.size > 1;
  const forAll = many ? `For all ${input.size} hosts of this group (evidence from ${input.evidence.address}): ` : '';
  const advice: Advice[] = [];
  for (const a of host) {
    if (a.id === 'scan-dead-hosts' && !scanDeadHostsAllowed(input.size, input.cidrs)) {
      notes.push(
        `"Scan Dead Hosts" is not advised here: ${input.size} addresses` +
          (input.cidrs.some((c) => prefixOf(c) <= 24) ? ' (a /24 or larger)' : '') +
          ' — the scanner would try every port of every address. Make the hosts answer a discovery probe instead.',
      );
      continue;
    }
    let actions = a.actions;
    if ((a.id === 'allow-scanner' || a.id === 'enable-icmp') && many && input.scannerIps.length > 0) {
      const base = discoveryRuleSpec(input.profile, input.scannerIps);
      const spec = a.id === 'enable-icmp' ? { ...base, tcpPorts: [], udpPorts: [], icmpEcho: true } : base;
      let network: Advice['actions'];
      try {
        network = networkFirewallActions({ ...spec, destinations: input.cidrs });
      } catch {
        network = []; // an address the rule writer refuses: keep the per-host rules only
      }
      actions = [
        ...network,
        ...(network.length > 0
          ? [{ label: 'note', kind: 'text' as const, text: `The rules above cover the whole group (${input.cidrs.length} block${input.cidrs.length === 1 ? '' : 's'}) on the firewall in front of it. On the hosts themselves the rules below are the same for every host.` }]
          : []),
        ...a.actions.map((x) => (x.kind === 'command' ? { ...x, label: `${x.label} (on each host)` } : x)),
      ];
    }
    const title = a.id === 'scan-dead-hosts' && many ? a.title.replace('for this host', `for these ${input.size} hosts`) : a.title;
    advice.push({ ...a, title, why: forAll + a.why, actions });
  }
  return { advice, notes };
}
