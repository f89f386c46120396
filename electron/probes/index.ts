/**
 * Host discovery — the public face of electron/probes. Plain Node: used by the CLI, the app's main
 * process and web mode alike.
 *
 *   for await (const ev of discover(targets, { profile })) { ... }   // DiscoveryEvent stream
 *   const host = await discoverHost(target, { profile });              // one host
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { DiscoveryEvent, HostResult, ProbeResult } from '../../shared/discovery.js';
import type { ProbeDriver } from './driver.js';
import { runHost } from './engine.js';
import { FallbackDriver } from './fallback.js';
import { RawDriver } from './rawDriver.js';
import { canonicalIp, canUseRawSockets, RateLimiter, RawTransport, type PacketTap } from '../net/index.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_RATE_PPS,
  FALLBACK_CONCURRENCY,
  type DiscoverOptions,
  type ResolvedTarget,
  type TargetSource,
} from './types.js';

export type { DiscoverMode, DiscoverOptions, ProbeSpec, ResolvedTarget, TargetSource } from './types.js';
export type { ProbeDriver } from './driver.js';
export { runHost, type HostRunContext } from './engine.js';
export { DEFAULT_CONCURRENCY, DEFAULT_RATE_PPS, FALLBACK_CONCURRENCY } from './types.js';
export { decideVerdict, aliveByOf, type VerdictResult } from './verdict.js';
export { probeLabel } from '../../shared/discovery.js';
export { probeSpecs } from './plan.js';
export { parsePingOutput } from './fallback.js';
export { canUseRawSockets } from '../net/index.js';

/**
 * A probe driver: raw sockets through the one transport (electron/net) when `privileged`, else the
 * unprivileged fallback (connect(), UDP sockets, system ping). Every probe takes a token from one
 * rate limiter. A given `transport` is shared: closing the driver then leaves it open.
 */
export function createDriver(opts: { privileged: boolean; ratePps: number; timeoutMs: number; transport?: RawTransport; onPacket?: PacketTap }): ProbeDriver {
  if (!opts.privileged) return new FallbackDriver(new RateLimiter(opts.ratePps), opts.timeoutMs);
  if (!opts.transport) return new RawDriver(new RawTransport({ ratePps: opts.ratePps, ...(opts.onPacket ? { onPacket: opts.onPacket } : {}) }));
  const shared = new RawDriver(opts.transport);
  shared.close = () => undefined;
  return shared;
}

function makeDriver(opts: DiscoverOptions): ProbeDriver {
  const mode = opts.mode ?? 'auto';
  const rate = opts.ratePps ?? DEFAULT_RATE_PPS;
  let privileged: boolean;
  if (mode === 'unprivileged') privileged = false;
  else if (mode === 'raw') {
    if (!canUseRawSockets()) {
      throw new Error('raw sockets are not available: run as root (or grant CAP_NET_RAW), or use the unprivileged mode');
    }
    privileged = true;
  } else privileged = canUseRawSockets();
  return createDriver({ privileged, ratePps: rate, timeoutMs: opts.profile.timeoutMs, ...(opts.onPacket ? { onPacket: opts.onPacket } : {}) });
}

/** Probes one host; `onProbe` sees each probe's result as soon as it is final. */
export async function discoverHost(
  target: ResolvedTarget,
  opts: DiscoverOptions,
  onProbe?: (probe: ProbeResult) => void,
): Promise<HostResult> {
  const driver = makeDriver(opts);
  try {
    return await runHost(target, { driver, profile: opts.profile, signal: opts.signal ?? new AbortController().signal }, onProbe);
  } finally {
    driver.close();
    await driver.settled?.();
  }
}

/**
 * Probes many hosts concurrently (one shared set of sockets, one global packet rate) and streams
 * DiscoveryEvents: start, then per host host-start, probe…, host-done, progress; finally end.
 * Aborting `opts.signal` (or leaving the loop early) stops within milliseconds: unanswered probes
 * become `cancelled`, every socket and process is released, and the last event is
 * `{ type: 'end', cancelled: true }`.
 */
/** Hosts started per turn of the event loop (see the ramp-up in discover). */
export const HOSTS_PER_TURN = 4;

