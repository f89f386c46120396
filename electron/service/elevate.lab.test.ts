/**
 * "Run privileged probes" for real: `scanready serve` runs as the ordinary user srlab-user (no
 * raw sockets, no capabilities), so only a really elevated helper can produce raw ACK results.
 * The elevation goes through sudo with a NOPASSWD rule for srlab-user limited to exactly the
 * helper command (installed here, per run, checked by visudo, removed afterwards). The proof is
 * the helper's own: the start event carries the pid and effective uid IT reported (0), and the
 * ACK probes' method is `raw` — which the service process itself cannot produce (shown by the
 * same request without elevation).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiscoveryEvent, ProbeResult } from '../../shared/discovery.js';
import type { DiagnosePush, DiscoverPush, IpcResult, PrivilegeStatus } from '../../shared/ipc.js';
import { HELPER_COMMAND } from './helperProtocol.js';

const ROOT = path.resolve(__dirname, '..', '..');
const LOADER = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const MAIN = path.join(ROOT, 'electron', 'cli', 'main.ts');
const USER = LAB.unprivilegedUser;
const SUDOERS = `/etc/sudoers.d/srlab-scanready-helper-${process.pid}`;
const PROFILE = { overrides: { timeoutMs: 600, retries: 0 }, profile: 'qualys-default' };

let dir: string;
let serve: ChildProcess;
let base: string;
let token: string;
let ws: WebSocket;
const frames: { channel: string; payload: unknown }[] = [];

async function api<T>(channel: string, body: unknown): Promise<IpcResult<T>> {
  const res = await fetch(`${base}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-scanready-token': token }, body: JSON.stringify(body) });
  return (await res.json()) as IpcResult<T>;
}

async function until(cond: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sr-elevate-lab-'));
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  chmodSync(dir, 0o700);
  chownSync(dir, uid, gid);
  // The rule names the helper command exactly: srlab-user may run nothing else as root.
  const rule = `${USER} ALL=(root) NOPASSWD: ${process.execPath} --import ${LOADER} ${MAIN} ${HELPER_COMMAND}\n`;
  const draft = path.join(os.tmpdir(), `sr-sudoers-${process.pid}`);
  writeFileSync(draft, rule, { mode: 0o440 });
  execFileSync('visudo', ['-cf', draft], { stdio: 'ignore' });
  copyFileSync(draft, SUDOERS);
  chmodSync(SUDOERS, 0o440);
  rmSync(draft, { force: true });

  serve = spawn('runuser', ['-u', USER, '--', process.execPath, '--import', LOADER, MAIN, 'serve', '--port', '0', '--user-data', path.join(dir, 'data')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  serve.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from serve within 60 s: ${stderr}`)), 60_000);
    createInterface({ input: serve.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    serve.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
  const m = /^(http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)$/.exec(url);
  if (!m) throw new Error(`unexpected URL line: ${url}`);
  base = m[1]!;
  token = m[2]!;
  ws = new WebSocket(`${base.replace('http', 'ws')}/api/events`, { headers: { 'x-scanready-token': token } });
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as { channel: string; payload: unknown }));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
}, 120_000);

afterAll(async () => {
  ws?.close();
  if (serve?.pid !== undefined && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    process.kill(-serve.pid, 'SIGTERM');
    const timer = setTimeout(() => process.kill(-serve.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(SUDOERS, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

const discoverEvents = (runId: string): DiscoveryEvent[] =>
  frames.flatMap((f) => {
    const p = f.payload as DiscoverPush;
    return f.channel === 'scanready:discover:event' && p.runId === runId && p.event.type !== 'run-error' && p.event.type !== 'saved' ? [p.event] : [];
  });
const discoverError = (runId: string): unknown =>
  frames.find((f) => f.channel === 'scanready:discover:event' && (f.payload as DiscoverPush).runId === runId && (f.payload as DiscoverPush).event.type === 'run-error')?.payload;

async function discover(elevate: boolean): Promise<DiscoveryEvent[]> {
  const start = await api<{ runId: string }>('scanready:discover:start', { targets: [LAB.synFilter], ...PROFILE, elevate });
  if (!start.ok) throw new Error(start.error.message);
  const runId = start.value.runId;
  await until(() => discoverEvents(runId).some((e) => e.type === 'end') || discoverError(runId) !== undefined, `the ${elevate ? 'elevated' : 'plain'} run`);
  expect(discoverError(runId)).toBeUndefined();
  return discoverEvents(runId);
}

const ackProbes = (events: DiscoveryEvent[]): ProbeResult[] => events.flatMap((e) => (e.type === 'probe' && (e.probe.kind === 'ack' || e.probe.kind === 'syn-ack') ? [e.probe] : []));

describe('"Run privileged probes" with the service as an ordinary user (sudo, real lab)', () => {
  it('the service itself has no raw sockets; sudo is the elevation on offer', async () => {
    const priv = await api<PrivilegeStatus>('scanready:app:privilege', null);
    expect(priv).toEqual({ ok: true, value: { rawSockets: false, elevation: { available: true, method: 'sudo' } } });
  });

  it('without elevation the ACK probes cannot be sent (so the service cannot fake them)', async () => {
    const events = await discover(false);
    expect(events[0]).toMatchObject({ type: 'start', privileged: false });
    expect((events[0] as { helper?: unknown }).helper).toBeUndefined();
    const acks = ackProbes(events);
    expect(acks.length).toBe(3);
    for (const p of acks) expect(p).toMatchObject({ result: 'needs-privilege' });
    expect(events.find((e) => e.type === 'host-done')).toMatchObject({ result: { alive: false } });
  });

  it('elevated: the helper reports itself as root, and its raw ACK probes find the SYN-filtered host', async () => {
    const events = await discover(true);
    const start = events[0];
    if (start?.type !== 'start') throw new Error(`first event: ${JSON.stringify(start)}`);
    expect(start.helper?.euid).toBe(0);
    expect(start.helper?.pid).toEqual(expect.any(Number));
    expect(start.helper?.pid).not.toBe(serve.pid);
    expect(start.privileged).toBe(true);
    const acks = ackProbes(events);
    expect(acks.length).toBe(3);
    for (const p of acks) expect(p).toMatchObject({ method: 'raw', result: 'rst', fromTarget: true });
    expect(events.find((e) => e.type === 'host-done')).toMatchObject({ result: { address: LAB.synFilter, alive: true, verdict: 'alive', privileged: true } });
    expect(events.at(-1)).toMatchObject({ type: 'end', done: 1, alive: 1, cancelled: false });
  });

  it('elevated diagnosis: the discovery stage comes from the helper (its start event, its raw probes)', async () => {
    const start = await api<{ runId: string }>('scanready:diagnose:start', { target: LAB.synFilter, ...PROFILE, trace: false, portFinder: false, elevate: true });
    if (!start.ok) throw new Error(start.error.message);
    const mine = (): DiagnosePush[] => frames.filter((f) => f.channel === 'scanready:diagnose:event' && (f.payload as DiagnosePush).runId === start.value.runId).map((f) => f.payload as DiagnosePush);
    await until(() => mine().some((p) => p.event.type === 'done' || p.event.type === 'run-error'), 'the elevated diagnosis');
    const evs = mine().map((p) => p.event);
    const done = evs.at(-1);
    if (done?.type !== 'done') throw new Error(`no result: ${JSON.stringify(done)}`);
    const starts = evs.flatMap((e) => (e.type === 'discovery' && e.event.type === 'start' ? [e.event] : []));
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({ privileged: true, helper: { euid: 0 } });
    expect(done.result.discovery).toMatchObject({ address: LAB.synFilter, alive: true, privileged: true });
    const acks = done.result.discovery.probes.filter((p) => p.kind === 'ack');
    expect(acks.length).toBe(2);
    for (const p of acks) expect(p).toMatchObject({ method: 'raw', result: 'rst' });
  });
});
