/**
 * The host runner: sends every probe of a host at once, waits one timeout per attempt (a single
 * timer per host and attempt), resends only the unanswered probes, and reports every probe's result
 * as soon as it is final. The verdict comes from verdict.ts.
 */
import { performance } from 'node:perf_hooks';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { profileWarnings, type DiscoveryProfile } from '../../shared/profiles.js';
import type { ActiveProbe, ProbeDriver } from './driver.js';
import { canonicalIp, refusedDestination, socketFailure } from '../net/index.js';
import { emptyResult, finalizeResult, probeSpecs, type ProbeAnswer } from './plan.js';
import type { ResolvedTarget } from './types.js';
import { decideVerdict } from './verdict.js';

export interface HostRunContext {
  driver: ProbeDriver;
  profile: DiscoveryProfile;
  signal: AbortSignal;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

export async function runHost(
  input: ResolvedTarget,
  ctx: HostRunContext,
  onProbe?: (probe: ProbeResult) => void,
): Promise<HostResult> {
  const { driver, profile, signal } = ctx;
  const startedAt = new Date();
  const t0 = performance.now();
  const target: ResolvedTarget = { ...input, address: canonicalIp(input.address) };
  const specs = probeSpecs(profile, target.family);
  let open = 0;
  let wake: (() => void) | null = null;

  const finish = (p: ActiveProbe, a: ProbeAnswer | null): void => {
    if (p.done) return;
    p.done = true;
    open--;
    const r = p.result;
    if (a) {
      r.result = a.result;
      r.responder = a.responder === null ? null : canonicalIp(a.responder);
      r.icmpType = a.icmpType ?? null;
      r.icmpCode = a.icmpCode ?? null;
      r.ttl = a.ttl ?? null;
      r.rttMs = a.rttMs ?? null;
      if (a.detail !== undefined) r.detail = a.detail;
      if (a.errno !== undefined) r.errno = a.errno;
    }
    finalizeResult(r, target.address);
    driver.release(p);
    onProbe?.(r);
    if (open === 0) wake?.();
  };

  const probes: ActiveProbe[] = specs.map((spec) => {
    const p: ActiveProbe = {
      spec,
      result: emptyResult(spec, driver.methodFor(spec, target.family)),
      target,
      done: false,
      sentAt: [],
      state: undefined,
      answer: (a) => finish(p, a),
    };
    return p;
  });
  open = probes.length;

  for (const p of probes) {
    if (p.result.method === 'none') {
      finish(p, {
        result: 'needs-privilege',
        responder: null,
        detail: `${p.spec.kind === 'timestamp' ? 'ICMP timestamp' : `TCP ${p.spec.kind.toUpperCase()}`} probes need raw sockets (root or CAP_NET_RAW)`,
      });
    }
  }

  // Before anything is sent: destinations we refuse (link-local without scope), and the route
  // (a broadcast address, no route, no source address). Every probe then ends as an `error` with
  // the errno — nothing is sent, and the verdict says so.
  let refused = refusedDestination(input.address) ?? refusedDestination(target.address);
  if (!refused && open > 0 && !signal.aborted) {
    try {
      await driver.route(target.address);
    } catch (err) {
      if (!isAbort(err)) refused = socketFailure(err, 'not sent');
    }
  }
  if (refused) {
    for (const p of probes) if (!p.done) finish(p, { result: 'error', responder: null, errno: refused.errno, detail: refused.detail });
  }

  const onAbort = (): void => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    for (let attempt = 1; attempt <= profile.retries + 1 && !signal.aborted; attempt++) {
      const batch = probes.filter((p) => !p.done);
      if (batch.length === 0) break;
      for (const p of batch) p.result.attempts = attempt;
      const sends = batch.map((p) =>
        driver.send(p, attempt).catch((err: unknown) => {
          if (isAbort(err) || signal.aborted) return;
          const f = socketFailure(err, 'send failed');
          finish(p, { result: 'error', responder: null, errno: f.errno, detail: f.detail });
        }),
      );
      // Wait until every probe of the attempt is on the wire (the rate limiter paces them) ...
      await new Promise<void>((resolve) => {
        wake = resolve;
        void Promise.all(sends).then(() => resolve());
      });
      wake = null;
      if (signal.aborted) break;
      // ... then one timer for the whole attempt; it ends early when everything has answered.
      if (open > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, profile.timeoutMs + driver.graceMs);
        });
        clearTimeout(timer);
        wake = null;
      }
      for (const p of batch) if (!p.done) driver.endAttempt(p);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  for (const p of probes) {
    if (!p.done) finish(p, signal.aborted ? { result: 'cancelled', responder: null } : null);
  }

  const results = probes.map((p) => p.result);
  const v = decideVerdict(results, target.address, driver.privileged, { timeoutMs: profile.timeoutMs });
  return {
    target: input.target,
    address: target.address,
    family: target.family,
    alive: v.alive,
    verdict: v.verdict,
    reason: v.reason,
    aliveBy: v.aliveBy,
    privileged: driver.privileged,
    profile: profile.name,
    probes: results,
    warnings: [...driver.warnings(specs), ...profileWarnings(profile)],
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
}
