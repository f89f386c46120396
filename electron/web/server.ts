/**
 * Web mode: the renderer and the same API as the app, over HTTP + one WebSocket.
 *
 *   POST /api/<channel>   JSON request body → JSON IpcResult
 *   GET  /api/events      WebSocket upgrade; frames `{ channel, payload }` for every push
 *   GET  /…               the built renderer (dist/renderer)
 *
 * Every request and upgrade is checked, in this order:
 *   1. Host header: the bound address, `localhost`, or (bound to a wildcard) an IP literal,
 *      with the bound port. A DNS-rebinding page has its own host name here → 403.
 *   2. Origin (when the browser sends one): must be this same origin → 403 otherwise.
 *   3. The per-run token on every API call and WebSocket: the `X-ScanReady-Token` header, or
 *      (browsers cannot set headers on a WebSocket) the subprotocol `scanready.token.<token>`
 *      → 401 missing, 403 wrong.
 * No cookie is set or read: cookies are not isolated by port (another server on 127.0.0.1
 * would receive it) and a cookie planted by another local page could shadow ours. The printed
 * URL `/?token=…` answers 303 to `/#token=…`; the page keeps the fragment's token in
 * sessionStorage (per origin, so per port), removes it from the address bar and sends it as the
 * header. The renderer's static files carry no secret and are served without the token (after
 * the Host/Origin checks). Malformed URLs get 400; the upgrade handler never throws.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { isIP } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isInvokeChannel, type PushChannel, type PushMap } from '../../shared/ipc.js';
import { EVENTS_PATH, INVOKE_PREFIX, TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from '../../shared/web-transport.js';
import type { Service } from '../service/index.js';
import { readStatic, rendererCsp } from './static.js';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** A client that stops reading gets dropped rather than buffering a whole sweep in memory. */
export const MAX_WS_BUFFERED = 32 * 1024 * 1024;

export interface WebServerOptions {
  service: Service;
  /** dist/renderer; when it has no index.html a short "not built" page is served. */
  rendererDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Needed for any non-loopback host (the operator confirmed exposing the API to the network). */
  allowRemote?: boolean;
  /** Tests only; normally 32 random bytes. */
  token?: string;
}

export interface WebServer {
  /** The URL with the token, to print first. */
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** `host:port` as it appears in a Host header / URL (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  const h = host.replace(/^\[|\]$/g, '');
  return isIP(h) === 6 ? `[${h}]:${port}` : `${h}:${port}`;
}

/** Splits a Host header into name and port; null when malformed. */
export function parseHostHeader(value: string | undefined): { name: string; port: number | null } | null {
  if (!value || value.length > 300) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m?.[1]) return null;
  return { name: m[1].replace(/^\[|\]$/g, '').toLowerCase(), port: m[2] === undefined ? null : Number(m[2]) };
}

/** The request target as a URL, or null when it cannot be parsed (`GET http://[ HTTP/1.1`). */
export function parseRequestUrl(raw: string | undefined): URL | null {
  try {
    const url = new URL(raw ?? '/', 'http://localhost');
    // Percent-escapes must decode: `/%E0%A4%A` is a malformed request, not a missing file.
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return null;
  }
}

/**
 * A same-origin path to redirect to: one leading `/`, never `//host` or `/\host` (which a browser
 * reads as another origin), else `/`.
 */
export function sameOriginPath(pathname: string): string {
  const p = `/${pathname.replace(/^[/\\]+/, '')}`;
  return /^\/[^/\\]/.test(p) && !/[\\\s]/.test(p) ? p : '/';
}

