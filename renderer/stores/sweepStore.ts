import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { HostResult, Verdict } from '../../shared/discovery.js';
import type { DiscoverPush, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import { frameBatcher } from '../lib/frameBatch.js';
import { plainError } from '../lib/format.js';
import { parseTargetsText } from '../lib/targets.js';
import { ended, failed, IDLE_RUN, isActive, runSlice, type RunSlice } from './runSlice.js';

export { parseTargetsText };

export type SweepSortKey = 'address' | 'verdict' | 'aliveBy' | 'durationMs';
export type VerdictFilter = Verdict | 'all' | 'error';

interface SweepState extends RunSlice {
  targetsText: string;
  profile: string;
  total: number;
  done: number;
  alive: number;
  etaMs: number | null;
  durationMs: number | null;
  results: HostResult[];
  errors: { target: string; message: string }[];
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

/** Everything a new run starts from (the input, sort and filter stay). */
const emptyRun = {
  ...IDLE_RUN,
  total: 0,
  done: 0,
  alive: 0,
  etaMs: null,
  durationMs: null,
  results: [],
  errors: [],
  page: 0,
  selected: null,
} satisfies Omit<SweepState, 'targetsText' | 'profile' | 'sort' | 'filter' | 'actions' | 'run'>;

type SweepEvent = DiscoverPush['event'];

/** A sweep store, not yet attached to a bridge. The app has one (below); a test makes its own. */
export function createSweepStore() {
  return create<SweepState>()((storeSet, get) => {
    // ~10 updates a second is smooth for counts and a table, and leaves the main thread idle.
    const batcher = frameBatcher<SweepEvent>((events) => storeSet((s) => applyBatch(s, events)), 100);
    return {
      ...runSlice<SweepEvent>(storeSet, get, {
        listen: (api, receive) => api.discover.onEvent(({ runId, event }) => receive(runId, event)),
        cancel: (api, runId) => api.discover.cancel({ runId }),
        hostKeys: false,
        apply: (event) => {
          // Per-probe events are the bulk of a sweep's traffic and the table does not use them.
          if (event.type === 'probe' || event.type === 'host-start') return;
          batcher.push(event);
        },
      }),
      targetsText: '',
      profile: DEFAULT_PROFILE_NAME,
      ...emptyRun,
      sort: { key: 'address', dir: 'asc' },
      filter: 'all',
      actions: {
        setTargetsText: (targetsText) => storeSet({ targetsText }),
        setProfile: (profile) => storeSet({ profile }),
        start: async () => {
          const { targetsText, profile, status } = get();
          if (isActive(status)) return;
          const targets = parseTargetsText(targetsText);
          if (targets.length === 0) {
            storeSet({ error: 'Give at least one target: an address, a range like 10.0.0.5-40, or a CIDR like 10.0.0.0/24.' });
            return;
          }
          // A new run starts unfiltered: a leftover filter would hide the new results.
          storeSet({ ...emptyRun, status: 'starting', filter: 'all' });
          const started = await get().run.launch((api) => api.discover.start({ targets, profile }));
          if (started) storeSet((s) => ({ total: s.total || (started.total ?? 0) }));
        },
        cancel: () => get().run.cancel(),
        setSort: (key) =>
          storeSet((s) => ({ sort: { key, dir: s.sort.key === key && s.sort.dir === 'asc' ? 'desc' : 'asc' }, page: 0 })),
        setFilter: (filter) => storeSet({ filter, page: 0 }),
        setPage: (page) => storeSet({ page }),
        select: (selected) => storeSet({ selected }),
        show: (result, historyId, target) => {
          get().run.forget();
          storeSet({
            ...emptyRun,
            status: result.cancelled ? 'cancelled' : 'done',
            targetsText: target,
            ...(result.hosts[0] ? { profile: result.hosts[0].profile } : {}),
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
    };
  });
}

/** One frame's worth of events → one store update. */
function applyBatch(s: SweepState, events: SweepEvent[]): Partial<SweepState> {
  const next: Partial<SweepState> = {};
  let results: HostResult[] | null = null;
  let errors: SweepState['errors'] | null = null;
  // Within a batch, later events see the status the earlier ones set.
  const now = (): SweepState => ({ ...s, ...next });
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
        Object.assign(next, ended(now(), e.cancelled));
        break;
      case 'saved':
        next.historyId = e.historyId;
        break;
      case 'run-error':
        Object.assign(next, failed(now(), e.message));
        break;
      default:
        // host-start / probe: the table shows finished hosts only.
        break;
    }
  }
  if (results) next.results = results;
  if (errors) next.errors = errors;
  return next;
}

const useSweepStore = createSweepStore();

/** Connects the app's sweep store to the bridge (called once, at app start). */
export const attachSweep = (api: ScanReadyApi): Unsubscribe => useSweepStore.getState().run.attach(api);

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
/** The stored run on screen (for Export bundle). */
export const useSweepHistoryId = () => useSweepStore((s) => s.historyId);
