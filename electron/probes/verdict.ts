/**
 * The host verdict: a pure function of the probe results (domain.md §2).
 */
import { ALIVE_OUTCOMES, probeLabel, type ProbeOutcome, type ProbeResult, type Verdict } from '../../shared/discovery.js';
import { describeIcmp } from '../../shared/icmp.js';
import { canonicalIp } from '../net/index.js';

export interface VerdictResult {
  alive: boolean;
  verdict: Verdict;
  /** One line built from the evidence. */
  reason: string;
  /** Scanner-style method list, e.g. `ICMP;TCPPort 22;TCP RST`; empty when not alive. */
  aliveBy: string;
}

export interface VerdictContext {
  /** Per-attempt timeout, quoted in "no answer" reasons. */
  timeoutMs?: number;
}

const ICMP_ERRORS: ReadonlySet<ProbeOutcome> = new Set<ProbeOutcome>([
  'icmp-port-unreachable',
  'icmp-admin-prohibited',
  'icmp-unreachable',
  'icmp-time-exceeded',
]);

/** `a`, `a and b`, `a, b and c`. */
function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `22, 80, 443` or `21, 23, 25, 53 (+6 more)`. */
function portList(ports: (number | null)[], max = 6): string {
  const ps = ports.filter((p): p is number => p !== null);
  if (ps.length <= max) return ps.join(', ');
  return `${ps.slice(0, max - 1).join(', ')} (+${ps.length - max + 1} more)`;
}

function pairList(probes: ProbeResult[]): string {
  return probes.map((p) => `${p.sourcePort}→${p.port}`).join(', ');
}

/** Probe group names for counts: `13 TCP SYN`, `2 TCP ACK`, `6 UDP`, `ICMP echo`. */
function groupName(p: ProbeResult): string {
  switch (p.kind) {
    case 'syn':
      return p.method === 'connect' ? 'TCP connect' : 'TCP SYN';
    case 'ack':
      return 'TCP ACK';
    case 'syn-ack':
      return 'TCP SYN-ACK';
    case 'udp':
      return 'UDP';
    case 'echo':
      return p.method === 'system-ping' ? 'ICMP echo (system ping)' : 'ICMP echo';
    case 'timestamp':
      return 'ICMP timestamp';
  }
}

function countGroups(probes: ProbeResult[]): string {
  const counts = new Map<string, number>();
  for (const p of probes) counts.set(groupName(p), (counts.get(groupName(p)) ?? 0) + 1);
  const parts = [...counts].map(([name, n]) => (name.startsWith('ICMP') && n === 1 ? name : `${n} ${name}`));
  return `${joinAnd(parts)} probe${probes.length === 1 ? '' : 's'}`;
}

function attemptsNote(probes: ProbeResult[], ctx: VerdictContext): string {
  const attempts = Math.max(1, ...probes.map((p) => p.attempts));
  const a = `${attempts} attempt${attempts === 1 ? '' : 's'} each`;
  return ctx.timeoutMs !== undefined ? `(${a}, ${ctx.timeoutMs} ms timeout)` : `(${a})`;
}

/** `ICMP 3/13 (…) ×8` groups of the ICMP errors in a set of probes. */
function icmpSummary(probes: ProbeResult[], family: 4 | 6): string {
  const byCode = new Map<string, number>();
  for (const p of probes) {
    const key = p.icmpType !== null && p.icmpCode !== null ? describeIcmp(family, p.icmpType, p.icmpCode) : p.result;
    byCode.set(key, (byCode.get(key) ?? 0) + 1);
  }
  return [...byCode].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
}

