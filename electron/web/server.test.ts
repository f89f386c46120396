import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LAB } from '../../e2e/lab/hosts.js';
import type { PushMap, Settings } from '../../shared/ipc.js';
import { createApiClient } from '../../shared/ipc-client.js';
import { createWebTransport, pageToken, type MinimalWebSocket } from '../../shared/web-transport.js';
import { createServiceCore, type Service } from '../service/core.js';
import { unavailableEngines } from '../service/testEngines.js';
import { parseHostHeader, sameOriginPath, startWebServer, type WebServer } from './server.js';

const root = path.resolve(__dirname, '..', '..');
let dir: string;
let rendererDir: string;
let service: Service;
let server: WebServer;
const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuv';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string; port?: number }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: opts.port ?? server.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const good = (): Record<string, string> => ({ host: `127.0.0.1:${server.port}`, 'x-scanready-token': TOKEN });
const api = (channel: string, headers: Record<string, string>, body = 'null'): Promise<Reply> =>
  request({ method: 'POST', path: `/api/${channel}`, headers: { 'content-type': 'application/json', ...headers }, body });

/** Sends raw bytes and resolves with everything the server answers until it closes (bounded). */
function raw(text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      out += d;
      // An accepted upgrade stays open: the status line and headers are all we need.
      if (out.startsWith('HTTP/1.1 101') && out.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.write(text);
  });
}