/** The token offered as a WebSocket subprotocol (`scanready.token.<token>`), if any. */
function tokenFromProtocols(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const p = part.trim();
    if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const SECURITY_HEADERS: Record<string, string> = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const bindHost = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(bindHost) && !options.allowRemote) {
    throw Object.assign(new Error(`refusing to listen on ${bindHost}: it is not a loopback address (confirm with --allow-remote)`), { code: 'bad-input' });
  }
  const token = options.token ?? randomBytes(32).toString('base64url');
  const { service } = options;
  let port = 0;

  type Check = { ok: true } | { ok: false; status: number; message: string };

  function checkHostAndOrigin(req: http.IncomingMessage): Check {
    const host = parseHostHeader(req.headers.host);
    const bound = bindHost.replace(/^\[|\]$/g, '').toLowerCase();
    const nameOk =
      host !== null &&
      (host.name === bound || host.name === 'localhost' || (isWildcard(bindHost) && isIP(host.name) !== 0) || (bound === 'localhost' && isLoopbackHost(host.name)));
    if (!host || !nameOk || host.port !== port) return { ok: false, status: 403, message: 'forbidden: unexpected Host header' };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostPort(host.name, port)}`) {
      return { ok: false, status: 403, message: 'forbidden: cross-origin request' };
    }
    return { ok: true };
  }

  function checkToken(req: http.IncomingMessage, upgrade = false): Check {
    const header = req.headers[TOKEN_HEADER];
    const given = (typeof header === 'string' ? header : undefined) ?? (upgrade ? tokenFromProtocols(req.headers['sec-websocket-protocol']) : undefined);
    if (given === undefined || given === '') {
      return { ok: false, status: 401, message: 'unauthorized: open the URL that `scanready serve` printed (it carries the access token)' };
    }
    if (!sameToken(given, token)) return { ok: false, status: 403, message: 'forbidden: wrong access token (the server was restarted? open its new URL)' };
    return { ok: true };
  }

  function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
  }

  function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
    send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
  }

  function deny(res: http.ServerResponse, check: Exclude<Check, { ok: true }>): void {
    sendJson(res, check.status, { ok: false, error: { code: 'forbidden', message: check.message } });
  }

  async function readBody(req: http.IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return null;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const hostCheck = checkHostAndOrigin(req);
    if (!hostCheck.ok) return deny(res, hostCheck);
    const url = parseRequestUrl(req.url);
    if (!url) return sendJson(res, 400, { ok: false, error: { code: 'bad-input', message: 'malformed request path' } });

    // The printed URL: move the token from the query (sent to the server, kept in logs) into the
    // fragment (never sent anywhere), where the page picks it up. The path stays on this origin.
    const queryToken = url.searchParams.get('token');
    if (req.method === 'GET' && queryToken !== null && !url.pathname.startsWith(INVOKE_PREFIX)) {
      if (!sameToken(queryToken, token)) return deny(res, { ok: false, status: 403, message: 'forbidden: wrong access token' });
      res.writeHead(303, { ...SECURITY_HEADERS, location: `${sameOriginPath(url.pathname)}#token=${token}`, 'content-length': '0' });
      res.end();
      return;
    }

    if (url.pathname.startsWith(INVOKE_PREFIX)) {
      const tokenCheck = checkToken(req);
      if (!tokenCheck.ok) return deny(res, tokenCheck);
      const channel = decodeURIComponent(url.pathname.slice(INVOKE_PREFIX.length));
      if (url.pathname === EVENTS_PATH) return sendJson(res, 426, { ok: false, error: { code: 'bad-input', message: 'use a WebSocket here' } });
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'bad-input', message: 'use POST' } });
      if (!isInvokeChannel(channel)) return sendJson(res, 404, { ok: false, error: { code: 'bad-input', message: `unknown call "${channel.slice(0, 80)}"` } });
      // JSON only: a plain HTML form cannot send this content type, another guard against CSRF.
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, { ok: false, error: { code: 'bad-input', message: 'send JSON (content-type: application/json)' } });
      }
      const tooLarge = (): void => {
        // Stop reading the rest: answer and close this connection.
        send(res, 413, JSON.stringify({ ok: false, error: { code: 'bad-input', message: 'the request is too large' } }), 'application/json; charset=utf-8', { connection: 'close' });
        req.destroy();
      };
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge();
      const body = await readBody(req);
      if (body === null) return tooLarge();
      let payload: unknown;
      try {
        payload = body.trim() === '' ? null : JSON.parse(body);
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'bad-input', message: 'the request body is not valid JSON' } });
      }
      return sendJson(res, 200, await service.invoke(channel, payload));
    }

    // The renderer's files (no secrets in them): the page authenticates its API calls itself.
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: { code: 'bad-input', message: 'method not allowed' } });
    const file = await readStatic(options.rendererDir, url.pathname);
    const csp = rendererCsp([`ws://${req.headers.host ?? ''}`]);
    if (!file) {
      if (url.pathname === '/' || url.pathname === '/index.html') {
        return send(
          res,
          503,
          '<!doctype html><meta charset="utf-8"><title>ScanReady</title><p>The ScanReady UI is not built yet: run <code>npm run build</code>, then restart <code>scanready serve</code>. The API is up.</p>',
          'text/html; charset=utf-8',
          { 'content-security-policy': csp },
        );
      }
      return send(res, 404, 'not found', 'text/plain; charset=utf-8');
    }
    return send(res, 200, req.method === 'HEAD' ? Buffer.alloc(0) : file.body, file.type, { 'content-security-policy': csp });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'the server failed to answer' } });
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  // The browser offers [scanready.v1, scanready.token.<token>]; we answer with the first, so the
  // token is never echoed back.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false) });
  const clients = new Set<WebSocket>();

  function onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const reject = (status: number, message: string): void => {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    };
    const hostCheck = checkHostAndOrigin(req);
    if (!hostCheck.ok) return reject(hostCheck.status, hostCheck.message);
    const tokenCheck = checkToken(req, true);
    if (!tokenCheck.ok) return reject(tokenCheck.status, tokenCheck.message);
    const url = parseRequestUrl(req.url);
    if (!url) return reject(400, 'malformed request path');
    if (url.pathname !== EVENTS_PATH) return reject(404, 'not found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      (ws as WebSocket & { isAlive?: boolean }).isAlive = true;
      ws.on('pong', () => ((ws as WebSocket & { isAlive?: boolean }).isAlive = true));
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => ws.terminate());
      // The socket is push-only; anything the page sends is ignored.
      ws.on('message', () => undefined);
    });
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    // A reset before the handshake ends is that client's problem, not the server's.
    socket.on('error', () => socket.destroy());
    try {
      onUpgrade(req, socket, head);
    } catch {
      // Whatever a hostile upgrade request trips over ends that connection only.
      socket.destroy();
    }
  });

  const heartbeat = setInterval(() => {
    for (const ws of clients) {
      const w = ws as WebSocket & { isAlive?: boolean };
      if (w.isAlive === false) {
        ws.terminate();
        continue;
      }
      w.isAlive = false;
      ws.ping();
    }
  }, 30_000);
  heartbeat.unref();

  const unsubscribe = service.on(<P extends PushChannel>(channel: P, payload: PushMap[P]) => {
    if (clients.size === 0) return;
    const frame = JSON.stringify({ channel, payload });
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_WS_BUFFERED) {
        ws.close(1013, 'too slow');
        continue;
      }
      ws.send(frame);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost.replace(/^\[|\]$/g, ''), () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = isWildcard(bindHost) ? '127.0.0.1' : bindHost;
  const url = `http://${hostPort(urlHost, port)}/?token=${token}`;

  return {
    url,
    host: bindHost,
    port,
    token,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
