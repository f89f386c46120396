/**
 * Web-mode transport for createApiClient: invoke = `POST /api/<channel>` (JSON body, IpcResult
 * back), pushes = one WebSocket at `/api/events` carrying `{ channel, payload }` frames.
 *
 * Authentication is the per-run token: the page got it as an HttpOnly cookie when it was first
 * opened (`/?token=...`, then redirected to `/` so the token never sits in the address bar or a
 * Referer). Browsers send that cookie with fetch and the WebSocket upgrade by themselves; other
 * clients (tests, scripts) pass `token`, sent as the `X-ScanReady-Token` header.
 *
 * shared/ may not depend on DOM or node typings, so the few browser globals used are typed
 * minimally here and can be injected (tests use node's fetch and the `ws` package).
 */
import type { ApiTransport, InvokeChannel, IpcResult, PushChannel, PushMap, Unsubscribe } from './ipc.js';
import { isPushChannel } from './ipc.js';

export interface MinimalResponse {
  status: number;
  json(): Promise<unknown>;
}
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; credentials: 'same-origin' },
) => Promise<MinimalResponse>;

export interface MinimalWebSocket {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}
export type WebSocketFactory = (url: string, token: string | undefined) => MinimalWebSocket;

export interface WebTransportOptions {
  /** Origin of the ScanReady server (`http://127.0.0.1:41234`); default: the page's `location.origin`. */
  baseUrl?: string;
  /** For non-browser clients; browsers use the HttpOnly cookie. */
  token?: string;
  fetch?: FetchLike;
  /** Opens the push socket; default: the global WebSocket (token cannot be sent as a header there). */
  openSocket?: WebSocketFactory;
  /** First reconnect delay; doubles up to 10 s while anyone is subscribed. */
  reconnectDelayMs?: number;
  /** Called when the server refuses the token (show "open the URL printed by scanready serve"). */
  onUnauthorized?: () => void;
}

export const TOKEN_HEADER = 'x-scanready-token';
export const EVENTS_PATH = '/api/events';
export const INVOKE_PREFIX = '/api/';

interface Globals {
  location?: { origin: string };
  fetch?: FetchLike;
  WebSocket?: new (url: string) => MinimalWebSocket;
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface WebTransport extends ApiTransport {
  /** Closes the socket and stops reconnecting. */
  close(): void;
}

export function createWebTransport(options: WebTransportOptions = {}): WebTransport {
  const g = globalThis as unknown as Globals;
  const base = (options.baseUrl ?? g.location?.origin ?? '').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? g.fetch?.bind(globalThis);
  const openSocket: WebSocketFactory =
    options.openSocket ??
    ((url) => {
      if (!g.WebSocket) throw new Error('WebSocket is not available here');
      return new g.WebSocket(url);
    });
  const handlers = new Map<PushChannel, Set<(payload: never) => void>>();
  let socket: MinimalWebSocket | null = null;
  let closed = false;
  let retryTimer: unknown = null;
  let delay = options.reconnectDelayMs ?? 500;

  function subscriberCount(): number {
    let n = 0;
    for (const set of handlers.values()) n += set.size;
    return n;
  }

  function dispatch(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const { channel, payload } = frame as { channel?: unknown; payload?: unknown };
    if (typeof channel !== 'string' || !isPushChannel(channel)) return;
    for (const handler of [...(handlers.get(channel) ?? [])]) {
      try {
        (handler as (p: unknown) => void)(payload);
      } catch {
        // One broken handler must not starve the others.
      }
    }
  }

  function connect(): void {
    if (closed || socket || subscriberCount() === 0) return;
    const wsUrl = base.replace(/^http/, 'ws') + EVENTS_PATH;
    let ws: MinimalWebSocket;
    try {
      ws = openSocket(wsUrl, options.token);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      delay = options.reconnectDelayMs ?? 500;
    };
    ws.onmessage = (ev) => dispatch(ev.data);
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (socket === ws) socket = null;
      scheduleReconnect();
    };
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer !== null || subscriberCount() === 0) return;
    retryTimer = g.setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
    delay = Math.min(delay * 2, 10_000);
  }

  return {
    async invoke<C extends InvokeChannel>(channel: C, payload: unknown) {
      if (!fetchImpl) throw new Error('fetch is not available here');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token) headers[TOKEN_HEADER] = options.token;
      const res = await fetchImpl(base + INVOKE_PREFIX + channel, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload ?? null),
        credentials: 'same-origin',
      });
      if (res.status === 401 || res.status === 403) {
        options.onUnauthorized?.();
        return {
          ok: false,
          error: {
            code: 'forbidden',
            message: 'This page is not authorized by the ScanReady server: open the URL that `scanready serve` printed.',
          },
        };
      }
      const body = (await res.json()) as IpcResult<never>;
      if (typeof body !== 'object' || body === null || typeof (body as { ok?: unknown }).ok !== 'boolean') {
        return { ok: false, error: { code: 'internal', message: `unexpected answer from the server (HTTP ${res.status})` } };
      }
      return body;
    },
    subscribe<P extends PushChannel>(channel: P, handler: (payload: PushMap[P]) => void): Unsubscribe {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
      }
      set.add(handler);
      connect();
      return () => {
        set.delete(handler);
        if (subscriberCount() === 0 && socket) {
          const s = socket;
          socket = null;
          s.close();
        }
      };
    },
    close() {
      closed = true;
      if (retryTimer !== null) g.clearTimeout(retryTimer);
      retryTimer = null;
      socket?.close();
      socket = null;
    },
  };
}
