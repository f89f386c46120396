/**
 * Files and text from outside, through the real CLI: special files are refused with one line
 * (never a hang, never hundreds of MB read), terminal escapes in input never reach the terminal,
 * and none of these runs sends a packet (an nftables counter in the lab router stays at zero).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendCounter, type SendCounter } from '../../e2e/lab/sendCounter.js';

const MAIN = path.resolve('electron/cli/main.ts');
const dir = mkdtempSync(path.join(tmpdir(), `sr-untrusted-${process.pid}-`));
const fifo = path.join(dir, 'fifo');
let counter: SendCounter;

beforeAll(async () => {
  execFileSync('mkfifo', [fifo]);
  counter = createSendCounter();
  await counter.selfTest();
});
afterAll(() => {
  counter.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  // The timeout only turns a hang (a FIFO read) into a failed assertion instead of a stuck run.
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1', SCANREADY_HOME: path.join(dir, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLineRefusal(r: ReturnType<typeof cli>, message: RegExp, exitCode = 2): void {
  expect(r.signal).toBeNull(); // not killed by the hang guard
  expect(r.code).toBe(exitCode);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

describe('special files named by the user are refused at once', () => {
  const key = path.join(dir, 'key');
  writeFileSync(key, 'not really a key\n');
  // [name, argv for a file, label in the message, exit status: 2 bad input; the store itself unreadable is 3]
  const cases: [string, (file: string) => string[], RegExp, number][] = [
    ['discover --targets-file', (f) => ['discover', '--targets-file', f], /targets file/, 2],
    ['discover --profile', (f) => ['discover', counter.address, '--profile', f], /profile file/, 2],
    ['auth --key', (f) => ['auth', counter.address, '--user', 'x', '--key', f], /key file/, 2],
    ['auth --import-known-hosts', (f) => ['auth', counter.address, '--user', 'x', '--key', key, '--import-known-hosts', f], /known_hosts file/, 2],
    ['auth --known-hosts', (f) => ['auth', counter.address, '--user', 'x', '--key', key, '--known-hosts', f], /known_hosts file/, 3],
    ['diagnose --import-known-hosts', (f) => ['diagnose', counter.address, '--user', 'x', '--key', key, '--import-known-hosts', f], /known_hosts file/, 2],
  ];
  it.each(cases)('%s /dev/zero, a FIFO, a directory: one line naming the file; nothing sent', (_name, args, label, exitCode) => {
    for (const [file, what] of [
      ['/dev/zero', 'a character device'],
      [fifo, 'a FIFO'],
      [dir, 'a directory'],
    ] as const) {
      const r = cli(args(file));
      expectOneLineRefusal(r, new RegExp(`^scanready: cannot read ${label.source} "${file.replace(/[/.]/g, '\\$&')}": it is ${what}`), exitCode);
    }
    expect(counter.packets()).toBe(0);
  });

  it('a targets file over the cap names the limit', () => {
    const big = path.join(dir, 'big.txt');
    // Over the 4 MiB cap whatever the length of this run's address (10-14 characters).
    const line = `${counter.address}\n`;
    writeFileSync(big, line.repeat(Math.ceil((4 * 1024 * 1024) / line.length) + 1000));
    const r = cli(['discover', '--targets-file', big]);
    expectOneLineRefusal(r, /cannot read targets file ".*big\.txt": it is [\d.]+ MiB, more than the 4 MiB limit for a targets file/);
    expect(counter.packets()).toBe(0);
  });
});

describe('terminal escapes in input never reach the terminal', () => {
  it('a targets file line with OSC and CSI sequences is echoed inert', () => {
    const file = path.join(dir, 'evil.txt');
    writeFileSync(file, `${counter.address}\n\u001b]0;owned\u0007\u001b[31m\n`);
    const r = cli(['discover', '--targets-file', file]);
    expectOneLineRefusal(r, /bad target "\\x1b\]0;owned\\x07\\x1b\[31m"/);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(counter.packets()).toBe(0);
  });

  it('escapes in arguments and file names are inert too', () => {
    const r = cli(['discover', '--targets-file', path.join(dir, 'no\u001b[2Jsuch\u009b31m')]);
    expectOneLineRefusal(r, /cannot read targets file ".*no\\x1b\[2Jsuch\\x9b31m": no such file/);
    const r2 = cli(['discover', counter.address, '--bogus\u001b]0;x\u0007']);
    expect(r2.code).toBe(2);
    // eslint-disable-next-line no-control-regex
    expect(r2.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(counter.packets()).toBe(0);
  });
});
