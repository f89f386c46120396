/**
 * The triage engine: probe every host with the profile (the discovery engine, one lazy plan, one
 * rate), group the hosts by what answered, trace the path for a sample of each not-alive group,
 * run the port finder only where nothing answered (on a spread sample, then check the ports found
 * on every host of that group), and give each final group one set of advice (electron/advice).
 * Memory: one small record per host and one full probe matrix per group, never every matrix.
 * Cancel (signal): what is done so far is grouped and returned.
 */
import { performance } from 'node:perf_hooks';
import type { OpenPort, PathResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult, Verdict } from '../../shared/discovery.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import type { TriageCause, TriageEvent, TriageGroup, TriageHost, TriagePhase, TriageSummary } from '../../shared/triage.js';
import { groupAdvice } from '../advice/index.js';
import { chooseTraceProbe, COMMON_UDP_PORTS, findOpenPorts, tracePath } from '../diagnosis/index.js';
import { canUseRawSockets, discover, type DiscoverMode, type ResolvedTarget, type TargetSource } from '../probes/index.js';
import { collapse } from './cidr.js';

export interface TriageOptions {
  profile: DiscoveryProfile;
  mode?: DiscoverMode;
  ratePps?: number;
  concurrency?: number;
  signal?: AbortSignal;
  /** Scanner addresses for the firewall rules. */
  scannerIps: string[];
  scannerIpsGuessed?: boolean;
  /** Hosts whose path is traced per not-alive group (default 2: the first and the last). */
  traceSample?: number;
  /** Hosts searched by the port finder per silent group (default 6, spread over the group). */
  portSample?: number;
  /** Nmap top TCP ports for the port finder (default 1000). */
  topPorts?: number;
  /** Trace tuning (tests and impatient users): hops, silent hops, timeout. */
  trace?: { maxHops?: number; silentHops?: number; timeoutMs?: number };
  /** What the input said about an address (category, source, reason). */
  inputOf?: (address: string, target: string) => TriageHost['input'];
  /** Hosts the inputs listed and triage does not probe, by category. */
  notProbed?: Record<string, number>;
  onEvent?: (e: TriageEvent) => void;
}

export type TriageResult = Extract<TriageEvent, { type: 'done' }>;

/** A host while the triage runs: the contract's fields (shared/triage.ts) plus the grouping keys. */
type HostRecord = Pick<TriageHost, 'address' | 'target' | 'verdict' | 'reason' | 'aliveBy' | 'answered' | 'ports'> & {
  /** The filtering or last responding hop, when the probes told. */
  hop: string | null;
  /** The preliminary group key. */
  key: string;
};

interface Prelim {
  key: string;
  verdict: Verdict;
  answered: string;
  hop: string | null;
  evidence: HostResult;
  hosts: HostRecord[];
  path: PathResult | null;
  traced: string[];
  notes: string[];
  openPorts: OpenPort[];
  portFinderRan: boolean;
}

const fromTargetAlive = (p: ProbeResult): boolean => p.fromTarget && p.countsAsAlive;

/** What answered, coarse enough that hosts behaving alike share it (one lost probe does not split a group). */
export function answeredOf(r: HostResult): { answered: string; hop: string | null } {
  const alive = r.probes.filter(fromTargetAlive);
  if (alive.length > 0) {
    const parts: string[] = [];
    if (alive.some((p) => p.protocol === 'icmp')) parts.push('ICMP echo');
    const open = [...new Set(alive.filter((p) => p.kind === 'syn' && p.result === 'syn-ack').map((p) => p.port as number))].sort((a, b) => a - b);
    if (open.length > 0) parts.push(`TCP ${open.join(',')} open`);
    if (alive.some((p) => p.protocol === 'tcp' && p.result === 'rst')) {
      parts.push(alive.some((p) => p.kind === 'syn' && p.result === 'rst') ? 'TCP RST' : 'TCP RST to ACK probes only');
    }
    const udp = [...new Set(alive.filter((p) => p.result === 'udp-reply').map((p) => p.port as number))].sort((a, b) => a - b);
    if (udp.length > 0) parts.push(`UDP ${udp.join(',')}`);
    if (alive.some((p) => p.result === 'icmp-port-unreachable')) parts.push('UDP port unreachable');
    return { answered: parts.join(' + '), hop: null };
  }
  const other = r.probes.find((p) => !p.fromTarget && p.responder !== null && p.icmpType !== null);
  if (other) return { answered: `ICMP ${other.icmpType}/${other.icmpCode ?? '?'} from ${other.responder}`, hop: other.responder };
  const admin = r.probes.find((p) => p.fromTarget && p.result === 'icmp-admin-prohibited');
  if (admin) return { answered: `ICMP ${admin.icmpType}/${admin.icmpCode ?? '?'} (admin-prohibited) from the host`, hop: r.address };
  if (r.probes.some((p) => p.result === 'needs-privilege')) return { answered: 'nothing (some probes need privilege)', hop: null };
  return { answered: 'nothing', hop: null };
}

