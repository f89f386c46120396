// The sweep store's event handling against a fake bridge. The real transports (Electron IPC,
// HTTP + WebSocket) and the real probes are covered by e2e/specs/sweep.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiscoverPush } from '../../shared/ipc.js';
import { fakeBridge, type FakeBridge } from './fakeBridge.js';
import { CANCEL_CONFIRM_MS } from './runSlice.js';
import { host, probe } from './storeFixtures.js';
import { createSweepStore } from './sweepStore.js';

const RUN = 'sweep-1';

describe('sweep store', () => {
  let bridge: FakeBridge;
  let store: ReturnType<typeof createSweepStore>;
  let detach: () => void;
  const push = (event: DiscoverPush['event'], runId = RUN): void => bridge.push('scanready:discover:event', { runId, event });
  const state = () => store.getState();
  // The store applies events in batches (a few store updates a second): let the batch go.
  const nextBatch = (): void => {
    vi.advanceTimersByTime(1000);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    bridge = fakeBridge();
    bridge.answer('scanready:discover:start', (r) => ({ ok: true, value: { runId: RUN, total: r.targets.length } }));
    bridge.answer('scanready:discover:cancel', () => ({ ok: true, value: { cancelled: true } }));
    store = createSweepStore();
    detach = state().run.attach(bridge.api);
  });
  afterEach(() => {
    detach();
    vi.useRealTimers();
  });

  async function start(text = '198.18.1.10\n198.18.1.11'): Promise<void> {
    state().actions.setTargetsText(text);
    await state().actions.start();
  }

  it('sweeps the typed targets and fills the table and counts from batched events', async () => {
    await start();
    expect(bridge.sent[0]).toMatchObject({ channel: 'scanready:discover:start', request: { targets: ['198.18.1.10', '198.18.1.11'] } });
    expect(state()).toMatchObject({ status: 'running', total: 2 });

    push({ type: 'start', total: 2, privileged: true, profile: 'qualys-default' });
    push({ type: 'host-start', target: '198.18.1.10', address: '198.18.1.10' });
    push({ type: 'probe', target: '198.18.1.10', address: '198.18.1.10', probe: probe(22, true) });
    push({ type: 'host-done', result: host('198.18.1.10', true) });
    push({ type: 'host-error', target: 'nope.invalid', message: 'cannot resolve nope.invalid' });
    push({ type: 'progress', done: 1, total: 2, alive: 1, etaMs: 500 });
    expect(state().results).toHaveLength(0);
    nextBatch();
    expect(state()).toMatchObject({ done: 1, alive: 1, etaMs: 500 });
    expect(state().results.map((r) => r.address)).toEqual(['198.18.1.10']);
    expect(state().errors).toEqual([{ target: 'nope.invalid', message: expect.stringContaining('nope.invalid') as unknown }]);

    push({ type: 'host-done', result: host('198.18.1.11', false) });
    push({ type: 'end', done: 2, total: 2, alive: 1, cancelled: false, durationMs: 1200 });
    push({ type: 'saved', historyId: 'h-5' });
    nextBatch();
    expect(state()).toMatchObject({ status: 'done', done: 2, durationMs: 1200, historyId: 'h-5', etaMs: 0 });
    expect(state().results).toHaveLength(2);
  });

  it('ignores events of other runs', async () => {
    await start();
    push({ type: 'host-done', result: host('198.18.9.9', true) }, 'another-run');
    push({ type: 'end', done: 1, total: 1, alive: 1, cancelled: false, durationMs: 5 }, 'another-run');
    nextBatch();
    expect(state()).toMatchObject({ status: 'running', results: [] });
  });

  it('ends a cancelled sweep as cancelled (its end, or its run-error), unconfirmed without either', async () => {
    await start();
    await state().actions.cancel();
    expect(bridge.sent.at(-1)).toEqual({ channel: 'scanready:discover:cancel', request: { runId: RUN } });
    push({ type: 'end', done: 1, total: 2, alive: 0, cancelled: true, durationMs: 80 });
    nextBatch();
    expect(state()).toMatchObject({ status: 'cancelled', cancelUnconfirmed: false });

    await start();
    await state().actions.cancel();
    push({ type: 'run-error', code: 'internal', message: 'the helper stopped' });
    nextBatch();
    expect(state()).toMatchObject({ status: 'cancelled', error: null });

    await start();
    await state().actions.cancel();
    vi.advanceTimersByTime(CANCEL_CONFIRM_MS);
    expect(state()).toMatchObject({ status: 'cancelled', cancelUnconfirmed: true });
  });

  it('shows a run error, and a refused start', async () => {
    await start();
    push({ type: 'run-error', code: 'elevation-failed', message: 'the elevation prompt was cancelled' });
    nextBatch();
    expect(state().status).toBe('error');
    expect(state().error).toMatch(/elevation prompt was cancelled/i);

    bridge.answer('scanready:discover:start', () => ({ ok: false, error: { code: 'bad-input', message: 'too many targets' } }));
    await start();
    expect(state().status).toBe('error');
    expect(state().error).toMatch(/too many targets/i);
  });

  it('refuses an empty target list and starts a new run unfiltered', async () => {
    await start('   ');
    expect(state().error).toMatch(/at least one target/);
    expect(bridge.sent).toHaveLength(0);
    state().actions.setFilter('not-alive');
    await start();
    expect(state().filter).toBe('all');
  });

  it('shows a stored sweep as reopened', () => {
    state().actions.show({ hosts: [host('198.18.1.10', true), host('198.18.1.11', false)], cancelled: false }, 'h-7', '198.18.1.10-11');
    expect(state()).toMatchObject({ status: 'done', reopened: true, historyId: 'h-7', total: 2, alive: 1, targetsText: '198.18.1.10-11' });
  });
});
