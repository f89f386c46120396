/**
 * Issue 16.6: a hostile SSH server echoes the secrets of a credential check back — in its
 * ident string, its pre-auth banner, command output and error output, in plain, reversed, base64,
 * base64url, hex, URL-encoded and JSON forms — and nothing ScanReady stores, shows or bundles may
 * carry any of them: every file in the service's user-data dir (history on), every WebSocket frame
 * of web mode, every line the CLI prints, every entry of the CLI's `--bundle` and of a bundle
 * exported from history.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServiceCore, type Service } from '../service/core.js';
import { realEngines } from '../service/realEngines.js';
import { startWebServer, type WebServer } from '../web/server.js';
import { readBundle } from './read.js';
import { storedTexts } from '../history/index.js';
import { writeBundleFromHistory } from './export.js';
import { encodedForms } from './secretForms.testkit.js';

const PASSWORD = 'Hunter2-Leak!pw';
const PASSPHRASE = 'Pass phrase/77+';
const DELEGATION_PW = 'q7'; // short: removed in context (see redact.ts, rule 3)
const TEMPLATE = "echo 'Tmpl-S3cret-9' | sudo -S -p '' {cmd}";
const KEY = ssh2.utils.generateKeyPairSync('ed25519', { passphrase: PASSPHRASE, cipher: 'aes256-cbc', rounds: 4 });
const PRIVATE_KEY = KEY.private;
const HOST_KEY = ssh2.utils.generateKeyPairSync('ed25519').private;
const LONG_SECRETS = [PASSWORD, PASSPHRASE, "echo 'Tmpl-S3cret-9' | sudo -S -p ''", 'Tmpl-S3cret-9'];
const KEY_LINES = PRIVATE_KEY.split('\n').filter((l) => l.trim().length >= 16 && !l.includes('-----'));

/** The forms the issue names, computed independently of the redactor (secretForms.testkit.ts). */
const forms = encodedForms;

/** What the hostile host says, line by line, for every command. */
function echoes(): string {
  const lines: string[] = [];
  for (const s of [PASSWORD, PASSPHRASE, DELEGATION_PW]) {
    for (const f of forms(s)) lines.push(f, `password: ${f}`, `your passphrase is ${f} ok`);
    lines.push(JSON.stringify({ user: 'scan', password: s, pwd: s, credentials: s }), `token=${encodeURIComponent(s)}&x=1`);
    lines.push(`Authorization: Basic ${Buffer.from(`scan:${s}`).toString('base64')}`);
  }
  lines.push(...KEY_LINES, PRIVATE_KEY.toLowerCase(), TEMPLATE);
  return `${lines.join('\n')}\n`;
}

// --- the hostile server -----------------------------------------------------------------------

let sshPort = 0;
let sshServer: ssh2.Server;
const conns = new Set<Connection>();
const received: string[] = [];

function startHostile(): Promise<void> {
  sshServer = new ssh2.Server(
    { hostKeys: [HOST_KEY], ident: `OpenSSH_9.9 ${Buffer.from(PASSWORD).toString('base64')}`, banner: echoes() },
    (client) => {
      conns.add(client);
      client.on('error', () => undefined);
      client.on('close', () => conns.delete(client));
      client.on('authentication', (ctx) => {
        if (ctx.method === 'password' && ctx.password === PASSWORD) return ctx.accept();
        if (ctx.method === 'publickey') return ctx.reject(['password']);
        ctx.reject(['password', 'publickey']);
      });
      client.on('ready', () => {
        client.on('session', (accept) => {
          const session = accept();
          session.on('pty', (acc) => acc?.());
          session.on('exec', (acc, _rej, info) => {
            const ch: ServerChannel = acc();
            received.push(info.command);
            ch.on('error', () => undefined);
            ch.on('data', () => undefined); // a password written to stdin
            const cmd = info.command;
            const marker = /echo (SCANREADY-BECOME-OK-[0-9a-f]+)/.exec(cmd)?.[1];
            if (cmd.includes('id -u; id -un; id')) ch.write('1000\nscan\nuid=1000(scan) gid=1000(scan)\n');
            else if (marker) ch.write(`${marker}\n0\n`);
            ch.write(`you ran: ${cmd}\n${echoes()}`);
            ch.stderr.write(`error: ${echoes()}`);
            ch.exit(marker || cmd.includes('id -u') ? 0 : 1);
            ch.end();
          });
        });
      });
    },
  );
  return new Promise((resolve) => sshServer.listen(0, '127.0.0.1', () => {
    sshPort = (sshServer.address() as net.AddressInfo).port;
    resolve();
  }));
}