/** Up to `n` members spread evenly over the list (first and last included). */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n <= 1) return items.slice(0, 1);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))] as T);
  return [...new Set(out)];
}

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

function causeOf(g: Prelim, ports: number[]): TriageCause {
  if (g.verdict === 'alive') return 'alive';
  if (g.verdict === 'rejected-by-host') return 'rejected-by-host';
  if (g.verdict === 'filtered-in-path') return 'filtered-in-path';
  if (g.verdict === 'inconclusive') return 'inconclusive';
  return ports.length > 0 ? 'port-only' : 'silent';
}

function titleOf(cause: TriageCause, g: Prelim, openPorts: OpenPort[]): string {
  const ports = openPorts.map((p) => `${p.protocol.toUpperCase()} ${p.port}`).join(', ');
  switch (cause) {
    case 'alive':
      return `Alive now — answered ${g.answered}`;
    case 'rejected-by-host':
      return "Each host's own firewall rejects the scanner (ICMP administratively prohibited from the host itself)";
    case 'filtered-in-path':
      return `A router or firewall on the path, ${g.hop ?? 'unknown'}, rejects traffic to these hosts (${g.answered})`;
    case 'port-only':
      return `Silent to the profile's probes, but they answer on ${ports} (not a discovery port of the profile)`;
    case 'inconclusive':
      return 'Nothing answered, but probes that might have could not be sent (no raw-socket privilege)';
    case 'silent': {
      const where = g.path ? (g.path.lastResponder ? `; the path trace stops after ${g.path.lastResponder}` : '; no hop of the path trace answered') : '';
      return `Nothing answers at all: off, not at this address, or every probe dropped by a firewall${where}`;
    }
  }
}

