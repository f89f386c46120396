/**
 * Re-check and Watch until alive for the diagnosis on screen: the same probes, round after round
 * (the service's watch run), compared with the diagnosis the operator started from. The one diff
 * is shared/compare.ts; this store only keeps the baseline, the latest round and why it stopped.
 */
import { create } from 'zustand';
import { diffHosts, type HostDiff, type WatchStop } from '../../shared/compare.js';
import type { HostResult } from '../../shared/discovery.js';
import type { ScanReadyApi, Unsubscribe, WatchRequestInput } from '../../shared/ipc.js';
import { bridgeSlot, call } from '../bridge.js';
import { plainError } from '../lib/format.js';

export type WatchKind = 'recheck' | 'watch';

interface WatchState {
  runId: string | null;
  kind: WatchKind | null;
  status: 'idle' | 'starting' | 'running' | 'done' | 'error';
  /** The diagnosis result the watch started from. */
  baseline: HostResult | null;
  latest: HostResult | null;
  rounds: number;
  /** Latest round against the baseline (null before the first round). */
  diff: HostDiff | null;
  stoppedBy: WatchStop | null;
  /** The host turned alive during this watch (for the announcement and the notification). */
  turnedAlive: boolean;
  error: string | null;
  actions: {
    start: (kind: WatchKind, baseline: HostResult, request: Omit<WatchRequestInput, 'until' | 'rounds'>) => Promise<void>;
    cancel: () => Promise<void>;
    reset: () => void;
  };
}

const bridge = bridgeSlot();
const idle = { runId: null, kind: null, status: 'idle', baseline: null, latest: null, rounds: 0, diff: null, stoppedBy: null, turnedAlive: false, error: null } as const;

const useWatchStore = create<WatchState>()((set, get) => ({
  ...idle,
  actions: {
    start: async (kind, baseline, request) => {
      const s = get();
      if (s.status === 'starting' || s.status === 'running') return;
      set({ ...idle, kind, status: 'starting', baseline });
      try {
        const started = await call(
          bridge.get().watch.start({ ...request, ...(kind === 'recheck' ? { rounds: 1 } : { until: 'alive' }) }),
        );
        if (get().status === 'starting') set({ runId: started.runId, status: 'running' });
      } catch (err) {
        set({ status: 'error', error: plainError(err) });
      }
    },
    cancel: async () => {
      const { runId } = get();
      if (!runId) return;
      try {
        await call(bridge.get().watch.cancel({ runId }));
      } catch {
        // Already over: the end event says how.
      }
    },
    reset: () => {
      void get().actions.cancel();
      set({ ...idle });
    },
  },
}));

export function attachWatch(api: ScanReadyApi): Unsubscribe {
  bridge.set(api);
  const set = useWatchStore.setState;
  const off = api.watch.onEvent(({ runId, event }) => {
    const s = useWatchStore.getState();
    if (runId !== s.runId) return;
    if (event.type === 'round') {
      const baseline = s.baseline ?? event.round.host;
      const diff = diffHosts(baseline, event.round.host);
      set({ latest: event.round.host, rounds: event.round.round, diff, turnedAlive: s.turnedAlive || (!baseline.alive && event.round.alive) });
    } else if (event.type === 'end') set({ status: 'done', stoppedBy: event.stoppedBy });
    else set({ status: 'error', error: event.message });
  });
  return () => {
    off();
    bridge.set(null);
  };
}

export const useWatch = () => useWatchStore((s) => s);
export const useWatchActions = () => useWatchStore((s) => s.actions);
export const watchActions = useWatchStore.getState().actions;
