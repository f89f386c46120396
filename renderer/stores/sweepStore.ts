import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { HostResult, Verdict } from '../../shared/discovery.js';
import type { DiscoverPush } from '../../shared/ipc.js';
import { DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import { api, call } from '../bridge.js';
import { frameBatcher } from '../lib/frameBatch.js';
import { plainError } from '../lib/format.js';
import { runTracker } from '../lib/runTracker.js';
import { parseTargetsText } from '../lib/targets.js';

export { parseTargetsText };
import type { RunStatus } from './diagnosisStore.js';

export type SweepSortKey = 'address' | 'verdict' | 'aliveBy' | 'durationMs';
export type VerdictFilter = Verdict | 'all' | 'error';

interface SweepState {
  targetsText: string;
  profile: string;
  status: RunStatus;
  total: number;
  done: number;
  alive: number;
  etaMs: number | null;
  durationMs: number | null;
  results: HostResult[];
  errors: { target: string; message: string }[];
  error: string | null;
  historyId: string | null;
  reopened: boolean;
  sort: { key: SweepSortKey; dir: 'asc' | 'desc' };
  filter: VerdictFilter;
  page: number;
  /** Address of the host opened in the drill-down. */
  selected: string | null;
  actions: {
    setTargetsText: (text: string) => void;
    setProfile: (name: string) => void;
    start: () => Promise<void>;
    cancel: () => Promise<void>;
    setSort: (key: SweepSortKey) => void;
    setFilter: (f: VerdictFilter) => void;
    setPage: (page: number) => void;
    select: (address: string | null) => void;
    show: (result: { hosts: HostResult[]; cancelled: boolean }, historyId: string | null, target: string) => void;
  };
}

export const PAGE_SIZE = 50;

const emptyRun = {
  status: 'idle' as RunStatus,
  total: 0,
  done: 0,
  alive: 0,
  etaMs: null,
  durationMs: null,
  results: [] as HostResult[],
  errors: [] as { target: string; message: string }[],
  error: null,
  historyId: null,
  reopened: false,
  page: 0,
  selected: null,
};

const useSweepStore = create<SweepState>()((set, get) => ({
  targetsText: '',
  profile: DEFAULT_PROFILE_NAME,
  ...emptyRun,
  sort: { key: 'address', dir: 'asc' },
  filter: 'all',
  actions: {
    setTargetsText: (targetsText) => set({ targetsText }),
    setProfile: (profile) => set({ profile }),
    start: async () => {
      const { targetsText, profile, status } = get();
      if (status === 'starting' || status === 'running' || status === 'cancelling') return;
      const targets = parseTargetsText(targetsText);
      if (targets.length === 0) {
        set({ error: 'Give at least one target: an address, a range like 10.0.0.5-40, or a CIDR like 10.0.0.0/24.' });
        return;
      }
      // A new run starts unfiltered: a leftover filter would hide the new results.
      set({ ...emptyRun, status: 'starting', filter: 'all' });
      tracker.beginStart();
      try {
        const started = await call(api.discover.start({ targets, profile }));
        set((s) => ({ status: s.status === 'starting' ? 'running' : s.status, total: s.total || (started.total ?? 0) }));
        tracker.started(started.runId);
      } catch (err) {
        tracker.startFailed();
        set({ status: 'error', error: plainError(err) });
      }
    },
    cancel: async () => {
      const runId = tracker.runId;
      if (!runId) return;
      set({ status: 'cancelling' });
      try {
        await call(api.discover.cancel({ runId }));
      } catch (err) {
        set({ error: plainError(err) });
      }
      setTimeout(() => {
        if (get().status === 'cancelling') set({ status: 'cancelled' });
      }, 3000);
    },
    setSort: (key) =>
      set((s) => ({ sort: { key, dir: s.sort.key === key && s.sort.dir === 'asc' ? 'desc' : 'asc' }, page: 0 })),
    setFilter: (filter) => set({ filter, page: 0 }),
    setPage: (page) => set({ page }),
    select: (selected) => set({ selected }),
    show: (result, historyId, target) => {
      tracker.reset();
      set({
        ...emptyRun,
        status: result.cancelled ? 'cancelled' : 'done',
        targetsText: target,
        results: result.hosts,
        total: result.hosts.length,
        done: result.hosts.length,
        alive: result.hosts.filter((h) => h.alive).length,
        historyId,
        reopened: true,
        filter: 'all',
      });
    },
  },
}));

/** Applies one frame's worth of events in a single store update. */
function applyBatch(events: DiscoverPush['event'][]): void {
  useSweepStore.setState((s) => {
    const next: Partial<SweepState> = {};
    let results: HostResult[] | null = null;
    let errors: SweepState['errors'] | null = null;
    for (const e of events) {
      switch (e.type) {
        case 'start':
          next.total = e.total;
          break;
        case 'host-done':
          (results ??= [...s.results]).push(e.result);
          break;
        case 'host-error':
          (errors ??= [...s.errors]).push({ target: e.target, message: plainError(e.message) });
          break;
        case 'progress':
          next.done = e.done;
          next.total = e.total;
          next.alive = e.alive;
          next.etaMs = e.etaMs;
          break;
        case 'end':
          next.done = e.done;
          next.total = e.total;
          next.alive = e.alive;
          next.etaMs = 0;
          next.durationMs = e.durationMs;
          next.status = e.cancelled || s.status === 'cancelling' ? 'cancelled' : 'done';
          break;
        case 'saved':
          next.historyId = e.historyId;
          break;
        case 'run-error':
          if (s.status === 'cancelling' || s.status === 'cancelled') next.status = 'cancelled';
          else {
            next.status = 'error';
            next.error = plainError(e.message);
          }
          break;
        default:
          // host-start / probe: the table shows finished hosts only.
          break;
      }
    }
    if (results) next.results = results;
    if (errors) next.errors = errors;
    return next;
  });
}

// ~10 updates a second is smooth for counts and a table, and leaves the main thread idle.
const batcher = frameBatcher(applyBatch, 100);
const tracker = runTracker<DiscoverPush['event']>((e) => {
  // Per-probe events are the bulk of a sweep's traffic and the table does not use them.
  if (e.type === 'probe' || e.type === 'host-start') return;
  batcher.push(e);
});
api.discover.onEvent(({ runId, event }) => tracker.receive(runId, event));

export const useSweepInput = () => useSweepStore(useShallow((s) => ({ targetsText: s.targetsText, profile: s.profile })));
export const useSweepProgress = () =>
  useSweepStore(
    useShallow((s) => ({
      status: s.status,
      total: s.total,
      done: s.done,
      alive: s.alive,
      etaMs: s.etaMs,
      durationMs: s.durationMs,
      error: s.error,
      errors: s.errors,
      reopened: s.reopened,
    })),
  );
export const useSweepResults = () => useSweepStore((s) => s.results);
export const useSweepView = () => useSweepStore(useShallow((s) => ({ sort: s.sort, filter: s.filter, page: s.page })));
export const useSweepSelected = () =>
  useSweepStore((s) => (s.selected ? (s.results.find((r) => r.address === s.selected) ?? null) : null));
export const useSweepActions = () => useSweepStore((s) => s.actions);
export const sweepActions = useSweepStore.getState().actions;
