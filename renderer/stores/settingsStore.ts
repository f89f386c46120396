import { create } from 'zustand';
import type { AppInfo, PrivilegeStatus, Settings } from '../../shared/ipc.js';
import { api, call } from '../bridge.js';
import { plainError } from '../lib/format.js';

interface SettingsState {
  settings: Settings | null;
  privilege: PrivilegeStatus | null;
  info: AppInfo | null;
  error: string | null;
  actions: {
    load: () => Promise<void>;
    update: (patch: Partial<Settings>) => Promise<void>;
  };
}

function applyTheme(theme: Settings['theme'] | undefined): void {
  const root = document.documentElement;
  if (!theme || theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  privilege: null,
  info: null,
  error: null,
  actions: {
    load: async () => {
      try {
        const [settings, privilege, info] = await Promise.all([
          call(api.settings.get()),
          call(api.app.privilege()),
          call(api.app.info()),
        ]);
        applyTheme(settings.theme);
        set({ settings, privilege, info, error: null });
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
    update: async (patch) => {
      try {
        const settings = await call(api.settings.update(patch));
        applyTheme(settings.theme);
        set({ settings, error: null });
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
  },
}));

// Settings changed elsewhere (another window, the CLI in web mode).
api.settings.onChanged((settings) => {
  applyTheme(settings.theme);
  useSettingsStore.setState({ settings });
});

export const useSettings = () => useSettingsStore((s) => s.settings);
export const usePrivilege = () => useSettingsStore((s) => s.privilege);
export const useAppInfo = () => useSettingsStore((s) => s.info);
export const useSettingsError = () => useSettingsStore((s) => s.error);
export const useSettingsActions = () => useSettingsStore((s) => s.actions);
export const settingsActions = useSettingsStore.getState().actions;
