import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { DiagnosisResult, OpenPort, PathResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import type { DiagnosisEvent, DiagnosisStage } from '../../shared/ipc.js';
import { DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import type { ProbeMode } from '../../shared/requests.js';
import { api, call } from '../bridge.js';
import { plainError, plannedProbes, probeKey, type PlannedProbe } from '../lib/format.js';
import { runTracker } from '../lib/runTracker.js';
import { getProfile } from './profilesStore.js';

export type RunStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

export interface DiagnosisForm {
  target: string;
  profile: string;
  /** Comma/space separated scanner appliance addresses (for the firewall rules). */
  scannerIps: string;
  trace: boolean;
  portFinder: boolean;
  /** `unprivileged` shows what a normal desktop user gets even when raw sockets are available. */
  mode: ProbeMode;
}

interface DiagnosisState {
  form: DiagnosisForm;
  status: RunStatus;
  /** The run's target and profile (the form may change while it runs). */
  runTarget: string | null;
  runProfile: string | null;
  address: string | null;
  /** True when this run used the OS elevation prompt ("Run privileged probes"). */
  elevated: boolean;
  privileged: boolean | null;
  stages: Partial<Record<DiagnosisStage, 'running' | 'done' | 'skipped'>>;
  planned: PlannedProbe[];
  probes: Record<string, ProbeResult>;
  host: HostResult | null;
  path: PathResult | null;
  openPorts: OpenPort[] | null;
  result: DiagnosisResult | null;
  historyId: string | null;
  /** Opened from history rather than run now. */
  reopened: boolean;
  error: string | null;
  selectedProbe: string | null;
  actions: {
    setForm: (patch: Partial<DiagnosisForm>) => void;
    /**
     * `elevate`: through the OS elevation prompt; `raw`: this process already may open raw
     * sockets, so run with mode `auto` whatever the form says.
     */
    start: (opts?: { elevate?: boolean; raw?: boolean }) => Promise<void>;
    cancel: () => Promise<void>;
    selectProbe: (key: string | null) => void;
    /** Shows a stored diagnosis (history) as if it had just run. */
    show: (result: DiagnosisResult, historyId: string | null) => void;
    reset: () => void;
  };
}

const emptyRun = {
  status: 'idle' as RunStatus,
  runTarget: null,
  runProfile: null,
  address: null,
  elevated: false,
  privileged: null,
  stages: {},
  planned: [],
  probes: {},
  host: null,
  path: null,
  openPorts: null,
  result: null,
  historyId: null,
  reopened: false,
  error: null,
  selectedProbe: null,
};

function splitIps(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const useDiagnosisStore = create<DiagnosisState>()((set, get) => ({
  form: { target: '', profile: DEFAULT_PROFILE_NAME, scannerIps: '', trace: true, portFinder: true, mode: 'auto' },
  ...emptyRun,
  actions: {
    setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
    start: async (opts) => {
      const { form, status } = get();
      if (status === 'starting' || status === 'running' || status === 'cancelling') return;
      const target = form.target.trim();
      if (!target) {
        set({ error: 'Type the address or host name the scanner reports as not alive.' });
        return;
      }
      const profile = getProfile(form.profile);
      set({
        ...emptyRun,
        status: 'starting',
        runTarget: target,
        runProfile: form.profile,
        elevated: (opts?.elevate ?? false) || (opts?.raw ?? false),
        planned: profile ? plannedProbes(profile) : [],
      });
      tracker.beginStart();
      try {
        const { runId } = await call(
          api.diagnose.start({
            target,
            profile: form.profile,
            scannerIps: splitIps(form.scannerIps),
            trace: form.trace,
            portFinder: form.portFinder,
            elevate: opts?.elevate ?? false,
            mode: opts?.raw || opts?.elevate ? 'auto' : form.mode,
          }),
        );
        if (get().status === 'starting') set({ status: 'running' });
        tracker.started(runId);
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
        await call(api.diagnose.cancel({ runId }));
      } catch (err) {
        set({ error: plainError(err) });
      }
      // The engine ends the run with a final event; if it does not, do not leave the UI waiting.
      setTimeout(() => {
        if (get().status === 'cancelling') set({ status: 'cancelled' });
      }, 3000);
    },
    selectProbe: (key) => set({ selectedProbe: key }),
    show: (result, historyId) => {
      tracker.reset();
      const probes: Record<string, ProbeResult> = {};
      for (const p of result.discovery.probes) probes[probeKey(p)] = p;
      const profile = getProfile(result.discovery.profile);
      set({
        ...emptyRun,
        status: 'done',
        reopened: historyId !== null,
        historyId,
        runTarget: result.target,
        runProfile: result.discovery.profile,
        address: result.discovery.address,
        privileged: result.discovery.privileged,
        planned: profile ? plannedProbes(profile) : [],
        probes,
        host: result.discovery,
        path: result.path,
        openPorts: result.openPorts,
        result,
        stages: { discovery: 'done', path: result.path ? 'done' : 'skipped', advice: 'done' },
      });
    },
    reset: () => {
      tracker.reset();
      set({ ...emptyRun });
    },
  },
}));

function applyEvent(e: DiagnosisEvent): void {
  const set = useDiagnosisStore.setState;
  switch (e.type) {
    case 'stage':
      set((s) => ({ stages: { ...s.stages, [e.stage]: e.state } }));
      return;
    case 'discovery': {
      const d = e.event;
      if (d.type === 'start') set({ privileged: d.privileged });
      else if (d.type === 'host-start') set({ address: d.address });
      else if (d.type === 'probe') set((s) => ({ probes: { ...s.probes, [probeKey(d.probe)]: d.probe } }));
      else if (d.type === 'host-done') {
        const probes: Record<string, ProbeResult> = {};
        for (const p of d.result.probes) probes[probeKey(p)] = p;
        set({ host: d.result, probes, address: d.result.address, privileged: d.result.privileged });
      } else if (d.type === 'host-error') set({ error: plainError(d.message) });
      return;
    }
    case 'path':
      set({ path: e.path });
      return;
    case 'open-ports':
      set({ openPorts: e.openPorts });
      return;
    case 'auth':
      return;
    case 'done':
      set((s) => ({
        result: e.result,
        historyId: e.historyId,
        host: e.result.discovery,
        path: e.result.path,
        openPorts: e.result.openPorts,
        status: s.status === 'cancelling' || s.status === 'cancelled' ? 'cancelled' : 'done',
      }));
      return;
    case 'run-error':
      // A cancelled run ends with a run-error; after Cancel that is the expected ending.
      set((s) =>
        s.status === 'cancelling' || s.status === 'cancelled' ? { status: 'cancelled' } : { status: 'error', error: plainError(e.message) },
      );
      return;
  }
}

const tracker = runTracker<DiagnosisEvent>(applyEvent);
api.diagnose.onEvent(({ runId, event }) => tracker.receive(runId, event));

export const useDiagnosisForm = () => useDiagnosisStore((s) => s.form);
export const useDiagnosisRun = () =>
  useDiagnosisStore(
    useShallow((s) => ({
      status: s.status,
      runTarget: s.runTarget,
      runProfile: s.runProfile,
      address: s.address,
      elevated: s.elevated,
      privileged: s.privileged,
      stages: s.stages,
      error: s.error,
      reopened: s.reopened,
      historyId: s.historyId,
    })),
  );
export const useDiagnosisProbes = () => useDiagnosisStore(useShallow((s) => ({ planned: s.planned, probes: s.probes })));
export const useDiagnosisHost = () => useDiagnosisStore((s) => s.host);
export const useDiagnosisPath = () => useDiagnosisStore((s) => s.path);
export const useDiagnosisOpenPorts = () => useDiagnosisStore((s) => s.openPorts);
export const useDiagnosisResult = () => useDiagnosisStore((s) => s.result);
export const useSelectedProbe = () => useDiagnosisStore((s) => s.selectedProbe);
export const useDiagnosisActions = () => useDiagnosisStore((s) => s.actions);
export const diagnosisActions = useDiagnosisStore.getState().actions;
