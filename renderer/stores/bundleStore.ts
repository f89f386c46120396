/**
 * Debug bundles in the UI: Export the run on screen (desktop: the native save dialog; web mode: a
 * download), Import a bundle (desktop: the open dialog; web mode: a file upload or a drop on the
 * window) into History, and the File menu's Export / Import. Bundles are built from the stored
 * run: nothing is probed again.
 */
import { create } from 'zustand';
import type { ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { bridgeSlot, call } from '../bridge.js';
import { base64ToBytes, bytesToBase64, uploadProblem } from '../lib/bundleFiles.js';
import { plainError } from '../lib/format.js';
import { historyActions } from './historyStore.js';

interface BundleState {
  /** The desktop app (native dialogs) or web mode (download / upload). */
  desktop: boolean;
  /** Replace host names and addresses in exported bundles. */
  redactHosts: boolean;
  /** The stored run on screen (its Export button registers it): what File → Export bundle… exports. */
  current: string | null;
  busy: boolean;
  /** One line for the operator: what was exported / imported, or why not. */
  message: { tone: 'ok' | 'error'; text: string } | null;
  /** Web mode's hidden file input, opened by Import and the File menu. */
  picker: (() => void) | null;
  actions: {
    setRedactHosts: (on: boolean) => void;
    setCurrent: (id: string | null) => void;
    setPicker: (open: (() => void) | null) => void;
    exportRun: (id: string) => Promise<void>;
    /** Import: the open dialog (desktop) or the file picker (web). */
    openImport: () => Promise<void>;
    importFile: (file: File) => Promise<void>;
    clearMessage: () => void;
  };
}

const bridge = bridgeSlot();

function download(fileName: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const useBundleStore = create<BundleState>()((set, get) => ({
  desktop: false,
  redactHosts: false,
  current: null,
  busy: false,
  message: null,
  picker: null,
  actions: {
    setRedactHosts: (on) => set({ redactHosts: on }),
    setCurrent: (id) => set({ current: id }),
    setPicker: (open) => set({ picker: open }),
    clearMessage: () => set({ message: null }),
    exportRun: async (id) => {
      set({ busy: true, message: null });
      try {
        const redactHosts = get().redactHosts;
        if (get().desktop) {
          const r = await call(bridge.get().bundle.saveAs({ id, redactHosts }));
          if (r.file) set({ message: { tone: 'ok', text: `Bundle written: ${r.file}` } });
        } else {
          const r = await call(bridge.get().bundle.export({ id, redactHosts }));
          download(r.fileName, base64ToBytes(r.data));
          set({ message: { tone: 'ok', text: `Bundle ${r.fileName} downloaded (${r.entries.join(', ')})` } });
        }
      } catch (err) {
        set({ message: { tone: 'error', text: plainError(err) } });
      } finally {
        set({ busy: false });
      }
    },
    openImport: async () => {
      if (!get().desktop) {
        get().picker?.();
        return;
      }
      set({ busy: true, message: null });
      try {
        const r = await call(bridge.get().bundle.open());
        if (r) await imported(r.fileName, r.ids);
      } catch (err) {
        set({ message: { tone: 'error', text: plainError(err) } });
      } finally {
        set({ busy: false });
      }
    },
    importFile: async (file) => {
      const problem = uploadProblem(file);
      if (problem) {
        set({ message: { tone: 'error', text: `Cannot open bundle: ${problem}` } });
        return;
      }
      set({ busy: true, message: null });
      try {
        const data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
        const r = await call(bridge.get().bundle.import({ fileName: file.name, data }));
        await imported(r.fileName, r.ids);
      } catch (err) {
        set({ message: { tone: 'error', text: plainError(err) } });
      } finally {
        set({ busy: false });
      }
    },
  },
}));

/** After an import: History shows it, and the first run opens in its result view. */
async function imported(fileName: string, ids: string[]): Promise<void> {
  useBundleStore.setState({ message: { tone: 'ok', text: `Imported from ${fileName}: ${ids.length} run${ids.length === 1 ? '' : 's'} kept in History (read-only, never probed again)` } });
  await historyActions.load();
  if (ids[0]) await historyActions.open(ids[0]);
}

export const useBundle = () => useBundleStore((s) => s);
export const bundleActions = useBundleStore.getState().actions;

/** Connects the bundle store (once, at app start): which face this is, and the File menu. */
export function attachBundle(api: ScanReadyApi): Unsubscribe {
  bridge.set(api);
  let live = true;
  void api.app.info().then((r) => {
    if (live && r.ok) useBundleStore.setState({ desktop: r.value.mode === 'electron' });
  });
  const off = api.app.onMenu((m) => {
    const s = useBundleStore.getState();
    if (m.action === 'import-bundle') void s.actions.openImport();
    else if (s.current) void s.actions.exportRun(s.current);
    else useBundleStore.setState({ message: { tone: 'error', text: 'Nothing to export here: open a finished diagnosis, credential check or sweep (or a History entry) first' } });
  });
  return () => {
    live = false;
    off();
    bridge.set(null);
  };
}
