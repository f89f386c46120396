/**
 * The advice engine: discovery, path, port-finder and credential evidence → ranked remediation.
 * Pure (no I/O). Rules of the engine:
 * - an item is only produced from evidence, and its `why` names that evidence;
 * - nothing the evidence contradicts is advised (no "enable ICMP" for a host that answered ping);
 * - `fix` items (they explain the verdict) come before `tip` items; `debug-bundle` comes last and
 *   only when nothing else explains a failure;
 * - the credential items are exactly `credentialAdvice` (what `scanready auth` gives), ranked after
 *   the network fixes: the same evidence gives the same advice whatever the entry point.
 */
import { isCredentialAdvice, type Advice, type AdviceAction, type AdviceId } from '../../shared/advice.js';
import type { AuthResult } from '../../shared/auth.js';
import type { OpenPort, PathHop, PathResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import {
  QUALYS_MAX_ADDITIONAL_TCP,
  QUALYS_MAX_CUSTOM_UDP,
  QUALYS_STANDARD_TCP,
  type DiscoveryProfile,
} from '../../shared/profiles.js';
import { deviceHop, isGateway } from '../../shared/pathFacts.js';
import { shOperand, shQuote } from '../../shared/shell.js';
import { credentialAdvice } from './credentials.js';
import { discoveryRuleSpec, firewallActions, type RuleSpec } from './firewall.js';
import { describeIcmp, isAdminProhibited, isNoRouteOrHost, probeLabel } from './netFacts.js';
import { list } from './text.js';

export interface AdviceInput {
  discovery: HostResult;
  path: PathResult | null;
  openPorts: OpenPort[] | null;
  auth: AuthResult | null;
  profile: DiscoveryProfile;
  /** Scanner addresses for the firewall rules (validated IPs or CIDRs). */
  scannerIps: string[];
  /**
   * True when `scannerIps` is this machine's address, guessed because none was given. The credential
   * advice then uses a placeholder instead (as `scanready auth` does), so both entry points agree.
   */
  scannerIpsGuessed?: boolean;
  /** The target as typed. */
  target: string;
  /** The host name the address was resolved from, when the target was a name. */
  resolvedFrom?: string;
  /** Set when the target name could not be resolved (discovery then holds no probes). */
  resolveError?: string;
}

interface Ranked extends Advice {
  rank: number;
}

/** Rank bands: lower is earlier. Fixes that name the blocking point come first. */
const RANK = {
  resolve: 1,
  localError: 2,
  privilege: 5,
  hostRejects: 10,
  pathReject: 12,
  routerUnreachable: 14,
  addPort: 20,
  allowScanner: 30,
  pathSilent: 35,
  enableIcmp: 40,
  checkAddress: 50,
  scanDeadHosts: 60,
  auth: 100,
  tip: 200,
  debug: 1000,
} as const;

/** Evidence extracted once from the discovery result. */
interface Evidence {
  alive: boolean;
  family: 4 | 6;
  address: string;
  fromTargetAlive: ProbeResult[];
  echo: ProbeResult | undefined;
  echoAnswered: boolean;
  adminFromTarget: ProbeResult[];
  fromOther: ProbeResult[];
  needsPrivilege: ProbeResult[];
  tcpAnswered: boolean;
  synAnswered: boolean;
  synSent: boolean;
}

function evidenceOf(d: HostResult): Evidence {
  const fromTargetAlive = d.probes.filter((p) => p.fromTarget && p.countsAsAlive);
  const echo = d.probes.find((p) => p.kind === 'echo');
  const tcpAlive = fromTargetAlive.filter((p) => p.protocol === 'tcp');
  return {
    alive: d.alive,
    family: d.family,
    address: d.address,
    fromTargetAlive,
    echo,
    echoAnswered: d.probes.some((p) => p.kind === 'echo' && p.fromTarget && p.result === 'echo-reply'),
    adminFromTarget: d.probes.filter((p) => p.fromTarget && p.result === 'icmp-admin-prohibited'),
    fromOther: d.probes.filter(
      (p) =>
        !p.fromTarget &&
        p.responder !== null &&
        p.responder !== d.address &&
        (p.result === 'icmp-admin-prohibited' || p.result === 'icmp-unreachable' || p.result === 'icmp-port-unreachable'),
    ),
    needsPrivilege: d.probes.filter((p) => p.result === 'needs-privilege'),
    tcpAnswered: tcpAlive.length > 0,
    synAnswered: tcpAlive.some((p) => p.kind === 'syn'),
    synSent: d.probes.some((p) => p.kind === 'syn' && p.result !== 'needs-privilege' && p.result !== 'error'),
  };
}

function scannerNote(scannerIps: string[]): string {
  return scannerIps.length > 0
    ? `scanner address${scannerIps.length > 1 ? 'es' : ''} ${scannerIps.join(', ')}`
    : 'the scanner\'s addresses (none given: pass --scanner-ip)';
}

function fullAccessNote(): AdviceAction {
  return {
    label: 'note',
    kind: 'text',
    text:
      'These rules open only the discovery probes. The vulnerability scan that follows probes many more ports: ' +
      'most vendors advise allowing all traffic from the scanner appliances (e.g. nftables "ip saddr <scanner> accept").',
  };
}

// ---------------------------------------------------------------------------------------------
// Network-side advice
// ---------------------------------------------------------------------------------------------

function pathHopFromTrace(path: PathResult | null, target: string): PathHop | null {
  if (!path?.blockingHop) return null;
  if (path.blockingHop.responder === null || path.blockingHop.responder === target) return null;
  return path.blockingHop;
}

function whoToAsk(hop: string, path: PathResult | null): string {
  if (path && isGateway(path, hop)) {
    return `${hop} is the first hop (this machine's gateway): ask whoever runs your local router/firewall, or check it yourself.`;
  }
  return (
    `Ask the team that runs ${hop} (network/firewall team; for a cloud network, the security group or network ACL ` +
    'in front of the target) to allow the scanner\'s addresses to the target on the discovery ports.'
  );
}

/** ` (hop 1, this machine's gateway)`: a device named by the first hop it answered at, as the path panel does. */
function hopWords(path: PathResult | null, address: string): string {
  const n = path ? deviceHop(path, address) : null;
  if (n === null || !path) return '';
  return ` (hop ${n}${isGateway(path, address) ? ", this machine's gateway" : ''})`;
}

/** What to look at on this machine for a local send error, per errno (the plain words come from the probe's `detail`, written by electron/net). */
const LOCAL_ERROR_HINT: Readonly<Record<string, string>> = {
  EACCES:
    'The address is most likely a broadcast address (the last address of a subnet, 255.255.255.255, 127.255.255.255): it names no single host and scanners do not scan it. Give the host\'s own address.',
  EPERM: 'A firewall on THIS machine (its output rules) forbids sending: check "nft list ruleset" / "iptables -S OUTPUT" here, not on the target.',
  ENETUNREACH: 'This machine has no route to that network. Check the address, or run the check from a machine on the scanner\'s network.',
  EHOSTUNREACH: 'This machine has no route to that host, or the neighbour did not answer address resolution (ARP/ND). Check the address and this machine\'s routes.',
  EADDRNOTAVAIL: 'This machine has no usable source address toward that destination. Check its interfaces and routes.',
  EINVAL: 'The operating system rejected the destination address. Check the address (an IPv6 link-local address needs an interface).',
  ELINKLOCALSCOPE: 'Give the host\'s global or unique-local address instead of its link-local one.',
};

/** Pushes `local-send-error` and returns true when every probe that was tried failed locally. */
function localSendError(input: AdviceInput, ev: Evidence, out: Ranked[]): boolean {
  const tried = input.discovery.probes.filter((p) => p.result !== 'needs-privilege');
  if (tried.length === 0 || !tried.every((p) => p.result === 'error')) return false;
  const byErrno = new Map<string, ProbeResult[]>();
  for (const p of tried) {
    const key = p.errno ?? 'unknown';
    byErrno.set(key, [...(byErrno.get(key) ?? []), p]);
  }
  const what = [...byErrno].map(([errno, ps]) => {
    const detail = ps.find((p) => p.detail !== undefined && p.detail !== '')?.detail;
    return `${list(ps.map(probeLabel), 6)}: ${detail ?? errno}`;
  });
  const hints = [...byErrno.keys()].map((errno) => LOCAL_ERROR_HINT[errno]).filter((h): h is string => h !== undefined);
  out.push({
    id: 'local-send-error',
    severity: 'fix',
    rank: RANK.localError,
    title: `This machine could not send the probes to ${ev.address}`,
    why:
      `Every discovery probe failed here, before reaching the network (${what.join('; ')}). ` +
      'Nothing was learnt about the target or any firewall on the way, so no firewall change is advised: the cause is on this machine or in the address.',
    actions: [
      ...hints.map((text) => ({ label: 'what it means', kind: 'text' as const, text })),
      { label: 'route from this machine (Linux)', kind: 'command', text: `ip route get ${shOperand(ev.address)}` },
    ],
  });
  return true;
}

function networkAdvice(input: AdviceInput, ev: Evidence, out: Ranked[]): void {
  const { discovery: d, path, profile } = input;
  const fam = d.family;
  const spec: RuleSpec = discoveryRuleSpec(profile, input.scannerIps);
  const openPorts = (input.openPorts ?? []).slice();
  const pathReached = path?.reached === true;

  if (input.resolveError !== undefined) {
    out.push({
      id: 'check-address',
      severity: 'fix',
      rank: RANK.resolve,
      title: `"${input.target}" does not resolve (DNS)`,
      why: `Name resolution failed: ${input.resolveError}. A scanner given this name cannot scan it either.`,
      actions: [
        { label: 'check', kind: 'command', text: `getent ahosts ${shOperand(input.target)}` },
        { label: 'fix', kind: 'text', text: 'Fix the DNS record, or give the scanner the IP address.' },
      ],
    });
    return;
  }

  if (ev.alive) {
    aliveTips(input, ev, spec, out);
    return;
  }

  // Every probe that was tried failed on this machine (`error`): nothing left it, so nothing about the
  // target or any firewall on the way is known. Say what the local error means; no firewall rules.
  if (localSendError(input, ev, out)) return;

  // --- not alive (not-alive, inconclusive, rejected-by-host, filtered-in-path) ---
  if (ev.needsPrivilege.length > 0) {
    // First when nothing else answered (the verdict hangs on the unsent probes); after a port that
    // answers; only a tip when something on the path or the host already rejected the probes.
    const answeredElsewhere = (input.openPorts ?? []).length > 0;
    const decided = d.verdict === 'filtered-in-path' || d.verdict === 'rejected-by-host';
    out.push({
      id: 'run-privileged-probes',
      severity: decided ? 'tip' : 'fix',
      rank: decided ? RANK.tip - 1 : answeredElsewhere ? RANK.addPort + 2 : RANK.privilege,
      title: 'Run the probes that need privilege',
      why:
        `${decided ? 'Besides the rejects' : 'Nothing answered'}, ${ev.needsPrivilege.length} probe${ev.needsPrivilege.length > 1 ? 's' : ''} ` +
        `(${list(ev.needsPrivilege.map(probeLabel))}) could not be sent without a raw socket. ` +
        (decided
          ? 'They get through stateless SYN filters; the real scanner sends them.'
          : 'These are the probes that get through stateless SYN filters, so the verdict is inconclusive, not "not alive".'),
      actions: [
        { label: 'CLI (Linux/macOS)', kind: 'command', text: `sudo scanready diagnose ${shOperand(input.target)}` },
        { label: 'Linux capability', kind: 'text', text: 'Or give the binary CAP_NET_RAW (setcap cap_net_raw+ep) and run it as yourself.' },
        { label: 'app', kind: 'text', text: 'In the app: "Run privileged probes" (asks for the administrator password once for this run).' },
        { label: 'Windows', kind: 'text', text: 'Windows blocks raw TCP sending even for Administrators: run the probes from a Linux or macOS machine.' },
      ],
    });
  }

  // The host's own firewall rejects (3/9, 3/10, 3/13 from the target).
  const traceAdminFromTarget =
    path?.blockingHop && path.blockingHop.responder === d.address && path.blockingHop.note === 'admin-prohibited' ? path.blockingHop : null;
  if (ev.adminFromTarget.length > 0 || traceAdminFromTarget) {
    const first = ev.adminFromTarget[0];
    const what = first
      ? `${describeIcmp(fam, first.icmpType, first.icmpCode)} from ${d.address} itself to ${list(ev.adminFromTarget.map(probeLabel))}`
      : `${describeIcmp(fam, traceAdminFromTarget?.icmpType ?? null, traceAdminFromTarget?.icmpCode ?? null)} from ${d.address} to the path trace`;
    out.push({
      id: 'host-firewall-rejects',
      severity: 'fix',
      rank: RANK.hostRejects,
      title: `The host's own firewall rejects the scanner`,
      why: `The target answered with ${what}: it is up, and a firewall on it refuses the probes. Scanners (like Nmap) count this as "not alive".`,
      actions: [
        {
          label: 'find the reject rule (Linux)',
          kind: 'command',
          text: "nft list ruleset | grep -n -E 'reject|drop'\niptables -S INPUT | grep -E 'REJECT|DROP'",
        },
        { label: 'find the reject rule (Windows)', kind: 'command', text: "Get-NetFirewallRule -Direction Inbound -Action Block -Enabled True | Format-Table DisplayName,Profile" },
        { label: 'fix', kind: 'text', text: 'Put the allow rules of "Let the scanner reach the discovery ports" (below) before the reject rule.' },
      ],
    });
  }

  // Unreachables from another address (discovery probes) and the trace's blocking hop.
  const adminOther = ev.fromOther.filter((p) => isAdminProhibited(fam, p.icmpType, p.icmpCode));
  const noRouteOther = ev.fromOther.filter((p) => isNoRouteOrHost(fam, p.icmpType, p.icmpCode));
  const otherOther = ev.fromOther.filter((p) => !adminOther.includes(p) && !noRouteOther.includes(p));
  const traceBlock = pathHopFromTrace(path, d.address);
  let pathFilterHop: string | null = null;

  if (adminOther.length > 0 || otherOther.length > 0 || (traceBlock && !isNoRouteOrHost(fam, traceBlock.icmpType, traceBlock.icmpCode))) {
    const p = adminOther[0] ?? otherOther[0];
    const hop = p?.responder ?? traceBlock?.responder ?? '?';
    pathFilterHop = hop;
    const sent = p ? describeIcmp(fam, p.icmpType, p.icmpCode) : describeIcmp(fam, traceBlock?.icmpType ?? null, traceBlock?.icmpCode ?? null);
    const probesHit = [...adminOther, ...otherOther].filter((x) => x.responder === hop).map(probeLabel);
    const traceText =
      traceBlock && traceBlock.responder === hop
        ? ` The path trace (${path?.probe ?? '?'}) got ${describeIcmp(fam, traceBlock.icmpType, traceBlock.icmpCode)} from ${hop}${hopWords(path, hop)}.`
        : '';
    out.push({
      id: 'path-filter',
      severity: 'fix',
      rank: RANK.pathReject,
      hop,
      title: `${hop}${hopWords(path, hop)} on the path rejects the probes (${sent})`,
      request: networkRequest(input, spec, `${hop}${hopWords(path, hop)} answers the scanner's probes with ${sent}.`, hop),
      why:
        `${hop} is not the target (${d.address}) and answered ${sent}` +
        (probesHit.length > 0 ? ` to ${list(probesHit)}` : '') +
        `: a router or firewall between the scanner and the target blocks the probes.${traceText}`,
      actions: [
        { label: 'who to ask', kind: 'text', text: whoToAsk(hop, path) },
        { label: 'what to ask for', kind: 'text', text: `Allow ${scannerNote(input.scannerIps)} to ${d.address}: TCP ${list(spec.tcpPorts.map(String), 20)}; UDP ${list(spec.udpPorts.map(String), 10)}${spec.icmpEcho ? '; ICMP echo' : ''}.` },
        { label: 'reproduce', kind: 'command', text: `traceroute -n -T -p ${/^TCP SYN (\d+)/.exec(path?.probe ?? '')?.[1] ?? spec.tcpPorts[0] ?? 80} ${shQuote(d.address)}` },
      ],
    });
  }

  const noRoute = noRouteOther[0] ?? (traceBlock && isNoRouteOrHost(fam, traceBlock.icmpType, traceBlock.icmpCode) ? traceBlock : null);
  if (noRoute) {
    const hop = noRoute.responder ?? '?';
    const sent = describeIcmp(fam, noRoute.icmpType, noRoute.icmpCode);
    out.push({
      id: 'check-address',
      severity: 'fix',
      rank: RANK.routerUnreachable,
      title: `${hop} cannot deliver to ${d.address}: host off or wrong address`,
      why:
        `${hop} answered ${sent}: the router has no way to reach ${d.address} (on its own link that means nothing answered ARP/neighbour discovery). ` +
        (input.resolvedFrom ? `The address came from the name ${input.resolvedFrom}. ` : '') +
        'The host is off, disconnected, or the address is not the host\'s.',
      actions: checkAddressActions(input),
    });
  }

  // Ports the host answers on, found by the port finder or by the remote listening list.
  const tcpFound = openPorts.filter((p) => p.protocol === 'tcp' && (p.result === 'syn-ack' || p.result === 'rst'));
  const udpFound = openPorts.filter((p) => p.protocol === 'udp' && (p.result === 'udp-reply' || p.result === 'icmp-port-unreachable'));
  if (tcpFound.length > 0) out.push(addTcpPort(input, tcpFound.map(fromOpenPort), 'fix'));
  if (udpFound.length > 0) out.push(addUdpPort(input, udpFound.map(fromOpenPort), 'fix'));

  const silentVerdict = d.verdict === 'not-alive' || d.verdict === 'inconclusive';
  if (d.verdict !== 'filtered-in-path') {
    const silentWhat = silentVerdict
      ? `None of the ${d.probes.length} discovery probes got an answer` +
        (tcpFound.length + udpFound.length > 0
          ? `, yet the host answers on ${list([...tcpFound.map((p) => `TCP ${p.port}`), ...udpFound.map((p) => `UDP ${p.port}`)])}: a firewall lets only those through`
          : pathReached
            ? `, yet the path trace reached ${d.address}: the host is up and something drops the discovery probes`
            : '')
      : 'The host\'s firewall rejects the probes';
    out.push({
      id: 'allow-scanner',
      severity: 'fix',
      rank: RANK.allowScanner,
      title: 'Let the scanner reach the discovery ports',
      request: networkRequest(input, spec, `${silentWhat}.`),
      why: `${silentWhat}. Allow ${scannerNote(input.scannerIps)} to reach TCP ${list(spec.tcpPorts.map(String), 20)}, UDP ${list(spec.udpPorts.map(String), 10)}${spec.icmpEcho ? ' and ICMP echo' : ''} on the host and on any firewall in front of it.`,
      actions: [...firewallActions(spec), fullAccessNote()],
    });
  }

  // Silent path: the trace stops at a router and nothing beyond answers.
  if (path && !pathReached && !pathFilterHop && !noRoute && silentVerdict && tcpFound.length + udpFound.length === 0) {
    const last = path.lastResponder;
    if (last !== null && last !== d.address) {
      out.push({
        id: 'path-filter',
        severity: 'fix',
        rank: RANK.pathSilent,
        hop: last,
        title: `Packets are last seen at ${last}`,
      request: networkRequest(input, spec, `the probes are last seen at ${last}${hopWords(path, last)}; nothing answers after it.`, `${last} or the device after it`),
        why:
          `The path trace (${path.probe}, ${path.method}) got answers up to ${last}${hopWords(path, last)} and nothing after it. ` +
          `Either a firewall at or after ${last} drops the probes silently, or the host itself does (or is off): from outside the two look the same. ` +
          'If the host\'s own firewall is clean, the next place to look is the device after that hop.',
        actions: [
          { label: 'who to ask', kind: 'text', text: whoToAsk(last, path) },
          {
            label: 'tell them apart',
            kind: 'text',
            text: `On the target, watch for the probes while scanning: "tcpdump -ni any host <scanner address>". Packets seen → the host drops them (its firewall); nothing seen → they die before it, at or after ${last}.`,
          },
        ],
      });
    }
  }

  if (profile.icmpEcho && !ev.echoAnswered && d.verdict !== 'filtered-in-path') {
    out.push({
      id: 'enable-icmp',
      severity: 'fix',
      rank: RANK.enableIcmp,
      title: 'Allow ICMP echo from the scanner',
      why: `ICMP echo got ${ev.echo ? describeResult(ev.echo) : 'no answer'}; ICMP echo is one of the discovery probes, and it is the cheapest to allow.`,
      actions: icmpActions(spec, out),
    });
  }

  if (silentVerdict && !pathReached && tcpFound.length + udpFound.length === 0 && !noRoute) {
    out.push({
      id: 'check-address',
      severity: 'fix',
      rank: RANK.checkAddress,
      title: 'Check that the host is on and has this address',
      why:
        `Nothing answered at all: no discovery probe${input.openPorts !== null ? ', no port of the wider port search' : ''}` +
        (path ? `, and the path trace ${path.lastResponder ? `stops at ${path.lastResponder}` : 'got no answer from any hop'}` : '') +
        `. A host that is off, or an address that is not the host's (${input.resolvedFrom ? `${input.resolvedFrom} resolved to ${d.address}` : d.address}), looks exactly like this.`,
      actions: checkAddressActions(input),
    });
  }

  if (silentVerdict) {
    out.push({
      id: 'scan-dead-hosts',
      severity: 'fix',
      rank: RANK.scanDeadHosts,
      title: 'Turn on "Scan Dead Hosts" for this host',
      why:
        'If the host cannot be made to answer the discovery probes, the scanner can be told to assess it anyway. ' +
        'It is slow (every port is tried on a host that may not exist) and not advised for a /24 or larger: use it for this host only.',
      actions: [
        {
          label: profile.scanner === 'qualys' ? 'Qualys option profile' : 'scanner',
          kind: 'text',
          text:
            profile.scanner === 'qualys'
              ? 'Option Profile → Scan → Scan Dead Hosts: on, in a profile used only for this host (or a small list).'
              : profile.scanner === 'nmap'
                ? 'Nmap: -Pn (treat all hosts as online), for this host only.'
                : 'Turn off host discovery ("consider alive" / "Scan Dead Hosts") for this host only.',
        },
      ],
    });
  }
}

/** The ICMP echo rule, unless the "let the scanner in" rules of this list already hold it (one copy of each rule). */
function icmpActions(spec: RuleSpec, out: readonly Ranked[]): AdviceAction[] {
  if (spec.icmpEcho && out.some((a) => a.id === 'allow-scanner')) {
    return [{ label: 'rules', kind: 'text', text: 'The rules of "Let the scanner reach the discovery ports" already allow ICMP echo from the scanner: apply those.' }];
  }
  return firewallActions({ ...spec, tcpPorts: [], udpPorts: [], icmpEcho: true });
}

/** The message for the team that runs a firewall: what, from which scanner address, to which host and ports, why. */
function networkRequest(input: AdviceInput, spec: RuleSpec, why: string, device?: string): string {
  const d = input.discovery;
  const from = input.scannerIps.length > 0 ? input.scannerIps.join(', ') : '<scanner appliance addresses>';
  const host = input.resolvedFrom ? `${d.address} (${input.resolvedFrom})` : d.address;
  const lines = [
    'Subject: please allow the vulnerability scanner to reach ' + host,
    '',
    `Please allow traffic from the vulnerability scanner (${from}) to ${host}${device ? `, on ${device}` : ''}:`,
    `- TCP ${spec.tcpPorts.join(', ') || '(none)'}`,
    `- UDP ${spec.udpPorts.join(', ') || '(none)'}`,
    ...(spec.icmpEcho ? ['- ICMP echo request (ping)'] : []),
    '',
    `Why: ${why}`,
    'These are the host-discovery probes; without an answer to one of them the scanner reports the host as "not alive" and does not assess it.',
  ];
  return lines.join('\n');
}

function describeResult(p: ProbeResult): string {
  if (p.result === 'no-response') return 'no response';
  if (p.result === 'needs-privilege') return 'not sent (needs privilege)';
  const from = p.responder !== null ? ` from ${p.responder}` : '';
  return `${p.result}${from}`;
}

function checkAddressActions(input: AdviceInput): AdviceAction[] {
  const d = input.discovery;
  const actions: AdviceAction[] = [];
  if (input.resolvedFrom) {
    actions.push({ label: 'check the name', kind: 'command', text: `getent ahosts ${shOperand(input.resolvedFrom)}` });
  }
  actions.push(
    { label: 'on the target', kind: 'command', text: d.family === 4 ? 'ip -4 addr show' : 'ip -6 addr show' },
    { label: 'on the target (Windows)', kind: 'command', text: 'Get-NetIPAddress | Format-Table InterfaceAlias,IPAddress' },
    {
      label: 'what to check',
      kind: 'text',
      text: `Is the host powered on and connected, and does it really have ${d.address}? (DHCP may have moved it; a stale DNS record or asset list gives the scanner the wrong address.)`,
    },
  );
  return actions;
}

function additionalTcpCapacity(profile: DiscoveryProfile): { used: number; left: number } {
  const standard = new Set<number>(QUALYS_STANDARD_TCP);
  const used = new Set(profile.tcpSyn.filter((p) => !standard.has(p))).size;
  return { used, left: Math.max(0, QUALYS_MAX_ADDITIONAL_TCP - used) };
}

/** A port the host answers (or listens) on, from the port finder or the remote listening list. */
interface FoundPort {
  port: number;
  /** What proves it: `syn-ack`, `rst`, `udp-reply`, `listening`... */
  how: string;
  /** A listening service (syn-ack, udp reply, listening) rather than a closed-port answer. */
  strong: boolean;
  service?: string;
}

function fromOpenPort(p: OpenPort): FoundPort {
  return { port: p.port, how: p.result, strong: p.result === 'syn-ack' || p.result === 'udp-reply', ...(p.service ? { service: p.service } : {}) };
}

function addTcpPort(input: AdviceInput, found: FoundPort[], severity: 'fix' | 'tip', source = 'the wider port search'): Ranked {
  const { profile } = input;
  const inProfile = new Set(profile.tcpSyn);
  // Listening services first: they also survive a stateful firewall that passes only that port.
  const candidates = [...found]
    .filter((p) => !inProfile.has(p.port))
    .sort((a, b) => (a.strong === b.strong ? 0 : a.strong ? -1 : 1));
  const { used, left } = additionalTcpCapacity(profile);
  const ports = candidates.slice(0, Math.max(left, 0)).map((p) => p.port);
  const shown = candidates.map((p) => `${p.port}${p.service ? ` (${p.service})` : ''} ${p.how}`);
  const limitNote =
    left === 0
      ? ` The profile already uses ${used} additional TCP ports, the most Qualys accepts (${QUALYS_MAX_ADDITIONAL_TCP}): replace one of them.`
      : candidates.length > left
        ? ` Only ${left} more additional TCP port${left === 1 ? '' : 's'} fit (Qualys accepts ${QUALYS_MAX_ADDITIONAL_TCP}); one answering port is enough.`
        : '';
  const portList = (ports.length > 0 ? ports : candidates.slice(0, 1).map((p) => p.port)).join(',');
  return {
    id: 'add-tcp-port',
    severity,
    rank: severity === 'fix' ? RANK.addPort : RANK.tip + 5,
    ports: ports.length > 0 ? ports : candidates.slice(0, 1).map((p) => p.port),
    title: `Add TCP port${candidates.length > 1 ? 's' : ''} ${portList} to the discovery ports`,
    why: `The host answers on TCP ${list(shown, 6)} (found by ${source}), which the profile does not probe.${limitNote}`,
    actions: [
      {
        label: 'Qualys option profile',
        kind: 'text',
        text: `Option Profile → Additional → Host Discovery → TCP Ports: "Additional", add ${portList} (at most ${QUALYS_MAX_ADDITIONAL_TCP} additional ports).`,
      },
      { label: 'Nmap', kind: 'text', text: `-PS${portList}` },
      { label: 'verify', kind: 'command', text: `scanready discover --add-tcp ${portList} ${shOperand(input.target)}`, cliOnly: true },
    ],
    rerun: { tcp: ports.length > 0 ? ports : candidates.slice(0, 1).map((p) => p.port) },
  };
}

function addUdpPort(input: AdviceInput, found: FoundPort[], severity: 'fix' | 'tip', source = 'the wider port search'): Ranked {
  const inProfile = new Set(input.profile.udp);
  const candidates = [...found].filter((p) => !inProfile.has(p.port)).sort((a, b) => (a.strong === b.strong ? 0 : a.strong ? -1 : 1));
  const list6 = candidates.slice(0, QUALYS_MAX_CUSTOM_UDP).map((p) => p.port);
  const ports = list6.length > 0 ? list6 : found.slice(0, 1).map((p) => p.port);
  const portList = ports.join(',');
  return {
    id: 'add-udp-port',
    severity,
    rank: severity === 'fix' ? RANK.addPort + 1 : RANK.tip + 6,
    ports,
    title: `Add UDP port${ports.length > 1 ? 's' : ''} ${portList} to the discovery ports`,
    why:
      `The host answers on UDP ${list(candidates.map((p) => `${p.port}${p.service ? ` (${p.service})` : ''} ${p.how}`), 6)} (found by ${source}). ` +
      `A "Custom" UDP list replaces the standard one and holds at most ${QUALYS_MAX_CUSTOM_UDP} ports: keep it to the ports that answer.`,
    actions: [
      {
        label: 'Qualys option profile',
        kind: 'text',
        text: `Option Profile → Additional → Host Discovery → UDP Ports: "Custom", ${portList} (at most ${QUALYS_MAX_CUSTOM_UDP}).`,
      },
      { label: 'Nmap', kind: 'text', text: `-PU${portList}` },
      { label: 'verify', kind: 'command', text: `scanready discover --udp ${portList} ${shOperand(input.target)}`, cliOnly: true },
    ],
    rerun: { udp: ports },
  };
}

function aliveTips(input: AdviceInput, ev: Evidence, spec: RuleSpec, out: Ranked[]): void {
  const { discovery: d, profile } = input;
  // The host is alive but the scan's own SYN port scan will see nothing (.13 stateless SYN filter, UDP/ICMP-only hosts).
  if (ev.synSent && !ev.synAnswered) {
    const by = list(ev.fromTargetAlive.map(probeLabel));
    out.push({
      id: 'allow-scanner',
      severity: 'tip',
      rank: RANK.tip,
      title: 'Let the scanner reach TCP ports too',
      why:
        `The host is alive (answered ${by}), but every TCP SYN probe went unanswered: the port scan that follows discovery ` +
        'uses SYNs too, so the assessment will find few or no services. Allow the scanner through the host\'s firewall.',
      actions: [...firewallActions(spec), fullAccessNote()],
    });
  }
  if (profile.icmpEcho && ev.echo && !ev.echoAnswered && ev.echo.result !== 'needs-privilege' && ev.echo.result !== 'error') {
    out.push({
      id: 'enable-icmp',
      severity: 'tip',
      rank: RANK.tip + 10,
      title: 'Allow ICMP echo from the scanner (robustness)',
      why:
        `Alive by ${d.aliveBy || list(ev.fromTargetAlive.map(probeLabel))}, but ICMP echo got ${describeResult(ev.echo)}. ` +
        'If the ports that answer today are closed later, ICMP echo keeps the host visible to discovery.',
      actions: icmpActions(spec, out),
    });
  }
  if (input.resolvedFrom && /^(127\.|::1$|0\.|169\.254\.|fe80:)/i.test(d.address)) {
    out.push({
      id: 'check-address',
      severity: 'tip',
      rank: RANK.tip + 1,
      title: `${input.resolvedFrom} resolves to ${d.address}`,
      why: `${d.address} is a loopback/link-local address: the scanner resolving ${input.resolvedFrom} would not reach the host you mean.`,
      actions: checkAddressActions(input),
    });
  }
}

/** Listening ports seen over SSH (ss/netstat) that the profile does not probe: custom-port candidates. */
function listeningAdvice(input: AdviceInput, out: Ranked[]): void {
  const auth = input.auth;
  if (!auth) return;
  const loopback = /^(127\.|::1$|\[::1\]$|localhost$)/;
  // Candidates against the effective profile (the credential check only knows built-in profiles).
  const tcpIn = new Set(input.profile.tcpSyn);
  const udpIn = new Set(input.profile.udp);
  const reachable = auth.listening.filter(
    (l) => !loopback.test(l.address) && !((l.protocol === 'tcp' || l.protocol === 'tcp6') ? tcpIn : udpIn).has(l.port),
  );
  const severity = input.discovery.alive ? 'tip' : 'fix';
  const source = 'the host\'s listening ports (ss/netstat over SSH)';
  const toFound = (l: (typeof reachable)[number]): FoundPort => ({ port: l.port, how: 'listening', strong: true, ...(l.process ? { service: l.process } : {}) });
  const tcp = reachable.filter((l) => l.protocol === 'tcp' || l.protocol === 'tcp6').map(toFound);
  const udp = reachable.filter((l) => l.protocol === 'udp' || l.protocol === 'udp6').map(toFound);
  const dedupe = (xs: FoundPort[]): FoundPort[] => xs.filter((x, i) => xs.findIndex((y) => y.port === x.port) === i);
  if (tcp.length > 0 && !out.some((a) => a.id === 'add-tcp-port')) out.push(addTcpPort(input, dedupe(tcp), severity, source));
  if (udp.length > 0 && !out.some((a) => a.id === 'add-udp-port')) out.push(addUdpPort(input, dedupe(udp), severity, source));
}

// ---------------------------------------------------------------------------------------------

/** Builds the ranked advice list for one diagnosed host. */
export function buildAdvice(input: AdviceInput): Advice[] {
  const ev = evidenceOf(input.discovery);
  const out: Ranked[] = [];
  networkAdvice(input, ev, out);
  if (input.auth) {
    // Exactly what `scanready auth` gives for the same evidence (and the same scanner settings).
    const cred = credentialAdvice(input.auth, { scannerIps: input.scannerIpsGuessed === true ? [] : input.scannerIps });
    cred.forEach((a, i) => out.push({ ...a, rank: (a.severity === 'fix' ? RANK.auth : RANK.tip + 20) + i }));
  }

  listeningAdvice(input, out);

  const hasFix = out.some((a) => a.severity === 'fix');
  const authBad = input.auth !== null && input.auth.status !== 'passed';
  if (!hasFix && (!input.discovery.alive || authBad)) {
    out.push({
      id: 'debug-bundle',
      severity: 'fix',
      rank: RANK.debug,
      title: 'Collect a debug bundle for the scanner vendor',
      why:
        'None of the checks explains the result' +
        (!input.discovery.alive ? ` (${input.discovery.verdict}: ${input.discovery.reason})` : '') +
        (authBad ? ` (credential check: ${input.auth?.status ?? ''})` : '') +
        '. The vendor\'s support needs the scanner\'s own view and this one side by side.',
      actions: [
        { label: 'scanner', kind: 'text', text: 'Run a debug scan of this host from the scanner (Qualys: ask support to enable a debug scan for the option profile) and keep its log.' },
        { label: 'ScanReady', kind: 'command', text: `scanready diagnose --bundle ${shQuote(`scanready-${(input.discovery.address || 'host').replace(/[^A-Za-z0-9.-]/g, '_')}.zip`)} ${shOperand(input.target)}` },
        { label: 'include', kind: 'text', text: 'The scan result, the bundle above (the full JSON result, a summary and the environment, secrets redacted), the scanner appliance\'s address and the time of the scan.' },
      ],
    });
  }

  // Stable order: fixes by rank, then tips by rank, debug-bundle last. One item per id (first wins),
  // except path-filter/check-address, which may appear once per distinct hop/reason.
  const sorted = out.sort((a, b) => {
    if (a.id === 'debug-bundle') return 1;
    if (b.id === 'debug-bundle') return -1;
    if (a.severity !== b.severity) return a.severity === 'fix' ? -1 : 1;
    return a.rank - b.rank;
  });
  const seen = new Set<AdviceId>();
  const result: Advice[] = [];
  for (const { rank: _rank, ...a } of sorted) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    result.push(a);
  }
  // A note shared by several cards (the nftables note, the full-access note) is said once, on the first.
  const said = new Set<string>();
  // (Network items only: the credential items stay exactly what `scanready auth` gives.)
  for (const [i, a] of result.entries()) {
    if (isCredentialAdvice(a)) continue;
    const actions = a.actions.filter((x) => {
      if (x.kind !== 'text') return true;
      const key = `${x.label}\u0000${x.text}`;
      if (said.has(key)) return false;
      said.add(key);
      return true;
    });
    if (actions.length !== a.actions.length) result[i] = { ...a, actions };
  }
  return result;
}