/** Runs a triage over `targets`; resolves with every host, the groups (largest first) and a summary. */
export async function runTriage(targets: TargetSource, opts: TriageOptions): Promise<TriageResult> {
  const t0 = performance.now();
  const signal = opts.signal;
  const emit = (e: TriageEvent): void => {
    try {
      opts.onEvent?.(e);
    } catch {
      // a listener's failure must not end the run
    }
  };
  const mode = opts.mode ?? 'auto';
  const privileged = mode === 'unprivileged' ? false : mode === 'raw' ? true : canUseRawSockets();
  const total = 'total' in targets ? targets.total : targets.length;
  const progress = (phase: TriagePhase, done: number, of: number, etaMs: number | null): void => emit({ type: 'progress', phase, done, total: of, etaMs });

  // --- 1. probe every host ---
  const groups = new Map<string, Prelim>();
  const hosts: HostRecord[] = [];
  let alive = 0;
  for await (const ev of discover(targets, {
    profile: opts.profile,
    mode,
    ...(opts.ratePps !== undefined ? { ratePps: opts.ratePps } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(signal ? { signal } : {}),
  })) {
    if (ev.type === 'start') emit({ type: 'start', total: ev.total, privileged: ev.privileged, profile: ev.profile });
    else if (ev.type === 'progress') progress('probe', ev.done, ev.total, ev.etaMs);
    else if (ev.type === 'host-done') {
      const r = ev.result;
      if (r.probes.some((p) => p.result === 'cancelled')) continue; // cut short by cancel: no verdict to group
      if (r.alive) alive++;
      const { answered, hop } = answeredOf(r);
      const key = `${r.verdict}|${answered}`;
      const rec: HostRecord = { address: r.address, target: r.target, verdict: r.verdict, reason: r.reason, aliveBy: r.aliveBy, answered, hop, key, ports: [] };
      hosts.push(rec);
      let g = groups.get(key);
      if (!g) {
        g = { key, verdict: r.verdict, answered, hop, evidence: r, hosts: [], path: null, traced: [], notes: [], openPorts: [], portFinderRan: false };
        groups.set(key, g);
      }
      g.hosts.push(rec);
    }
  }

  const notAlive = [...groups.values()].filter((g) => g.verdict !== 'alive');

  // --- 2. trace a sample of each not-alive group ---
  if (!signal?.aborted) {
    const jobs = notAlive.flatMap((g) => spread(g.hosts, Math.max(1, opts.traceSample ?? 2)).map((h) => ({ g, h })));
    let done = 0;
    progress('trace', 0, jobs.length, null);
    await pool(
      jobs,
      8,
      async ({ g, h }) => {
        try {
          const path = await tracePath(h.address, {
            probe: chooseTraceProbe(g.evidence, null, privileged),
            privileged,
            maxHops: opts.trace?.maxHops ?? 16,
            silentHops: opts.trace?.silentHops ?? 3,
            attempts: 1,
            timeoutMs: opts.trace?.timeoutMs ?? Math.min(opts.profile.timeoutMs, 1000),
            ...(signal ? { signal } : {}),
          });
          g.traced.push(h.address);
          // Compare where each sampled path ends: "the host itself" is the same end for every host.
          const end = (p: PathResult): string => (p.reached ? 'the host' : (p.blockingHop?.responder ?? p.lastResponder ?? 'no hop'));
          if (g.path === null) g.path = path;
          else if (end(path) !== end(g.path)) {
            g.notes.push(`the sampled paths differ: ${g.traced[0]} ends at ${end(g.path)}, ${h.address} at ${end(path)}`);
          }
        } catch (err) {
          g.notes.push(`path trace of ${h.address} failed: ${(err as Error).message}`);
        }
        progress('trace', ++done, jobs.length, null);
      },
      signal,
    );
  }

  // --- 3. port finder where nothing answered, then 4. check what it found on every host ---
  const silentGroups = notAlive.filter((g) => g.verdict === 'not-alive');
  if (!signal?.aborted && silentGroups.length > 0) {
    const jobs = silentGroups.flatMap((g) => spread(g.hosts, Math.max(1, opts.portSample ?? 6)).map((h) => ({ g, h })));
    let done = 0;
    progress('ports', 0, jobs.length, null);
    await pool(
      jobs,
      2,
      async ({ g, h }) => {
        try {
          const r = await findOpenPorts(h.address, {
            topPorts: opts.topPorts ?? 1000,
            udpPorts: [...COMMON_UDP_PORTS],
            privileged,
            retries: 1,
            timeoutMs: Math.min(opts.profile.timeoutMs, 1000),
            ...(opts.ratePps !== undefined ? { ratePps: opts.ratePps } : {}),
            ...(signal ? { signal } : {}),
          });
          g.portFinderRan = true;
          for (const p of r.openPorts) if (!g.openPorts.some((q) => q.protocol === p.protocol && q.port === p.port)) g.openPorts.push(p);
        } catch (err) {
          g.notes.push(`port finder on ${h.address} failed: ${(err as Error).message}`);
        }
        progress('ports', ++done, jobs.length, null);
      },
      signal,
    );
    const checks = silentGroups.filter((g) => g.openPorts.length > 0);
    const checkTotal = checks.reduce((n, g) => n + g.hosts.length, 0);
    let checked = 0;
    for (const g of checks) {
      if (signal?.aborted) break;
      const tcp = g.openPorts.filter((p) => p.protocol === 'tcp').map((p) => p.port);
      const udp = g.openPorts.filter((p) => p.protocol === 'udp').map((p) => p.port);
      const byAddress = new Map(g.hosts.map((h) => [h.address, h]));
      const list: ResolvedTarget[] = g.hosts.map((h) => ({ target: h.address, address: h.address, family: h.address.includes(':') ? 6 : 4 }));
      const profile: DiscoveryProfile = { ...opts.profile, name: `${opts.profile.name} + found ports`, tcpSyn: tcp, tcpAck: [], tcpSynAck: [], udp, icmpEcho: false, icmpTimestamp: false };
      // Two passes: a host that gave nothing in the first is asked once more (a lost answer must not
      // put it among the silent ones).
      let pending = list;
      for (let pass = 0; pass < 2 && pending.length > 0 && !signal?.aborted; pass++) {
        const again: ResolvedTarget[] = [];
        for await (const ev of discover(pending, { profile, mode, ...(opts.ratePps !== undefined ? { ratePps: opts.ratePps } : {}), ...(signal ? { signal } : {}) })) {
          if (ev.type !== 'host-done') continue;
          const h = byAddress.get(ev.result.address);
          if (!h) continue;
          h.ports = [...new Set(ev.result.probes.filter(fromTargetAlive).map((p) => p.port as number))].sort((a, b) => a - b);
          if (h.ports.length === 0) again.push({ target: h.address, address: h.address, family: h.address.includes(':') ? 6 : 4 });
          else progress('check', ++checked, checkTotal, null);
        }
        pending = again;
      }
      checked += pending.length;
    }
  }

  // --- final groups: split silent groups by the ports each host answered on ---
  interface Final {
    prelim: Prelim;
    cause: TriageCause;
    hosts: HostRecord[];
    ports: number[];
  }
  const finals: Final[] = [];
  for (const g of groups.values()) {
    if (g.verdict !== 'not-alive' || g.openPorts.length === 0) {
      finals.push({ prelim: g, cause: causeOf(g, []), hosts: g.hosts, ports: [] });
      continue;
    }
    const byPorts = new Map<string, HostRecord[]>();
    for (const h of g.hosts) {
      const k = h.ports.join(',');
      const list = byPorts.get(k) ?? [];
      list.push(h);
      byPorts.set(k, list);
    }
    for (const [k, list] of byPorts) {
      const ports = k === '' ? [] : k.split(',').map(Number);
      finals.push({ prelim: g, cause: causeOf(g, ports), hosts: list, ports });
    }
  }
  finals.sort((a, b) => b.hosts.length - a.hosts.length || a.cause.localeCompare(b.cause));

  const outGroups: TriageGroup[] = [];
  const outHosts: TriageHost[] = [];
  finals.forEach((f, i) => {
    const id = `g${i + 1}`;
    const { cidrs, ranges } = collapse(f.hosts.map((h) => h.address));
    const openPorts = f.prelim.openPorts.filter((p) => f.ports.includes(p.port));
    const g = f.prelim;
    const { advice, notes } = groupAdvice({
      evidence: g.evidence,
      path: g.path,
      openPorts: g.portFinderRan ? openPorts : null,
      profile: opts.profile,
      scannerIps: opts.scannerIps,
      ...(opts.scannerIpsGuessed ? { scannerIpsGuessed: true } : {}),
      size: f.hosts.length,
      cidrs,
    });
    const hop = g.hop ?? (g.verdict !== 'alive' && g.path ? (g.path.blockingHop?.responder ?? g.path.lastResponder) : null);
    outGroups.push({
      type: 'group',
      id,
      cause: f.cause,
      title: titleOf(f.cause, g, openPorts),
      size: f.hosts.length,
      cidrs,
      ranges,
      answered: f.cause === 'port-only' ? `${openPorts.map((p) => `${p.protocol.toUpperCase()} ${p.port}`).join(', ')} (port finder)` : g.answered,
      hop,
      ports: openPorts,
      evidence: g.evidence,
      path: g.path,
      traced: g.traced,
      advice,
      notes: [...g.notes, ...notes],
    });
    for (const h of f.hosts) {
      outHosts.push({
        type: 'host',
        groupId: id,
        address: h.address,
        target: h.target,
        verdict: h.verdict,
        reason: h.reason,
        aliveBy: h.aliveBy,
        answered: h.ports.length > 0 ? `TCP/UDP ${h.ports.join(',')} (port finder)` : h.answered,
        ports: h.ports,
        input: opts.inputOf?.(h.address, h.target) ?? null,
      });
    }
  });
  const summary: TriageSummary = {
    type: 'summary',
    total,
    probed: hosts.length,
    alive,
    groups: outGroups.length,
    cancelled: signal?.aborted === true,
    privileged,
    profile: opts.profile.name,
    durationMs: Math.round(performance.now() - t0),
    notProbed: opts.notProbed ?? {},
  };
  const result: TriageResult = { type: 'done', hosts: outHosts, groups: outGroups, summary };
  emit(result);
  return result;
}
