/**
 * The plumbing of "Run privileged probes": command construction per OS, exit classification,
 * and the pipe protocol with the REAL helper (`scanready privileged-helper`) run here without an
 * elevation tool — as this process's user (root: raw sockets) and as srlab-user (none). That the
 * elevation itself works is elevate.lab.test.ts (the service as an ordinary user, sudo).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiscoveryEvent } from '../../shared/discovery.js';
import { profileSchema, type DiscoveryProfile } from '../../shared/profiles.js';
import { classifyExit, helperArgv, listenForHelper, planElevation, streamHelper, type CliInvocation, type ElevationPlan } from './elevate.js';
import { HELPER_COMMAND, HELPER_PROTOCOL_VERSION, type HelperRequest } from './helperProtocol.js';

const ROOT = path.resolve(__dirname, '..', '..');
const LOADER = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const cli: CliInvocation = { command: process.execPath, args: ['--import', LOADER, path.join(ROOT, 'electron', 'cli', 'main.ts')] };
const FAST: DiscoveryProfile = profileSchema.parse({ name: 'lab-ack', tcpSyn: [22], udp: [], tcpAck: [{ sourcePort: 80, port: 2869 }], tcpSynAck: [], icmpEcho: false, timeoutMs: 500, retries: 0 });
const request = (entries: string[], profile = FAST): HelperRequest => ({ v: HELPER_PROTOCOL_VERSION, entries, profile, force: false });

/** The stdio shape (sudo / pkexec) without the tool: the helper runs as this user, or as `asUser`. */
const stdioPlan = (asUser?: string): ElevationPlan => ({
  method: 'sudo',
  command: asUser ? 'runuser' : cli.command,
  args: asUser ? ['-u', asUser, '--', ...helperArgv(cli)] : helperArgv(cli).slice(1),
  channel: 'stdio',
});

async function collect(gen: AsyncGenerator<DiscoveryEvent>, onEvent?: (ev: DiscoveryEvent) => void): Promise<DiscoveryEvent[]> {
  const out: DiscoveryEvent[] = [];
  for await (const ev of gen) {
    out.push(ev);
    onEvent?.(ev);
  }
  return out;
}