/** Evidence of life, as one reason fragment per kind of answer. */
function aliveFragments(alive: ProbeResult[]): string[] {
  const out: string[] = [];
  const pick = (kind: ProbeResult['kind'], result: ProbeOutcome): ProbeResult[] =>
    alive.filter((p) => p.kind === kind && p.result === result);
  const synOpen = pick('syn', 'syn-ack');
  if (synOpen.length) {
    const viaConnect = synOpen.every((p) => p.method === 'connect');
    out.push(`${viaConnect ? 'connection accepted on' : 'SYN-ACK from'} TCP ${portList(synOpen.map((p) => p.port))}`);
  }
  const synRst = pick('syn', 'rst');
  if (synRst.length) {
    const viaConnect = synRst.every((p) => p.method === 'connect');
    out.push(`${viaConnect ? 'connection refused (RST) on' : 'RST from'} TCP ${portList(synRst.map((p) => p.port))}`);
  }
  const ackRst = pick('ack', 'rst');
  if (ackRst.length) out.push(`RST to TCP ACK ${pairList(ackRst)}`);
  const synAckRst = pick('syn-ack', 'rst');
  if (synAckRst.length) out.push(`RST to TCP SYN-ACK ${pairList(synAckRst)}`);
  const udpReply = alive.filter((p) => p.kind === 'udp' && p.result === 'udp-reply');
  if (udpReply.length) out.push(`UDP reply from ${portList(udpReply.map((p) => p.port))}`);
  const portUnreach = alive.filter((p) => p.result === 'icmp-port-unreachable');
  if (portUnreach.length) {
    out.push(`ICMP port unreachable for ${portUnreach.map((p) => probeLabel(p)).slice(0, 6).join(', ')}${portUnreach.length > 6 ? ` (+${portUnreach.length - 6} more)` : ''}`);
  }
  if (alive.some((p) => p.result === 'echo-reply')) out.push('ICMP echo reply');
  if (alive.some((p) => p.result === 'timestamp-reply')) out.push('ICMP timestamp reply');
  // Anything else that counts (e.g. an RST to a probe kind not listed above).
  const listed = new Set([...synOpen, ...synRst, ...ackRst, ...synAckRst, ...udpReply, ...portUnreach]);
  const rest = alive.filter((p) => !listed.has(p) && p.result !== 'echo-reply' && p.result !== 'timestamp-reply');
  for (const p of rest) out.push(`${p.result} to ${probeLabel(p)}`);
  return out;
}

/**
 * Scanner-style list of the methods that found the host, in Qualys' notation: `ICMP` (echo reply),
 * `TCPPort N` (an open TCP port), `UDPPort N` (a UDP reply), `TCP RST` (any RST). Our own names for the
 * other proofs follow the same pattern: `ICMP Timestamp`, `UDP Port Unreachable`.
 */
export function aliveByOf(alive: ProbeResult[]): string {
  const tokens: string[] = [];
  if (alive.some((p) => p.result === 'echo-reply')) tokens.push('ICMP');
  if (alive.some((p) => p.result === 'timestamp-reply')) tokens.push('ICMP Timestamp');
  const open = [...new Set(alive.filter((p) => p.result === 'syn-ack' && p.port !== null).map((p) => p.port as number))].sort((a, b) => a - b);
  for (const port of open) tokens.push(`TCPPort ${port}`);
  const udp = [...new Set(alive.filter((p) => p.result === 'udp-reply' && p.port !== null).map((p) => p.port as number))].sort((a, b) => a - b);
  for (const port of udp) tokens.push(`UDPPort ${port}`);
  if (alive.some((p) => p.result === 'rst')) tokens.push('TCP RST');
  if (alive.some((p) => p.result === 'icmp-port-unreachable')) tokens.push('UDP Port Unreachable');
  return tokens.join(';');
}

/**
 * Decides a host's verdict from its probe results (domain.md §2):
 * - `alive`: some probe got an ALIVE_OUTCOMES answer from the target itself;
 * - `rejected-by-host`: the only answers were ICMP unreachables (admin-prohibited) from the target;
 * - `filtered-in-path`: an ICMP error came from another address (named in the reason);
 * - `inconclusive`: nothing answered, but some probes were not sent (no privilege, local error,
 *   cancelled) or the only answers came from a responder that cannot be known without raw sockets;
 * - `not-alive`: every probe was sent and nothing answered.
 */
