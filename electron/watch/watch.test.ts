/**
 * Watch and compare against the lab's watch host (.26: drops everything until a named test rule
 * lets TCP 80 in). Everything that changes .26 lives in this one file and runs in order, so no
 * other test sees its rules. Stopping rules (until, cap, cancel) are tested with injected rounds
 * and a fake clock; the lab tests wait for rounds, never for time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import { addRule, deleteRule, listRules, ruleName } from '../../e2e/lab/rules.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { builtinProfile } from '../../shared/profiles.js';
import { HistoryStore, newHistoryId, summarizeDiscovery } from '../history/index.js';
import { discoverHost } from '../probes/index.js';
import { watchHost, watchTiming, WatchError, type WatchRound } from './index.js';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'bin', 'scanready.cjs');
const qualys = builtinProfile('qualys-default')!;
const target = { target: LAB.watch, address: LAB.watch, family: 4 as const };
const made: string[] = [];

afterAll(async () => {
  for (const name of made) await deleteRule('watch', name);
});

function fakeHost(verdict: HostResult['verdict'], answer: ProbeResult['result'] = 'no-response'): HostResult {
  const alive = verdict === 'alive';
  return {
    target: '192.0.2.1',
    address: '192.0.2.1',
    family: 4,
    alive,
    verdict,
    reason: '',
    aliveBy: '',
    privileged: true,
    profile: 'p',
    warnings: [],
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    probes: [
      { protocol: 'tcp', kind: 'syn', port: 80, sourcePort: null, method: 'raw', result: answer, responder: answer === 'no-response' ? null : '192.0.2.1', fromTarget: answer !== 'no-response', icmpType: null, icmpCode: null, ttl: null, rttMs: null, attempts: 1, countsAsAlive: alive },
    ],
  };
}

/** Rounds from a script; the clock moves only when the watch sleeps. */
function scripted(hosts: HostResult[], roundMs = 100) {
  let t = 0;
  const slept: number[] = [];
  let i = 0;
  return {
    slept,
    opts: {
      now: () => t,
      sleep: (ms: number) => {
        slept.push(ms);
        t += ms;
        return Promise.resolve();
      },
      probe: () => {
        const h = hosts[Math.min(i, hosts.length - 1)]!;
        i += 1;
        t += roundMs; // each round takes roundMs of the fake clock
        return Promise.resolve(h);
      },
    },
  };
}