describe('command construction', () => {
  const app: CliInvocation = { command: '/Applications/Scan Ready.app/Contents/MacOS/ScanReady', args: ["--it's", '--scanready-cli'] };
  const connect = { port: 41234, nonce: 'ab'.repeat(32) };

  it('the helper argv carries no target, profile or file: only the subcommand (and where to connect)', () => {
    expect(helperArgv(cli)).toEqual([...[cli.command, ...cli.args], HELPER_COMMAND]);
    expect(helperArgv(app, connect)).toEqual([app.command, ...app.args, HELPER_COMMAND, '--connect', '41234', '--nonce', connect.nonce]);
  });

  it('macOS: the AppleScript wraps a shell line that survives spaces and quotes and redirects only to /dev/null (run for real through sh)', async () => {
    const plan = await planElevation('darwin', app, connect);
    expect(plan).toMatchObject({ method: 'osascript', command: '/usr/bin/osascript', channel: 'connect' });
    const m = /^do shell script "(.*)" with administrator privileges$/.exec(plan!.args[1]!);
    expect(m).not.toBeNull();
    const shLine = m![1]!.replace(/\\(["\\])/g, '$1');
    expect(shLine.endsWith(' < /dev/null > /dev/null 2>&1')).toBe(true);
    const argvLine = shLine.replace(/ < \/dev\/null > \/dev\/null 2>&1$/, '');
    const printed = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${argvLine}`], { encoding: 'utf8' }).trimEnd().split('\n');
    expect(printed).toEqual(helperArgv(app, connect));
  });

  it('windows: Start-Process -Verb RunAs on the helper itself (no cmd.exe, no redirection)', async () => {
    const win: CliInvocation = { command: 'C:\\Program Files\\ScanReady\\ScanReady.exe', args: ['--scanready-cli'] };
    const plan = await planElevation('win32', win, connect);
    expect(plan?.command).toBe('powershell.exe');
    expect(plan?.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command']);
    expect(plan?.args[5]).toBe(
      `$p = Start-Process -FilePath 'C:\\Program Files\\ScanReady\\ScanReady.exe' -ArgumentList '--scanready-cli','${HELPER_COMMAND}','--connect','41234','--nonce','${connect.nonce}' -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode`,
    );
    expect(plan?.args.join(' ')).not.toMatch(/cmd|>/);
  });

  it('linux: pkexec in a desktop session (sudo not even asked), else sudo when a rule allows the helper, else pkexec, else none', async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'sr-elev-bin-'));
    try {
      const asked = path.join(bin, 'sudo-asked');
      const tool = (name: string, body: string): void => writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      tool('pkexec', 'exit 0');
      tool('sudo', `printf '%s\\n' "$*" >> '${asked}'; exit 0`);
      const desktop = await planElevation('linux', cli, undefined, { PATH: bin, DISPLAY: ':0' });
      expect(desktop).toEqual({ method: 'pkexec', command: path.join(bin, 'pkexec'), args: helperArgv(cli), channel: 'stdio' });
      expect(existsSync(asked)).toBe(false);
      const headless = await planElevation('linux', cli, undefined, { PATH: bin });
      expect(headless).toEqual({ method: 'sudo', command: path.join(bin, 'sudo'), args: ['-n', '--', ...helperArgv(cli)], channel: 'stdio' });
      expect(readFileSync(asked, 'utf8').trim()).toBe(['-n', '-l', '--', ...helperArgv(cli)].join(' '));
      tool('sudo', 'echo "sudo: a password is required" >&2; exit 1');
      expect(await planElevation('linux', cli, undefined, { PATH: bin })).toMatchObject({ method: 'pkexec' });
      rmSync(path.join(bin, 'pkexec'));
      expect(await planElevation('linux', cli, undefined, { PATH: bin })).toBeNull();
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('refuses a relative helper path and unsupported platforms', async () => {
    await expect(planElevation('linux', { command: 'node', args: [] })).rejects.toThrow(/absolute/);
    expect(await planElevation('aix', cli)).toBeNull();
  });

  it('classifies exits; quotes only the elevation tool\'s own words', () => {
    expect(classifyExit('sudo', 0, '', true)).toBeNull();
    expect(classifyExit('sudo', 0, '', false)).toMatchObject({ code: 'elevation-failed' });
    expect(classifyExit('pkexec', 126, '', false)).toMatchObject({ code: 'elevation-failed', message: expect.stringMatching(/cancelled or refused/) as unknown });
    expect(classifyExit('osascript', 1, '0:1: execution error: User canceled. (-128)', false)).toMatchObject({ code: 'elevation-failed' });
    expect(classifyExit('runas', 1, 'The operation was canceled by the user.', false)).toMatchObject({ code: 'elevation-failed' });
    const sudo = classifyExit('sudo', 1, 'junk \u001b]0;owned\u0007 line\nsudo: a password is required\n', false);
    expect(sudo).toMatchObject({ code: 'elevation-failed', message: expect.stringMatching(/\(sudo: a password is required\)/) as unknown });
    expect(sudo?.message).not.toMatch(/owned|junk/);
    const crashed = classifyExit('sudo', 3, 'Error: bad target "secret-host\u001b[31m"\n    at x.js:1:1', true);
    expect(crashed).toMatchObject({ code: 'internal', message: 'The privileged probe helper failed (exit 3).' });
  });
});

describe('the pipe protocol with the real helper (no elevation tool)', () => {
  it('stdio: request in, the helper\'s hello and its engine\'s events out; the start event names the helper', async () => {
    const events = await collect(streamHelper(stdioPlan(), request([LAB.synFilter]), new AbortController().signal));
    expect(events.map((e) => e.type)).toEqual(['start', 'host-start', 'probe', 'probe', 'host-done', 'progress', 'end']);
    const start = events[0] as Extract<DiscoveryEvent, { type: 'start' }>;
    expect(start).toMatchObject({ total: 1, privileged: true, profile: 'lab-ack', helper: { euid: 0 } });
    expect(start.helper?.pid).not.toBe(process.pid);
    const done = events.find((e) => e.type === 'host-done');
    expect(done).toMatchObject({ result: { address: LAB.synFilter, alive: true, privileged: true } });
    const ack = events.flatMap((e) => (e.type === 'probe' && e.probe.kind === 'ack' ? [e.probe] : []));
    expect(ack).toEqual([expect.objectContaining({ method: 'raw', result: 'rst', port: 2869, sourcePort: 80 })]);
  });

  it('connect-back (the macOS/Windows channel): only the connection with the nonce is the pipe', async () => {
    const listener = await listenForHelper();
    try {
      // An impostor that does not know the nonce is dropped.
      const net = await import('node:net');
      const impostor = net.connect(listener.port, '127.0.0.1');
      impostor.on('error', () => undefined);
      impostor.write('not-the-nonce\n');
      const plan: ElevationPlan = { method: 'osascript', command: cli.command, args: helperArgv(cli, { port: listener.port, nonce: listener.nonce }).slice(1), channel: 'connect' };
      const events = await collect(streamHelper(plan, request([LAB.synFilter]), new AbortController().signal, listener));
      expect(events[0]).toMatchObject({ type: 'start', privileged: true, helper: { euid: 0 } });
      expect(events.find((e) => e.type === 'host-done')).toMatchObject({ result: { alive: true } });
      impostor.destroy();
    } finally {
      listener.close();
    }
  });

  it('a helper without raw sockets (run as srlab-user) says so, and produces no results', async () => {
    const err = await collect(streamHelper(stdioPlan(LAB.unprivilegedUser), request([LAB.synFilter]), new AbortController().signal)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/no raw sockets: it did not run as root/) as unknown });
  });

  it('a hostile request gets a field-naming refusal that never echoes its content', async () => {
    const marker = '\u001b]0;owned\u0007\u001b[31mSECRET-LINE';
    const run = (line: string): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn(cli.command, helperArgv(cli).slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
        // The helper stops reading at its cap: the rest of a huge write fails with EPIPE, as it should.
        child.stdin.on('error', () => undefined);
        child.stdin.write(line);
      });
    const cases = [
      `${marker}\n`,
      `${JSON.stringify({ ...request([marker]), profile: { ...FAST, name: marker, tcpSyn: [70000] } })}\n`,
      `${JSON.stringify(request([`${marker}.invalid..name`]))}\n`,
      `${JSON.stringify({ ...request(['198.18.1.13']), extra: marker })}\n`,
    ];
    const [big, ...replies] = await Promise.all([run(`{"v":1,"entries":["${'a'.repeat(2 * 1024 * 1024)}`), ...cases.map(run)]);
    // Oversized: refused at the cap, without reading it all.
    expect(big.out).toMatch(/larger than 1048576 bytes/);
    for (const [i, line] of cases.entries()) {
      const r = replies[i]!;
      expect(r.code, line).toBe(2);
      expect(r.out, line).toMatch(/"type":"helper-error","code":"bad-input"/);
      expect(r.out, line).not.toContain('SECRET-LINE');
      expect(r.out, line).not.toContain('owned');
    }
  }, 180_000);

  it('cancel closes the pipe: the helper stops and the run ends marked cancelled', async () => {
    const controller = new AbortController();
    const events = await collect(
      streamHelper(stdioPlan(), request([LAB.farmCidr], { ...FAST, timeoutMs: 1000 }), controller.signal),
      (ev) => {
        if (ev.type === 'host-done') controller.abort();
      },
    );
    expect(events.at(-1)).toMatchObject({ type: 'end', cancelled: true });
    expect((events.at(-1) as { done: number }).done).toBeLessThan(254);
  });
});
