import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryEvent } from '../../shared/discovery.js';
import { BUILTIN_PROFILES } from '../../shared/profiles.js';
import {
  classifyExit,
  cmdQuote,
  discoverCliArgs,
  elevationStatus,
  planElevation,
  runElevatedDiscover,
  shQuote,
  type ElevationPlan,
} from './elevate.js';

const profile = BUILTIN_PROFILES[0]!;
let dir: string;
let helper: string;

/**
 * A stand-in for `scanready discover --json` (the same argv contract): reads the targets and
 * profile files it is given, prints one HostResult line per target with a pause between them,
 * and exits with the status a target named `exitN` asks for.
 */
const HELPER = `
const fs = require('node:fs');
const args = process.argv.slice(2);
const at = (flag) => args[args.indexOf(flag) + 1];
if (args[0] !== 'discover' || !args.includes('--json')) { process.stderr.write('scanready: bad argv ' + args.join(' ') + '\\n'); process.exit(2); }
const targets = fs.readFileSync(at('--targets-file'), 'utf8').split('\\n').filter(Boolean);
const profile = JSON.parse(fs.readFileSync(at('--profile'), 'utf8'));
let i = 0;
const next = () => {
  const t = targets[i++];
  if (t === undefined) process.exit(0);
  const m = /^exit(\\d+)$/.exec(t);
  if (m) { process.stderr.write('scanready: helper says no to ' + t + '\\n'); process.exit(Number(m[1])); }
  const r = { target: t, address: t, family: 4, alive: true, verdict: 'alive', reason: 'echo reply', aliveBy: 'ICMP', privileged: true,
    profile: profile.name, probes: [{ protocol: 'icmp', kind: 'echo', port: null, sourcePort: null, method: 'raw', result: 'echo-reply',
    responder: t, fromTarget: true, icmpType: 0, icmpCode: 0, ttl: 64, rttMs: 0.1, attempts: 1, countsAsAlive: true }],
    warnings: [], startedAt: new Date().toISOString(), durationMs: 1 };
  // Split one line across two writes: the reader must reassemble it.
  const line = JSON.stringify(r) + '\\n';
  process.stdout.write(line.slice(0, 10));
  setTimeout(() => { process.stdout.write(line.slice(10)); setTimeout(next, 400); }, 20);
};
next();
`;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scanready-elev-'));
  helper = path.join(dir, 'helper with space.cjs');
  writeFileSync(helper, HELPER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (): { command: string; args: string[] } => ({ command: process.execPath, args: [helper] });
const stdoutPlan = (args: string[]): ElevationPlan => ({ method: 'pkexec', command: process.execPath, args: [helper, ...args], output: { kind: 'stdout' } });
/** The macOS/Windows shape (output redirected into a file we tail), run through sh instead of an elevation prompt. */
const filePlan = (args: string[], files: { stdoutFile: string; stderrFile: string }): ElevationPlan => ({
  method: 'osascript',
  command: '/bin/sh',
  args: ['-c', `${[process.execPath, helper, ...args].map(shQuote).join(' ')} > ${shQuote(files.stdoutFile)} 2> ${shQuote(files.stderrFile)}`],
  output: { kind: 'file', ...files },
});

async function collect(
  entries: string[],
  plan: (a: string[], f: { stdoutFile: string; stderrFile: string }) => ElevationPlan,
  signal = new AbortController().signal,
  onEvent?: (ev: DiscoveryEvent, ms: number) => void,
): Promise<DiscoveryEvent[]> {
  const out: DiscoveryEvent[] = [];
  const t0 = Date.now();
  for await (const ev of runElevatedDiscover({ cli: cli(), entries, total: entries.length, profile, force: false, signal, plan })) {
    out.push(ev);
    onEvent?.(ev, Date.now() - t0);
  }
  return out;
}

describe('command construction', () => {
  const files = { stdoutFile: '/tmp/d ir/out.ndjson', stderrFile: "/tmp/d ir/it's.txt" };
  const args = discoverCliArgs({ targetsFile: '/tmp/d ir/targets.txt', profileFile: '/tmp/d ir/profile.json', force: true, ratePps: 500 });

  it('builds the helper argv', () => {
    expect(args).toEqual(['discover', '--json', '--targets-file', '/tmp/d ir/targets.txt', '--profile', '/tmp/d ir/profile.json', '--force', '--rate', '500']);
  });

  it('linux: pkexec with the absolute helper and untouched argv', () => {
    const plan = planElevation('linux', { command: '/opt/ScanReady/scanready', args: ['--no-sandbox', '--scanready-cli'] }, args, files);
    expect(plan).toEqual({ method: 'pkexec', command: 'pkexec', args: ['/opt/ScanReady/scanready', '--no-sandbox', '--scanready-cli', ...args], output: { kind: 'stdout' } });
    expect(() => planElevation('linux', { command: 'node', args: [] }, args, files)).toThrow(/absolute/);
  });

  it('macOS: the AppleScript wraps a shell line that survives spaces and quotes (run for real through sh)', () => {
    const plan = planElevation('darwin', { command: '/Applications/Scan Ready.app/Contents/MacOS/ScanReady', args: ['--scanready-cli'] }, args, files);
    expect(plan.command).toBe('/usr/bin/osascript');
    expect(plan.output).toEqual({ kind: 'file', ...files });
    const script = plan.args[1]!;
    const m = /^do shell script "(.*)" with administrator privileges$/.exec(script);
    expect(m).not.toBeNull();
    const shLine = m![1]!.replace(/\\(["\\])/g, '$1');
    // Replace the redirections with nothing and let sh print the argv it would run.
    const argvLine = shLine.replace(/ > .*$/, '');
    const printed = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${argvLine}`], { encoding: 'utf8' }).trimEnd().split('\n');
    expect(printed).toEqual(['/Applications/Scan Ready.app/Contents/MacOS/ScanReady', '--scanready-cli', ...args]);
    expect(shLine).toContain(`> '/tmp/d ir/out.ndjson' 2> '/tmp/d ir/it'\\''s.txt'`);
  });

  it('windows: Start-Process -Verb RunAs around a cmd line with quoted paths', () => {
    const winFiles = { stdoutFile: 'C:\\Users\\a b\\AppData\\Local\\Temp\\x\\out.ndjson', stderrFile: 'C:\\Users\\a b\\AppData\\Local\\Temp\\x\\err.txt' };
    const plan = planElevation('win32', { command: 'C:\\Program Files\\ScanReady\\ScanReady.exe', args: ['--scanready-cli'] }, ['discover', '--json'], winFiles);
    expect(plan.command).toBe('powershell.exe');
    expect(plan.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command']);
    expect(plan.args[5]).toBe(
      `$p = Start-Process -FilePath 'cmd.exe' -ArgumentList '/d /s /c ""C:\\Program Files\\ScanReady\\ScanReady.exe" "--scanready-cli" "discover" "--json" > "${winFiles.stdoutFile}" 2> "${winFiles.stderrFile}""' -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode`,
    );
    expect(() => cmdQuote('a"b')).toThrow(/cmd\.exe/);
    expect(() => cmdQuote('100%')).toThrow(/cmd\.exe/);
    expect(() => planElevation('win32', { command: "C:\\it's\\x.exe", args: [] }, [], winFiles)).not.toThrow();
  });

  it('unsupported platforms and a missing helper say why', () => {
    expect(() => planElevation('aix', cli(), [], files)).toThrow(/not supported on aix/);
    expect(elevationStatus('linux', null)).toMatchObject({ available: false, reason: expect.stringMatching(/helper/) as unknown });
    expect(elevationStatus('darwin', cli())).toEqual({ available: true, method: 'osascript' });
    expect(elevationStatus('win32', cli())).toEqual({ available: true, method: 'runas' });
  });

  it('classifies exits', () => {
    expect(classifyExit('pkexec', 0, '')).toBeNull();
    expect(classifyExit('pkexec', 1, '')).toBeNull();
    expect(classifyExit('pkexec', 126, '')).toMatchObject({ code: 'elevation-failed' });
    expect(classifyExit('osascript', 1, '')).toBeNull();
    expect(classifyExit('osascript', 255, '0:1: execution error: User canceled. (-128)')).toMatchObject({ code: 'elevation-failed' });
    expect(classifyExit('runas', 1, 'This command cannot be run due to the error: The operation was canceled by the user.')).toBeNull();
    expect(classifyExit('runas', 255, 'The operation was canceled by the user.')).toMatchObject({ code: 'elevation-failed' });
    expect(classifyExit('pkexec', 2, 'scanready: bad target "x"\n')).toMatchObject({ code: 'bad-input', message: 'bad target "x"' });
    expect(classifyExit('pkexec', 3, 'boom\nscanready: raw socket failed\n')).toMatchObject({ code: 'internal', message: expect.stringMatching(/exit 3\): raw socket failed$/) as unknown });
  });
});

describe('streaming the helper output', () => {
  it('stdout mode: events arrive while the helper still runs', async () => {
    const times: Record<string, number> = {};
    const events = await collect(['198.18.1.10', '198.18.1.11', '198.18.1.12'], stdoutPlan, undefined, (ev, ms) => {
      if (ev.type === 'host-done') times[ev.result.target] = ms;
      if (ev.type === 'end') times.end = ms;
    });
    expect(events.map((e) => e.type)).toEqual([
      'start',
      ...Array.from({ length: 3 }, () => ['host-start', 'probe', 'host-done', 'progress']).flat(),
      'end',
    ]);
    expect(events[0]).toEqual({ type: 'start', total: 3, privileged: true, profile: 'qualys-default' });
    expect(events.at(-1)).toMatchObject({ type: 'end', done: 3, total: 3, alive: 3, cancelled: false });
    // The first host was delivered long before the helper finished (≈400 ms per host).
    expect(times.end! - times['198.18.1.10']!).toBeGreaterThan(600);
  });

  it('file mode (macOS/Windows shape): the tail streams too', async () => {
    const times: number[] = [];
    const events = await collect(['198.18.1.10', '198.18.1.11'], filePlan, undefined, (ev, ms) => {
      if (ev.type === 'host-done' || ev.type === 'end') times.push(ms);
    });
    expect(events.filter((e) => e.type === 'host-done')).toHaveLength(2);
    expect(times[2]! - times[0]!).toBeGreaterThan(300);
  });

  it('helper refusals and failures become typed errors after the hosts it did report', async () => {
    const seen: DiscoveryEvent[] = [];
    await expect(
      (async () => {
        for await (const ev of runElevatedDiscover({ cli: cli(), entries: ['198.18.1.10', 'exit2'], total: 2, profile, force: false, signal: new AbortController().signal, plan: stdoutPlan })) seen.push(ev);
      })(),
    ).rejects.toMatchObject({ code: 'bad-input', message: 'helper says no to exit2' });
    expect(seen.filter((e) => e.type === 'host-done')).toHaveLength(1);
    await expect(collect(['exit126'], stdoutPlan)).rejects.toMatchObject({ code: 'elevation-failed' });
    await expect(collect(['exit3'], filePlan)).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/helper says no to exit3/) as unknown });
    const missing = (): ElevationPlan => ({ method: 'pkexec', command: path.join(dir, 'no-such-tool'), args: [], output: { kind: 'stdout' } });
    await expect(collect(['x'], missing)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cannot start/) as unknown });
  });

  it('cancel ends the run promptly, marked cancelled', async () => {
    const controller = new AbortController();
    const t0 = Date.now();
    const events = await collect(['198.18.1.10', '198.18.1.11', '198.18.1.12', '198.18.1.13', '198.18.1.14'], stdoutPlan, controller.signal, (ev) => {
      if (ev.type === 'host-done') controller.abort();
    });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(events.filter((e) => e.type === 'host-done')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'end', cancelled: true, done: 1 });
  });
});