export function decideVerdict(
  probes: ProbeResult[],
  targetAddress: string,
  privileged: boolean,
  ctx: VerdictContext = {},
): VerdictResult {
  const target = canonicalIp(targetAddress);
  const family: 4 | 6 = target.includes(':') ? 6 : 4;
  const fromTarget = (p: ProbeResult): boolean => p.responder !== null && canonicalIp(p.responder) === target;
  const aliveEvidence = probes.filter((p) => ALIVE_OUTCOMES.has(p.result) && fromTarget(p));
  const notSent = probes.filter((p) => p.result === 'needs-privilege');
  const errors = probes.filter((p) => p.result === 'error');
  const cancelled = probes.filter((p) => p.result === 'cancelled');
  const silent = probes.filter((p) => p.result === 'no-response');
  const privilegeNote =
    notSent.length > 0
      ? `${countGroups(notSent)} not sent: they need raw sockets${privileged ? '' : ' (run privileged)'}`
      : '';

  if (aliveEvidence.length > 0) {
    const parts = aliveFragments(aliveEvidence);
    const syn = probes.filter((p) => p.kind === 'syn');
    const synSilent = syn.length > 0 && syn.every((p) => p.result === 'no-response');
    const statelessRst = aliveEvidence.some((p) => (p.kind === 'ack' || p.kind === 'syn-ack') && p.result === 'rst');
    if (synSilent && statelessRst) parts.push('SYN probes dropped — a stateless SYN filter');
    const echo = probes.find((p) => p.kind === 'echo');
    if (echo && echo.result === 'no-response' && aliveEvidence.length > 0) parts.push('no answer to ICMP echo');
    return { alive: true, verdict: 'alive', reason: `alive: ${parts.join('; ')}`, aliveBy: aliveByOf(aliveEvidence) };
  }

  const answered = probes.filter((p) => ICMP_ERRORS.has(p.result) || ALIVE_OUTCOMES.has(p.result));
  const knownResponder = answered.filter((p) => p.responder !== null);
  const fromHost = knownResponder.filter(fromTarget);
  const fromPath = knownResponder.filter((p) => !fromTarget(p));
  const unknownResponder = answered.filter((p) => p.responder === null);
  const unknownNote =
    unknownResponder.length > 0
      ? `${unknownResponder.length} more rejected by an unknown sender (${unknownResponder[0]?.detail ?? 'responder unknown without raw sockets'})`
      : '';
  const tail = (items: string[]): string => items.filter((s) => s !== '').map((s) => `; ${s}`).join('');

  if (fromHost.length > 0) {
    const pathNote =
      fromPath.length > 0 ? `also rejected in path by ${[...new Set(fromPath.map((p) => p.responder))].join(', ')}` : '';
    return {
      alive: false,
      verdict: 'rejected-by-host',
      reason: `rejected by host: ${target} answered ${fromHost.length} probe${fromHost.length === 1 ? '' : 's'} with ${icmpSummary(fromHost, family)} — its own firewall rejects the scanner (scanners count this as not alive)${tail([pathNote, unknownNote, privilegeNote])}`,
      aliveBy: '',
    };
  }

  if (fromPath.length > 0) {
    const byHop = new Map<string, ProbeResult[]>();
    for (const p of fromPath) {
      const hop = p.responder as string;
      byHop.set(hop, [...(byHop.get(hop) ?? []), p]);
    }
    const hops = [...byHop].map(([hop, ps]) => `${hop} answered ${ps.length} probe${ps.length === 1 ? '' : 's'} with ${icmpSummary(ps, family)}`);
    return {
      alive: false,
      verdict: 'filtered-in-path',
      reason: `filtered in path: ${hops.join('; ')} for ${target} — a router or firewall on the path rejects the scanner; nothing came from the host itself${tail([unknownNote, privilegeNote])}`,
      aliveBy: '',
    };
  }

  const silentPart = silent.length > 0 ? `no answer to ${countGroups(silent)} ${attemptsNote(silent, ctx)}` : 'no answer';
  if (unknownResponder.length > 0) {
    return {
      alive: false,
      verdict: 'inconclusive',
      reason: `inconclusive: ${unknownResponder.length} probe${unknownResponder.length === 1 ? ' was' : 's were'} rejected with ICMP unreachable by a sender that cannot be seen without raw sockets; ${silentPart}${tail([privilegeNote])}`,
      aliveBy: '',
    };
  }
  if (errors.length > 0 && silent.length === 0 && cancelled.length === 0) {
    // Nothing was answered and nothing went unanswered: the probes never left this machine.
    const reasons = [...new Set(errors.map((p) => p.detail ?? p.errno ?? 'error'))];
    const what = `${errors.length === probes.length - notSent.length ? (notSent.length > 0 ? 'every other probe' : 'every probe') : countGroups(errors)} failed on this machine before reaching the network: ${reasons.slice(0, 2).join('; ')}`;
    return {
      alive: false,
      verdict: 'inconclusive',
      reason: `inconclusive: nothing is known about ${target} — ${what}${tail(notSent.length > 0 ? [privilegeNote] : [])}`,
      aliveBy: '',
    };
  }
  if (notSent.length > 0 || errors.length > 0 || cancelled.length > 0) {
    const extra: string[] = [];
    if (notSent.length > 0) {
      const stateless = notSent.some((p) => p.kind === 'ack' || p.kind === 'syn-ack');
      extra.push(`${privilegeNote}${stateless ? ' — ACK/SYN-ACK probes are the ones that pass stateless SYN filters' : ''}`);
    }
    if (errors.length > 0) extra.push(`${countGroups(errors)} failed on this machine, not sent (${errors[0]?.detail ?? 'error'})`);
    if (cancelled.length > 0) extra.push(`${countGroups(cancelled)} cancelled before an answer`);
    return { alive: false, verdict: 'inconclusive', reason: `inconclusive: ${silentPart}${tail(extra)}`, aliveBy: '' };
  }
  return { alive: false, verdict: 'not-alive', reason: `not alive: ${silentPart}`, aliveBy: '' };
}
