import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AuthResult, AuthStep } from '../../shared/auth.js';
import type { DiagnosisResult, DiagnosisStage, OpenPort, PathResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import type { DiagnosePush, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import type { DiscoveryProfile } from '../../shared/profiles.js';
import { DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import type { DiagnoseRequestInput, ProbeMode } from '../../shared/requests.js';
import { plainError, plannedProbes, probeKey, type PlannedProbe } from '../lib/format.js';
import { credentialRequest, DEFAULT_CREDENTIAL_FIELDS, type AuthSecrets, type CredentialFields } from '../lib/credentials.js';
import { singleTargetProblem, targetWording } from '../lib/targets.js';
import { getProfile } from './profilesStore.js';
import { changedKeyOf, changedKeyOfResult, ended, failed, IDLE_RUN, isActive, isStopping, runSlice, type RunSlice } from './runSlice.js';

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

interface DiagnosisState extends RunSlice {
  form: DiagnosisForm;
  /** What is wrong with the target field (shown at the field, `aria-invalid`); cleared when it is edited. */
  targetError: string | null;
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
  selectedProbe: string | null;
  /** The run includes a credential check. */
  runWithAuth: boolean;
  /** The credential check's steps as they arrive (a finished result has them in `result.auth`). */
  authSteps: AuthStep[];
  authResult: AuthResult | null;
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

/** Everything a new run starts from (the form stays). */
const emptyRun = {
  ...IDLE_RUN,
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
  selectedProbe: null,
  runWithAuth: false,
  authSteps: [],
  authResult: null,
} satisfies Omit<DiagnosisState, 'form' | 'targetError' | 'actions' | 'run'>;

function splitIps(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A diagnosis store, not yet attached to a bridge. The app has one (below); a test makes its own
 * and attaches a fake bridge. `profileOf` gives the profile's data for planning the probe grid.
 */
export function createDiagnosisStore(profileOf: (name: string) => DiscoveryProfile | undefined = getProfile) {
  return create<DiagnosisState>()((set, get) => ({
    ...runSlice<DiagnosePush['event']>(set, get, {
      listen: (api, receive) => api.diagnose.onEvent(({ runId, event }) => receive(runId, event)),
      cancel: (api, runId) => api.diagnose.cancel({ runId }),
      // A diagnosis with a credential check asks about unknown host keys on the auth channels, with its own run id.
      hostKeys: true,
      apply: (event) => set((s) => applyEvent(s, event)),
    }),
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
    targetError: null,
    actions: {
      setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch }, ...('target' in patch ? { targetError: null } : {}) })),
      setAuthForm: (patch) => set((s) => ({ form: { ...s.form, auth: { ...s.form.auth, ...patch } } })),
      start: async (opts) => {
        const { form, status } = get();
        if (isActive(status)) return;
        const target = form.target.trim();
        const problem = singleTargetProblem(target);
        if (problem) {
          set({ targetError: problem, error: null });
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
        const profile = profileOf(form.profile);
        set({
          ...emptyRun,
          targetError: null,
          status: 'starting',
          runWithAuth: auth !== undefined,
          runTarget: target,
          runProfile: form.profile,
          elevated: (opts?.elevate ?? false) || (opts?.raw ?? false),
          planned: profile ? plannedProbes(profile) : [],
        });
        await get().run.launch((api) =>
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
        // A refused start about the target belongs to the target field, in the app's words.
        const after = get();
        if (after.status === 'error' && after.error && after.host === null && /address|host|name|resolve|range|target|IPv[46]|CIDR/i.test(after.error)) {
          set({ targetError: targetWording(after.error), error: null });
        }
      },
      cancel: () => get().run.cancel(),
      answerHostKey: (accept) => get().run.answerHostKey(accept),
      selectProbe: (key) => set({ selectedProbe: key }),
      show: (result, historyId) => {
        get().run.forget();
        const probes: Record<string, ProbeResult> = {};
        for (const p of result.discovery.probes) probes[probeKey(p)] = p;
        // A name that did not resolve has no probes and no verdict: no grid, no badge.
        const profile = result.unresolved ? undefined : profileOf(result.discovery.profile);
        set((s) => ({
          // The form shows what this run used (target, profile), so "Run again" repeats it.
          form: { ...s.form, target: result.target, profile: result.discovery.profile },
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
          host: result.unresolved ? null : result.discovery,
          path: result.path,
          openPorts: result.openPorts,
          result,
          runWithAuth: result.auth !== null,
          authSteps: result.auth?.steps ?? [],
          authResult: result.auth,
          changedKey: changedKeyOfResult(result.auth, null),
          stages: { discovery: 'done', path: result.path ? 'done' : 'skipped', auth: result.auth ? 'done' : 'skipped', advice: 'done' },
        }));
      },
      reset: () => {
        get().run.forget();
        set({ ...emptyRun });
      },
    },
  }));
}

/** One event of the current run → the store's next state (a patch). */
function applyEvent(s: DiagnosisState, e: DiagnosePush['event']): Partial<DiagnosisState> {
  switch (e.type) {
    case 'stage':
      return { stages: { ...s.stages, [e.stage]: e.state } };
    case 'discovery': {
      const d = e.event;
      if (d.type === 'start') return { privileged: d.privileged };
      if (d.type === 'host-start') return { address: d.address };
      if (d.type === 'probe') return { probes: { ...s.probes, [probeKey(d.probe)]: d.probe } };
      if (d.type === 'host-done') {
        const probes: Record<string, ProbeResult> = {};
        for (const p of d.result.probes) probes[probeKey(p)] = p;
        // Discovery cut short by Cancel ends with a partial host: that is no verdict, so keep only its probes.
        return isStopping(s.status)
          ? { probes, address: d.result.address }
          : { host: d.result, probes, address: d.result.address, privileged: d.result.privileged };
      }
      if (d.type === 'host-error') return { error: plainError(d.message) };
      return {};
    }
    case 'path':
      return { path: e.path };
    case 'open-ports':
      return { openPorts: e.openPorts };
    case 'auth': {
      const a = e.event;
      if (a.type === 'step') {
        const step = a.step;
        // The live hard stop: a changed host key shows while the run still goes on.
        const changed = changedKeyOf(step);
        return {
          authSteps: [...s.authSteps.filter((x) => x.id !== step.id), step],
          ...(changed ? { changedKey: changed, prompt: null } : {}),
        };
      }
      if (a.type === 'done') {
        return { authResult: a.result, authSteps: a.result.steps, prompt: null, changedKey: changedKeyOfResult(a.result, s.changedKey) };
      }
      return {};
    }
    case 'done':
      return {
        ...ended(s),
        result: e.result,
        historyId: e.historyId ?? null,
        host: e.result.unresolved ? null : e.result.discovery,
        ...(e.result.unresolved ? { planned: [], probes: {} } : {}),
        path: e.result.path,
        openPorts: e.result.openPorts,
        authResult: e.result.auth,
        authSteps: e.result.auth?.steps ?? s.authSteps,
        changedKey: changedKeyOfResult(e.result.auth, s.changedKey),
      };
    case 'run-error':
      return failed(s, e.message);
    case 'hop':
    case 'port':
      // Shown when the path / the port list is final.
      return {};
  }
}

const useDiagnosisStore = createDiagnosisStore();

/** Connects the app's diagnosis store to the bridge (called once, at app start). */
export const attachDiagnosis = (api: ScanReadyApi): Unsubscribe => useDiagnosisStore.getState().run.attach(api);

export const useDiagnosisForm = () => useDiagnosisStore((s) => s.form);
export const useDiagnosisTargetError = () => useDiagnosisStore((s) => s.targetError);
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