const upgradeHeaders = (extra = ''): string =>
  `Host: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

/** Attempts a WebSocket upgrade; resolves with the HTTP status of a refusal, or 101 when it opened. */
function upgrade(headers: Record<string, string>, origin?: string, protocols?: string[]): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, protocols ?? [], { headers, ...(origin ? { origin } : {}) });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-web-'));
  rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ScanReady</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the root');
  service = createServiceCore({ userDataDir: path.join(dir, 'data'), mode: 'web', version: '1.2.3', engines: unavailableEngines() });
  server = await startWebServer({ service, rendererDir, token: TOKEN });
});
afterAll(async () => {
  await server.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('binding', () => {
  it('binds loopback by default and prints a tokened loopback URL', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('is not reachable on this machine\'s other addresses', async () => {
    // 198.18.0.1 is the lab's address of this machine (srlab0): a wildcard bind would answer there.
    const viaLab = await new Promise<string>((resolve) => {
      const req = http.request({ host: LAB.scannerAddress, port: server.port, path: '/', timeout: 2000 }, () => resolve('connected'));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      req.on('timeout', () => {
        req.destroy();
        resolve('timeout');
      });
      req.end();
    });
    expect(viaLab).toBe('ECONNREFUSED');
  });

  it('refuses a non-loopback host without confirmation', async () => {
    await expect(startWebServer({ service, rendererDir, host: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*--allow-remote/);
  });

  it('makes a long random token by default', async () => {
    const s = await startWebServer({ service, rendererDir });
    try {
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(s.token).not.toBe(TOKEN);
    } finally {
      await s.close();
    }
  });
});

describe('HTTP checks', () => {
  it('token: missing → 401, wrong → 403, right → 200; the renderer\'s files need none', async () => {
    expect((await api('scanready:app:info', { host: good().host! })).status).toBe(401);
    expect((await api('scanready:app:info', { ...good(), 'x-scanready-token': 'nope' })).status).toBe(403);
    const ok = await api('scanready:app:info', good());
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { name: 'ScanReady', version: '1.2.3', mode: 'web' } });
    // The static files are the public build (no secrets): the page's API calls carry the token.
    expect((await request({ path: '/', headers: { host: good().host! } })).status).toBe(200);
    expect((await request({ path: '/assets/app.js', headers: { host: good().host! } })).status).toBe(200);
  });

  it('no cookie: never set, never read, so none leaks to other ports and a planted one cannot shadow the token', async () => {
    // A cookie carrying the right token is not a credential (cookies go to every port of 127.0.0.1).
    expect((await api('scanready:app:info', { host: good().host!, cookie: `scanready_token_${server.port}=${TOKEN}` })).status).toBe(401);
    // Cookies another local page planted (same name, narrower Path, first in the header) change nothing.
    const planted = `scanready_token_${server.port}=planted; scanready_token=planted; x=${TOKEN.slice(0, 5)}`;
    expect((await api('scanready:app:info', { ...good(), cookie: planted })).status).toBe(200);
    expect(await upgrade({ host: good().host!, cookie: planted }, `http://127.0.0.1:${server.port}`, ['scanready.v1', `scanready.token.${TOKEN}`])).toBe(101);
    const replies = [
      await request({ path: `/?token=${TOKEN}`, headers: { host: good().host! } }),
      await request({ path: '/', headers: good() }),
      await api('scanready:app:info', good()),
      await api('scanready:app:info', { host: good().host! }),
    ];
    for (const r of replies) expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('Host: another name (DNS rebinding) or port → 403 even with the right token; localhost is fine', async () => {
    expect((await api('scanready:app:info', { ...good(), host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await api('scanready:app:info', { ...good(), host: `127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api('scanready:app:info', { ...good(), host: '127.0.0.1' })).status).toBe(403);
    expect((await request({ path: '/', headers: { host: `rebind.attacker.test:${server.port}` } })).status).toBe(403);
    expect((await api('scanready:app:info', { ...good(), host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('Origin: a foreign origin → 403; the same origin is fine', async () => {
    expect((await api('scanready:app:info', { ...good(), origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('scanready:app:info', { ...good(), origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api('scanready:app:info', { ...good(), origin: 'null' })).status).toBe(403);
    expect((await api('scanready:app:info', { ...good(), origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('bootstrap: ?token= redirects to the same path with the token in the fragment (never sent to a server again)', async () => {
    expect((await request({ path: '/?token=wrong', headers: { host: good().host! } })).status).toBe(403);
    const boot = await request({ path: `/?token=${TOKEN}`, headers: { host: good().host! } });
    expect(boot.status).toBe(303);
    expect(boot.headers.location).toBe(`/#token=${TOKEN}`);
    expect(boot.headers['referrer-policy']).toBe('no-referrer');
    expect((await request({ path: `/history/abc?token=${TOKEN}`, headers: { host: good().host! } })).headers.location).toBe(`/history/abc#token=${TOKEN}`);
    const page = await request({ path: '/', headers: { host: good().host! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>ScanReady</title>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval|unsafe-inline/);
    expect(page.headers['content-security-policy']).toContain(`ws://127.0.0.1:${server.port}`);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const js = await request({ path: '/assets/app.js', headers: { host: good().host! } });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing outside the renderer directory', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets/%00.js']) {
      const r = await request({ path: p, headers: good() });
      expect(r.body, p).not.toContain('outside the root');
    }
    expect((await request({ path: '/missing.js', headers: good() })).status).toBe(404);
    // Client-side routes fall back to the app.
    expect((await request({ path: '/history/abc', headers: good() })).body).toContain('<title>ScanReady</title>');
  });

  it('API hygiene: JSON only, POST only, known channels, bounded bodies, errors as IpcResult', async () => {
    expect((await request({ method: 'POST', path: '/api/scanready:app:info', headers: { ...good(), 'content-type': 'text/plain' }, body: 'null' })).status).toBe(415);
    expect((await request({ method: 'GET', path: '/api/scanready:app:info', headers: good() })).status).toBe(405);
    expect((await api('scanready:shell:exec', good())).status).toBe(404);
    expect((await api('scanready:app:info', good(), '{bad')).status).toBe(400);
    // Announced as too large: refused from the headers, before any body is read.
    const big = await request({ method: 'POST', path: '/api/scanready:profiles:import', headers: { ...good(), 'content-type': 'application/json', 'content-length': String(9 * 1024 * 1024), connection: 'close' } });
    expect(big.status).toBe(413);
    const bad = await api('scanready:discover:start', good(), JSON.stringify({ targets: ['999.1.1.1'] }));
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });
});

describe('hostile requests (raw sockets)', () => {
  const alive = async (): Promise<void> => {
    expect((await api('scanready:app:info', good())).status).toBe(200);
  };

  it('an upgrade with an unparsable URL (and a valid token) is refused; the server lives on', async () => {
    for (const target of ['http://[', 'http://[::1', '//[', '/api/events%', '/api/%E0%A4%A']) {
      const reply = await raw(`GET ${target} HTTP/1.1\r\n${upgradeHeaders(`X-ScanReady-Token: ${TOKEN}\r\n`)}`);
      expect(reply, target).toMatch(/^HTTP\/1\.1 (400|404) /);
      await alive();
    }
    // Half a handshake, then the client vanishes.
    const s = net.connect(server.port, '127.0.0.1');
    s.on('error', () => undefined);
    s.write(`GET /api/events HTTP/1.1\r\n${upgradeHeaders(`X-ScanReady-Token: ${TOKEN}\r\n`)}`);
    s.resetAndDestroy();
    await alive();
  });

  it('bad percent-escapes in a path are 400, never 500', async () => {
    for (const p of ['/api/scanready:app%E0%A4%A', '/api/%', '/%zz', '/assets/%E0%A4%A.js', '/%C0']) {
      const r = await raw(`POST ${p} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-ScanReady-Token: ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnull`);
      expect(r, p).toMatch(/^HTTP\/1\.1 400 /);
      const g = await raw(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
      expect(g, p).toMatch(/^HTTP\/1\.1 400 /);
    }
    await alive();
  });

  it('redirects stay on this origin (no //host, /\\host or absolute URLs in Location)', async () => {
    for (const p of ['/.//evil.com', '//evil.com', '/\\evil.com', '/%2F%2Fevil.com', '/./\\/evil.com', '/..//evil.com', '/http://evil.com']) {
      const r = await raw(`GET ${p}?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
      if (!r.startsWith('HTTP/1.1 303')) {
        expect(r, p).toMatch(/^HTTP\/1\.1 4\d\d /);
        continue;
      }
      const location = /\r\nlocation: ([^\r]*)\r\n/i.exec(r)?.[1] ?? '';
      expect(location, p).toMatch(/^\/(?![/\\])/);
      // Resolved the way a browser does, it is this server.
      expect(new URL(location, `http://127.0.0.1:${server.port}${p}`).origin, p).toBe(`http://127.0.0.1:${server.port}`);
    }
    expect(sameOriginPath('//evil.com')).toBe('/evil.com');
    expect(sameOriginPath('/\\evil.com')).toBe('/evil.com');
    expect(sameOriginPath('/a\\b')).toBe('/');
    await alive();
  });
});

describe('WebSocket checks', () => {
  it('refuses upgrades without the token, with a wrong one, a foreign Host or a foreign Origin', async () => {
    expect(await upgrade({})).toBe(401);
    expect(await upgrade({ 'x-scanready-token': 'nope' })).toBe(403);
    expect(await upgrade({ 'x-scanready-token': TOKEN, host: `evil.example:${server.port}` })).toBe(403);
    expect(await upgrade({ 'x-scanready-token': TOKEN }, 'http://evil.example')).toBe(403);
    // What a browser does: the token as a subprotocol next to scanready.v1 (which the server picks).
    expect(await upgrade({}, `http://127.0.0.1:${server.port}`, ['scanready.v1', `scanready.token.${TOKEN}`])).toBe(101);
    expect(await upgrade({}, `http://127.0.0.1:${server.port}`, ['scanready.v1', 'scanready.token.nope'])).toBe(403);
    expect(await upgrade({}, `http://127.0.0.1:${server.port}`, ['scanready.v1'])).toBe(401);
    const accepted = await raw(`GET /api/events HTTP/1.1\r\n${upgradeHeaders(`Sec-WebSocket-Protocol: scanready.v1, scanready.token.${TOKEN}\r\n`)}`);
    expect(accepted).toMatch(/^HTTP\/1\.1 101/);
    expect(accepted).toMatch(/sec-websocket-protocol: scanready\.v1\r\n/i);
    expect(accepted).not.toContain(TOKEN);
  });

  it('the web transport + client: invoke over HTTP, pushes over the socket, unsubscribe works', async () => {
    const transport = createWebTransport({
      baseUrl: `http://127.0.0.1:${server.port}`,
      token: TOKEN,
      fetch: (url, init) => fetch(url, init),
      openSocket: (url, token) => new WebSocket(url, { headers: token ? { 'x-scanready-token': token } : {} }) as unknown as MinimalWebSocket,
    });
    const client = createApiClient(transport);
    try {
      const seen: Settings[] = [];
      const off = client.settings.onChanged((s) => seen.push(s));
      // Wait until the socket is up (bounded).
      for (let i = 0; i < 50; i++) {
        await client.settings.update({ theme: 'dark' });
        if (seen.length > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen.at(-1)?.theme).toBe('dark');
      const info = await client.app.info();
      expect(info.ok && info.value.version).toBe('1.2.3');
      const refused = await client.discover.start({ targets: [] });
      expect(refused).toMatchObject({ ok: false, error: { code: 'bad-input', message: 'targets: give at least one target' } });
      // A listener still subscribed is the barrier: once it has the push, the unsubscribed one would have too.
      const still: Settings[] = [];
      const offStill = client.settings.onChanged((s) => still.push(s));
      off();
      const before = seen.length;
      await client.settings.update({ theme: 'light' });
      for (let i = 0; i < 250 && still.at(-1)?.theme !== 'light'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(still.at(-1)?.theme).toBe('light');
      expect(seen.length).toBe(before);
      offStill();
    } finally {
      transport.close();
    }
  });

  it('a wrong token through the transport becomes a forbidden result, not a throw', async () => {
    let told = false;
    const transport = createWebTransport({ baseUrl: `http://127.0.0.1:${server.port}`, token: 'nope', fetch: (u, i) => fetch(u, i), onUnauthorized: () => (told = true) });
    const r = await createApiClient(transport).app.info();
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(told).toBe(true);
    transport.close();
  });

  it('pushes every run event to every connected page', async () => {
    const a = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: { 'x-scanready-token': TOKEN } });
    const frames: { channel: keyof PushMap }[] = [];
    a.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as { channel: keyof PushMap }));
    await new Promise((r) => a.on('open', r));
    await api('scanready:profiles:save', good(), JSON.stringify({ name: 'from-web' }));
    for (let i = 0; i < 50 && frames.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(frames.map((f) => f.channel)).toContain('scanready:profiles:changed');
    a.close();
  });
});

describe('scanready serve (the CLI)', () => {
  it('prints the URL as the first stdout line, serves on loopback, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli/main.ts'), 'serve', '--user-data', path.join(dir, 'cli-data')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`serve exited early (${code})`)));
        setTimeout(() => reject(new Error('no URL within 30 s')), 30_000);
      });
      const m = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/.exec(first);
      expect(m, first).not.toBeNull();
      const port = Number(m![1]);
      const r = await request({ port, method: 'POST', path: '/api/scanready:app:info', headers: { host: `127.0.0.1:${port}`, 'x-scanready-token': m![2]!, 'content-type': 'application/json' }, body: 'null' });
      expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { mode: 'web', userDataDir: path.join(dir, 'cli-data') } });
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a non-loopback host without --allow-remote, warns with it', async () => {
    const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli/main.ts'), 'serve', '--user-data', path.join(dir, 'cli-data'), ...args], { cwd: root });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('\n')) child.kill('SIGTERM');
        });
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('exit', (code) => {
          clearTimeout(t);
          resolve({ code, stdout, stderr });
        });
      });
    const refused = await run(['--host', '0.0.0.0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not a loopback address: add --allow-remote/);
    expect(refused.stdout).toBe('');
    const allowed = await run(['--host', '0.0.0.0', '--allow-remote']);
    expect(allowed.stderr).toMatch(/WARNING: listening on 0\.0\.0\.0/);
    expect(allowed.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });
});

