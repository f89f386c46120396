/**
 * Web-mode transport for createApiClient: invoke = `POST /api/<channel>` (JSON body, IpcResult
 * back), pushes = one WebSocket at `/api/events` carrying `{ channel, payload }` frames.
 *
 * Authentication is the per-run token, and no cookie: cookies are shared by every port of
 * 127.0.0.1 and can be shadowed by one another local page plants. The printed URL `/?token=…`
 * is redirected to `/#token=…`; on load the page moves the fragment's token into sessionStorage
 * (per origin, so per port, and per tab) and out of the address bar. Every call sends it as the
 * `X-ScanReady-Token` header; the WebSocket (no headers in browsers) offers it as the subprotocol
 * `scanready.token.<token>` next to `scanready.v1`, which the server picks. Other clients (tests,
 * scripts) pass `token`.
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
  init: { method: 'POST'; headers: Record<string, string>; body: string; credentials: 'omit' },
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
  /** For non-browser clients; a page takes it from its URL fragment / sessionStorage. */
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
/** The WebSocket subprotocol the server selects. */
export const WS_PROTOCOL = 'scanready.v1';
/** The token as a WebSocket subprotocol: `scanready.token.<token>` (base64url is a valid protocol token). */
export const TOKEN_PROTOCOL_PREFIX = 'scanready.token.';
/** sessionStorage key of the page's token. */
export const TOKEN_STORAGE_KEY = 'scanready.token';
export const EVENTS_PATH = '/api/events';
export const INVOKE_PREFIX = '/api/';

interface Globals {
  location?: { origin: string; hash: string; pathname: string; search: string };
  history?: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  fetch?: FetchLike;
  WebSocket?: new (url: string, protocols?: string[]) => MinimalWebSocket;
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface WebTransport extends ApiTransport {
  /** Closes the socket and stops reconnecting. */
  close(): void;
}

/**
 * A page's token: taken from `#token=…` (then removed from the address bar and kept in this
 * tab's sessionStorage), else the one stored earlier in this tab (a reload).
 */
export function pageToken(g: Pick<Globals, 'location' | 'history' | 'sessionStorage'> = globalThis as unknown as Globals): string | undefined {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(g.location?.hash ?? '');
  let stored: string | undefined;
  try {
    if (m?.[1]) {
      g.sessionStorage?.setItem(TOKEN_STORAGE_KEY, m[1]);
      g.history?.replaceState(null, '', `${g.location?.pathname ?? '/'}${g.location?.search ?? ''}`);
      return m[1];
    }
    stored = g.sessionStorage?.getItem(TOKEN_STORAGE_KEY) ?? undefined;
  } catch {
    // Storage disabled: the fragment's token still works for this page load.
    return m?.[1];
  }
  return stored;
}

export function createWebTransport(options: WebTransportOptions = {}): WebTransport {
  const g = globalThis as unknown as Globals;
  const base = (options.baseUrl ?? g.location?.origin ?? '').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? g.fetch?.bind(globalThis);
  const token = options.token ?? (options.baseUrl === undefined ? pageToken(g) : undefined);
  const openSocket: WebSocketFactory =
    options.openSocket ??
    ((url, t) => {
      if (!g.WebSocket) throw new Error('WebSocket is not available here');
      return new g.WebSocket(url, t ? [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + t] : [WS_PROTOCOL]);
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
      ws = openSocket(wsUrl, token);
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
      if (token) headers[TOKEN_HEADER] = token;
      const res = await fetchImpl(base + INVOKE_PREFIX + channel, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload ?? null),
        credentials: 'omit',
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