async function collect(gen: AsyncGenerator<WatchRound>): Promise<WatchRound[]> {
  const out: WatchRound[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

describe('watch: when it stops (scripted rounds, fake clock)', () => {
  it('--until alive stops at the first alive round and lists the probe that turned', async () => {
    const s = scripted([fakeHost('not-alive'), fakeHost('not-alive'), fakeHost('alive', 'rst')]);
    const w = watchHost(target, { profile: qualys, intervalMs: 5000, until: 'alive', ...s.opts });
    const rounds = await collect(w.rounds);
    expect(rounds.map((r) => r.verdict)).toEqual(['not-alive', 'not-alive', 'alive']);
    expect(rounds[2]!.verdictBefore).toBe('not-alive');
    expect(rounds[2]!.changes).toEqual([
      expect.objectContaining({ probe: 'TCP SYN 80', before: 'no response', after: 'RST (closed, alive) from 192.0.2.1', aliveBefore: false, aliveAfter: true }),
    ]);
    expect(w.summary()).toMatchObject({ rounds: 3, stoppedBy: 'alive', verdictChanges: [{ round: 3, before: 'not-alive', after: 'alive' }] });
    // The interval counts from the start of a round: 5000 - 100 ms of probing.
    expect(s.slept).toEqual([4900, 4900]);
  });

  it('--until change stops at the first change, in either direction', async () => {
    const s = scripted([fakeHost('alive', 'rst'), fakeHost('alive', 'rst'), fakeHost('not-alive')]);
    const w = watchHost(target, { profile: qualys, intervalMs: 1000, until: 'change', ...s.opts });
    const rounds = await collect(w.rounds);
    expect(rounds).toHaveLength(3);
    expect(w.summary().stoppedBy).toBe('change');
    expect(w.summary().changes[0]).toMatchObject({ round: 3, probe: 'TCP SYN 80', after: 'no response' });
  });

  it('a round longer than the interval delays the next one instead of overlapping it', async () => {
    // Each round takes 1,200 ms of the fake clock: longer than the 1 s interval.
    const s = scripted([fakeHost('not-alive')], 1200);
    const w = watchHost(target, { profile: qualys, intervalMs: 1000, maxRounds: 3, ...s.opts });
    await collect(w.rounds);
    expect(s.slept).toEqual([0, 0]);
    expect(w.summary().stoppedBy).toBe('rounds');
  });

  it('the cap ends a watch that never meets --until', async () => {
    const s = scripted([fakeHost('not-alive')]);
    const w = watchHost(target, { profile: qualys, intervalMs: 60_000, capMs: 5 * 60_000, until: 'alive', ...s.opts });
    const rounds = await collect(w.rounds);
    expect(w.summary().stoppedBy).toBe('cap');
    expect(rounds.length).toBe(5);
  });

  it('cancel ends it with what was seen so far', async () => {
    const ac = new AbortController();
    const s = scripted([fakeHost('not-alive')]);
    const w = watchHost(target, { profile: qualys, intervalMs: 1000, signal: ac.signal, ...s.opts });
    const seen: number[] = [];
    for await (const r of w.rounds) {
      seen.push(r.round);
      if (r.round === 2) ac.abort();
    }
    expect(seen).toEqual([1, 2]);
    expect(w.summary()).toMatchObject({ rounds: 2, stoppedBy: 'cancelled' });
  });

  it('refuses an interval under 1 s and a non-positive cap', () => {
    expect(() => watchTiming({ intervalMs: 999 })).toThrow(WatchError);
    expect(() => watchTiming({ intervalMs: Number.NaN })).toThrow(/at least 1 s/);
    expect(() => watchTiming({ capMs: 0 })).toThrow(WatchError);
    expect(watchTiming({})).toEqual({ intervalMs: 5000, capMs: 30 * 60_000 });
  });
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lineWaiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...lineWaiters]) if (w.re.test(out)) {
      lineWaiters.splice(lineWaiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exit,
    out: () => out,
    err: () => err,
    /** Resolves when stdout matches (bounded by the test's own timeout). */
    waitFor: (re: RegExp) => (re.test(out) ? Promise.resolve() : new Promise<void>((resolve) => lineWaiters.push({ re, resolve }))),
  };
}

describe.skipIf(skipWithoutRawSockets())('watch against the lab (.26; a firewall rule goes in and out)', () => {
  it('the lab rule helper adds and removes a named rule (and a second add or del changes nothing)', async () => {
    const name = ruleName();
    made.push(name);
    await addRule('watch', name);
    await addRule('watch', name);
    expect(await listRules('watch')).toContain(name);
    await deleteRule('watch', name);
    await deleteRule('watch', name);
    expect(await listRules('watch')).not.toContain(name);
  });

  it('engine: sees exactly TCP SYN 80 turn when the rule goes in, and the reverse when it goes out', async () => {
    const name = ruleName();
    made.push(name);
    const on = watchHost(target, { profile: qualys, mode: 'raw', intervalMs: 1000, until: 'alive', maxRounds: 30 });
    const rounds: WatchRound[] = [];
    for await (const r of on.rounds) {
      rounds.push(r);
      if (r.round === 1) {
        expect(r.verdict).toBe('not-alive');
        await addRule('watch', name);
      }
    }
    expect(on.summary().stoppedBy).toBe('alive');
    const turned = rounds.at(-1)!;
    expect(turned.verdictBefore).toBe('not-alive');
    expect(turned.verdict).toBe('alive');
    const syn80 = turned.changes.find((c) => c.probe === 'TCP SYN 80');
    expect(syn80).toMatchObject({ before: 'no response', after: `RST (closed, alive) from ${LAB.watch}`, aliveAfter: true });
    // Only probes to port 80 turned: everything else still gets no answer.
    for (const c of turned.changes) expect(c.probe).toMatch(/→80$|\b80$/);

    const off = watchHost(target, { profile: qualys, mode: 'raw', intervalMs: 1000, until: 'change', maxRounds: 30 });
    for await (const r of off.rounds) if (r.round === 1) {
      expect(r.verdict).toBe('alive');
      await deleteRule('watch', name);
    }
    expect(off.summary().stoppedBy).toBe('change');
    expect(off.summary().verdictChanges).toEqual([expect.objectContaining({ before: 'alive', after: 'not-alive' })]);
    expect(off.summary().changes.find((c) => c.probe === 'TCP SYN 80')).toMatchObject({ before: `RST (closed, alive) from ${LAB.watch}`, after: 'no response' });
  });

  it('CLI: `watch --until alive --json` reports the probe that turned and exits 0; Ctrl-C exits 130 with a summary', async () => {
    const name = ruleName();
    made.push(name);
    const w = cli(['watch', LAB.watch, '--interval', '1', '--until', 'alive', '--json', '--cap', '5']);
    await w.waitFor(/"round":1\b/);
    await addRule('watch', name);
    expect(await w.exit).toBe(0);
    const lines = w.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const rounds = lines.filter((l) => l.type === 'round');
    expect(rounds[0]).toMatchObject({ round: 1, verdict: 'not-alive', changes: [] });
    expect(rounds.at(-1)).toMatchObject({ verdict: 'alive', verdictBefore: 'not-alive' });
    expect(rounds.at(-1)!.changes).toContainEqual({ probe: 'TCP SYN 80', before: 'no response', after: `RST (closed, alive) from ${LAB.watch}` });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', stoppedBy: 'alive', verdict: 'alive' });

    // The reverse, in human output, stopped by Ctrl-C after the change was printed.
    const h = cli(['watch', LAB.watch, '--interval', '1', '--cap', '5']);
    await h.waitFor(/^round 1 .*Alive/m);
    await deleteRule('watch', name);
    await h.waitFor(/TCP SYN 80: RST \(closed, alive\) from 198\.18\.1\.26 → no response/);
    h.child.kill('SIGINT');
    expect(await h.exit).toBe(130);
    expect(h.out()).toMatch(/Alive → Not alive/);
    expect(h.out()).toMatch(/Stopped after \d+ rounds: interrupted\. \d+ probe changes?:/);
  });

  it('compare: two stored runs of .26 (closed, then open) give the probe, the verdict and the exit status; A against A is unchanged', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'scanready-compare-'));
    try {
      const name = ruleName();
      made.push(name);
      const closed = await discoverHost(target, { profile: qualys, mode: 'raw' });
      await addRule('watch', name);
      const open = await discoverHost(target, { profile: qualys, mode: 'raw' });
      await deleteRule('watch', name);
      expect([closed.verdict, open.verdict]).toEqual(['not-alive', 'alive']);
      const store = new HistoryStore(home);
      const ids = [newHistoryId(Date.now() - 1000), newHistoryId(Date.now())];
      for (const [i, h] of [closed, open].entries()) {
        store.add('discovery', summarizeDiscovery(ids[i]!, [LAB.watch], [h], false, h.startedAt), { hosts: [h], cancelled: false }, { keepDays: null, keepMB: null });
      }
      store.close();
      const env = { SCANREADY_USER_DATA: home };

      const human = cli(['compare', ids[0]!, ids[1]!], env);
      expect(await human.exit).toBe(1);
      expect(human.out()).toMatch(/Verdict: Not alive → Alive/);
      expect(human.out()).toContain(`TCP SYN 80: no response → RST (closed, alive) from ${LAB.watch}`);

      const json = cli(['compare', ids[0]!, ids[1]!, '--json'], env);
      expect(await json.exit).toBe(1);
      const c = JSON.parse(json.out()) as { host: { verdict: unknown; probes: { probe: string }[] }; sweep: unknown };
      expect(c.host.verdict).toEqual({ before: 'not-alive', after: 'alive' });
      expect(c.host.probes.map((p) => p.probe)).toContain('TCP SYN 80');
      expect(c.sweep).toBeNull();

      const same = cli(['compare', ids[1]!, ids[1]!], env);
      expect(await same.exit).toBe(0);
      expect(same.out()).toMatch(/every probe got the same answer/);

      const missing = cli(['compare', ids[0]!, 'no-such-run'], env);
      expect(await missing.exit).toBe(2);
      expect(missing.err()).toMatch(/no-such-run/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('watch CLI: bad input is refused before anything is sent', () => {
  it.each([
    [['watch', LAB.watch, '--interval', '0.5'], /--interval.*1 to 3600/],
    [['watch', '198.18.1.0/30'], /one host/],
    [['watch', LAB.watch, '--until', 'soon'], /--until.*alive, change|Allowed choices/],
    [['watch', '300.1.1.1'], /300\.1\.1\.1/],
  ])('%j', async (args, message) => {
    const r = cli(args);
    expect(await r.exit).toBe(2);
    expect(r.err()).toMatch(message);
  });
});
