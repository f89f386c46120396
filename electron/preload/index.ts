/**
 * Preload (sandboxed): exposes `window.api`, the named, domain-grouped methods of
 * ScanReadyApi. ipcRenderer itself never reaches the page, and each method is bound to its
 * one channel inside createApiClient, so the page cannot call an arbitrary channel.
 * Bundled alone (dist/preload.cjs); it may only require 'electron'.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApiClient } from '../../shared/ipc-client.js';
import type { ApiTransport, InvokeChannel, InvokeValue, IpcResult, PushChannel, PushMap, ScanReadyApi } from '../../shared/ipc.js';

const transport: ApiTransport = {
  invoke: <C extends InvokeChannel>(channel: C, payload: unknown) => ipcRenderer.invoke(channel, payload) as Promise<IpcResult<InvokeValue<C>>>,
  subscribe: <P extends PushChannel>(channel: P, handler: (payload: PushMap[P]) => void) => {
    const listener = (_event: IpcRendererEvent, payload: PushMap[P]): void => handler(payload);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  },
};

const api = createApiClient(transport);

contextBridge.exposeInMainWorld('api', api);

/** `window.api` as the preload builds it; must stay assignable to the shared contract. */
export type PreloadApi = typeof api;
const _contract: ScanReadyApi = api satisfies PreloadApi;
void _contract;
