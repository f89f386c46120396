/**
 * The run lifecycle shared by the stores of long runs (diagnosis, credential check, sweep):
 * status, start, cancel, the SSH host-key prompt, the changed-key hard stop and errors. Written
 * once and combined into each store (zustand's slices pattern): a store spreads
 * `runSlice(set, get, domain)` into its state, keeps its own fields beside it, and applies its
 * own events with the transitions below (`ended`, `failed`, `changedKeyOf`).
 */
import { changedHostKey, type AuthResult, type AuthStep, type HostKeyInfo } from '../../shared/auth.js';
import type { CancelResult, HostKeyPrompt, HostKeyPromptClosed, IpcResult, RunStarted, ScanReadyApi, Unsubscribe } from '../../shared/ipc.js';
import { bridgeSlot, call } from '../bridge.js';
import { plainError } from '../lib/format.js';
import { runTracker } from '../lib/runTracker.js';

export type RunStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

export interface RunState {
  status: RunStatus;
  error: string | null;
  /** First contact with the target's SSH host key: the operator must answer. */
  prompt: HostKeyPrompt | null;
  /** A changed SSH host key stopped the credential check (a hard stop: no prompt). */
  changedKey: HostKeyInfo | null;
  /** Cancel was sent but the run has not confirmed that it stopped. */
  cancelUnconfirmed: boolean;
  /** Where the finished run was saved in history. */
  historyId: string | null;
  /** Opened from history rather than run now. */
  reopened: boolean;
}

/** The run part of a store before any run (spread it to start afresh). */
export const IDLE_RUN: RunState = {
  status: 'idle',
  error: null,
  prompt: null,
  changedKey: null,
  cancelUnconfirmed: false,
  historyId: null,
  reopened: false,
};

/** A run is under way: a second Start is refused. */
export const isActive = (status: RunStatus): boolean => status === 'starting' || status === 'running' || status === 'cancelling';
/** Cancel was pressed: the run's last events are its wind-down, not a verdict or an error. */
export const isStopping = (status: RunStatus): boolean => status === 'cancelling' || status === 'cancelled';

/** How long to wait for the run's own final event after Cancel before saying the stop is unconfirmed. */
export const CANCEL_CONFIRM_MS = 3000;

/** The run's last event arrived: done, or cancelled when it was stopped. */
export function ended(s: RunState, cancelled = false): Partial<RunState> {
  return { status: cancelled || isStopping(s.status) ? 'cancelled' : 'done', prompt: null, cancelUnconfirmed: false };
}

/** The run failed after it started. A cancelled run ends this way too: after Cancel that is the expected ending. */
export function failed(s: RunState, message: string): Partial<RunState> {
  return isStopping(s.status)
    ? { status: 'cancelled', prompt: null, cancelUnconfirmed: false }
    : { status: 'error', error: plainError(message), prompt: null };
}

/**
 * The host key the credential engine stopped on, read from its live `host-key` step
 * (reason `host-key-changed`), or null for any other step: the one reader in shared/authSteps.ts.
 */
export function changedKeyOf(step: AuthStep): HostKeyInfo | null {
  return changedHostKey(step);
}

/** The changed key of a finished check, or what the live step already showed. */
export function changedKeyOfResult(result: AuthResult | null, live: HostKeyInfo | null): HostKeyInfo | null {
  return result?.hostKey?.status === 'changed' ? result.hostKey : live;
}

/** What a store says about its kind of run. */
export interface RunDomain<E> {
  /** Subscribes to the domain's event channel. */
  listen(api: ScanReadyApi, receive: (runId: string, event: E) => void): Unsubscribe;
  cancel(api: ScanReadyApi, runId: string): Promise<IpcResult<CancelResult>>;
  /** The run can stop at an SSH host-key prompt (asked on the auth channels with this run's id). */
  hostKeys: boolean;
  /** Applies one event of the store's current run (events of other runs never get here). */
  apply(event: E): void;
}

