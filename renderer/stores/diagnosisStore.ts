import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { DiagnosisResult, OpenPort, PathResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { changedHostKey, type AuthResult, type AuthStep, type HostKeyInfo } from '../../shared/auth.js';
import type { DiagnosisEvent, DiagnosisStage, HostKeyPrompt, HostKeyPromptClosed } from '../../shared/ipc.js';
import { DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import type { DiagnoseRequestInput, ProbeMode } from '../../shared/requests.js';
import { api, call } from '../bridge.js';
import { plainError, plannedProbes, probeKey, type PlannedProbe } from '../lib/format.js';
import { credentialRequest, DEFAULT_CREDENTIAL_FIELDS, type AuthSecrets, type CredentialFields } from '../lib/credentials.js';
import { runTracker } from '../lib/runTracker.js';
import { answerHostKeyPrompt, cancelRun } from './runActions.js';
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
  /** Include a credential check (the CLI's `diagnose --user ...`). */
  withAuth: boolean;
  /** The non-secret half of the credential check; the host is the target. */
  auth: CredentialFields;
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
  /** The run includes a credential check. */
  runWithAuth: boolean;
  /** The credential check's steps as they arrive (a finished result has them in `result.auth`). */
  authSteps: AuthStep[];
  authResult: AuthResult | null;
  /** First contact with the target's SSH host key: the operator must answer. */
  prompt: HostKeyPrompt | null;
  /** A changed host key stopped the credential check. */
  changedKey: HostKeyInfo | null;
  /** Cancel was sent but the run has not confirmed that it stopped. */
  cancelUnconfirmed: boolean;
  actions: {
    setForm: (patch: Partial<DiagnosisForm>) => void;
    setAuthForm: (patch: Partial<CredentialFields>) => void;
    /**
     * `elevate`: through the OS elevation prompt; `raw`: this process already may open raw
     * sockets, so run with mode `auto` whatever the form says.
     */
    start: (opts?: { elevate?: boolean; raw?: boolean; secrets?: AuthSecrets }) => Promise<void>;
    cancel: () => Promise<void>;
    answerHostKey: (accept: boolean) => Promise<void>;
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
  runWithAuth: false,
  authSteps: [] as AuthStep[],
  authResult: null,
  prompt: null,
  changedKey: null,
  cancelUnconfirmed: false,
};

type DiagnosisItem =
  | { kind: 'event'; event: DiagnosisEvent }
  | { kind: 'prompt'; prompt: HostKeyPrompt }
  | { kind: 'closed'; closed: HostKeyPromptClosed };

function splitIps(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const useDiagnosisStore = create<DiagnosisState>()((set, get) => ({
  form: {
    target: '',
    profile: DEFAULT_PROFILE_NAME,
    scannerIps: '',
    trace: true,
    portFinder: true,
    mode: 'auto',
    withAuth: false,
    auth: { ...DEFAULT_CREDENTIAL_FIELDS },
  },
  ...emptyRun,
  actions: {
    setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
    setAuthForm: (patch) => set((s) => ({ form: { ...s.form, auth: { ...s.form.auth, ...patch } } })),
    start: async (opts) => {
      const { form, status } = get();
      if (status === 'starting' || status === 'running' || status === 'cancelling') return;
      const target = form.target.trim();
      if (!target) {
        set({ error: 'Type the address or host name the scanner reports as not alive.' });
        return;
      }
      // The credential check: built from the form and the secrets handed in (never stored). A re-run
      // without secrets ("Run privileged probes") keeps it only when no secret is needed (agent).
      let auth: DiagnoseRequestInput['auth'];
      if (form.withAuth && (opts?.secrets || form.auth.kind === 'agent')) {
        const built = credentialRequest(form.auth, opts?.secrets ?? {});
        if (!built.ok) {
          set({ error: `Credential check: ${built.error}` });
          return;
        }
        auth = built.value;
      }
      const profile = getProfile(form.profile);
      set({
        ...emptyRun,
        status: 'starting',
        runWithAuth: auth !== undefined,
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
            ...(auth ? { auth } : {}),
          }),
        );
        if (get().status === 'starting') set({ status: 'running' });
        tracker.started(runId);
      } catch (err) {
        tracker.startFailed();
        set({ status: 'error', error: plainError(err) });
      }
    },
    cancel: () => cancelRun(tracker.runId, get, set, (runId) => call(api.diagnose.cancel({ runId }))),
    answerHostKey: (accept) => answerHostKeyPrompt(get, set, accept),
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
        runWithAuth: result.auth !== null,
        authSteps: result.auth?.steps ?? [],
        authResult: result.auth,
        changedKey: result.auth?.hostKey?.status === 'changed' ? result.auth.hostKey : null,
        stages: { discovery: 'done', path: result.path ? 'done' : 'skipped', auth: result.auth ? 'done' : 'skipped', advice: 'done' },
      });
    },
    reset: () => {
      tracker.reset();
      set({ ...emptyRun });
    },
  },
}));

