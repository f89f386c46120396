/**
 * Builds the renderer's `ScanReadyApi` over any transport: Electron's preload (ipcRenderer)
 * or web mode (fetch + WebSocket, shared/web-transport.ts). Each method is bound to one fixed
 * channel here, so no caller can reach an arbitrary channel through the API object.
 */
import type { ApiTransport, IpcResult, ScanReadyApi } from './ipc.js';

/**
 * A thrown transport failure (network down, IPC handler missing) becomes an `internal` result,
 * so every method resolves to an IpcResult and never rejects.
 */
async function safe<T>(call: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await call();
  } catch (err) {
    const message = err instanceof Error && err.message ? err.message : 'the request could not be sent';
    return { ok: false, error: { code: 'internal', message } };
  }
}

export function createApiClient(transport: ApiTransport): ScanReadyApi {
  const t = transport;
  return {
    discover: {
      start: (request) => safe(() => t.invoke('scanready:discover:start', request)),
      cancel: (request) => safe(() => t.invoke('scanready:discover:cancel', request)),
      onEvent: (handler) => t.subscribe('scanready:discover:event', handler),
    },
    auth: {
      start: (request) => safe(() => t.invoke('scanready:auth:start', request)),
      cancel: (request) => safe(() => t.invoke('scanready:auth:cancel', request)),
      answerHostKey: (answer) => safe(() => t.invoke('scanready:auth:answer-host-key', answer)),
      onEvent: (handler) => t.subscribe('scanready:auth:event', handler),
      onHostKeyPrompt: (handler) => t.subscribe('scanready:auth:host-key-prompt', handler),
      onHostKeyClosed: (handler) => t.subscribe('scanready:auth:host-key-closed', handler),
    },
    diagnose: {
      start: (request) => safe(() => t.invoke('scanready:diagnose:start', request)),
      cancel: (request) => safe(() => t.invoke('scanready:diagnose:cancel', request)),
      onEvent: (handler) => t.subscribe('scanready:diagnose:event', handler),
    },
    profiles: {
      list: () => safe(() => t.invoke('scanready:profiles:list', null)),
      save: (profile) => safe(() => t.invoke('scanready:profiles:save', profile)),
      delete: (request) => safe(() => t.invoke('scanready:profiles:delete', request)),
      import: (request) => safe(() => t.invoke('scanready:profiles:import', request)),
      export: (request) => safe(() => t.invoke('scanready:profiles:export', request)),
      onChanged: (handler) => t.subscribe('scanready:profiles:changed', handler),
    },
    history: {
      list: (query) => safe(() => t.invoke('scanready:history:list', query ?? null)),
      pin: (request) => safe(() => t.invoke('scanready:history:pin', request)),
      notices: () => safe(() => t.invoke('scanready:history:notices', null)),
      get: (request) => safe(() => t.invoke('scanready:history:get', request)),
      delete: (request) => safe(() => t.invoke('scanready:history:delete', request)),
      clear: () => safe(() => t.invoke('scanready:history:clear', null)),
      onChanged: (handler) => t.subscribe('scanready:history:changed', handler),
    },
    settings: {
      get: () => safe(() => t.invoke('scanready:settings:get', null)),
      update: (patch) => safe(() => t.invoke('scanready:settings:update', patch)),
      knownHosts: () => safe(() => t.invoke('scanready:settings:known-hosts', null)),
      forgetHostKey: (request) => safe(() => t.invoke('scanready:settings:forget-host-key', request)),
      onChanged: (handler) => t.subscribe('scanready:settings:changed', handler),
    },
    credentials: {
      status: () => safe(() => t.invoke('scanready:credentials:status', null)),
      save: (request) => safe(() => t.invoke('scanready:credentials:save', request)),
      load: (request) => safe(() => t.invoke('scanready:credentials:load', request)),
      forget: (request) => safe(() => t.invoke('scanready:credentials:forget', request)),
    },
    app: {
      info: () => safe(() => t.invoke('scanready:app:info', null)),
      privilege: () => safe(() => t.invoke('scanready:app:privilege', null)),
      openExternal: (request) => safe(() => t.invoke('scanready:app:open-external', request)),
      onMenu: (handler) => t.subscribe('scanready:app:menu', handler),
    },
    bundle: {
      export: (request) => safe(() => t.invoke('scanready:bundle:export', request)),
      import: (request) => safe(() => t.invoke('scanready:bundle:import', request)),
      saveAs: (request) => safe(() => t.invoke('scanready:bundle:save-as', request)),
      open: () => safe(() => t.invoke('scanready:bundle:open', null)),
    },
  };
}
