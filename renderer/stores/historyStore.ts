import { create } from 'zustand';
import type { HistoryQueryRequest, HistorySummary, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { bridgeSlot, call } from '../bridge.js';
import { plainError } from '../lib/format.js';
import { authActions } from './authStore.js';
import { diagnosisActions } from './diagnosisStore.js';
import { sweepActions } from './sweepStore.js';
import { uiActions } from './uiStore.js';

/** Runs fetched per page: the list opens quickly with thousands of runs stored. */
export const HISTORY_PAGE = 100;

interface HistoryState {
  items: HistorySummary[];
  /** More runs match than are loaded (the last page was full). */
  more: boolean;
  /** The search the list shows (empty = every run, newest first). */
  query: HistoryQueryRequest;
  /** Said once by the history database: a damaged file moved aside (and where), an old history imported. */
  notices: string[];
  loaded: boolean;
  error: string | null;
  opening: string | null;
  actions: {
    load: () => Promise<void>;
    /** Fetches the next page of the same search and appends it. */
    loadMore: () => Promise<void>;
    /** Replaces the search and reloads. */
    search: (query: HistoryQueryRequest) => Promise<void>;
    pin: (id: string, pinned: boolean) => Promise<void>;
    open: (id: string) => Promise<void>;
    remove: (id: string) => Promise<void>;
    clear: () => Promise<void>;
  };
}

const bridge = bridgeSlot();

const useHistoryStore = create<HistoryState>()((set, get) => ({
  items: [],
  more: false,
  query: {},
  notices: [],
  loaded: false,
  error: null,
  opening: null,
  actions: {
    load: async () => {
      try {
        const first = !get().loaded;
        // Keep as many rows as are on screen (a reload after pin/delete must not shrink the list).
        const limit = Math.max(HISTORY_PAGE, get().items.length);
        const items = await call(bridge.get().history.list({ ...get().query, limit }));
        set({ items, more: items.length === limit, loaded: true, error: null });
        if (first) set({ notices: await call(bridge.get().history.notices()) });
      } catch (err) {
        set({ error: plainError(err), loaded: true });
      }
    },
    loadMore: async () => {
      try {
        const have = get().items;
        const page = await call(bridge.get().history.list({ ...get().query, limit: HISTORY_PAGE, offset: have.length }));
        const known = new Set(have.map((h) => h.id));
        set({ items: [...have, ...page.filter((h) => !known.has(h.id))], more: page.length === HISTORY_PAGE, error: null });
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
    search: async (query) => {
      set({ query, items: [] });
      await get().actions.load();
    },
    pin: async (id, pinned) => {
      try {
        await call(bridge.get().history.pin({ id, pinned }));
        await get().actions.load();
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
    open: async (id) => {
      set({ opening: id, error: null });
      try {
        const entry = await call(bridge.get().history.get({ id }));
        switch (entry.kind) {
          case 'diagnosis':
            diagnosisActions.show(entry.result, id);
            uiActions.navigate('diagnose');
            break;
          case 'auth':
            authActions.show(entry.result, id);
            uiActions.navigate('credentials');
            break;
          case 'discovery':
            sweepActions.show(entry.result, id, entry.summary.target);
            uiActions.navigate('sweep');
            break;
        }
      } catch (err) {
        set({ error: plainError(err) });
      } finally {
        set({ opening: null });
      }
    },
    remove: async (id) => {
      try {
        await call(bridge.get().history.delete({ id }));
        await get().actions.load();
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
    clear: async () => {
      try {
        await call(bridge.get().history.clear());
        await get().actions.load();
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
  },
}));

/** Connects the history store to the bridge (called once, at app start): a run saved anywhere reloads the list. */
export function attachHistory(api: ScanReadyApi): Unsubscribe {
  bridge.set(api);
  const off = api.history.onChanged(() => {
    void useHistoryStore.getState().actions.load();
  });
  // Read the first page once the first screen is up, so History opens with its rows at once; the
  // screen still reads again when it opens (runs stored by another process push no event).
  const prefetch = setTimeout(() => {
    if (!useHistoryStore.getState().loaded) void useHistoryStore.getState().actions.load();
  }, 0);
  return () => {
    clearTimeout(prefetch);
    off();
    bridge.set(null);
  };
}

export const useHistoryItems = () => useHistoryStore((s) => s.items);
export const useHistoryQuery = () => useHistoryStore((s) => s.query);
export const useHistoryNotices = () => useHistoryStore((s) => s.notices);
export const useHistoryMore = () => useHistoryStore((s) => s.more);
export const useHistoryLoaded = () => useHistoryStore((s) => s.loaded);
export const useHistoryError = () => useHistoryStore((s) => s.error);
export const useHistoryOpening = () => useHistoryStore((s) => s.opening);
export const useHistoryActions = () => useHistoryStore((s) => s.actions);
export const historyActions = useHistoryStore.getState().actions;
