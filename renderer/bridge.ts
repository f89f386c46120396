/**
 * The renderer's one way to the engine. In Electron the preload exposes `window.api`; in web
 * mode (`scanready serve`) the same API is built over HTTP + WebSocket. Nothing else in the
 * renderer knows which transport it has.
 *
 * Importing this module does nothing: the app's start (main.tsx) calls `connect()` once and
 * hands the API to the stores with `attach(api)` (stores/attach.ts), so a store test can hand
 * in a fake bridge instead.
 */
import type { IpcErrorCode, IpcResult, ScanReadyApi } from '../shared/ipc.js';
import { createApiClient } from '../shared/ipc-client.js';
import { createWebTransport } from '../shared/web-transport.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge). Absent in web mode. */
    api?: ScanReadyApi;
  }
}

/** The API of this window: the preload's in Electron, HTTP + WebSocket in web mode. Call once. */
export function connect(): ScanReadyApi {
  return window.api ?? createApiClient(createWebTransport());
}

/** An IPC failure as a throwable value: `message` is already plain words. */
export class ApiError extends Error {
  readonly code: IpcErrorCode;
  constructor(code: IpcErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Unwraps an IpcResult: the value, or an ApiError carrying the code and plain message. */
export async function call<T>(result: Promise<IpcResult<T>>): Promise<T> {
  const r = await result;
  if (r.ok) return r.value;
  throw new ApiError(r.error.code, r.error.message);
}

/**
 * Where a store keeps the API it was attached to. Before `attach` (or after its undo) a call
 * fails with a plain error instead of reaching a transport that does not exist.
 */
export interface BridgeSlot {
  set(api: ScanReadyApi | null): void;
  get(): ScanReadyApi;
}

export function bridgeSlot(): BridgeSlot {
  let current: ScanReadyApi | null = null;
  return {
    set(api) {
      current = api;
    },
    get() {
      if (!current) throw new ApiError('unavailable', 'the window is not connected to the ScanReady engine yet');
      return current;
    },
  };
}