describe('parseHostHeader', () => {
  it('parses names, IPv4, bracketed IPv6, and refuses junk', () => {
    expect(parseHostHeader('127.0.0.1:8080')).toEqual({ name: '127.0.0.1', port: 8080 });
    expect(parseHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
    expect(parseHostHeader('LocalHost')).toEqual({ name: 'localhost', port: null });
    expect(parseHostHeader('a:b:c')).toBeNull();
    expect(parseHostHeader(undefined)).toBeNull();
  });
});

describe('pageToken (the page side of the bootstrap)', () => {
  it('takes the token from the fragment, removes it from the address bar, and finds it again after a reload', () => {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    const g = {
      location: { origin: 'http://127.0.0.1:1', hash: `#token=${TOKEN}`, pathname: '/history/x', search: '?a=1' },
      history: { replaceState: (_d: unknown, _u: string, url: string) => replaced.push(url) },
      sessionStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) },
    };
    expect(pageToken(g)).toBe(TOKEN);
    expect(replaced).toEqual(['/history/x?a=1']);
    expect(pageToken({ ...g, location: { ...g.location, hash: '' } })).toBe(TOKEN);
    expect(pageToken({ location: { ...g.location, hash: '' }, sessionStorage: { getItem: () => null, setItem: () => undefined } })).toBeUndefined();
    expect(pageToken({ location: { ...g.location, hash: '#token=<script>' } })).toBeUndefined();
  });
});
