// The diagnosis store's event handling against a fake bridge. The real transports (Electron
// IPC, HTTP + WebSocket) and the real engine are covered by e2e/specs/diagnose.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiagnosePush } from '../../shared/ipc.js';
import { builtinProfile, type DiscoveryProfile } from '../../shared/profiles.js';
import { createDiagnosisStore } from './diagnosisStore.js';
import { fakeBridge, type FakeBridge } from './fakeBridge.js';
import { CANCEL_CONFIRM_MS } from './runSlice.js';
import { authResult, CHANGED_KEY_STEP, diagnosisResult, host, probe, prompt, REACH_STEP } from './storeFixtures.js';

const RUN = 'diag-1';
const PROFILE_FOR_GRID = builtinProfile('qualys-default') as DiscoveryProfile;
const TARGET = '198.18.1.10';

describe('diagnosis store', () => {
  let bridge: FakeBridge;
  let store: ReturnType<typeof createDiagnosisStore>;
  let detach: () => void;
  const push = (event: DiagnosePush['event'], runId = RUN): void => bridge.push('scanready:diagnose:event', { runId, event });
  const state = () => store.getState();

  beforeEach(() => {
    bridge = fakeBridge();
    bridge.answer('scanready:diagnose:start', () => ({ ok: true, value: { runId: RUN, total: 1 } }));
    bridge.answer('scanready:diagnose:cancel', () => ({ ok: true, value: { cancelled: true } }));
    bridge.answer('scanready:auth:answer-host-key', (a) => ({ ok: true, value: { accepted: a.accept } }));
    store = createDiagnosisStore(() => undefined);
    detach = state().run.attach(bridge.api);
  });
  afterEach(() => {
    detach();
    vi.useRealTimers();
  });

  async function start(withAuth = false): Promise<void> {
    state().actions.setForm({ target: TARGET, withAuth });
    if (withAuth) state().actions.setAuthForm({ user: 'scan', kind: 'password' });
    await state().actions.start(withAuth ? { secrets: { password: 'pw' } } : undefined);
  }

  it('starts a run with the form and follows its events to the verdict', async () => {
    await start();
    expect(bridge.sent[0]).toMatchObject({ channel: 'scanready:diagnose:start', request: { target: TARGET, trace: true, portFinder: true, elevate: false } });
    expect(state().status).toBe('running');
    expect(state().runTarget).toBe(TARGET);

    push({ type: 'stage', stage: 'discovery', state: 'running' });
    push({ type: 'discovery', event: { type: 'start', total: 1, privileged: true, profile: 'qualys-default' } });
    push({ type: 'discovery', event: { type: 'probe', target: TARGET, address: TARGET, probe: probe(22, true) } });
    expect(state().stages.discovery).toBe('running');
    expect(state().privileged).toBe(true);
    expect(Object.values(state().probes)).toHaveLength(1);

    push({ type: 'discovery', event: { type: 'host-done', result: host(TARGET, true) } });
    expect(state().host?.verdict).toBe('alive');
    push({ type: 'done', result: diagnosisResult(TARGET), historyId: 'h-1' });
    expect(state()).toMatchObject({ status: 'done', historyId: 'h-1', error: null });
    expect(state().result?.target).toBe(TARGET);
  });

  it('a name that does not resolve ends with no verdict and no probe grid', async () => {
    store = createDiagnosisStore(() => ({ ...PROFILE_FOR_GRID }));
    detach();
    detach = state().run.attach(bridge.api);
    await start();
    expect(state().planned.length).toBeGreaterThan(0);
    const result = { ...diagnosisResult('no-such-host.invalid'), unresolved: { name: 'no-such-host.invalid', reason: 'cannot resolve host name' } };
    push({ type: 'done', result, historyId: 'h-dns' });
    expect(state()).toMatchObject({ status: 'done', host: null, planned: [], probes: {} });
    expect(state().result?.unresolved?.name).toBe('no-such-host.invalid');
    // Reopened from history: the same.
    state().actions.show(result, 'h-dns');
    expect(state()).toMatchObject({ status: 'done', host: null, planned: [], reopened: true });
  });

  it('replays events that came before start returned, and ignores other runs', async () => {
    bridge.answer('scanready:diagnose:start', () => {
      // The engine starts at once: its first events can beat the start reply.
      push({ type: 'discovery', event: { type: 'host-start', target: TARGET, address: TARGET } });
      push({ type: 'discovery', event: { type: 'host-start', target: 'x', address: '198.18.9.9' } }, 'another-run');
      return { ok: true, value: { runId: RUN, total: 1 } };
    });
    await start();
    expect(state().address).toBe(TARGET);
    push({ type: 'done', result: diagnosisResult('198.18.9.9'), historyId: 'h-other' }, 'another-run');
    expect(state().status).toBe('running');
    expect(state().result).toBeNull();
  });

  it('shows the host-key hard stop from the LIVE step, while the run is still going', async () => {
    await start(true);
    push({ type: 'auth', event: { type: 'step', step: REACH_STEP } });
    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'p-0'));
    expect(state().prompt?.promptId).toBe('p-0');

    push({ type: 'auth', event: { type: 'step', step: CHANGED_KEY_STEP } });
    // No `done` yet: the run goes on (path, advice), and the stop already shows.
    expect(state().status).toBe('running');
    expect(state().changedKey).toEqual({
      algorithm: 'ssh-ed25519',
      fingerprint: 'SHA256:attackerattacker',
      status: 'changed',
      knownFingerprint: 'SHA256:knownknownknown',
    });
    expect(state().prompt).toBeNull();
    expect(state().authSteps.map((s) => s.id)).toEqual(['reach', 'host-key']);
  });

  it('keeps the hard stop when the final result arrives, and shows it for a reopened run', async () => {
    await start(true);
    push({ type: 'auth', event: { type: 'step', step: CHANGED_KEY_STEP } });
    const changed = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:attackerattacker', status: 'changed' as const, knownFingerprint: 'SHA256:knownknownknown' };
    const auth = authResult(TARGET, [REACH_STEP, CHANGED_KEY_STEP], changed);
    push({ type: 'done', result: diagnosisResult(TARGET, auth), historyId: null });
    expect(state()).toMatchObject({ status: 'done', historyId: null, changedKey: changed });

    state().actions.reset();
    expect(state().changedKey).toBeNull();
    state().actions.show(diagnosisResult(TARGET, auth), 'h-2');
    expect(state()).toMatchObject({ status: 'done', reopened: true, historyId: 'h-2', changedKey: changed, runWithAuth: true });
  });

  it('asks about a new host key and sends the answer for this run and prompt', async () => {
    await start(true);
    bridge.push('scanready:auth:host-key-prompt', prompt('another-run', 'p-x'));
    expect(state().prompt).toBeNull();
    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'p-1'));
    await state().actions.answerHostKey(true);
    expect(bridge.sent.at(-1)).toEqual({ channel: 'scanready:auth:answer-host-key', request: { runId: RUN, promptId: 'p-1', accept: true } });
    expect(state().prompt).toBeNull();

    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'p-2'));
    bridge.push('scanready:auth:host-key-closed', { runId: RUN, promptId: 'p-1', accepted: true, by: 'user' });
    expect(state().prompt?.promptId).toBe('p-2');
    bridge.push('scanready:auth:host-key-closed', { runId: RUN, promptId: 'p-2', accepted: false, by: 'timeout' });
    expect(state().prompt).toBeNull();
  });

  it('ends a cancelled run as cancelled, not as an error, and keeps no verdict from the partial discovery', async () => {
    await start();
    await state().actions.cancel();
    expect(bridge.sent.at(-1)).toEqual({ channel: 'scanready:diagnose:cancel', request: { runId: RUN } });
    expect(state().status).toBe('cancelling');
    bridge.push('scanready:auth:host-key-prompt', prompt(RUN, 'late'));
    expect(state().prompt).toBeNull();
    push({ type: 'discovery', event: { type: 'host-done', result: host(TARGET, false) } });
    expect(state().host).toBeNull();
    push({ type: 'run-error', code: 'internal', message: 'the diagnosis was cancelled' });
    expect(state()).toMatchObject({ status: 'cancelled', error: null, cancelUnconfirmed: false });
  });

  it('says the stop is unconfirmed when a cancelled run sends no final event', async () => {
    vi.useFakeTimers();
    await start();
    await state().actions.cancel();
    vi.advanceTimersByTime(CANCEL_CONFIRM_MS);
    expect(state()).toMatchObject({ status: 'cancelled', cancelUnconfirmed: true });
  });

  it('shows a run error and a refused start in plain words', async () => {
    await start();
    push({ type: 'run-error', code: 'internal', message: 'the privileged probe helper returned no result' });
    expect(state().status).toBe('error');
    expect(state().error).toMatch(/privileged probe helper/);

    bridge.answer('scanready:diagnose:start', () => ({ ok: false, error: { code: 'bad-input', message: 'a diagnosis is about one host' } }));
    await start();
    expect(state()).toMatchObject({ status: 'error' });
    // About the target: shown at the target field, not as a banner.
    expect(state().targetError).toMatch(/one host/);
    expect(state().error).toBeNull();
  });

  it('a range in the diagnosis field: a field error in the app’s words, nothing sent', async () => {
    state().actions.setForm({ target: '198.19.0.0/8' });
    await state().actions.start();
    expect(state().targetError).toMatch(/range of addresses.*use Sweep/);
    expect(state().targetError).not.toMatch(/--|force/);
    expect(bridge.sent).toHaveLength(0);
    // Editing the field clears it.
    state().actions.setForm({ target: '198.19.0.1' });
    expect(state().targetError).toBeNull();
    // An engine message with a CLI flag is reworded.
    bridge.answer('scanready:diagnose:start', () => ({ ok: false, error: { code: 'bad-input', message: '16777216 addresses is larger than a /16 (65536); narrow the range or pass --force' } }));
    await state().actions.start();
    expect(state().targetError).toMatch(/use Sweep for ranges/);
    expect(state().targetError).not.toMatch(/--force/);
  });

  it('refuses to start without a target, and a second start while one runs', async () => {
    await state().actions.start();
    expect(state().targetError).toMatch(/address or host name/);
    expect(bridge.sent).toHaveLength(0);
    await start();
    await start();
    expect(bridge.sent.filter((c) => c.channel === 'scanready:diagnose:start')).toHaveLength(1);
  });

  it('attaches to the bridge only when asked, and detaches completely', async () => {
    const unattached = createDiagnosisStore(() => undefined);
    unattached.getState().actions.setForm({ target: TARGET });
    await unattached.getState().actions.start();
    expect(unattached.getState().status).toBe('error');
    expect(unattached.getState().error).toMatch(/not connected/);

    expect(bridge.listeners('scanready:diagnose:event')).toBe(1);
    expect(bridge.listeners('scanready:auth:host-key-prompt')).toBe(1);
    detach();
    expect(bridge.listeners('scanready:diagnose:event')).toBe(0);
    expect(bridge.listeners('scanready:auth:host-key-prompt')).toBe(0);
    expect(bridge.listeners('scanready:auth:host-key-closed')).toBe(0);
  });
});
