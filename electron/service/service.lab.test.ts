/**
 * The service with the real engines against the real lab: discovery runs pushed live, saved to
 * history and reopened; cancel mid-sweep. "Run privileged probes" (a really elevated helper, the
 * service as an ordinary user) is elevate.lab.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiscoveryEvent, HostResult } from '../../shared/discovery.js';
import type { AuthResult } from '../../shared/auth.js';
import type { AuthPush, DiagnosePush, DiscoverPush, HostKeyPrompt } from '../../shared/ipc.js';
import { createService, type Service } from './index.js';

let dir: string;
let service: Service;
let pushes: DiscoverPush[];
let diag: DiagnosePush[];

const FAST = { name: 'lab-fast', tcpSyn: [22, 80, 443], udp: [53], icmpEcho: true, timeoutMs: 400, retries: 0 };

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-lab-svc-'));
  pushes = [];
  diag = [];
});
afterEach(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function make(extra: Partial<Parameters<typeof createService>[0]> = {}): Service {
  const s = createService({ userDataDir: dir, mode: 'web', version: 'test', ...extra });
  s.on((channel, payload) => {
    if (channel === 'scanready:discover:event') pushes.push(payload as DiscoverPush);
    if (channel === 'scanready:diagnose:event') diag.push(payload as DiagnosePush);
  });
  return s;
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  expect(cond()).toBe(true);
}

const events = (runId: string): DiscoveryEvent[] =>
  pushes.filter((p) => p.runId === runId).flatMap((p) => (p.event.type === 'run-error' || p.event.type === 'saved' ? [] : [p.event]));

describe('discovery through the service (real engine, real lab)', () => {
  it('streams probes and verdicts, then saves a reopenable history entry', async () => {
    service = make();
    const start = await service.invoke('scanready:discover:start', { targets: [`${LAB.open}\n${LAB.silent} # the silent one`], profile: FAST });
    if (!start.ok) throw new Error(start.error.message);
    expect(start.value.total).toBe(2);
    const runId = start.value.runId;
    await until(() => pushes.some((p) => p.runId === runId && p.event.type === 'saved'), 30_000);

    const evs = events(runId);
    expect(evs[0]).toMatchObject({ type: 'start', total: 2, profile: 'lab-fast' });
    expect(evs.at(-1)).toMatchObject({ type: 'end', done: 2, alive: 1, cancelled: false });
    // Probe results are pushed one by one before their host's verdict.
    const firstProbe = evs.findIndex((e) => e.type === 'probe');
    const firstDone = evs.findIndex((e) => e.type === 'host-done');
    expect(firstProbe).toBeGreaterThan(0);
    expect(firstProbe).toBeLessThan(firstDone);
    const results = evs.flatMap((e) => (e.type === 'host-done' ? [e.result] : []));
    const byAddr = Object.fromEntries(results.map((r) => [r.address, r])) as Record<string, HostResult>;
    expect(byAddr[LAB.open]).toMatchObject({ alive: true, verdict: 'alive' });
    expect(byAddr[LAB.silent]).toMatchObject({ alive: false });

    const saved = pushes.find((p) => p.runId === runId && p.event.type === 'saved')!.event as { historyId: string };
    const list = await service.invoke('scanready:history:list', null);
    expect(list.ok && list.value[0]).toMatchObject({ id: saved.historyId, kind: 'discovery', hosts: { total: 2, alive: 1 } });
    // Reopen after a restart: the same HostResults the live run produced.
    await service.close();
    service = make();
    const entry = await service.invoke('scanready:history:get', { id: saved.historyId });
    if (!entry.ok) throw new Error(entry.error.message);
    expect(entry.value.summary.kind).toBe('discovery');
    expect(entry.value.result).toEqual({ hosts: results, cancelled: false });
  });

  it('cancel mid-sweep ends the run quickly, marked cancelled', async () => {
    service = make();
    const start = await service.invoke('scanready:discover:start', { targets: [LAB.farmCidr], profile: { ...FAST, timeoutMs: 1000, retries: 1 }, overrides: { ratePps: 200 } });
    if (!start.ok) throw new Error(start.error.message);
    const runId = start.value.runId;
    expect(start.value.total).toBe(254);
    await until(() => events(runId).filter((e) => e.type === 'host-done').length >= 3, 30_000);
    expect(await service.invoke('scanready:discover:cancel', { runId })).toEqual({ ok: true, value: { cancelled: true } });
    // Ends by the cancel (a 254-host sweep at 200 packets/s would take far longer); how fast is the bench's.
    await until(() => service.activeRuns() === 0, 5_000);
    const end = events(runId).at(-1);
    expect(end).toMatchObject({ type: 'end', cancelled: true });
    expect((end as { done: number }).done).toBeLessThan(254);
  });
  // "Run privileged probes" with a really elevated helper: elevate.lab.test.ts.
});

describe('diagnosis through the service (real engine, real lab)', () => {
  const diagEvents = (runId: string): DiagnosePush['event'][] => diag.filter((p) => p.runId === runId).map((p) => p.event);
  const ended = (runId: string) => (): boolean => diagEvents(runId).some((e) => e.type === 'done' || e.type === 'run-error');

  it('the silent host: live stages and probes, a verdict with advice, saved and reopenable', async () => {
    service = make();
    const start = await service.invoke('scanready:diagnose:start', { target: LAB.silent, profile: FAST, trace: false, portFinder: false, scannerIps: ['198.18.0.1'] });
    if (!start.ok) throw new Error(start.error.message);
    const runId = start.value.runId;
    await until(ended(runId), 60_000);
    const evs = diagEvents(runId);
    expect(evs.filter((e) => e.type === 'discovery' && e.event.type === 'probe').length).toBeGreaterThan(0);
    expect(evs).toContainEqual(expect.objectContaining({ type: 'stage', stage: 'discovery', state: 'done' }));
    expect(evs).toContainEqual(expect.objectContaining({ type: 'stage', stage: 'path', state: 'skipped' }));
    const done = evs.at(-1);
    if (done?.type !== 'done') throw new Error(`no result: ${JSON.stringify(done)}`);
    expect(evs.filter((e) => e.type === 'done')).toHaveLength(1); // the engine's own 'done' is not doubled
    expect(done.result.discovery).toMatchObject({ address: LAB.silent, alive: false });
    expect(done.result.advice.map((a) => a.id)).toContain('allow-scanner');
    expect(done.historyId).not.toBeNull();
    const entry = await service.invoke('scanready:history:get', { id: done.historyId! });
    expect(entry).toMatchObject({ ok: true, value: { summary: { kind: 'diagnosis', target: LAB.silent, verdict: done.result.discovery.verdict }, result: done.result } });
  });

  it('bad diagnose input is refused before any run starts', async () => {
    service = make();
    expect(await service.invoke('scanready:diagnose:start', { target: LAB.farmCidr })).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/one host/) as unknown } });
    expect(service.activeRuns()).toBe(0);
  });
});

describe('credential check through the service (real sshd)', () => {
  const PASSWORD = 'SrLab-nopasswd-pw1';
  const request = { host: LAB.ssh, user: 'srlab-nopasswd', password: PASSWORD, sessions: 2 };

  it('first contact asks about the host key; accepted keys are remembered, forgotten keys ask again; secrets never stored', async () => {
    const prompts: HostKeyPrompt[] = [];
    const authEvents: AuthPush[] = [];
    service = make();
    service.on((channel, payload) => {
      if (channel === 'scanready:auth:host-key-prompt') {
        const p = payload as HostKeyPrompt;
        prompts.push(p);
        void service.invoke('scanready:auth:answer-host-key', { runId: p.runId, promptId: p.promptId, accept: true });
      }
      if (channel === 'scanready:auth:event') authEvents.push(payload as AuthPush);
    });
    const runOnce = async (): Promise<AuthResult> => {
      const start = await service.invoke('scanready:auth:start', request);
      if (!start.ok) throw new Error(start.error.message);
      const mine = (): AuthPush[] => authEvents.filter((e) => e.runId === start.value.runId);
      await until(() => mine().some((e) => e.event.type === 'done' || e.event.type === 'run-error'), 60_000);
      const done = mine().find((e) => e.event.type === 'done');
      if (done?.event.type !== 'done') throw new Error(JSON.stringify(mine().at(-1)));
      return done.event.result;
    };

    const first = await runOnce();
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatchObject({ host: LAB.ssh, port: 22, hostKey: { status: 'new', fingerprint: expect.stringMatching(/^SHA256:/) as unknown } });
    expect(first.status).toBe('passed');
    expect(first.hostKey?.status).toBe('accepted');

    const second = await runOnce();
    expect(prompts).toHaveLength(1);
    expect(second.hostKey?.status).toBe('trusted');
    const known = await service.invoke('scanready:settings:known-hosts', null);
    expect(known.ok && known.value.map((k) => `${k.host}:${k.port}`)).toContain(`${LAB.ssh}:22`);

    expect(await service.invoke('scanready:settings:forget-host-key', { host: LAB.ssh })).toEqual({ ok: true, value: { deleted: true } });
    await runOnce();
    expect(prompts).toHaveLength(2);

    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(path.join(d, n)).isDirectory() ? walk(path.join(d, n)) : [path.join(d, n)]));
    const stored = walk(dir).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(stored).toContain('srlab-nopasswd');
    expect(stored).not.toContain(PASSWORD);
  });

  it('a rejected host key stops the check before login', async () => {
    service = make();
    service.on((channel, payload) => {
      if (channel === 'scanready:auth:host-key-prompt') {
        const p = payload as HostKeyPrompt;
        void service.invoke('scanready:auth:answer-host-key', { runId: p.runId, promptId: p.promptId, accept: false });
      }
    });
    const events: AuthPush[] = [];
    service.on((channel, payload) => {
      if (channel === 'scanready:auth:event') events.push(payload as AuthPush);
    });
    const start = await service.invoke('scanready:auth:start', request);
    if (!start.ok) throw new Error(start.error.message);
    await until(() => events.some((e) => e.event.type === 'done' || e.event.type === 'run-error'), 60_000);
    const done = events.find((e) => e.event.type === 'done');
    if (done?.event.type !== 'done') throw new Error(JSON.stringify(events.at(-1)));
    expect(done.event.result.status).not.toMatch(/^passed/);
    expect(done.event.result.steps.find((s) => s.id === 'host-key')?.ok).toBe(false);
    expect(done.event.result.steps.find((s) => s.id === 'login')?.ok).not.toBe(true);
  });
});