/** The run's actions. Not state: the object never changes, components do not select it. */
export interface RunControl {
  /** Connects the store to the bridge (subscribes to its pushes). Returns the undo. */
  attach(api: ScanReadyApi): Unsubscribe;
  /** The attached API; throws a plain error before `attach`. */
  api(): ScanReadyApi;
  /**
   * Starts a run whose fresh state the store has just set (status `starting`): sends the start
   * request and follows the run id it returns (events that came first are replayed). Null when
   * the start failed (the store then shows the error).
   */
  launch(start: (api: ScanReadyApi) => Promise<IpcResult<RunStarted>>): Promise<RunStarted | null>;
  cancel(): Promise<void>;
  answerHostKey(accept: boolean): Promise<void>;
  /** Stop following the current run (a reopened result, a reset): its events are ignored. */
  forget(): void;
}

export interface RunSlice extends RunState {
  run: RunControl;
}

type Item<E> = { kind: 'event'; event: E } | { kind: 'prompt'; prompt: HostKeyPrompt } | { kind: 'closed'; closed: HostKeyPromptClosed };
type SetRun = (patch: Partial<RunState> | ((s: RunState) => Partial<RunState>)) => void;
type GetRun = () => RunState;

/** The slice creator: spread its result into a store's initial state. */
export function runSlice<E>(set: SetRun, get: GetRun, domain: RunDomain<E>): RunSlice {
  const bridge = bridgeSlot();
  const tracker = runTracker<Item<E>>((item) => {
    switch (item.kind) {
      case 'event':
        domain.apply(item.event);
        return;
      case 'prompt':
        // A prompt racing a Cancel is not shown: the engine rejects it when the run ends.
        set((s) => (isStopping(s.status) ? {} : { prompt: item.prompt }));
        return;
      case 'closed':
        set((s) => (s.prompt?.promptId === item.closed.promptId ? { prompt: null } : {}));
        return;
    }
  });

  const run: RunControl = {
    attach(api) {
      bridge.set(api);
      const offs = [domain.listen(api, (runId, event) => tracker.receive(runId, { kind: 'event', event }))];
      if (domain.hostKeys) {
        offs.push(
          api.auth.onHostKeyPrompt((prompt) => tracker.receive(prompt.runId, { kind: 'prompt', prompt })),
          api.auth.onHostKeyClosed((closed) => tracker.receive(closed.runId, { kind: 'closed', closed })),
        );
      }
      return () => {
        for (const off of offs) off();
        bridge.set(null);
      };
    },
    api: () => bridge.get(),
    async launch(start) {
      tracker.beginStart();
      try {
        const started = await call(start(bridge.get()));
        if (get().status === 'starting') set({ status: 'running' });
        tracker.started(started.runId);
        return started;
      } catch (err) {
        tracker.startFailed();
        set({ status: 'error', error: plainError(err) });
        return null;
      }
    },
    async cancel() {
      const runId = tracker.runId;
      if (!runId) return;
      set({ status: 'cancelling', prompt: null });
      try {
        await call(domain.cancel(bridge.get(), runId));
      } catch (err) {
        set({ error: plainError(err) });
      }
      // The engine ends the run with a final event; if it does not, do not leave the UI waiting
      // (but say that the stop is not confirmed).
      setTimeout(() => {
        if (get().status === 'cancelling') set({ status: 'cancelled', cancelUnconfirmed: true });
      }, CANCEL_CONFIRM_MS);
    },
    async answerHostKey(accept) {
      const prompt = get().prompt;
      if (!prompt) return;
      set({ prompt: null });
      try {
        await call(bridge.get().auth.answerHostKey({ runId: prompt.runId, promptId: prompt.promptId, accept }));
      } catch (err) {
        set({ error: plainError(err) });
      }
    },
    forget: () => tracker.reset(),
  };
  return { ...IDLE_RUN, run };
}
