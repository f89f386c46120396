/**
 * What changed between two runs of the same target: probe by probe, the verdict, the path (hops
 * that appeared or vanished), the credential steps, and for sweeps the hosts whose verdict turned.
 * One set of diff functions for `scanready watch` (round after round), `scanready compare` (two
 * History runs or bundles) and the app's side-by-side view.
 */
import type { AuthResult } from './auth.js';
import type { AuthStepId } from './authSteps.js';
import type { PathHop, PathResult } from './diagnosis.js';
import { probeKey, probeLabel, type HostResult, type ProbeResult, type Verdict } from './discovery.js';
import { describeIcmp } from './icmp.js';
import { OUTCOME_LABEL } from './labels.js';

/** One probe whose answer differs: `TCP SYN 80: no response → RST (closed, alive) from 198.18.1.26`. */
export interface ProbeChange {
  /** Stable key within a host (probeKey). */
  key: string;
  /** `TCP SYN 80`, `ICMP echo`. */
  probe: string;
  /** The answer before, in words; `not sent` when the probe was not in that run. */
  before: string;
  after: string;
  /** Whether a scanner counts the answer as proof of life, before and after. */
  aliveBefore: boolean;
  aliveAfter: boolean;
}

export interface HostDiff {
  target: string;
  address: { before: string; after: string } | null;
  /** null when the verdict did not change. */
  verdict: { before: Verdict; after: Verdict } | null;
  /** The later run's verdict. */
  now: Verdict;
  alive: { before: boolean; after: boolean };
  probes: ProbeChange[];
}

export interface HopChange {
  ttl: number;
  before: string;
  after: string;
}

export interface PathDiff {
  /** Hops (by TTL) that answer now and did not before, or the reverse. */
  appeared: HopChange[];
  vanished: HopChange[];
  /** Hops answered by a different address or with a different answer. */
  changed: HopChange[];
  reached: { before: boolean; after: boolean };
  /** The hop that sent an unreachable, in words (null: none). */
  blocking: { before: string | null; after: string | null };
}

export interface StepChange {
  id: AuthStepId;
  before: string;
  after: string;
}

export interface AuthDiff {
  status: { before: string; after: string } | null;
  steps: StepChange[];
}

export interface SweepDiff {
  /** Hosts in both runs whose verdict changed, in the order of the second run. */
  changed: { target: string; address: string; before: Verdict; after: Verdict }[];
  /** How many hosts are in both runs with the same verdict. */
  same: number;
  onlyBefore: string[];
  onlyAfter: string[];
}

/** The answer of one probe in words, with who answered: `RST (closed, alive) from 198.18.1.26`. */
export function probeState(p: ProbeResult | undefined, family: 4 | 6 = 4): string {
  if (!p) return 'not sent';
  switch (p.result) {
    case 'no-response':
    case 'cancelled':
      return OUTCOME_LABEL[p.result];
    case 'needs-privilege':
      return 'not sent (needs privilege)';
    case 'error':
      return `error${p.errno ? ` ${p.errno}` : ''}${p.detail ? `: ${p.detail}` : ''}`;
    default: {
      const what = p.result.startsWith('icmp-') && p.icmpType !== null ? describeIcmp(family, p.icmpType, p.icmpCode) : OUTCOME_LABEL[p.result];
      return p.responder ? `${what} from ${p.responder}` : what;
    }
  }
}

/**
 * Only what a scanner would see differently: the outcome and who answered. RTT, TTL and attempts
 * move between any two runs and are not a change.
 */
function sameAnswer(a: ProbeResult | undefined, b: ProbeResult | undefined): boolean {
  if (!a || !b) return a === b;
  return a.result === b.result && a.responder === b.responder && a.icmpType === b.icmpType && a.icmpCode === b.icmpCode && a.errno === b.errno;
}

/** Probe-by-probe difference of two results for the same target (in the second run's order). */
export function diffHosts(before: HostResult, after: HostResult): HostDiff {
  const old = new Map(before.probes.map((p) => [probeKey(p), p]));
  const seen = new Set<string>();
  const probes: ProbeChange[] = [];
  const add = (key: string, a: ProbeResult | undefined, b: ProbeResult | undefined): void => {
    if (sameAnswer(a, b)) return;
    const shown = b ?? a;
    if (!shown) return;
    probes.push({
      key,
      probe: probeLabel(shown),
      before: probeState(a, before.family),
      after: probeState(b, after.family),
      aliveBefore: a?.countsAsAlive ?? false,
      aliveAfter: b?.countsAsAlive ?? false,
    });
  };
  for (const p of after.probes) {
    const key = probeKey(p);
    seen.add(key);
    add(key, old.get(key), p);
  }
  for (const [key, p] of old) if (!seen.has(key)) add(key, p, undefined);
  return {
    target: after.target,
    address: before.address === after.address ? null : { before: before.address, after: after.address },
    verdict: before.verdict === after.verdict ? null : { before: before.verdict, after: after.verdict },
    now: after.verdict,
    alive: { before: before.alive, after: after.alive },
    probes,
  };
}

/** True when nothing a scanner would see changed. */
export function hostUnchanged(d: HostDiff): boolean {
  return d.verdict === null && d.address === null && d.probes.length === 0 && d.alive.before === d.alive.after;
}