export async function* discover(targets: TargetSource, opts: DiscoverOptions): AsyncGenerator<DiscoveryEvent, void, undefined> {
  const t0 = performance.now();
  const ac = new AbortController();
  // Every host in flight listens for cancellation on this signal.
  setMaxListeners(0, ac.signal);
  const outer = opts.signal;
  const forward = (): void => ac.abort();
  if (outer?.aborted) ac.abort();
  outer?.addEventListener('abort', forward);

  const driver = makeDriver(opts);
  // Targets are pulled one at a time as workers free up: a /8 is never held in memory.
  const total = 'total' in targets ? targets.total : targets.length;
  const source = targets[Symbol.iterator]();
  const events: DiscoveryEvent[] = [];
  let head = 0;
  let notify: (() => void) | null = null;
  const push = (e: DiscoveryEvent): void => {
    events.push(e);
    const n = notify;
    notify = null;
    n?.();
  };
  // Backpressure: a worker takes its next target only while the consumer keeps up, so a slow
  // reader (a pipe, a WebSocket) never makes events pile up in memory.
  const MAX_BACKLOG = 8192;
  let roomWaiters: (() => void)[] = [];
  const wakeWorkers = (): void => {
    const w = roomWaiters;
    roomWaiters = [];
    for (const r of w) r();
  };
  const onAbort = (): void => {
    driver.close();
    wakeWorkers();
  };
  ac.signal.addEventListener('abort', onAbort);

  let done = 0;
  let alive = 0;
  const concurrency = Math.max(1, opts.concurrency ?? (driver.privileged ? DEFAULT_CONCURRENCY : FALLBACK_CONCURRENCY));
  const ctx = { driver, profile: opts.profile, signal: ac.signal };

  // Ramp-up: at most HOSTS_PER_TURN hosts start per turn of the event loop. Starting a host builds
  // and queues all its probes at once; starting all `concurrency` hosts in one go (and again when
  // many time out together) kept everything else in the process — other web clients — waiting.
  let startedThisTurn = 0;
  let turnScheduled = false;
  let turnWaiters: (() => void)[] = [];
  const nextTurn = (): Promise<void> =>
    new Promise<void>((resolve) => {
      turnWaiters.push(resolve);
      if (turnScheduled) return;
      turnScheduled = true;
      setImmediate(() => {
        turnScheduled = false;
        startedThisTurn = 0;
        const w = turnWaiters;
        turnWaiters = [];
        for (const r of w) r();
      });
    });
  // Backlog: no new host while the probes already queued for a rate token would take more than
  // 100 ms to send. Queuing a whole batch of hosts at once (128 hosts x 23 probes is 1.5 s at
  // 2,000 packets/s) only holds memory and makes the garbage collector pause the process.
  const rate = opts.ratePps ?? DEFAULT_RATE_PPS;
  const maxQueued = Math.max(64, Math.ceil(rate / 10));
  const startSlot = async (): Promise<void> => {
    for (let q = driver.queued?.() ?? 0; q > maxQueued && !ac.signal.aborted; q = driver.queued?.() ?? 0) {
      await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(((q - maxQueued) * 1000) / rate))));
    }
    while (startedThisTurn >= HOSTS_PER_TURN && !ac.signal.aborted) await nextTurn();
    startedThisTurn++;
    if (!turnScheduled) void nextTurn(); // the count starts again at the next turn
  };

  const worker = async (): Promise<void> => {
    while (!ac.signal.aborted) {
      while (events.length - head > MAX_BACKLOG && !ac.signal.aborted) await new Promise<void>((r) => roomWaiters.push(r));
      await startSlot();
      if (ac.signal.aborted) break;
      const step = source.next();
      if (step.done === true) break;
      const given = step.value;
      let t: ResolvedTarget;
      try {
        t = { ...given, address: canonicalIp(given.address) };
      } catch (err) {
        done++;
        push({ type: 'host-error', target: given.target, message: err instanceof Error ? err.message : String(err) });
        continue;
      }
      push({ type: 'host-start', target: t.target, address: t.address });
      try {
        const result = await runHost(t, ctx, (probe) => push({ type: 'probe', target: t.target, address: t.address, probe }));
        done++;
        if (result.alive) alive++;
        push({ type: 'host-done', result });
      } catch (err) {
        done++;
        push({ type: 'host-error', target: t.target, message: err instanceof Error ? err.message : String(err) });
      }
      const elapsed = performance.now() - t0;
      push({ type: 'progress', done, total, alive, etaMs: done > 0 ? Math.round((elapsed / done) * (total - done)) : null });
    }
  };

  push({ type: 'start', total, privileged: driver.privileged, profile: opts.profile.name });
  let finished = false;
  const all = Promise.all(Array.from({ length: Math.min(concurrency, total) }, () => worker())).finally(() => {
    finished = true;
    const n = notify;
    notify = null;
    n?.();
  });

  try {
    for (;;) {
      while (head < events.length) {
        const e = events[head++] as DiscoveryEvent;
        if (head > 4096) {
          events.splice(0, head);
          head = 0;
        }
        yield e;
        if (roomWaiters.length > 0 && events.length - head <= MAX_BACKLOG / 2) wakeWorkers();
      }
      if (roomWaiters.length > 0) wakeWorkers();
      if (finished) break;
      await new Promise<void>((resolve) => (notify = resolve));
    }
    await all;
    // Every host is done: release the sockets and processes now, and wait until they are really
    // gone, so that when `end` arrives the run holds nothing any more (also after a cancel).
    driver.close();
    await driver.settled?.();
    yield { type: 'end', done, total, alive, cancelled: ac.signal.aborted, durationMs: Math.round(performance.now() - t0) };
  } finally {
    // Also reached when the consumer leaves the loop early: stop and release everything.
    if (!finished) ac.abort();
    outer?.removeEventListener('abort', forward);
    ac.signal.removeEventListener('abort', onAbort);
    await all.catch(() => undefined);
    driver.close();
  }
}
