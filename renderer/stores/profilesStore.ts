import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ProfileEntry, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import type { DiscoveryProfile, DiscoveryProfileInput } from '../../shared/profiles.js';
import { DEFAULT_PROFILE_NAME, profileSchema } from '../../shared/profiles.js';
import { bridgeSlot, call } from '../bridge.js';
import { plainError } from '../lib/format.js';

interface ProfilesState {
  entries: ProfileEntry[];
  loaded: boolean;
  error: string | null;
  /** Last message for the operator (saved, imported, ...), announced politely. */
  notice: string | null;
  actions: {
    load: () => Promise<void>;
    save: (profile: DiscoveryProfileInput) => Promise<ProfileEntry | null>;
    remove: (name: string) => Promise<boolean>;
    importJson: (json: string, overwrite: boolean) => Promise<ProfileEntry[] | null>;
    exportJson: (names?: string[]) => Promise<{ fileName: string; json: string } | null>;
    /**
     * Adds a port found on the target (listening, port finder) to a profile's discovery ports.
     * A built-in profile is never changed: a custom copy `<name>-custom` gets the port instead.
     * Returns the name of the profile that now has it.
     */
    addPort: (profileName: string, protocol: 'tcp' | 'udp', port: number) => Promise<string | null>;
    clearMessages: () => void;
  };
}

const bridge = bridgeSlot();

const useProfilesStore = create<ProfilesState>()((set, get) => ({
  entries: [],
  loaded: false,
  error: null,
  notice: null,
  actions: {
    load: async () => {
      try {
        const entries = await call(bridge.get().profiles.list());
        set({ entries, loaded: true, error: null });
      } catch (err) {
        set({ error: plainError(err), loaded: true });
      }
    },
    save: async (profile) => {
      try {
        const entry = await call(bridge.get().profiles.save(profile));
        await get().actions.load();
        set({ notice: `Saved profile “${entry.profile.name}”.`, error: null });
        return entry;
      } catch (err) {
        set({ error: plainError(err) });
        return null;
      }
    },
    remove: async (name) => {
      try {
        const { deleted } = await call(bridge.get().profiles.delete({ name }));
        await get().actions.load();
        set({ notice: deleted ? `Deleted profile “${name}”.` : `Profile “${name}” was already gone.`, error: null });
        return deleted;
      } catch (err) {
        set({ error: plainError(err) });
        return false;
      }
    },
    importJson: async (json, overwrite) => {
      try {
        const imported = await call(bridge.get().profiles.import({ json, overwrite }));
        await get().actions.load();
        set({ notice: `Imported ${imported.length} profile${imported.length === 1 ? '' : 's'}: ${imported.map((e) => e.profile.name).join(', ')}.`, error: null });
        return imported;
      } catch (err) {
        set({ error: plainError(err) });
        return null;
      }
    },
    exportJson: async (names) => {
      try {
        return await call(bridge.get().profiles.export(names ? { names } : {}));
      } catch (err) {
        set({ error: plainError(err) });
        return null;
      }
    },
    addPort: async (profileName, protocol, port) => {
      const entries = get().entries;
      const entry = entries.find((e) => e.profile.name === profileName);
      if (!entry) {
        set({ error: `There is no profile named “${profileName}”.` });
        return null;
      }
      let target: DiscoveryProfile = entry.profile;
      if (entry.builtin) {
        const copyName = `${profileName}-custom`.slice(0, 80);
        const existing = entries.find((e) => e.profile.name === copyName);
        target = existing
          ? existing.profile
          : { ...entry.profile, name: copyName, scanner: 'custom', description: `Copy of ${profileName} with extra discovery ports.` };
      }
      const list = protocol === 'tcp' ? target.tcpSyn : target.udp;
      if (list.includes(port)) {
        set({ notice: `${protocol.toUpperCase()} ${port} is already in “${target.name}”.` });
        return target.name;
      }
      const next = profileSchema.parse({
        ...target,
        tcpSyn: protocol === 'tcp' ? [...target.tcpSyn, port] : target.tcpSyn,
        udp: protocol === 'udp' ? [...target.udp, port] : target.udp,
      });
      const saved = await get().actions.save(next);
      if (saved) {
        set({
          notice:
            `Added ${protocol.toUpperCase()} ${port} to “${saved.profile.name}”` +
            (entry.builtin ? ` (a copy: the built-in “${profileName}” stays as the scanner ships it).` : '.') +
            (saved.warnings.length > 0 ? ` Note: ${saved.warnings.join(' ')}` : ''),
        });
      }
      return saved ? saved.profile.name : null;
    },
    clearMessages: () => set({ error: null, notice: null }),
  },
}));

/** Connects the profiles store to the bridge (called once, at app start): a change anywhere reloads the list. */
export function attachProfiles(api: ScanReadyApi): Unsubscribe {
  bridge.set(api);
  const off = api.profiles.onChanged(() => {
    void useProfilesStore.getState().actions.load();
  });
  return () => {
    off();
    bridge.set(null);
  };
}

export const useProfileEntries = () => useProfilesStore((s) => s.entries);
export const useProfileNames = () => useProfilesStore(useShallow((s) => s.entries.map((e) => e.profile.name)));
export const useProfileEntry = (name: string | null) =>
  useProfilesStore((s) => (name ? s.entries.find((e) => e.profile.name === name) : undefined));
export const useProfilesStatus = () =>
  useProfilesStore(useShallow((s) => ({ loaded: s.loaded, error: s.error, notice: s.notice })));
export const useProfilesActions = () => useProfilesStore((s) => s.actions);
export const profilesActions = useProfilesStore.getState().actions;
/** The profile's data when known (for planning the matrix before results arrive). */
export function getProfile(name: string): DiscoveryProfile | undefined {
  return useProfilesStore.getState().entries.find((e) => e.profile.name === name)?.profile;
}
export { DEFAULT_PROFILE_NAME };