// --- the search -------------------------------------------------------------------------------

interface Leak {
  where: string;
  what: string;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every occurrence of every form of every secret in `text` (short secrets: in the documented contexts). */
function leaksIn(where: string, text: string): Leak[] {
  const out: Leak[] = [];
  for (const s of LONG_SECRETS) for (const f of forms(s)) if (text.includes(f)) out.push({ where, what: `${s} as ${f}` });
  for (const l of KEY_LINES) if (text.includes(l)) out.push({ where, what: `key line ${l.slice(0, 20)}…` });
  if (/PRIVATE KEY-----/i.test(text) && !/\[REDACTED PRIVATE KEY\]/.test(text)) out.push({ where, what: 'a private key block' });
  const strings: string[] = [text];
  try {
    // JSON: also each string value on its own (a short secret is judged per value / line).
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(JSON.parse(text));
  } catch {
    // not JSON
  }
  for (const f of forms(DELEGATION_PW)) {
    const tok = `(?<![A-Za-z0-9+/=_%.-])${escapeRe(f)}(?![A-Za-z0-9+/=_%-])`;
    for (const str of strings) {
      for (const line of str.split('\n')) {
        if (line.trim() === f) out.push({ where, what: `short secret echoed alone as ${f}` });
        const word = /pass(?:word|wd|phrase)?|pwd|secret|token|psk|credential|cookie/i.exec(line);
        if (word && new RegExp(tok).test(line.slice(word.index))) out.push({ where, what: `short secret after "${word[0]}" as ${f}: ${line.slice(0, 80)}` });
        if (f.length >= 4 && new RegExp(tok).test(line)) out.push({ where, what: `short secret encoded as ${f}` });
      }
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

// --- the runs ---------------------------------------------------------------------------------

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sr-leak-'));
const userData = path.join(tmp, 'user-data');
let service: Service;
let web: WebServer;
const TOKEN = 'leak-test-token-0123456789abcdefghijklmnop';

beforeAll(async () => {
  await startHostile();
  service = createServiceCore({ userDataDir: userData, mode: 'web', version: '0.0.0-test', engines: realEngines() });
  web = await startWebServer({ service, rendererDir: path.join(tmp, 'no-renderer'), token: TOKEN });
});
afterAll(async () => {
  await web.close();
  await service.close();
  for (const c of conns) c.end();
  await new Promise<void>((r) => sshServer.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

function post(channel: string, body: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> {
  return fetch(`http://127.0.0.1:${web.port}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-scanready-token': TOKEN },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<{ ok: boolean; value?: unknown; error?: unknown }>);
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('electron/cli/main.ts'), ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('no secret leaves a credential check against a hostile host (issue 16.6)', () => {
  it('service + web mode: history files, WebSocket frames and a bundle exported from history are clean', async () => {
    const frames: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events`, { headers: { 'x-scanready-token': TOKEN } });
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    let historyId: string | null = null;
    const saved = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        frames.push(text);
        const m = JSON.parse(text) as { channel: string; payload: { event?: { type: string; historyId?: string } } };
        if (m.channel === 'scanready:auth:event' && m.payload.event?.type === 'saved') {
          historyId = m.payload.event.historyId ?? null;
          resolve();
        }
        if (m.channel === 'scanready:auth:event' && m.payload.event?.type === 'run-error') resolve();
      });
    });
    const started = await post('scanready:auth:start', {
      host: '127.0.0.1',
      port: sshPort,
      user: 'scan',
      password: PASSWORD,
      privateKey: PRIVATE_KEY,
      passphrase: PASSPHRASE,
      delegation: 'custom',
      delegationCommand: TEMPLATE,
      delegationPassword: DELEGATION_PW,
      acceptNewHostKey: true,
      sessions: 2,
      timeoutMs: 3000,
    });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      saved,
      new Promise((_r, reject) => {
        timer = setTimeout(() => reject(new Error(`no saved event; frames: ${frames.map((f) => f.slice(0, 200)).join('\n')}`)), 100_000);
      }),
    ]).finally(() => clearTimeout(timer));
    ws.close();
    expect(historyId, frames.slice(-3).join('\n').slice(0, 3000)).not.toBeNull();
    // The host really echoed the secrets: the test is not vacuous.
    expect(received.length).toBeGreaterThan(3);
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.join('\n')).toContain('[REDACTED]');

    const leaks: Leak[] = frames.flatMap((f, i) => leaksIn(`frame ${i}`, f));
    const files = filesUnder(userData);
    expect(files.some((f) => path.basename(f) === 'history.sqlite')).toBe(true);
    for (const f of files) leaks.push(...leaksIn(path.relative(userData, f), readFileSync(f, 'latin1')));
    // The database compresses what it stores: search the decompressed texts too.
    const stored = storedTexts(userData);
    expect(stored.join('\n')).toContain('[REDACTED]');
    for (const [i, t] of stored.entries()) leaks.push(...leaksIn(`history database text ${i}`, t));

    // A bundle made from the stored result (no re-probing).
    expect(historyId).not.toBeNull();
    const bundle = path.join(tmp, 'from-history.zip');
    await writeBundleFromHistory(userData, historyId as unknown as string, bundle);
    const read = await readBundle(bundle);
    for (const [name, data] of read.entries) leaks.push(...leaksIn(`exported bundle: ${name}`, data.toString('latin1')));
    expect(read.entries.size).toBeGreaterThan(4);
    // The transcript holds what the hostile host echoed (redacted), per step: not vacuous.
    const transcript = read.entries.get('transcript.txt')?.toString('utf8') ?? '';
    expect(transcript).toContain('--- step uid: ');
    expect(transcript).toContain('you ran: ');
    expect(transcript).toContain('[REDACTED]');
    expect(leaks).toEqual([]);
  }, 120_000);

  it('the CLI: every printed line and every --bundle entry are clean', async () => {
    const keyFile = path.join(tmp, 'id_ed25519');
    writeFileSync(keyFile, PRIVATE_KEY, { mode: 0o600 });
    const bundle = path.join(tmp, 'cli.zip');
    const args = (json: boolean): string[] => [
      'auth', '127.0.0.1', '--port', String(sshPort), '--user', 'scan',
      '--password-env', 'SR_LEAK_PW', '--key', keyFile, '--passphrase-env', 'SR_LEAK_PP',
      '--delegation', 'custom', '--delegation-command', TEMPLATE, '--delegation-password-env', 'SR_LEAK_DPW',
      '--accept-new-host-key', '--known-hosts', path.join(tmp, `kh-${json}.json`), '--sessions', '2', '--timeout', '3000',
      ...(json ? ['--json', '--bundle', bundle] : []),
    ];
    const env = { SR_LEAK_PW: PASSWORD, SR_LEAK_PP: PASSPHRASE, SR_LEAK_DPW: DELEGATION_PW };
    const human = await cli(args(false), env);
    const json = await cli(args(true), env);
    expect(json.stderr, `${json.stderr}\n${json.stdout.slice(0, 2000)}`).toContain(`bundle written: ${bundle}`);
    expect(JSON.parse(json.stdout)).toMatchObject({ host: '127.0.0.1', user: 'scan' });
    const leaks: Leak[] = [
      ...leaksIn('cli stdout', human.stdout),
      ...leaksIn('cli stderr', human.stderr),
      ...leaksIn('cli --json stdout', json.stdout),
      ...leaksIn('cli --json stderr', json.stderr),
    ];
    const read = await readBundle(bundle);
    expect([...read.entries.keys()]).toContain('result.json');
    expect(read.entries.get('transcript.txt')?.toString('utf8')).toContain('you ran: ');
    for (const [name, data] of read.entries) leaks.push(...leaksIn(`cli bundle: ${name}`, data.toString('latin1')));
    // The command line in environment.json names the template option, never the template.
    expect(read.entries.get('environment.json')?.toString()).toContain('--delegation-command');
    expect(leaks).toEqual([]);
  }, 200_000);
});
