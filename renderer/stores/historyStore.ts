import { create } from 'zustand';
import type { HistorySummary, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { bridgeSlot, call } from '../bridge.js';
import { plainError } from '../lib/format.js';
import { authActions } from './authStore.js';
import { diagnosisActions } from './diagnosisStore.js';
import { sweepActions } from './sweepStore.js';
import { uiActions } from './uiStore.js';

interface HistoryState {
  items: HistorySummary[];
  loaded: boolean;
  error: string | null;
  opening: string | null;
  actions: {
    load: () => Promise<void>;
    open: (id: string) => Promise<void>;
    remove: (id: string) => Promise<void>;
    clear: () => Promise<void>;
  };
}

const bridge = bridgeSlot();

const useHistoryStore = create<HistoryState>()((set, get) => ({
  items: [],
  loaded: false,
  error: null,
  opening: null,
  actions: {
    load: async () => {
      try {
        const items = await call(bridge.get().history.list());
        set({ items, loaded: true, error: null });
      } catch (err) {
        set({ error: plainError(err), loaded: true });
      }
    },
    open: async (id) => {
      set({ opening: id, error: null });
      try {
        const entry = await call(bridge.get().history.get({ id }));
        switch (entry.summary.kind) {
          case 'diagnosis':
            diagnosisActions.show(entry.result as Parameters<typeof diagnosisActions.show>[0], id);
            uiActions.navigate('diagnose');
            break;
          case 'auth':
            authActions.show(entry.result as Parameters<typeof authActions.show>[0], id);
            uiActions.navigate('credentials');
            break;
          case 'discovery':
            sweepActions.show(entry.result as Parameters<typeof sweepActions.show>[0], id, entry.summary.target);
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
export const useHistoryLoaded = () => useHistoryStore((s) => s.loaded);
export const useHistoryError = () => useHistoryStore((s) => s.error);
export const useHistoryOpening = () => useHistoryStore((s) => s.opening);
export const useHistoryActions = () => useHistoryStore((s) => s.actions);
export const historyActions = useHistoryStore.getState().actions;