function hopWords(h: PathHop | undefined): string {
  if (!h || h.note === 'no-response' || h.responder === null) return 'no answer';
  const what = h.note === 'time-exceeded' ? 'TTL exceeded' : h.note === 'reached' ? 'the target' : h.note === 'admin-prohibited' ? 'admin prohibited' : 'unreachable';
  return `${h.responder} (${what})`;
}

/** Hop-by-hop difference of two traces (null when neither run traced the path). */
export function diffPaths(before: PathResult | null, after: PathResult | null): PathDiff | null {
  if (!before && !after) return null;
  const a = new Map((before?.hops ?? []).map((h) => [h.ttl, h]));
  const b = new Map((after?.hops ?? []).map((h) => [h.ttl, h]));
  const ttls = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  const out: PathDiff = {
    appeared: [],
    vanished: [],
    changed: [],
    reached: { before: before?.reached ?? false, after: after?.reached ?? false },
    blocking: { before: before?.blockingHop ? `hop ${before.blockingHop.ttl}: ${hopWords(before.blockingHop)}` : null, after: after?.blockingHop ? `hop ${after.blockingHop.ttl}: ${hopWords(after.blockingHop)}` : null },
  };
  for (const ttl of ttls) {
    const x = a.get(ttl);
    const y = b.get(ttl);
    const wx = hopWords(x);
    const wy = hopWords(y);
    if (wx === wy) continue;
    const change = { ttl, before: wx, after: wy };
    if (wx === 'no answer') out.appeared.push(change);
    else if (wy === 'no answer') out.vanished.push(change);
    else out.changed.push(change);
  }
  return out;
}

function stepWords(s: AuthResult['steps'][number] | undefined): string {
  if (!s) return 'not run';
  const state = s.ok === true ? 'passed' : s.ok === false ? 'failed' : s.reason === 'skipped' ? 'skipped' : 'info';
  return s.reason && s.reason !== 'skipped' ? `${state} (${s.reason})` : state;
}

/** Credential steps whose status changed (null when neither run checked credentials). */
export function diffAuth(before: AuthResult | null, after: AuthResult | null): AuthDiff | null {
  if (!before && !after) return null;
  const ids = [...new Set([...(before?.steps ?? []).map((s) => s.id), ...(after?.steps ?? []).map((s) => s.id)])];
  const steps: StepChange[] = [];
  for (const id of ids) {
    const x = stepWords(before?.steps.find((s) => s.id === id));
    const y = stepWords(after?.steps.find((s) => s.id === id));
    if (x !== y) steps.push({ id, before: x, after: y });
  }
  const sb = before?.status ?? 'not-attempted';
  const sa = after?.status ?? 'not-attempted';
  return { status: sb === sa ? null : { before: sb, after: sa }, steps };
}

/** Hosts of two sweeps (matched by address) whose verdict changed. */
export function diffSweeps(before: readonly HostResult[], after: readonly HostResult[]): SweepDiff {
  const old = new Map(before.map((h) => [h.address, h]));
  const out: SweepDiff = { changed: [], same: 0, onlyBefore: [], onlyAfter: [] };
  const seen = new Set<string>();
  for (const h of after) {
    seen.add(h.address);
    const o = old.get(h.address);
    if (!o) out.onlyAfter.push(h.address);
    else if (o.verdict !== h.verdict) out.changed.push({ target: h.target, address: h.address, before: o.verdict, after: h.verdict });
    else out.same++;
  }
  for (const h of before) if (!seen.has(h.address)) out.onlyBefore.push(h.address);
  return out;
}

/** One side of a comparison: a History run or a bundle, reduced to what can be compared. */
export interface ComparableRun {
  /** `history 20261202-…` or `bundle FILE`. */
  label: string;
  kind: 'diagnosis' | 'discovery' | 'auth';
  target: string;
  startedAt: string | null;
  hosts: HostResult[];
  path: PathResult | null;
  auth: AuthResult | null;
}

export interface RunComparison {
  a: Pick<ComparableRun, 'label' | 'kind' | 'target' | 'startedAt'>;
  b: Pick<ComparableRun, 'label' | 'kind' | 'target' | 'startedAt'>;
  /** False when the two runs are of different targets (compared anyway, and said so). */
  sameTarget: boolean;
  /** Both runs probed one host. */
  host: HostDiff | null;
  path: PathDiff | null;
  auth: AuthDiff | null;
  /** Either run probed more than one host. */
  sweep: SweepDiff | null;
}

/** The comparison of two runs: probes, verdict, path and credential steps (one host), or per host (sweeps). */
export function compareRuns(a: ComparableRun, b: ComparableRun): RunComparison {
  const head = (r: ComparableRun) => ({ label: r.label, kind: r.kind, target: r.target, startedAt: r.startedAt });
  const one = a.hosts.length === 1 && b.hosts.length === 1;
  const many = a.hosts.length > 1 || b.hosts.length > 1;
  return {
    a: head(a),
    b: head(b),
    sameTarget: a.target === b.target,
    host: one ? diffHosts(a.hosts[0]!, b.hosts[0]!) : null,
    path: diffPaths(a.path, b.path),
    auth: diffAuth(a.auth, b.auth),
    sweep: many ? diffSweeps(a.hosts, b.hosts) : null,
  };
}
