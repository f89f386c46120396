// The credential store's event handling against a fake bridge. The real transports (Electron
// IPC, HTTP + WebSocket) and the real SSH engine are covered by e2e/specs/credentials.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthPush } from '../../shared/ipc.js';
import { createAuthStore } from './authStore.js';
import { fakeBridge, type FakeBridge } from './fakeBridge.js';
import { CANCEL_CONFIRM_MS } from './runSlice.js';
import { authResult, CHANGED_KEY_STEP, NEW_KEY, prompt, REACH_STEP } from './storeFixtures.js';

const RUN = 'auth-1';
const HOST = '198.18.1.10';

describe('credential store', () => {
  let bridge: FakeBridge;
  let store: ReturnType<typeof createAuthStore>;
  let detach: () => void;
  const push = (event: AuthPush['event'], runId = RUN): void => bridge.push('scanready:auth:event', { runId, event });
  const state = () => store.getState();

  beforeEach(() => {
    bridge = fakeBridge();
    bridge.answer('scanready:auth:start', () => ({ ok: true, value: { runId: RUN } }));
    bridge.answer('scanready:auth:cancel', () => ({ ok: true, value: { cancelled: true } }));
    bridge.answer('scanready:auth:answer-host-key', (a) => ({ ok: true, value: { accepted: a.accept } }));
    store = createAuthStore();
    detach = state().run.attach(bridge.api);
  });
  afterEach(() => {
    detach();
    vi.useRealTimers();
  });

  async function start(): Promise<void> {
    state().actions.setForm({ host: HOST, user: 'scan', kind: 'password' });
    await state().actions.start({ password: 'pw' });
  }

  it('sends the request with the secret only in the start call, and follows steps to the result', async () => {
    await start();
    expect(bridge.sent[0]).toMatchObject({ channel: 'scanready:auth:start', request: { host: HOST, user: 'scan', password: 'pw' } });
    expect(JSON.stringify(state())).not.toContain('"pw"');
    expect(state().status).toBe('running');

    push({ type: 'step', step: REACH_STEP });
    push({ type: 'step', step: { ...REACH_STEP, ms: 5 } });
    expect(state().steps).toHaveLength(1);
    expect(state().steps[0]?.ms).toBe(5);

    push({ type: 'done', result: authResult(HOST, [REACH_STEP], { ...NEW_KEY, status: 'trusted' }) });
    expect(state()).toMatchObject({ status: 'done', changedKey: null });
    push({ type: 'saved', historyId: 'h-9' });
    expect(state().historyId).toBe('h-9');
  });

  it('shows the host-key hard stop from the LIVE step, before the run ends', async () => {
    await start();
    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'p-1'));
    push({ type: 'step', step: CHANGED_KEY_STEP });
    expect(state().status).toBe('running');
    expect(state().changedKey).toMatchObject({ status: 'changed', fingerprint: 'SHA256:attackerattacker', knownFingerprint: 'SHA256:knownknownknown' });
    expect(state().prompt).toBeNull();
  });

  it('reads a changed-key step with missing data as an unknown key, never as no stop', async () => {
    await start();
    push({ type: 'step', step: { id: 'host-key', ok: false, ms: 1, reason: 'host-key-changed', summary: 'HOST KEY CHANGED' } });
    expect(state().changedKey).toEqual({ algorithm: 'unknown', fingerprint: 'unknown', status: 'changed' });
  });

  it('asks about a new host key and sends the answer; a closed prompt hides it', async () => {
    await start();
    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'p-1'));
    expect(state().prompt?.hostKey.fingerprint).toBe(NEW_KEY.fingerprint);
    await state().actions.answerHostKey(false);
    expect(bridge.sent.at(-1)).toEqual({ channel: 'scanready:auth:answer-host-key', request: { runId: RUN, promptId: 'p-1', accept: false } });

    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'p-2'));
    bridge.push('scanready:auth:host-key-closed', { runId: RUN, promptId: 'p-2', accepted: false, by: 'run-ended' });
    expect(state().prompt).toBeNull();
  });

  it('a failed answer shows its error', async () => {
    await start();
    bridge.answer('scanready:auth:answer-host-key', () => ({ ok: false, error: { code: 'not-found', message: 'the prompt has expired' } }));
    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'p-1'));
    await state().actions.answerHostKey(true);
    expect(state().error).toMatch(/expired/);
  });

  it('ends a cancelled run as cancelled; without a final event the stop is unconfirmed', async () => {
    await start();
    await state().actions.cancel();
    push({ type: 'run-error', code: 'internal', message: 'cancelled' });
    expect(state()).toMatchObject({ status: 'cancelled', error: null });

    vi.useFakeTimers();
    await start();
    await state().actions.cancel();
    expect(state().status).toBe('cancelling');
    vi.advanceTimersByTime(CANCEL_CONFIRM_MS);
    expect(state()).toMatchObject({ status: 'cancelled', cancelUnconfirmed: true });
  });

  it('checks the form before sending anything, and shows a run error', async () => {
    await state().actions.start({ password: 'pw' });
    expect(state().error).toMatch(/host and the scan account/);
    expect(bridge.sent).toHaveLength(0);
    await start();
    push({ type: 'run-error', code: 'internal', message: 'the SSH engine stopped' });
    expect(state().status).toBe('error');
    expect(state().error).toMatch(/the SSH engine stopped/i);
  });

  it('shows a stored result as reopened, with its own host and user', () => {
    const changed = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:attackerattacker', status: 'changed' as const };
    state().actions.show(authResult('198.18.1.11', [REACH_STEP, CHANGED_KEY_STEP], changed), 'h-3');
    expect(state()).toMatchObject({ status: 'done', reopened: true, historyId: 'h-3', changedKey: changed });
    expect(state().form).toMatchObject({ host: '198.18.1.11', user: 'scan' });
    // Events of the run that was going on before are ignored from now on.
    push({ type: 'run-error', code: 'internal', message: 'late' });
    expect(state().status).toBe('done');
  });
});
