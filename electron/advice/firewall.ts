/**
 * Ready-to-paste firewall rules that let a scanner's addresses reach the discovery probes of a profile.
 * Pure string building (no I/O): the tests load the nftables and iptables variants into real kernels.
 * Addresses are validated (scannerFamily) before they reach any text; shell command lines quote every
 * value with the one quoter (shared/shell.ts), PowerShell lines with psQuote. The nftables and
 * iptables-restore bodies are not shell: they travel in a heredoc with a quoted delimiter (no expansion).
 */
import { isIP } from 'node:net';
import type { AdviceAction } from '../../shared/advice.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { psList, psQuote, shQuote } from '../../shared/shell.js';

/** What the rules must let through, from which addresses. */
export interface RuleSpec {
  /** Scanner addresses or CIDR prefixes, IPv4 and/or IPv6. */
  scanners: string[];
  tcpPorts: number[];
  udpPorts: number[];
  icmpEcho: boolean;
  /**
   * Protected addresses or CIDR blocks, for one rule on a network firewall in front of many hosts
   * (a triage group): the rules then go into the forward chain and match these destinations too.
   */
  destinations?: string[];
}

/** Rule comment/tag, so the operator can find (and remove) what was added. */
export const RULE_TAG = 'scanready-scanner';

const MULTIPORT_MAX = 15; // iptables multiport and ufw both accept at most 15 ports per rule

function uniqSorted(ports: Iterable<number>): number[] {
  return [...new Set(ports)].filter((p) => Number.isInteger(p) && p >= 1 && p <= 65535).sort((a, b) => a - b);
}

/** Every destination port the profile's probes use: SYN ports, and the ACK / SYN-ACK destination ports. */
export function discoveryRuleSpec(profile: DiscoveryProfile, scanners: string[]): RuleSpec {
  return {
    scanners,
    tcpPorts: uniqSorted([...profile.tcpSyn, ...profile.tcpAck.map((p) => p.port), ...profile.tcpSynAck.map((p) => p.port)]),
    udpPorts: uniqSorted(profile.udp),
    icmpEcho: profile.icmpEcho,
  };
}

/** Validates one scanner address (`198.51.100.7`, `2001:db8::7`, `198.51.100.0/24`); returns its family or throws. */
export function scannerFamily(entry: string): 4 | 6 {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(entry.trim());
  const addr = m?.[1];
  const fam = addr === undefined ? 0 : isIP(addr);
  if (!m || fam === 0) throw new Error(`bad scanner address "${entry}": expected an IPv4/IPv6 address or CIDR prefix`);
  if (m[2] !== undefined) {
    const bits = Number(m[2]);
    if (bits > (fam === 4 ? 32 : 128)) throw new Error(`bad prefix length in scanner address "${entry}"`);
  }
  return fam === 4 ? 4 : 6;
}

export function splitScanners(scanners: string[]): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const s of scanners) {
    const t = s.trim();
    if (scannerFamily(t) === 4) {
      if (!v4.includes(t)) v4.push(t);
    } else if (!v6.includes(t)) v6.push(t);
  }
  return { v4, v6 };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface NftTarget {
  family: 'inet' | 'ip' | 'ip6';
  table: string;
  chain: string;
}

/** The usual input chain of /etc/nftables.conf on Debian/Ubuntu/RHEL. */
export const DEFAULT_NFT_TARGET: NftTarget = { family: 'inet', table: 'filter', chain: 'input' };

/**
 * An `nft -f` script inserting accept rules at the top of an existing input chain. nftables evaluates
 * every base chain on a hook, so an accept in a new table would not override a drop elsewhere:
 * the rules must go into the chain that drops.
 */
