/** `scanready discover` end to end: the real CLI (through tsx) against loopback and the lab. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import { createSendCounter, type SendCounter } from '../../e2e/lab/sendCounter.js';
import type { HostResult } from '../../shared/discovery.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';

const MAIN = path.resolve('electron/cli/main.ts');
const tmp = mkdtempSync(path.join(tmpdir(), 'scanready-discover-cli-'));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'discover', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ndjson(stdout: string): HostResult[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HostResult);
}

describe('scanready discover: bad input is one clear line, exit 2, nothing sent', () => {
  // Every run below aims at a per-run lab address whose outgoing packets an nftables counter counts.
  let counter: SendCounter;
  beforeAll(async () => {
    counter = createSendCounter();
    await counter.selfTest();
  });
  afterAll(() => counter.close());
  const T = '{counted}';
  const emptyFile = path.join(tmp, 'empty.txt');
  writeFileSync(emptyFile, '# nothing\n\n');
  const badProfile = path.join(tmp, 'bad-profile.json');
  writeFileSync(badProfile, JSON.stringify({ name: 'x', tcpSyn: [70000] }));
  const notJson = path.join(tmp, 'not-json.json');
  writeFileSync(notJson, '{ nope');

  it.each([
    [['999.1.1.1'], /bad IPv4 address "999\.1\.1\.1"/],
    [['10.0.0.0/33'], /IPv4 prefix is 0-32/],
    [[T, '--tcp', '70000'], /port 70000 out of range/],
    [[T, '--udp', '1-x'], /bad UDP port list entry/],
    [[T, '--timeout', 'soon'], /--timeout must be a whole number/],
    [['--targets-file', emptyFile], /has no targets/],
    [['--targets-file', path.join(tmp, 'missing.txt')], /cannot read targets file/],
    [[], /no targets/],
    [[T, '--profile', 'no-such-profile'], /unknown profile "no-such-profile"/],
    [[T, '--profile', badProfile], /tcpSyn\.0: port must be 1-65535/],
    [[T, '--profile', notJson], /is not valid JSON/],
    // Lab space only, even if the size check were broken.
    [['198.18.0.0/15'], /larger than a \/16.*--force/],
    [[T, 'no-such-host.invalid'], /cannot resolve host name/],
    [[T, '--bogus'], /unknown option '--bogus'/],
  ])('%j', (given, message) => {
    const args = given.map((a) => (a === T ? counter.address : a));
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(r.stderr.startsWith('scanready: ')).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(counter.packets()).toBe(0);
  });
});

describe('scanready discover: loopback', () => {
  it('--json: one NDJSON object per host with every contract field; exit 0 when alive', () => {
    const r = cli(['127.0.0.1', '--tcp', '1', '--udp', '9', '--no-icmp', '--timeout', '300', '--retries', '0', '--json']);
    expect(r.code).toBe(0);
    const [h, ...rest] = ndjson(r.stdout);
    expect(rest).toEqual([]);
    expect(h).toMatchObject({ target: '127.0.0.1', address: '127.0.0.1', alive: true, verdict: 'alive' });
    expect(typeof h?.reason).toBe('string');
    expect(typeof h?.privileged).toBe('boolean');
    for (const p of h?.probes ?? []) {
      for (const key of ['protocol', 'kind', 'port', 'sourcePort', 'method', 'result', 'responder', 'icmpType', 'icmpCode', 'ttl', 'rttMs']) {
        expect(p).toHaveProperty(key);
      }
    }
    // TCP 1 is closed on loopback: RST (raw) or ECONNREFUSED (connect) — both proof of life.
    expect(h?.probes.find((p) => p.protocol === 'tcp' && p.port === 1)?.result).toBe('rst');
  });

  it('a custom profile beyond the Qualys limits still runs but says so', () => {
    const big = path.join(tmp, 'big-profile.json');
    const ports = Array.from({ length: 25 }, (_, i) => 20_000 + i);
    writeFileSync(big, JSON.stringify({ name: 'too-many', tcpSyn: ports, udp: [1, 2, 3, 4, 5, 6, 7], icmpEcho: false, timeoutMs: 300, retries: 0 }));
    const r = cli(['127.0.0.1', '--profile', big]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/25 additional TCP ports: Qualys accepts at most 20/);
    expect(r.stderr).toMatch(/7 UDP ports: Qualys accepts at most 6/);
    expect(r.stdout).toContain('TCP SYN 20024');
    expect(r.stdout).toMatch(/verdict: alive/);
  });
});

describe.skipIf(skipWithoutRawSockets())('scanready discover: the lab', () => {
  it('human output: the probe table with method, result, responder, ICMP, TTL and RTT, then the verdict', () => {
    const r = cli([LAB.synFilter]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PROBE\s+METHOD\s+RESULT\s+RESPONDER\s+ICMP\s+TTL\s+RTT/);
    expect(r.stdout).toMatch(new RegExp(`TCP ACK 80→2869\\s+raw\\s+rst\\s+${LAB.synFilter.replace(/\./g, '\\.')}\\s+-\\s+63\\s+[\\d.]+ ms`));
    expect(r.stdout).toMatch(/TCP SYN 22\s+raw\s+no-response/);
    expect(r.stdout).toMatch(/verdict: alive: RST to TCP ACK 80→2869.*stateless SYN filter/);
  });

  it('a silent host: exit 1 and the reason names what was sent', () => {
    const r = cli([LAB.silent, '--json']);
    expect(r.code).toBe(1);
    const [h] = ndjson(r.stdout);
    expect(h).toMatchObject({ alive: false, verdict: 'not-alive', privileged: true });
    expect(h?.probes.every((p) => p.result === 'no-response')).toBe(true);
  });

  it('a sweep with --summary: one line per host and a count; exit 1 when some are not alive', () => {
    const r = cli(['198.18.2.1-6', '--summary', '--timeout', '500']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => /^\S+\s+ALIVE /.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toBe('6 hosts: 3 alive, 3 not alive');
  });

  it('a targets file mixes entries and comments', () => {
    const file = path.join(tmp, 'targets.txt');
    writeFileSync(file, `# lab\n${LAB.open}\n${LAB.farm(2)}  # farm, even = alive\n`);
    const r = cli(['--targets-file', file, '--json', '--timeout', '500']);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout).map((h) => h.address).sort()).toEqual([LAB.open, LAB.farm(2)].sort());
  });

  it('SIGINT cancels a sweep: the hosts done so far are printed, exit 130', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'discover', LAB.farmCidr, '--json', '--rate', '200'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let onData: (() => void) | null = null;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onData?.();
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Interrupt once a few hosts are done (bounded: the whole sweep ending first fails the test).
    const complete = (): number => stdout.split('\n').filter((l) => l.trim() !== '').length;
    await Promise.race([
      new Promise<void>((resolve) => {
        onData = () => {
          if (complete() >= 3) resolve();
        };
        onData();
      }),
      closed,
    ]);
    const before = complete();
    child.kill('SIGINT');
    const code = await closed;
    expect(code).toBe(130);
    const printed = ndjson(stdout);
    expect(before).toBeGreaterThanOrEqual(3);
    expect(printed.length).toBeGreaterThanOrEqual(before);
    expect(printed.length).toBeLessThan(254);
    for (const h of printed) expect(h.address).toMatch(/^198\.18\.2\.\d+$/);
  });
});
