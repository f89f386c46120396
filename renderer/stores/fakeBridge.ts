/**
 * A fake bridge for store tests: the real API client (shared/ipc-client.ts) over an in-memory
 * transport, so a test answers requests and pushes events by hand. Only the transport is fake;
 * the real ones (Electron IPC, HTTP + WebSocket to the engine) are covered by the e2e specs
 * (e2e/specs/*.spec.ts, against the real lab), not here.
 */
import { createApiClient } from '../../shared/ipc-client.js';
import {
  fail,
  type ApiTransport,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeValue,
  type IpcResult,
  type PushChannel,
  type PushMap,
  type ScanReadyApi,
} from '../../shared/ipc.js';

type Reply<C extends InvokeChannel> = (request: InvokeRequest<C>) => IpcResult<InvokeValue<C>>;
export interface FakeBridge {
  api: ScanReadyApi;
  /** Every request the stores sent, in order. */
  sent: { channel: InvokeChannel; request: unknown }[];
  /** How to answer a channel. Unanswered channels fail with an `internal` error. */
  answer<C extends InvokeChannel>(channel: C, reply: Reply<C>): void;
  /** Delivers a push to the subscribed stores, as main would. */
  push<P extends PushChannel>(channel: P, payload: PushMap[P]): void;
  /** How many handlers listen on a channel (0 once the stores are detached). */
  listeners(channel: PushChannel): number;
}

export function fakeBridge(): FakeBridge {
  // Stored per channel without the channel's types; `answer` and `push` take only the right
  // types for their channel, which is what makes the two casts below safe.
  const replies = new Map<InvokeChannel, (request: unknown) => IpcResult<unknown>>();
  const handlers = new Map<PushChannel, Set<(payload: unknown) => void>>();
  const sent: FakeBridge['sent'] = [];
  const transport: ApiTransport = {
    invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<IpcResult<InvokeValue<C>>> {
      sent.push({ channel, request });
      const reply = replies.get(channel);
      const result = reply ? reply(request) : fail('internal', `the fake bridge has no answer for ${channel}`);
      return Promise.resolve(result as IpcResult<InvokeValue<C>>);
    },
    subscribe<P extends PushChannel>(channel: P, handler: (payload: PushMap[P]) => void) {
      const set = handlers.get(channel) ?? new Set();
      handlers.set(channel, set);
      const h = (payload: unknown): void => handler(payload as PushMap[P]);
      set.add(h);
      return () => {
        set.delete(h);
      };
    },
  };
  return {
    api: createApiClient(transport),
    sent,
    answer<C extends InvokeChannel>(channel: C, reply: Reply<C>) {
      replies.set(channel, (request) => reply(request as InvokeRequest<C>));
    },
    push(channel, payload) {
      for (const h of [...(handlers.get(channel) ?? [])]) h(payload);
    },
    listeners: (channel) => handlers.get(channel)?.size ?? 0,
  };
}