export function nftablesScript(spec: RuleSpec, target: NftTarget = DEFAULT_NFT_TARGET): string {
  const { v4, v6 } = splitScanners(spec.scanners);
  const dest = spec.destinations !== undefined ? splitScanners(spec.destinations) : null;
  const where = `${target.family} ${target.table} ${target.chain}`;
  const lines: string[] = [];
  const fams: Array<['ip' | 'ip6', string[], string[] | null]> = [];
  if (target.family !== 'ip6' && v4.length > 0 && (dest === null || dest.v4.length > 0)) fams.push(['ip', v4, dest?.v4 ?? null]);
  if (target.family !== 'ip' && v6.length > 0 && (dest === null || dest.v6.length > 0)) fams.push(['ip6', v6, dest?.v6 ?? null]);
  const comment = `comment "${RULE_TAG}"`;
  for (const [fam, addrs, daddrs] of fams) {
    const saddr = `${fam} saddr { ${addrs.join(', ')} }${daddrs !== null ? ` ${fam} daddr { ${daddrs.join(', ')} }` : ''}`;
    if (spec.tcpPorts.length > 0) lines.push(`insert rule ${where} ${saddr} tcp dport { ${spec.tcpPorts.join(', ')} } accept ${comment}`);
    if (spec.udpPorts.length > 0) lines.push(`insert rule ${where} ${saddr} udp dport { ${spec.udpPorts.join(', ')} } accept ${comment}`);
    if (spec.icmpEcho) {
      const icmp = fam === 'ip' ? 'icmp type echo-request' : 'icmpv6 type echo-request';
      lines.push(`insert rule ${where} ${saddr} ${icmp} accept ${comment}`);
    }
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * An `iptables-restore --noflush` (family 4) or `ip6tables-restore --noflush` (family 6) input inserting
 * ACCEPT rules at the top of INPUT. Null when there is no scanner address of that family.
 */
export function iptablesRestore(spec: RuleSpec, family: 4 | 6): string | null {
  const { v4, v6 } = splitScanners(spec.scanners);
  const addrs = family === 4 ? v4 : v6;
  if (addrs.length === 0) return null;
  const dest = spec.destinations !== undefined ? splitScanners(spec.destinations)[family === 4 ? 'v4' : 'v6'] : null;
  if (dest !== null && dest.length === 0) return null;
  // A network firewall in front of many hosts filters in FORWARD; one -d list expands to one rule per block.
  const chain = dest !== null ? 'FORWARD' : 'INPUT';
  const to = dest !== null ? ` -d ${dest.join(',')}` : '';
  const comment = `-m comment --comment ${RULE_TAG}`;
  const lines = ['*filter'];
  for (const a of addrs) {
    for (const group of chunks(spec.tcpPorts, MULTIPORT_MAX)) {
      lines.push(`-I ${chain} -s ${a}${to} -p tcp -m multiport --dports ${group.join(',')} ${comment} -j ACCEPT`);
    }
    for (const group of chunks(spec.udpPorts, MULTIPORT_MAX)) {
      lines.push(`-I ${chain} -s ${a}${to} -p udp -m multiport --dports ${group.join(',')} ${comment} -j ACCEPT`);
    }
    if (spec.icmpEcho) {
      lines.push(
        family === 4
          ? `-I ${chain} -s ${a}${to} -p icmp --icmp-type echo-request ${comment} -j ACCEPT`
          : `-I ${chain} -s ${a}${to} -p ipv6-icmp --icmpv6-type echo-request ${comment} -j ACCEPT`,
      );
    }
  }
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/** firewalld rich rules, one `firewall-cmd` per port (rich rules take one port or range each). */
export function firewalldCommands(spec: RuleSpec): string {
  const { v4, v6 } = splitScanners(spec.scanners);
  const lines: string[] = [];
  for (const [fam, addrs] of [['ipv4', v4], ['ipv6', v6]] as const) {
    for (const a of addrs) {
      const head = `rule family="${fam}" source address="${a}"`;
      const rich = (rule: string): string => `firewall-cmd --permanent --add-rich-rule=${shQuote(`${head} ${rule}`)}`;
      for (const p of spec.tcpPorts) lines.push(rich(`port port="${p}" protocol="tcp" accept`));
      for (const p of spec.udpPorts) lines.push(rich(`port port="${p}" protocol="udp" accept`));
      if (spec.icmpEcho) lines.push(rich('icmp-type name="echo-request" accept'));
    }
  }
  if (lines.length > 0) lines.push('firewall-cmd --reload');
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/** ufw rules (ufw takes at most 15 ports per rule). ICMP echo is handled in /etc/ufw/before*.rules, see the note. */
export function ufwCommands(spec: RuleSpec): string {
  const { v4, v6 } = splitScanners(spec.scanners);
  const lines: string[] = [];
  for (const a of [...v4, ...v6]) {
    for (const group of chunks(spec.tcpPorts, MULTIPORT_MAX)) {
      lines.push(`ufw allow proto tcp from ${shQuote(a)} to any port ${group.join(',')} comment ${shQuote(RULE_TAG)}`);
    }
    for (const group of chunks(spec.udpPorts, MULTIPORT_MAX)) {
      lines.push(`ufw allow proto udp from ${shQuote(a)} to any port ${group.join(',')} comment ${shQuote(RULE_TAG)}`);
    }
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

export const UFW_ICMP_NOTE =
  'ufw has no command for ICMP: its default /etc/ufw/before.rules (and before6.rules) already accept echo-request. ' +
  'If that line was removed, put back "-A ufw-before-input -p icmp --icmp-type echo-request -j ACCEPT" ' +
  '(before6.rules: "-A ufw6-before-input -p icmpv6 --icmpv6-type echo-request -j ACCEPT") and run "ufw reload".';

/** Windows Firewall (PowerShell, as Administrator). */
export function windowsCommands(spec: RuleSpec): string {
  const { v4, v6 } = splitScanners(spec.scanners);
  const all = [...v4, ...v6];
  if (all.length === 0) return '';
  const remote = `-RemoteAddress ${psList(all)}`;
  const common = `-Direction Inbound -Action Allow -Profile Any -Group ${psQuote(RULE_TAG)}`;
  const lines: string[] = [];
  if (spec.tcpPorts.length > 0) {
    lines.push(`New-NetFirewallRule -DisplayName ${psQuote('ScanReady scanner TCP')} ${common} -Protocol TCP -LocalPort ${psList(spec.tcpPorts)} ${remote}`);
  }
  if (spec.udpPorts.length > 0) {
    lines.push(`New-NetFirewallRule -DisplayName ${psQuote('ScanReady scanner UDP')} ${common} -Protocol UDP -LocalPort ${psList(spec.udpPorts)} ${remote}`);
  }
  if (spec.icmpEcho && v4.length > 0) {
    lines.push(`New-NetFirewallRule -DisplayName ${psQuote('ScanReady scanner ICMPv4 echo')} ${common} -Protocol ICMPv4 -IcmpType 8 -RemoteAddress ${psList(v4)}`);
  }
  if (spec.icmpEcho && v6.length > 0) {
    lines.push(`New-NetFirewallRule -DisplayName ${psQuote('ScanReady scanner ICMPv6 echo')} ${common} -Protocol ICMPv6 -IcmpType 128 -RemoteAddress ${psList(v6)}`);
  }
  return lines.join('\n') + '\n';
}

function heredoc(command: string, body: string): string {
  return `${command} <<'EOF'\n${body}EOF`;
}

/** All variants as advice actions, in a fixed order: nftables, iptables, ip6tables, firewalld, ufw, Windows. */
export function firewallActions(spec: RuleSpec, nft: NftTarget = DEFAULT_NFT_TARGET): AdviceAction[] {
  const actions: AdviceAction[] = [];
  const nftBody = nftablesScript(spec, nft);
  if (nftBody !== '') {
    actions.push({ label: 'nftables', kind: 'command', text: heredoc('nft -f -', nftBody) });
    actions.push({
      label: 'nftables (note)',
      kind: 'text',
      text:
        `The rules go into the chain that drops the probes (here "${nft.family} ${nft.table} ${nft.chain}"; "nft list ruleset" shows yours). ` +
        'An accept in a table of its own does not override a drop in another table. Add the same lines to /etc/nftables.conf to keep them after a reboot.',
    });
  }
  const v4 = iptablesRestore(spec, 4);
  if (v4 !== null) actions.push({ label: 'iptables', kind: 'command', text: heredoc('iptables-restore --noflush', v4) });
  const v6 = iptablesRestore(spec, 6);
  if (v6 !== null) actions.push({ label: 'ip6tables', kind: 'command', text: heredoc('ip6tables-restore --noflush', v6) });
  const fw = firewalldCommands(spec);
  if (fw !== '') actions.push({ label: 'firewalld', kind: 'command', text: fw.trimEnd() });
  const ufw = ufwCommands(spec);
  if (ufw !== '') actions.push({ label: 'ufw', kind: 'command', text: ufw.trimEnd() });
  if (spec.icmpEcho && spec.scanners.length > 0) actions.push({ label: 'ufw (ICMP)', kind: 'text', text: UFW_ICMP_NOTE });
  const win = windowsCommands(spec);
  if (win !== '') actions.push({ label: 'Windows Firewall (PowerShell)', kind: 'command', text: win.trimEnd() });
  return actions;
}

/** The usual forward chain of a Linux router/firewall in front of many hosts. */
export const FORWARD_NFT_TARGET: NftTarget = { family: 'inet', table: 'filter', chain: 'forward' };

/**
 * Rules for a network firewall in front of many hosts (a triage group): one nftables rule per
 * protocol matching every destination block at once, and the iptables FORWARD equivalent.
 * `spec.destinations` must be set.
 */
export function networkFirewallActions(spec: RuleSpec & { destinations: string[] }, nft: NftTarget = FORWARD_NFT_TARGET): AdviceAction[] {
  const actions: AdviceAction[] = [];
  const nftBody = nftablesScript(spec, nft);
  if (nftBody !== '') {
    actions.push({ label: 'nftables (network firewall)', kind: 'command', text: heredoc('nft -f -', nftBody) });
  }
  const v4 = iptablesRestore(spec, 4);
  if (v4 !== null) actions.push({ label: 'iptables (network firewall)', kind: 'command', text: heredoc('iptables-restore --noflush', v4) });
  const v6 = iptablesRestore(spec, 6);
  if (v6 !== null) actions.push({ label: 'ip6tables (network firewall)', kind: 'command', text: heredoc('ip6tables-restore --noflush', v6) });
  return actions;
}

/** Extracts the body of a heredoc action built by firewallActions (for tests and "save as file"). */
export function heredocBody(text: string): string | null {
  const m = /<<'EOF'\n([\s\S]*?)EOF$/.exec(text);
  return m?.[1] ?? null;
}
