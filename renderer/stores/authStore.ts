import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AuthRequestInput, AuthResult, AuthStep } from '../../shared/auth.js';
import type { AuthPush, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { DEFAULT_PROFILE_NAME } from '../../shared/profiles.js';
import { credentialRequest, DEFAULT_CREDENTIAL_FIELDS, type AuthSecrets, type CredentialFields } from '../lib/credentials.js';
import { changedKeyOf, changedKeyOfResult, ended, failed, IDLE_RUN, isActive, runSlice, type RunSlice } from './runSlice.js';

export type { AuthSecrets, CredentialKind } from '../lib/credentials.js';

/** The non-secret half of the form. Passwords, keys and passphrases never enter this store. */
export interface AuthForm extends CredentialFields {
  host: string;
  profile: string;
}

interface AuthState extends RunSlice {
  form: AuthForm;
  steps: AuthStep[];
  result: AuthResult | null;
  actions: {
    setForm: (patch: Partial<AuthForm>) => void;
    start: (secrets: AuthSecrets) => Promise<void>;
    cancel: () => Promise<void>;
    answerHostKey: (accept: boolean) => Promise<void>;
    show: (result: AuthResult, historyId: string | null) => void;
    reset: () => void;
  };
}

/** Everything a new run starts from (the form stays). */
const emptyRun = {
  ...IDLE_RUN,
  steps: [],
  result: null,
} satisfies Omit<AuthState, 'form' | 'actions' | 'run'>;

/** A credential-check store, not yet attached to a bridge. The app has one (below); a test makes its own. */
export function createAuthStore() {
  return create<AuthState>()((set, get) => ({
    ...runSlice<AuthPush['event']>(set, get, {
      listen: (api, receive) => api.auth.onEvent(({ runId, event }) => receive(runId, event)),
      cancel: (api, runId) => api.auth.cancel({ runId }),
      hostKeys: true,
      apply: (event) => set((s) => applyEvent(s, event)),
    }),
    form: { ...DEFAULT_CREDENTIAL_FIELDS, host: '', profile: DEFAULT_PROFILE_NAME },
    ...emptyRun,
    actions: {
      setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
      start: async (secrets) => {
        const { form, status } = get();
        if (isActive(status)) return;
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
        // The request (with its secrets) lives only in this call; nothing keeps a reference to it.
        await get().run.launch((api) => api.auth.start(request));
      },
      cancel: () => get().run.cancel(),
      answerHostKey: (accept) => get().run.answerHostKey(accept),
      show: (result, historyId) => {
        get().run.forget();
        set({
          ...emptyRun,
          status: 'done',
          steps: result.steps,
          result,
          historyId,
          reopened: historyId !== null,
          changedKey: changedKeyOfResult(result, null),
          form: { ...get().form, host: result.host, port: result.port, user: result.user, delegation: result.delegation },
        });
      },
      reset: () => {
        get().run.forget();
        set({ ...emptyRun });
      },
    },
  }));
}

/** One event of the current run → the store's next state (a patch). */
function applyEvent(s: AuthState, e: AuthPush['event']): Partial<AuthState> {
  switch (e.type) {
    case 'step': {
      // The live hard stop: a changed host key shows while the run still goes on.
      const changed = changedKeyOf(e.step);
      return { steps: [...s.steps.filter((x) => x.id !== e.step.id), e.step], ...(changed ? { changedKey: changed, prompt: null } : {}) };
    }
    case 'host-key-prompt':
      // The prompt itself (with its id) comes on the host-key-prompt channel.
      return {};
    case 'done':
      return { ...ended(s), result: e.result, steps: e.result.steps, changedKey: changedKeyOfResult(e.result, s.changedKey) };
    case 'saved':
      return { historyId: e.historyId };
    case 'run-error':
      return failed(s, e.message);
  }
}

const useAuthStore = createAuthStore();

/** Connects the app's credential store to the bridge (called once, at app start). */
export const attachAuth = (api: ScanReadyApi): Unsubscribe => useAuthStore.getState().run.attach(api);

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
/** The stored run on screen (for Export bundle). */
export const useAuthHistoryId = () => useAuthStore((s) => s.historyId);
