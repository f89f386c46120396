// The app's one `attach(api)` against a fake bridge: importing the stores subscribed to nothing,
// attaching subscribes every push channel, and detaching leaves no listener behind. The real
// transports are covered by the e2e specs.
import { describe, expect, it, vi } from 'vitest';
import { PUSH_CHANNELS } from '../../shared/ipc.js';
import { attach } from './attach.js';
import { fakeBridge } from './fakeBridge.js';
import { profilesActions } from './profilesStore.js';

describe('attach', () => {
  it('subscribes the stores when the app starts, and a push reloads what changed', async () => {
    const bridge = fakeBridge();
    for (const channel of PUSH_CHANNELS) expect(bridge.listeners(channel)).toBe(0);
    bridge.answer('scanready:profiles:list', () => ({ ok: true, value: [] }));
    bridge.answer('scanready:history:list', () => ({ ok: true, value: [] }));
    const detach = attach(bridge.api);
    try {
      // Settings changes re-theme the document: that part is covered by the e2e theme tests.
      for (const channel of PUSH_CHANNELS) expect(bridge.listeners(channel), channel).toBeGreaterThan(0);
      bridge.push('scanready:profiles:changed', { names: ['mine'] });
      bridge.push('scanready:history:changed', { ids: ['h-1'] });
      await vi.waitFor(() => {
        const channels = bridge.sent.map((c) => c.channel);
        expect(channels).toContain('scanready:profiles:list');
        expect(channels).toContain('scanready:history:list');
      });
    } finally {
      detach();
    }
    for (const channel of PUSH_CHANNELS) expect(bridge.listeners(channel), channel).toBe(0);
    // Detached: a store call says so in plain words instead of reaching a transport.
    await profilesActions.load();
    const sentBefore = bridge.sent.length;
    await profilesActions.load();
    expect(bridge.sent.length).toBe(sentBefore);
  });
});
