/**
 * The renderer's one way to the engine. In Electron the preload exposes `window.api`; in web
 * mode (`scanready serve`) the same API is built over HTTP + WebSocket. Nothing else in the
 * renderer knows which transport it has.
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

export const api: ScanReadyApi = window.api ?? createApiClient(createWebTransport());

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
