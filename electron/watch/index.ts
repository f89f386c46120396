/**
 * Watch: send the same probe set to one host round after round and report only what changed, so
 * the operator (or the firewall team on the phone) sees at once which probe turned when a rule
 * goes in. Gentle by construction: one probe set per round at the profile's rate, and the next
 * round starts `intervalMs` after the previous one *started* or right after it ended when a round
 * takes longer than the interval — rounds never overlap.
 */
import { diffHosts, hostUnchanged, type HostDiff, type ProbeChange } from '../../shared/compare.js';
import type { HostResult, Verdict } from '../../shared/discovery.js';
import { discoverHost, type DiscoverOptions, type ResolvedTarget } from '../probes/index.js';

export const WATCH_DEFAULT_INTERVAL_MS = 5_000;
export const WATCH_MIN_INTERVAL_MS = 1_000;
/** Default cap of a watch: it stops by itself after 30 minutes. */
export const WATCH_DEFAULT_CAP_MS = 30 * 60_000;

export type WatchUntil = 'alive' | 'change';

export interface WatchRound {
  /** 1 for the first (baseline) round. */
  round: number;
  startedAt: string;
  verdict: Verdict;
  alive: boolean;
  /** The verdict before, when this round changed it. */
  verdictBefore?: Verdict;
  /** Probes whose answer differs from the previous round (empty in round 1). */
  changes: ProbeChange[];
  /** The whole result of this round (the matrix the UI keeps on screen). */
  host: HostResult;
}

export type WatchStop = 'alive' | 'change' | 'cancelled' | 'cap' | 'rounds';

export interface WatchSummary {
  rounds: number;
  stoppedBy: WatchStop;
  /** Every change seen, in order, with the round it appeared in. */
  changes: (ProbeChange & { round: number })[];
  verdictChanges: { round: number; before: Verdict; after: Verdict }[];
  first: HostResult | null;
  last: HostResult | null;
}

export interface WatchOptions extends Omit<DiscoverOptions, 'concurrency' | 'signal'> {
  intervalMs?: number;
  until?: WatchUntil;
  /** Stop after this long (default 30 min). */
  capMs?: number;
  /** Stop after this many rounds (tests and bounded runs). */
  maxRounds?: number;
  signal?: AbortSignal;
  /** Injected for tests: waits `ms` unless `signal` aborts first. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Injected for tests: one round of probes. */
  probe?: (target: ResolvedTarget, opts: DiscoverOptions) => Promise<HostResult>;
}

export class WatchError extends Error {
  readonly code = 'bad-input';
}

function sleepAbortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Checks and fills in the interval and cap (one rule for every face). */
export function watchTiming(opts: { intervalMs?: number; capMs?: number }): { intervalMs: number; capMs: number } {
  const intervalMs = opts.intervalMs ?? WATCH_DEFAULT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs < WATCH_MIN_INTERVAL_MS) {
    throw new WatchError(`the interval must be at least ${WATCH_MIN_INTERVAL_MS / 1000} s`);
  }
  const capMs = opts.capMs ?? WATCH_DEFAULT_CAP_MS;
  if (!Number.isFinite(capMs) || capMs <= 0) throw new WatchError('the watch cap must be a positive duration');
  return { intervalMs, capMs };
}

/**
 * Rounds as they finish. The generator ends by itself on `until`, the cap, `maxRounds` or the
 * signal; `summary()` then says why and lists every change.
 */
export function watchHost(target: ResolvedTarget, opts: WatchOptions): { rounds: AsyncGenerator<WatchRound, void, undefined>; summary: () => WatchSummary } {
  const { intervalMs, capMs } = watchTiming(opts);
  const sleep = opts.sleep ?? sleepAbortable;
  const now = opts.now ?? Date.now;
  const probe = opts.probe ?? ((t, o) => discoverHost(t, o));
  const ac = new AbortController();
  const outer = opts.signal;
  const forward = (): void => ac.abort();
  if (outer?.aborted) ac.abort();
  outer?.addEventListener('abort', forward, { once: true });

  const summary: WatchSummary = { rounds: 0, stoppedBy: 'cancelled', changes: [], verdictChanges: [], first: null, last: null };
  const { intervalMs: _i, until, capMs: _c, maxRounds, signal: _s, sleep: _sl, now: _n, probe: _p, ...discover } = opts;

  async function* rounds(): AsyncGenerator<WatchRound, void, undefined> {
    const t0 = now();
    let prev: HostResult | null = null;
    try {
      for (let round = 1; ; round++) {
        if (ac.signal.aborted) {
          summary.stoppedBy = 'cancelled';
          return;
        }
        const started = now();
        const host = await probe(target, { ...discover, signal: ac.signal });
        // A round cut short by Cancel is not a result: its probes say `cancelled`, not what the host did.
        if (ac.signal.aborted) {
          summary.stoppedBy = 'cancelled';
          return;
        }
        let diff: HostDiff | null = null;
        if (prev) diff = diffHosts(prev, host);
        const r: WatchRound = {
          round,
          startedAt: new Date(started).toISOString(),
          verdict: host.verdict,
          alive: host.alive,
          changes: diff?.probes ?? [],
          host,
          ...(diff?.verdict ? { verdictBefore: diff.verdict.before } : {}),
        };
        summary.rounds = round;
        summary.first ??= host;
        summary.last = host;
        for (const c of r.changes) summary.changes.push({ ...c, round });
        if (diff?.verdict) summary.verdictChanges.push({ round, before: diff.verdict.before, after: diff.verdict.after });
        prev = host;
        yield r;
        if (until === 'alive' && host.alive) {
          summary.stoppedBy = 'alive';
          return;
        }
        if (until === 'change' && diff && !hostUnchanged(diff)) {
          summary.stoppedBy = 'change';
          return;
        }
        if (maxRounds !== undefined && round >= maxRounds) {
          summary.stoppedBy = 'rounds';
          return;
        }
        const elapsed = now() - started;
        if (now() - t0 + Math.max(0, intervalMs - elapsed) >= capMs) {
          summary.stoppedBy = 'cap';
          return;
        }
        await sleep(Math.max(0, intervalMs - elapsed), ac.signal);
      }
    } finally {
      outer?.removeEventListener('abort', forward);
      ac.abort();
    }
  }

  return { rounds: rounds(), summary: () => summary };
}
