import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthResult } from '../../shared/auth.js';
import type { DiscoveryEvent, HostResult } from '../../shared/discovery.js';
import type { HostKeyPrompt, HostKeyPromptClosed, IpcResult, PushChannel } from '../../shared/ipc.js';
import { BUILTIN_PROFILES } from '../../shared/profiles.js';
import { applyOverrides, createServiceCore, expandTargetEntries, type Service } from './core.js';
import { HistoryStore, newHistoryId, summarizeAuth } from '../history/index.js';
import type { Engines } from './engines.js';
import { unavailableEngines } from './testEngines.js';

let dir: string;
let service: Service;

function make(overrides: Parameters<typeof unavailableEngines>[0] = {}): Service {
  return createServiceCore({ userDataDir: dir, mode: 'web', version: '9.9.9', engines: unavailableEngines(overrides), cli: null });
}

/** Every file under the user-data dir, relative (what "nothing persisted" is checked against). */
function files(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function expectError(r: IpcResult<unknown>, code: string, pattern: RegExp): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.code).toBe(code);
  expect(r.error.message).toMatch(pattern);
  // Plain words: one line, no stack frames.
  expect(r.error.message).not.toMatch(/\n|\bat .+:\d+:\d+/);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-svc-'));
  service = make();
});
afterEach(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('request validation', () => {
  it('refuses unknown channels', async () => {
    expectError(await service.invoke('scanready:fs:read', {}), 'bad-input', /unknown call/);
    expectError(await service.invoke('__proto__', {}), 'bad-input', /unknown call/);
  });

  it('rejects bad discover requests with a field-naming message and persists nothing', async () => {
    expectError(await service.invoke('scanready:discover:start', { targets: [] }), 'bad-input', /targets: give at least one target/);
    expectError(await service.invoke('scanready:discover:start', { targets: ['10.0.0.1'], overrides: { tcp: [70000] } }), 'bad-input', /overrides\.tcp\.0: port must be 1-65535/);
    expectError(await service.invoke('scanready:discover:start', { targets: ['10.0.0.1'], mode: 'sneaky' }), 'bad-input', /^mode:/);
    expectError(await service.invoke('scanready:discover:start', { targets: ['10.0.0.1'], extra: 1 }), 'bad-input', /extra/);
    expectError(await service.invoke('scanready:discover:start', null), 'bad-input', /.+/);
    // The real target parser's errors come back as bad-input.
    expectError(await service.invoke('scanready:discover:start', { targets: ['999.1.1.1'] }), 'bad-input', /999\.1\.1\.1/);
    expectError(await service.invoke('scanready:discover:start', { targets: ['10.0.0.0/33'] }), 'bad-input', /10\.0\.0\.0\/33/);
    expectError(await service.invoke('scanready:discover:start', { targets: ['# only a comment\n\n'] }), 'bad-input', /no targets/);
    expectError(await service.invoke('scanready:discover:start', { targets: ['127.0.0.1'], profile: 'no-such-profile' }), 'bad-input', /unknown profile "no-such-profile"/);
    expect(service.activeRuns()).toBe(0);
    expect(files().filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('rejects bad diagnose requests', async () => {
    expectError(await service.invoke('scanready:diagnose:start', { target: '' }), 'bad-input', /target: empty target/);
    expectError(await service.invoke('scanready:diagnose:start', { target: '127.0.0.1', scannerIps: ['not-an-ip'] }), 'bad-input', /scannerIps\.0: scanner IP/);
    expectError(await service.invoke('scanready:diagnose:start', { target: '127.0.0.0/30' }), 'bad-input', /one host, but "127.0.0.0\/30" is \d+ addresses: use a sweep/);
    expectError(
      await service.invoke('scanready:diagnose:start', { target: '127.0.0.1', auth: { user: 'scan' } }),
      'bad-input',
      /password, a private key, or use the SSH agent/,
    );
    expectError(await service.invoke('scanready:diagnose:start', { target: '127.0.0.1', elevate: true }), 'unavailable', /privileged probes cannot be started/);
    expect(files()).toEqual([]);
  });

  it('rejects bad auth requests without echoing secrets', async () => {
    const r = await service.invoke('scanready:auth:start', { host: '', user: 'u', password: 'hunter2-secret' });
    expectError(r, 'bad-input', /host:/);
    expect(JSON.stringify(r)).not.toContain('hunter2-secret');
    expectError(await service.invoke('scanready:auth:start', { host: '127.0.0.1', user: 'u' }), 'bad-input', /password, a private key/);
    expectError(await service.invoke('scanready:auth:start', { host: '127.0.0.1', user: 'u', password: 'x', port: 0 }), 'bad-input', /port/);
  });

  it('only opens allow-listed https links', async () => {
    expectError(await service.invoke('scanready:app:open-external', { url: 'http://nmap.org/' }), 'bad-input', /not on the list/);
    expectError(await service.invoke('scanready:app:open-external', { url: 'https://evil.example/' }), 'bad-input', /not on the list/);
    expectError(await service.invoke('scanready:app:open-external', { url: 'https://user:pw@github.com/' }), 'bad-input', /not on the list/);
    expectError(await service.invoke('scanready:app:open-external', { url: 'file:///etc/passwd' }), 'bad-input', /not on the list/);
    // Web mode has no openExternal: allowed, but the browser opens it.
    expect(await service.invoke('scanready:app:open-external', { url: 'https://nmap.org/book/host-discovery.html' })).toEqual({
      ok: true,
      value: { opened: false, url: 'https://nmap.org/book/host-discovery.html' },
    });
    const opened: string[] = [];
    const electronLike = createServiceCore({
      userDataDir: dir,
      mode: 'electron',
      version: '1',
      engines: unavailableEngines(),
      openExternal: (u) => {
        opened.push(u);
        return Promise.resolve();
      },
    });
    expect((await electronLike.invoke('scanready:app:open-external', { url: 'https://github.com/x' })).ok).toBe(true);
    expect(opened).toEqual(['https://github.com/x']);
  });

  it('answers app info and privilege status', async () => {
    const info = await service.invoke('scanready:app:info', null);
    expect(info).toMatchObject({ ok: true, value: { name: 'ScanReady', version: '9.9.9', mode: 'web', userDataDir: dir } });
    const priv = await service.invoke('scanready:app:privilege', undefined);
    expect(priv).toMatchObject({ ok: true, value: { rawSockets: false, elevation: { available: false } } });
    expectError(await service.invoke('scanready:app:info', { sneaky: true }), 'bad-input', /no arguments/);
  });
});

describe('helpers', () => {
  it('expands pasted target text', () => {
    expect(expandTargetEntries(['10.0.0.1\n# gateway\n\n 10.0.0.2 # db\r\n', 'host.example'])).toEqual(['10.0.0.1', '10.0.0.2', 'host.example']);
  });
  it('applies overrides like the CLI and renames the profile', () => {
    const q = BUILTIN_PROFILES[0]!;
    const p = applyOverrides(q, { tcp: [22, 22, 8443], icmp: false, retries: 0 });
    expect(p).toMatchObject({ name: 'qualys-default+custom', tcpSyn: [22, 8443], icmpEcho: false, retries: 0, udp: q.udp, tcpAck: q.tcpAck });
    expect(applyOverrides(q, {}).name).toBe('qualys-default');
    expect(q.tcpSyn).toHaveLength(13); // the built-in is not mutated
  });
});

describe('profiles', () => {
  const custom = { name: 'dmz', tcpSyn: [22, 8443], udp: [53], icmpEcho: false };

  it('saves, lists, exports, deletes custom profiles; refuses built-in names and bad profiles', async () => {
    expectError(await service.invoke('scanready:profiles:save', { name: 'bad', tcpSyn: [0] }), 'bad-input', /tcpSyn\.0: port must be 1-65535/);
    expectError(await service.invoke('scanready:profiles:save', { name: 'qualys-default', tcpSyn: [22] }), 'conflict', /built-in/);
    expect(files()).toEqual([]);

    const pushes: string[] = [];
    service.on((channel) => pushes.push(channel));
    const saved = await service.invoke('scanready:profiles:save', custom);
    expect(saved).toMatchObject({ ok: true, value: { builtin: false, profile: { name: 'dmz', tcpSyn: [22, 8443], timeoutMs: 1000 } } });
    expect(pushes).toContain('scanready:profiles:changed');
    expect(files()).toEqual(['profiles.json']); // no temp files left behind

    // A second service on the same directory (app restart) sees it.
    const again = make();
    const list = await again.invoke('scanready:profiles:list', null);
    expect(list.ok && list.value.map((e) => `${e.profile.name}:${e.builtin}`)).toEqual([
      ...BUILTIN_PROFILES.map((p) => `${p.name}:true`),
      'dmz:false',
    ]);

    const exported = await service.invoke('scanready:profiles:export', { names: ['dmz'] });
    expect(exported.ok && exported.value.fileName).toBe('dmz.json');
    expectError(await service.invoke('scanready:profiles:export', { names: ['nope'] }), 'not-found', /no profile named "nope"/);

    expectError(await service.invoke('scanready:profiles:delete', { name: 'nmap-default' }), 'conflict', /built-in/);
    expect(await service.invoke('scanready:profiles:delete', { name: 'dmz' })).toEqual({ ok: true, value: { deleted: true } });
    expect(await service.invoke('scanready:profiles:delete', { name: 'dmz' })).toEqual({ ok: true, value: { deleted: false } });
  });

  it('imports all-or-nothing, with clear errors', async () => {
    expectError(await service.invoke('scanready:profiles:import', { json: '{not json' }), 'bad-input', /not valid JSON/);
    expectError(
      await service.invoke('scanready:profiles:import', { json: JSON.stringify([custom, { name: 'broken', udp: [99999] }]) }),
      'bad-input',
      /profile 2 "broken" is not valid: udp\.0: port must be 1-65535/,
    );
    expectError(await service.invoke('scanready:profiles:import', { json: JSON.stringify({ profiles: [] }) }), 'bad-input', /no profiles/);
    expectError(await service.invoke('scanready:profiles:import', { json: JSON.stringify([custom, custom]) }), 'bad-input', /twice/);
    expectError(await service.invoke('scanready:profiles:import', { json: JSON.stringify({ name: 'greenbone-default' }) }), 'conflict', /built-in/);
    expect(files()).toEqual([]);

    const r = await service.invoke('scanready:profiles:import', { json: JSON.stringify({ profiles: [custom, { name: 'lab' }] }) });
    expect(r.ok && r.value.map((e) => e.profile.name)).toEqual(['dmz', 'lab']);
    expectError(await service.invoke('scanready:profiles:import', { json: JSON.stringify(custom) }), 'conflict', /already exist: dmz/);

    const exported = await service.invoke('scanready:profiles:export', {});
    if (!exported.ok) throw new Error(exported.error.message);
    const changed = exported.value.json.replace('"icmpEcho": false', '"icmpEcho": true');
    expect((await service.invoke('scanready:profiles:import', { json: changed, overwrite: true })).ok).toBe(true);
    const list = await service.invoke('scanready:profiles:list', null);
    expect(list.ok && list.value.find((e) => e.profile.name === 'dmz')?.profile.icmpEcho).toBe(true);
  });

  it('warns about Qualys limits in the list', async () => {
    const many = Array.from({ length: 25 }, (_, i) => 9000 + i);
    await service.invoke('scanready:profiles:save', { name: 'wide', tcpSyn: many });
    const list = await service.invoke('scanready:profiles:list', null);
    expect(list.ok && list.value.find((e) => e.profile.name === 'wide')?.warnings.join(' ')).toMatch(/25 additional TCP ports/);
  });
});

describe('settings', () => {
  it('defaults, validates, persists atomically, and survives a restart', async () => {
    const first = await service.invoke('scanready:settings:get', null);
    expect(first).toMatchObject({ ok: true, value: { theme: 'system', defaultProfile: 'qualys-default' } });
    expectError(await service.invoke('scanready:settings:update', { theme: 'neon' }), 'bad-input', /^theme:/);
    expectError(await service.invoke('scanready:settings:update', { colour: 'red' }), 'bad-input', /colour/);
    expectError(await service.invoke('scanready:settings:update', { defaultProfile: 'ghost' }), 'bad-input', /no profile named "ghost"/);
    expectError(await service.invoke('scanready:settings:update', { historyKeepDays: 0 }), 'bad-input', /historyKeepDays/);
    expect(files()).toEqual([]);

    const changed: unknown[] = [];
    service.on((channel, payload) => {
      if (channel === 'scanready:settings:changed') changed.push(payload);
    });
    const r = await service.invoke('scanready:settings:update', { theme: 'dark', scannerIps: ['198.18.0.1', '2001:db8::1'] });
    expect(r).toMatchObject({ ok: true, value: { theme: 'dark', scannerIps: ['198.18.0.1', '2001:db8::1'], historyKeepDays: 90, historyKeepMB: 500 } });
    expect(changed).toHaveLength(1);
    expect(files()).toEqual(['settings.json']);
    expect(await make().invoke('scanready:settings:get', null)).toMatchObject({ ok: true, value: { theme: 'dark' } });
  });

  it('keeps good keys from a hand-damaged file and sets a corrupt one aside', async () => {
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ theme: 'light', historyKeepDays: -5 }));
    expect(await service.invoke('scanready:settings:get', null)).toMatchObject({ ok: true, value: { theme: 'light', historyKeepDays: 90 } });
    writeFileSync(path.join(dir, 'settings.json'), '{"theme": "li');
    expect(await service.invoke('scanready:settings:get', null)).toMatchObject({ ok: true, value: { theme: 'system' } });
    expect(files().some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
  });
});

function fakeAuthResult(host: string): AuthResult {
  return {
    host,
    port: 22,
    user: 'scan',
    delegation: 'sudo-su',
    status: 'passed',
    steps: [{ id: 'login', ok: true, ms: 3, summary: 'logged in' }],
    hostKey: null,
    listening: [],
    advice: [],
    startedAt: new Date().toISOString(),
    durationMs: 5,
  };
}

describe('history', () => {
  it('stores, lists newest first, searches, reopens exactly, applies retention, pins and deletes', async () => {
    const store = new HistoryStore(dir);
    const ids: string[] = [];
    const results: AuthResult[] = [];
    const day = 86_400_000;
    for (let i = 0; i < 5; i++) {
      // Two runs 60 days old (inside the default 90-day retention the service applies at start), three from today.
      const at = Date.now() - (i < 2 ? 60 * day : 0) + i;
      const id = newHistoryId(at);
      const result = fakeAuthResult(`198.18.1.${i}`);
      results.push(result);
      ids.push(store.add('auth', summarizeAuth(id, result, new Date(at).toISOString()), result, { keepDays: null, keepMB: null }));
    }
    const all = await service.invoke('scanready:history:list', null);
    expect(all.ok && all.value.map((e) => e.id)).toEqual([...ids].reverse());
    const one = await service.invoke('scanready:history:list', { target: '198.18.1.3' });
    expect(one.ok && one.value.map((e) => e.id)).toEqual([ids[3]]);
    const recent = await service.invoke('scanready:history:list', { since: '30d' });
    expect(recent.ok && recent.value.map((e) => e.id)).toEqual([ids[4], ids[3], ids[2]]);
    expectError(await service.invoke('scanready:history:list', { since: 'yesterday-ish' }), 'bad-input', /not a date/);
    expectError(await service.invoke('scanready:history:list', { colour: 'red' }), 'bad-input', /colour/);

    // Pinned runs survive retention; the unpinned old one goes.
    expect(await service.invoke('scanready:history:pin', { id: ids[0]!, pinned: true })).toEqual({ ok: true, value: { pinned: true } });
    expect(store.applyRetention({ keepDays: 30, keepMB: null })).toBe(1);
    const kept = await service.invoke('scanready:history:list', null);
    expect(kept.ok && kept.value.map((e) => [e.id, e.pinned])).toEqual([
      [ids[4], false],
      [ids[3], false],
      [ids[2], false],
      [ids[0], true],
    ]);

    const got = await service.invoke('scanready:history:get', { id: ids[4]! });
    expect(got).toMatchObject({ ok: true, value: { summary: { kind: 'auth', target: 'scan@198.18.1.4:22', authStatus: 'passed' }, result: results[4] } });
    expectError(await service.invoke('scanready:history:get', { id: ids[1]! }), 'not-found', /no longer exists/);
    expectError(await service.invoke('scanready:history:get', { id: '../../etc/passwd' }), 'bad-input', /bad history id/);
    expect(await service.invoke('scanready:history:delete', { id: ids[3]! })).toEqual({ ok: true, value: { deleted: true } });
    expect(await service.invoke('scanready:history:clear', null)).toEqual({ ok: true, value: { deleted: 3 } });
    expect(files().filter((f) => !f.startsWith('history.sqlite'))).toEqual([]);
    store.close();
  });

  it('a damaged database: moved aside, the user told where, a fresh history works', async () => {
    writeFileSync(path.join(dir, 'history.sqlite'), Buffer.alloc(4096, 0x41));
    const notices = await service.invoke('scanready:history:notices', null);
    expect(notices.ok && notices.value.join(' ')).toMatch(/damaged .*moved to .*history\.sqlite\.damaged-/);
    expect(await service.invoke('scanready:history:list', null)).toEqual({ ok: true, value: [] });
    expect(files().some((f) => f.startsWith('history.sqlite.damaged-'))).toBe(true);
  });

  it('imports a damaged old JSON history: the good entries, a report, the old folder kept aside', async () => {
    mkdirSync(path.join(dir, 'history'));
    const good = fakeAuthResult('198.18.1.9');
    const id = newHistoryId();
    writeFileSync(path.join(dir, 'history', `${id}.json`), JSON.stringify({ summary: summarizeAuth(id, good, new Date().toISOString()), result: good }));
    writeFileSync(path.join(dir, 'history', 'index.json'), JSON.stringify({ version: 1, entries: [{ id, kind: 'auth' }, { id: 'gone-1', kind: 'auth' }] }));
    const list = await service.invoke('scanready:history:list', null);
    expect(list.ok && list.value.map((e) => e.id)).toEqual([id]);
    expect(files().some((f) => f.startsWith('history.imported-'))).toBe(true);
    expect(files().some((f) => f === 'history/index.json')).toBe(false);
  });
});

describe('auth runs and the host-key prompt', () => {
  function promptingService(): { svc: Service; pushes: { channel: PushChannel; payload: unknown }[] } {
    const pushes: { channel: PushChannel; payload: unknown }[] = [];
    const svc = make({
      // Stands in for the SSH engine at its boundary: asks once, reports the answer as its result.
      runAuthCheck: async (req, opts) => {
        const accepted = await opts.confirmHostKey({ algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc', status: 'new' });
        opts.onStep({ id: 'host-key', ok: accepted, ms: 1, summary: accepted ? 'accepted' : 'rejected' });
        return { ...fakeAuthResult(req.host), status: accepted ? 'passed' : 'failed' };
      },
    });
    svc.on((channel, payload) => pushes.push({ channel, payload }));
    return { svc, pushes };
  }
  const waitFor = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cond()).toBe(true);
  };

  it('pushes a prompt, takes the answer once, finishes the run and saves history without secrets', async () => {
    const { svc, pushes } = promptingService();
    const start = await svc.invoke('scanready:auth:start', { host: '198.18.1.20', user: 'scan', password: 'pw-never-stored' });
    if (!start.ok) throw new Error(start.error.message);
    await waitFor(() => pushes.some((p) => p.channel === 'scanready:auth:host-key-prompt'));
    const prompt = pushes.find((p) => p.channel === 'scanready:auth:host-key-prompt')!.payload as HostKeyPrompt;
    expect(prompt).toMatchObject({ runId: start.value.runId, host: '198.18.1.20', port: 22, timeoutMs: 120_000 });
    expectError(await svc.invoke('scanready:auth:answer-host-key', { runId: start.value.runId, promptId: 'other', accept: true }), 'not-found', /expired/);
    expect(await svc.invoke('scanready:auth:answer-host-key', { runId: start.value.runId, promptId: prompt.promptId, accept: true })).toEqual({
      ok: true,
      value: { accepted: true },
    });
    expectError(await svc.invoke('scanready:auth:answer-host-key', { runId: start.value.runId, promptId: prompt.promptId, accept: false }), 'not-found', /already answered/);
    await waitFor(() => svc.activeRuns() === 0);
    const closedEv = pushes.find((p) => p.channel === 'scanready:auth:host-key-closed')!.payload as HostKeyPromptClosed;
    expect(closedEv).toMatchObject({ accepted: true, by: 'user' });
    const events = pushes.filter((p) => p.channel === 'scanready:auth:event').map((p) => (p.payload as { event: { type: string } }).event.type);
    expect(events).toEqual(['step', 'done', 'saved']);
    const onDisk = files().map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');
    expect(onDisk).toContain('198.18.1.20');
    expect(onDisk).not.toContain('pw-never-stored');
    await svc.close();
  });

  it('cancel closes an open prompt as a reject', async () => {
    const { svc, pushes } = promptingService();
    const start = await svc.invoke('scanready:auth:start', { host: '198.18.1.20', user: 'scan', agent: true });
    if (!start.ok) throw new Error(start.error.message);
    await waitFor(() => pushes.some((p) => p.channel === 'scanready:auth:host-key-prompt'));
    expect(await svc.invoke('scanready:auth:cancel', { runId: start.value.runId })).toEqual({ ok: true, value: { cancelled: true } });
    await waitFor(() => svc.activeRuns() === 0);
    expect(pushes.find((p) => p.channel === 'scanready:auth:host-key-closed')?.payload).toMatchObject({ accepted: false, by: 'run-ended' });
    expect(await svc.invoke('scanready:auth:cancel', { runId: start.value.runId })).toEqual({ ok: true, value: { cancelled: false } });
    await svc.close();
  });

  it('an unanswered prompt times out as a reject', async () => {
    const { svc, pushes } = promptingService();
    expect((await svc.invoke('scanready:settings:update', { hostKeyPromptTimeoutMs: 5000 })).ok).toBe(true);
    // Time is the subject: the prompt's timer runs on fake time (files are still read for real,
    // so the waits below turn the event loop with setImmediate, which stays real).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const turns = async (cond: () => boolean): Promise<boolean> => {
        for (let i = 0; i < 5000 && !cond(); i++) await new Promise((r) => setImmediate(r));
        return cond();
      };
      const start = await svc.invoke('scanready:auth:start', { host: '198.18.1.20', user: 'scan', agent: true });
      if (!start.ok) throw new Error(start.error.message);
      expect(await turns(() => pushes.some((p) => p.channel === 'scanready:auth:host-key-prompt'))).toBe(true);
      const closed = (): unknown => pushes.find((p) => p.channel === 'scanready:auth:host-key-closed')?.payload;
      await vi.advanceTimersByTimeAsync(4999);
      expect(closed()).toBeUndefined(); // not a moment before the setting says
      expect(svc.activeRuns()).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(await turns(() => svc.activeRuns() === 0)).toBe(true);
      expect(closed()).toMatchObject({ accepted: false, by: 'timeout' });
      const done = pushes.find((p) => p.channel === 'scanready:auth:event' && (p.payload as { event: { type: string } }).event.type === 'done');
      expect((done?.payload as { event: { result: AuthResult } }).event.result.status).toBe('failed');
    } finally {
      vi.useRealTimers();
    }
    await svc.close();
  });

  it('an engine failure becomes a run-error push in plain words', async () => {
    const pushes: unknown[] = [];
    service.on((channel, payload) => {
      if (channel === 'scanready:auth:event') pushes.push(payload);
    });
    const start = await service.invoke('scanready:auth:start', { host: '127.0.0.1', user: 'u', agent: true });
    expect(start.ok).toBe(true);
    for (let i = 0; i < 100 && service.activeRuns() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(pushes).toEqual([{ runId: start.ok && start.value.runId, event: { type: 'run-error', code: 'unavailable', message: 'the credential check is not available in this build' } }]);
  });
});

describe('a failing run ends that run, never the service', () => {
  type Failure = 'sync-throw' | 'reject' | 'throw-after-events' | 'bad-event' | 'non-error' | 'works';
  let failure: Failure = 'works';
  const hostResult = (address: string): HostResult => ({
    target: address,
    address,
    family: 4,
    alive: true,
    verdict: 'alive',
    reason: 'echo reply',
    aliveBy: 'ICMP',
    privileged: false,
    profile: 'qualys-default',
    probes: [],
    warnings: [],
    startedAt: new Date().toISOString(),
    durationMs: 1,
  });
  const boom = (): never => {
    if (failure === 'non-error') throw 'a string, not an Error'; // eslint-disable-line @typescript-eslint/only-throw-error -- the point of the test
    throw new TypeError("Cannot read properties of undefined (reading 'probes')");
  };
  const failingEngines: Partial<Engines> = {
    discover: (targets) => {
      if (failure === 'sync-throw' || failure === 'non-error') boom();
      const first = [...targets][0]!;
      return (async function* (): AsyncGenerator<DiscoveryEvent> {
        await Promise.resolve();
        if (failure === 'reject') boom();
        yield { type: 'start', total: targets.total, privileged: false, profile: 'qualys-default' };
        yield { type: 'host-start', target: first.target, address: first.address };
        if (failure === 'throw-after-events') boom();
        if (failure === 'bad-event') yield null as unknown as DiscoveryEvent;
        yield { type: 'host-done', result: hostResult(first.address) };
        yield { type: 'end', done: 1, total: 1, alive: 1, cancelled: false, durationMs: 1 };
      })();
    },
    runDiagnosis: (req) => {
      if (failure === 'sync-throw' || failure === 'non-error') boom();
      if (failure !== 'works') return Promise.reject(new RangeError('Invalid array length'));
      return Promise.resolve({ target: req.target, discovery: hostResult(req.target), path: null, openPorts: null, auth: null, advice: [] });
    },
    runAuthCheck: (req) => {
      if (failure === 'sync-throw' || failure === 'non-error') boom();
      if (failure !== 'works') return Promise.reject(new Error('socket hang up'));
      return Promise.resolve(fakeAuthResult(req.host));
    },
  };

  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  /** Starts one run and waits (bounded) until it has ended; returns its events. */
  async function runOnce(svc: Service, pushes: { channel: PushChannel; payload: unknown }[], kind: 'discover' | 'diagnose' | 'auth'): Promise<{ type: string; code?: string; message?: string }[]> {
    const start =
      kind === 'discover'
        ? await svc.invoke('scanready:discover:start', { targets: ['127.0.0.1'] })
        : kind === 'diagnose'
          ? await svc.invoke('scanready:diagnose:start', { target: '127.0.0.1', trace: false, portFinder: false })
          : await svc.invoke('scanready:auth:start', { host: '127.0.0.1', user: 'u', password: 'pw' });
    if (!start.ok) throw new Error(start.error.message);
    for (let i = 0; i < 500 && svc.activeRuns() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(svc.activeRuns()).toBe(0);
    return pushes
      .filter((p) => p.channel === `scanready:${kind}:event` && (p.payload as { runId: string }).runId === start.value.runId)
      .map((p) => (p.payload as { event: { type: string; code?: string; message?: string } }).event);
  }

  for (const kind of ['discover', 'diagnose', 'auth'] as const) {
    it(`${kind}: a throwing, rejecting or mid-stream failing engine gives a run-error, and the next run works`, async () => {
      const pushes: { channel: PushChannel; payload: unknown }[] = [];
      const svc = make(failingEngines);
      svc.on((channel, payload) => pushes.push({ channel, payload }));
      const failures: Failure[] = kind === 'discover' ? ['sync-throw', 'reject', 'throw-after-events', 'bad-event', 'non-error'] : ['sync-throw', 'reject', 'non-error'];
      for (const f of failures) {
        failure = f;
        const events = await runOnce(svc, pushes, kind);
        const last = events.at(-1);
        expect(last, f).toMatchObject({ type: 'run-error', code: 'internal' });
        expect(last?.message, f).toMatch(/\S/);
        expect(last?.message, f).not.toMatch(/\n|\bat .+:\d+:\d+/);
        expect(events.filter((e) => e.type === 'run-error'), f).toHaveLength(1);
        // The service still answers calls while and after a run failed.
        expect((await svc.invoke('scanready:app:info', null)).ok, f).toBe(true);
        failure = 'works';
        const next = await runOnce(svc, pushes, kind);
        expect(next.some((e) => e.type === 'run-error'), `${f}: next run`).toBe(false);
        expect(next.some((e) => e.type === (kind === 'discover' ? 'end' : 'done')), `${f}: next run`).toBe(true);
      }
      await svc.close();
      expect(unhandled).toEqual([]);
    });
  }

  it('a listener that throws (a dead window, a closed socket) does not stop the run', async () => {
    const pushes: { channel: PushChannel; payload: unknown }[] = [];
    const svc = make(failingEngines);
    svc.on(() => {
      throw new Error('the window is gone');
    });
    svc.on((channel, payload) => pushes.push({ channel, payload }));
    failure = 'works';
    const events = await runOnce(svc, pushes, 'discover');
    expect(events.map((e) => e.type)).toEqual(['start', 'host-start', 'host-done', 'end', 'saved']);
    await svc.close();
    expect(unhandled).toEqual([]);
  });
});
