/** Cancel and host-key answers, shared by the stores whose runs can stop at a host-key prompt. */
import type { HostKeyPrompt } from '../../shared/ipc.js';
import { api, call } from '../bridge.js';
import { plainError } from '../lib/format.js';
import type { RunStatus } from './diagnosisStore.js';

interface PromptRunState {
  status: RunStatus;
  prompt: HostKeyPrompt | null;
  error: string | null;
  cancelUnconfirmed: boolean;
}
type Get = () => PromptRunState;
type Set = (patch: Partial<PromptRunState>) => void;

/** How long to wait for the run's own final event after Cancel before saying the stop is unconfirmed. */
const CANCEL_CONFIRM_MS = 3000;

export async function cancelRun(runId: string | null, get: Get, set: Set, cancel: (runId: string) => Promise<unknown>): Promise<void> {
  if (!runId) return;
  set({ status: 'cancelling', prompt: null });
  try {
    await cancel(runId);
  } catch (err) {
    set({ error: plainError(err) });
  }
  // The engine ends the run with a final event; if it does not, do not leave the UI waiting
  // (but say that the stop is not confirmed).
  setTimeout(() => {
    if (get().status === 'cancelling') set({ status: 'cancelled', cancelUnconfirmed: true });
  }, CANCEL_CONFIRM_MS);
}

export async function answerHostKeyPrompt(get: Get, set: Set, accept: boolean): Promise<void> {
  const prompt = get().prompt;
  if (!prompt) return;
  set({ prompt: null });
  try {
    await call(api.auth.answerHostKey({ runId: prompt.runId, promptId: prompt.promptId, accept }));
  } catch (err) {
    set({ error: plainError(err) });
  }
}