const isStopping = (status: RunStatus): boolean => status === 'cancelling' || status === 'cancelled';

function applyItem(item: DiagnosisItem): void {
  const set = useDiagnosisStore.setState;
  if (item.kind === 'prompt') {
    set((s) => (isStopping(s.status) ? {} : { prompt: item.prompt }));
    return;
  }
  if (item.kind === 'closed') {
    set((s) => (s.prompt?.promptId === item.closed.promptId ? { prompt: null } : {}));
    return;
  }
  applyEvent(item.event);
}

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
        // Discovery cut short by Cancel ends with a partial host: that is no verdict, so keep only its probes.
        set((s) =>
          isStopping(s.status)
            ? { probes, address: d.result.address }
            : { host: d.result, probes, address: d.result.address, privileged: d.result.privileged },
        );
      } else if (d.type === 'host-error') set({ error: plainError(d.message) });
      return;
    }
    case 'path':
      set({ path: e.path });
      return;
    case 'open-ports':
      set({ openPorts: e.openPorts });
      return;
    case 'auth': {
      const a = e.event;
      if (a.type === 'step') {
        const step = a.step;
        const changed = changedHostKey(step);
        set((s) => ({
          authSteps: [...s.authSteps.filter((x) => x.id !== step.id), step],
          ...(changed ? { changedKey: changed, prompt: null } : {}),
        }));
      } else if (a.type === 'done') {
        set((s) => ({
          authResult: a.result,
          authSteps: a.result.steps,
          prompt: null,
          changedKey: a.result.hostKey?.status === 'changed' ? a.result.hostKey : s.changedKey,
        }));
      }
      return;
    }
    case 'done':
      set((s) => ({
        result: e.result,
        historyId: e.historyId,
        host: e.result.discovery,
        path: e.result.path,
        openPorts: e.result.openPorts,
        authResult: e.result.auth,
        authSteps: e.result.auth?.steps ?? s.authSteps,
        prompt: null,
        cancelUnconfirmed: false,
        status: isStopping(s.status) ? 'cancelled' : 'done',
      }));
      return;
    case 'run-error':
      // A cancelled run ends with a run-error; after Cancel that is the expected ending.
      set((s) =>
        isStopping(s.status)
          ? { status: 'cancelled', cancelUnconfirmed: false, prompt: null }
          : { status: 'error', error: plainError(e.message), prompt: null },
      );
      return;
  }
}

const tracker = runTracker<DiagnosisItem>(applyItem);
api.diagnose.onEvent(({ runId, event }) => tracker.receive(runId, { kind: 'event', event }));
// A diagnosis with a credential check asks about unknown host keys on the auth channels, with its own run id.
api.auth.onHostKeyPrompt((prompt) => tracker.receive(prompt.runId, { kind: 'prompt', prompt }));
api.auth.onHostKeyClosed((closed) => tracker.receive(closed.runId, { kind: 'closed', closed }));

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
      cancelUnconfirmed: s.cancelUnconfirmed,
    })),
  );
export const useDiagnosisAuth = () =>
  useDiagnosisStore(
    useShallow((s) => ({
      runWithAuth: s.runWithAuth,
      steps: s.authSteps,
      result: s.authResult,
      prompt: s.prompt,
      changedKey: s.changedKey,
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
