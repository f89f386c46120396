/**
 * Resource hygiene: 200 diagnoses in one service process leave no open file descriptors,
 * sockets or child processes behind. Counted from /proc/self/fd (sockets are the fds that link
 * to `socket:[…]`) and the process table (/proc/<pid>/stat whose parent is this process).
 * Cheap diagnoses: one lab host that answers at once, a small profile, no trace / port finder;
 * alternately raw and unprivileged, so both socket stacks and the system ping are exercised.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiagnosePush, DiscoverPush } from '../../shared/ipc.js';
import { createService, type Service } from './index.js';

const RUNS = 200;
const WARMUP = 10;
const PROFILE = { name: 'hygiene', tcpSyn: [80], udp: [53], icmpEcho: true, timeoutMs: 500, retries: 0 };

let dir: string;
let service: Service;
const events = new Map<string, DiagnosePush['event'][]>();
const sweeps = new Map<string, DiscoverPush['event'][]>();

function fds(): { total: number; sockets: number } {
  let total = 0;
  let sockets = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the directory handle readdir itself used
    }
    total++;
    if (target.startsWith('socket:')) sockets++;
  }
  return { total, sockets };
}

function children(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the ppid is the 2nd field after it.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function diagnose(i: number): Promise<void> {
  const start = await service.invoke('scanready:diagnose:start', {
    target: LAB.open,
    profile: PROFILE,
    mode: i % 2 === 0 ? 'auto' : 'unprivileged',
    trace: false,
    portFinder: false,
  });
  if (!start.ok) throw new Error(start.error.message);
  const id = start.value.runId;
  for (let n = 0; n < 1200 && !(events.get(id) ?? []).some((e) => e.type === 'done' || e.type === 'run-error'); n++) await new Promise((r) => setTimeout(r, 25));
  const last = (events.get(id) ?? []).at(-1);
  if (last?.type !== 'done') throw new Error(`diagnosis ${i} did not finish: ${JSON.stringify(last)}`);
  expect(last.result.discovery.alive).toBe(true);
  events.delete(id);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sr-hygiene-'));
  service = createService({ userDataDir: dir, mode: 'web', version: 'test' });
  service.on((channel, payload) => {
    if (channel === 'scanready:discover:event') {
      const p = payload as DiscoverPush;
      sweeps.set(p.runId, [...(sweeps.get(p.runId) ?? []), p.event]);
      return;
    }
    if (channel !== 'scanready:diagnose:event') return;
    const p = payload as DiagnosePush;
    const list = events.get(p.runId) ?? [];
    list.push(p.event);
    events.set(p.runId, list);
  });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('resource hygiene', () => {
  it(`${RUNS} diagnoses leave no file descriptors, sockets or child processes behind`, async () => {
    // Warm-up: lazily opened, long-lived handles (raw socket module, DNS, history index) come first.
    for (let i = 0; i < WARMUP; i++) await diagnose(i);
    const before = { ...fds(), children: children().length };
    for (let i = 0; i < RUNS; i++) await diagnose(i);
    expect(service.activeRuns()).toBe(0);
    // A child that is exiting right now may still be in the table: wait (bounded) for it to go.
    for (let n = 0; n < 200 && children().length > before.children; n++) await new Promise((r) => setTimeout(r, 25));
    const after = { ...fds(), children: children().length };
    expect(after).toEqual(before);
  }, 900_000);
});

/** Waits (bounded by a count of 25 ms turns) until `cond` holds; false if it never did. */
async function until(cond: () => boolean, turns = 800): Promise<boolean> {
  for (let n = 0; n < turns && !cond(); n++) await new Promise((r) => setTimeout(r, 25));
  return cond();
}

describe('cancel during a sweep\'s start-up', () => {
  // The farm's first 64 hosts, half of them silent: the first hosts finish while the others'
  // probes (connect(), UDP sockets, system ping processes) are still out.
  const CYCLES = 6;
  async function cancelAtStart(mode: 'auto' | 'unprivileged'): Promise<void> {
    const start = await service.invoke('scanready:discover:start', {
      targets: [`${LAB.farm(1)}-${LAB.farm(64).split('.').at(-1)}`],
      profile: { ...PROFILE, name: 'cancel-at-start', timeoutMs: 2000, tcpSyn: [22, 80, 443, 8080] },
      mode,
    });
    if (!start.ok) throw new Error(start.error.message);
    const id = start.value.runId;
    const seen = (t: string): boolean => (sweeps.get(id) ?? []).some((e) => e.type === t);
    // Cancel as soon as the first host is done: the run is still starting the rest.
    expect(await until(() => seen('host-done') || seen('end'))).toBe(true);
    const cancelled = await service.invoke('scanready:discover:cancel', { runId: id });
    expect(cancelled).toMatchObject({ ok: true });
    expect(await until(() => seen('end') && service.activeRuns() === 0)).toBe(true);
    expect((sweeps.get(id) ?? []).find((e) => e.type === 'end')).toMatchObject({ cancelled: true });
    sweeps.delete(id);
  }

  for (const mode of ['unprivileged', 'auto'] as const) {
    it(`${mode}: ${CYCLES} sweeps cancelled at start leave no file descriptor or child process behind once they have ended`, async () => {
      await cancelAtStart(mode); // warm-up: lazily opened, long-lived handles (history database) come first
      const before = { ...fds(), children: children().length };
      for (let i = 0; i < CYCLES; i++) await cancelAtStart(mode);
      // Counted when the runs have ended (no waiting for stragglers): the end of a run means its
      // sockets and processes are gone.
      expect({ ...fds(), children: children().length }).toEqual(before);
    }, 300_000);
  }
});
