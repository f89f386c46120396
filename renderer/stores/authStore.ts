import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { changedHostKey, type AuthRequestInput, type AuthResult, type AuthStep, type HostKeyInfo } from '../../shared/auth.js';
import type { AuthPush, HostKeyPrompt, HostKeyPromptClosed } from '../../shared/ipc.js';
import { DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import { api, call } from '../bridge.js';
import { plainError } from '../lib/format.js';
import { credentialRequest, DEFAULT_CREDENTIAL_FIELDS, type AuthSecrets, type CredentialFields } from '../lib/credentials.js';
import { runTracker } from '../lib/runTracker.js';
import { answerHostKeyPrompt, cancelRun } from './runActions.js';
import type { RunStatus } from './diagnosisStore.js';

export type { AuthSecrets, CredentialKind } from '../lib/credentials.js';

/** The non-secret half of the form. Passwords, keys and passphrases never enter this store. */
export interface AuthForm extends CredentialFields {
  host: string;
  profile: string;
}

interface AuthState {
  form: AuthForm;
  status: RunStatus;
  steps: AuthStep[];
  prompt: HostKeyPrompt | null;
  /** A changed host key stopped the check. */
  changedKey: HostKeyInfo | null;
  result: AuthResult | null;
  historyId: string | null;
  reopened: boolean;
  error: string | null;
  /** Cancel was sent but the run has not confirmed that it stopped. */
  cancelUnconfirmed: boolean;
  actions: {
    setForm: (patch: Partial<AuthForm>) => void;
    start: (secrets: AuthSecrets) => Promise<void>;
    cancel: () => Promise<void>;
    answerHostKey: (accept: boolean) => Promise<void>;
    show: (result: AuthResult, historyId: string | null) => void;
    reset: () => void;
  };
}

const emptyRun = {
  status: 'idle' as RunStatus,
  steps: [] as AuthStep[],
  prompt: null,
  changedKey: null,
  result: null,
  historyId: null,
  reopened: false,
  error: null,
  cancelUnconfirmed: false,
};

type AuthItem =
  | { kind: 'event'; event: AuthPush['event'] }
  | { kind: 'prompt'; prompt: HostKeyPrompt }
  | { kind: 'closed'; closed: HostKeyPromptClosed };

function changedKeyOf(step: AuthStep, fallback: HostKeyInfo | null): HostKeyInfo | null {
  const changed = changedHostKey(step);
  return changed ? (fallback ?? changed) : null;
}

const useAuthStore = create<AuthState>()((set, get) => ({
  form: { ...DEFAULT_CREDENTIAL_FIELDS, host: '', profile: DEFAULT_PROFILE_NAME },
  ...emptyRun,
  actions: {
    setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
    start: async (secrets) => {
      const { form, status } = get();
      if (status === 'starting' || status === 'running' || status === 'cancelling') return;
      if (!form.host.trim() || !form.user.trim()) {
        set({ error: 'Give the host and the scan account’s user name.' });
        return;
      }
      const built = credentialRequest(form, secrets);
      if (!built.ok) {
        set({ error: built.error });
        return;
      }
      const request: AuthRequestInput = { ...built.value, host: form.host.trim(), profile: form.profile };
      set({ ...emptyRun, status: 'starting' });
      tracker.beginStart();
      try {
        // The request (with its secrets) lives only in this call; nothing keeps a reference to it.
        const { runId } = await call(api.auth.start(request));
        if (get().status === 'starting') set({ status: 'running' });
        tracker.started(runId);
      } catch (err) {
        tracker.startFailed();
        set({ status: 'error', error: plainError(err) });
      }
    },
    cancel: () => cancelRun(tracker.runId, get, set, (runId) => call(api.auth.cancel({ runId }))),
    answerHostKey: (accept) => answerHostKeyPrompt(get, set, accept),
    show: (result, historyId) => {
      tracker.reset();
      set({
        ...emptyRun,
        status: 'done',
        steps: result.steps,
        result,
        historyId,
        reopened: historyId !== null,
        changedKey: result.hostKey?.status === 'changed' ? result.hostKey : null,
        form: { ...get().form, host: result.host, port: result.port, user: result.user, delegation: result.delegation },
      });
    },
    reset: () => {
      tracker.reset();
      set({ ...emptyRun });
    },
  },
}));

function applyItem(item: AuthItem): void {
  const set = useAuthStore.setState;
  if (item.kind === 'prompt') {
    set({ prompt: item.prompt });
    return;
  }
  if (item.kind === 'closed') {
    set((s) => (s.prompt?.promptId === item.closed.promptId ? { prompt: null } : {}));
    return;
  }
  const e = item.event;
  switch (e.type) {
    case 'step':
      set((s) => {
        const changed = changedKeyOf(e.step, null);
        return { steps: [...s.steps.filter((x) => x.id !== e.step.id), e.step], ...(changed ? { changedKey: changed, prompt: null } : {}) };
      });
      return;
    case 'host-key-prompt':
      // The prompt itself (with its id) comes on the host-key-prompt channel.
      return;
    case 'done':
      set((s) => ({
        result: e.result,
        steps: e.result.steps,
        prompt: null,
        changedKey: e.result.hostKey?.status === 'changed' ? e.result.hostKey : s.changedKey,
        status: s.status === 'cancelling' || s.status === 'cancelled' ? 'cancelled' : 'done',
        cancelUnconfirmed: false,
      }));
      return;
    case 'saved':
      set({ historyId: e.historyId });
      return;
    case 'run-error':
      set((s) =>
        s.status === 'cancelling' || s.status === 'cancelled'
          ? { status: 'cancelled', prompt: null, cancelUnconfirmed: false }
          : { status: 'error', error: plainError(e.message), prompt: null },
      );
      return;
  }
}

const tracker = runTracker<AuthItem>(applyItem);
api.auth.onEvent(({ runId, event }) => tracker.receive(runId, { kind: 'event', event }));
api.auth.onHostKeyPrompt((prompt) => tracker.receive(prompt.runId, { kind: 'prompt', prompt }));
api.auth.onHostKeyClosed((closed) => tracker.receive(closed.runId, { kind: 'closed', closed }));

export const useAuthForm = () => useAuthStore((s) => s.form);
export const useAuthRun = () =>
  useAuthStore(
    useShallow((s) => ({
      status: s.status,
      steps: s.steps,
      prompt: s.prompt,
      changedKey: s.changedKey,
      result: s.result,
      error: s.error,
      reopened: s.reopened,
      cancelUnconfirmed: s.cancelUnconfirmed,
    })),
  );
export const useAuthActions = () => useAuthStore((s) => s.actions);
export const authActions = useAuthStore.getState().actions;
