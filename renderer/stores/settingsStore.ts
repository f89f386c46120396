import { create } from 'zustand';
import type { AppInfo, KnownHost, PrivilegeStatus, ScanReadyApi, Settings, Unsubscribe } from '../../shared/ipc.js';
import { bridgeSlot, call } from '../bridge.js';
import { plainError } from '../lib/format.js';

interface SettingsState {
  settings: Settings | null;
  privilege: PrivilegeStatus | null;
  info: AppInfo | null;
  error: string | null;
  actions: {
    load: () => Promise<void>;
    update: (patch: Partial<Settings>) => Promise<void>;
    /** The trusted SSH host keys (shown in Settings, not kept in the store). */
    knownHosts: () => Promise<KnownHost[]>;
    forgetHostKey: (host: string, port: number) => Promise<void>;
  };
}

function applyTheme(theme: Settings['theme'] | undefined): void {
  const root = document.documentElement;
  if (!theme || theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

const bridge = bridgeSlot();

const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  privilege: null,
  info: null,
  error: null,
  actions: {
    load: async () => {
      try {
        const [settings, privilege, info] = await Promise.all([
          call(bridge.get().settings.get()),
          call(bridge.get().app.privilege()),
          call(bridge.get().app.info()),
        ]);
        applyTheme(settings.theme);
        set({ settings, privilege, info, error: null });
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
    update: async (patch) => {
      try {
        const settings = await call(bridge.get().settings.update(patch));
        applyTheme(settings.theme);
        set({ settings, error: null });
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
    knownHosts: () => call(bridge.get().settings.knownHosts()),
    forgetHostKey: async (host, port) => {
      await call(bridge.get().settings.forgetHostKey({ host, port }));
    },
  },
}));

/** Connects the settings store to the bridge (called once, at app start). */
export function attachSettings(api: ScanReadyApi): Unsubscribe {
  bridge.set(api);
  // Settings changed elsewhere (another window, the CLI in web mode).
  const off = api.settings.onChanged((settings) => {
    applyTheme(settings.theme);
    useSettingsStore.setState({ settings });
  });
  return () => {
    off();
    bridge.set(null);
  };
}

export const useSettings = () => useSettingsStore((s) => s.settings);
export const usePrivilege = () => useSettingsStore((s) => s.privilege);
export const useAppInfo = () => useSettingsStore((s) => s.info);
export const useSettingsError = () => useSettingsStore((s) => s.error);
export const useSettingsActions = () => useSettingsStore((s) => s.actions);
export const settingsActions = useSettingsStore.getState().actions;
