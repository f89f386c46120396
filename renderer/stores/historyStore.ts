import { create } from 'zustand';
import type { HistoryQueryRequest, HistorySummary, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { bridgeSlot, call } from '../bridge.js';
import { plainError } from '../lib/format.js';
import { authActions } from './authStore.js';
import { diagnosisActions } from './diagnosisStore.js';
import { sweepActions } from './sweepStore.js';
import { uiActions } from './uiStore.js';

interface HistoryState {
  items: HistorySummary[];
  /** The search the list shows (empty = every run, newest first). */
  query: HistoryQueryRequest;
  /** Said once by the history database: a damaged file moved aside (and where), an old history imported. */
  notices: string[];
  loaded: boolean;
  error: string | null;
  opening: string | null;
  actions: {
    load: () => Promise<void>;
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
  query: {},
  notices: [],
  loaded: false,
  error: null,
  opening: null,
  actions: {
    load: async () => {
      try {
        const first = !get().loaded;
        const items = await call(bridge.get().history.list(get().query));
        set({ items, loaded: true, error: null });
        if (first) set({ notices: await call(bridge.get().history.notices()) });
      } catch (err) {
        set({ error: plainError(err), loaded: true });
      }
    },
    search: async (query) => {
      set({ query });
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
  return () => {
    off();
    bridge.set(null);
  };
}

export const useHistoryItems = () => useHistoryStore((s) => s.items);
export const useHistoryQuery = () => useHistoryStore((s) => s.query);
export const useHistoryNotices = () => useHistoryStore((s) => s.notices);
export const useHistoryLoaded = () => useHistoryStore((s) => s.loaded);
export const useHistoryError = () => useHistoryStore((s) => s.error);
export const useHistoryOpening = () => useHistoryStore((s) => s.opening);
export const useHistoryActions = () => useHistoryStore((s) => s.actions);
export const historyActions = useHistoryStore.getState().actions;
