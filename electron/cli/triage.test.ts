/**
 * `scanready triage` through the real CLI: bad input is one line and exit 2, and nothing is sent
 * until every input is read and checked (an nftables send counter stays at zero even when a good
 * input naming the counted address comes first); a small real triage against lab hosts prints
 * groups largest first, NDJSON hosts then groups, and CSV rows per host.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendCounter, type SendCounter } from '../../e2e/lab/sendCounter.js';
import { LAB } from '../../e2e/lab/hosts.js';

const MAIN = path.resolve('electron/cli/main.ts');
const FIX = path.resolve('electron/triage/fixtures');
const dir = mkdtempSync(path.join(tmpdir(), `sr-triage-cli-${process.pid}-`));
let counter: SendCounter;

beforeAll(async () => {
  counter = createSendCounter();
  await counter.selfTest();
});
afterAll(() => {
  counter.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], timeout = 30_000): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'triage', ...args], {
    encoding: 'utf8',
    timeout,
    env: { ...process.env, NO_COLOR: '1', SCANREADY_USER_DATA: path.join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('bad input: one line, exit 2, nothing sent', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['unknown format', () => [file('u.txt', 'hello; world\n')], /unknown format; triage reads Qualys scan summary \(XML\)/],
    ['XML of another kind', () => [file('x.xml', '<?xml version="1.0"?><html/>')], /root element is <html> is not one of the formats/],
    ['an XML bomb', () => [file('b.xml', '<!DOCTYPE nmaprun [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><nmaprun/>')], /declares its own entities/],
    ['a scan CSV without an IP column', () => [file('n.csv', '"Name","Value"\n"a","b"\n')], /without an IP column/],
    ['a word that is neither a file nor a target', () => ['no_such_file!'], /neither a readable file nor a target/],
    ['a special file', () => ['/dev/zero'], /character device/],
    // The good input comes first and names the counted address: it must not be probed.
    ['a good list, then a bad report', () => [file('good.txt', `${counter.address}\n`), file('bad.xml', '<foo/>')], /not one of the formats/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = cli(args());
      expect(r.signal).toBeNull();
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(counter.packets()).toBe(0);
    });
  }
  it('--json and --csv together', () => {
    const r = cli([path.join(FIX, 'plain-list.txt'), '--json', '--csv']);
    expect(r.code).toBe(2);
    expect(counter.packets()).toBe(0);
  });
});

describe('a real triage of lab hosts', () => {
  it('Nmap XML input: groups largest first (human), NDJSON hosts then groups, CSV per host', () => {
    // The fixture's down hosts: .11 silent, .14 UDP-only, .16 host rejects, .19 TCP 8443 only.
    const xml = path.join(FIX, 'nmap-sn.xml');
    const json = cli([xml, '--json', '--scanner-ip', '198.51.100.7', '--top-ports', '1000'], 300_000);
    expect(json.code).toBe(1);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    const hosts = lines.filter((l) => l.type === 'host');
    const groups = lines.filter((l) => l.type === 'group');
    expect(lines.findIndex((l) => l.type === 'group')).toBe(hosts.length); // hosts first
    expect(lines[lines.length - 1]?.type).toBe('summary');
    expect(hosts.map((h) => h['address']).sort()).toEqual([LAB.silent, LAB.udpOnly, LAB.prohibit, LAB.offProfile].sort());
    const causeOf = (a: string): unknown => groups.find((g) => g['id'] === hosts.find((h) => h['address'] === a)?.['groupId'])?.['cause'];
    expect(causeOf(LAB.silent)).toBe('silent');
    expect(causeOf(LAB.udpOnly)).toBe('alive');
    expect(causeOf(LAB.prohibit)).toBe('rejected-by-host');
    expect(causeOf(LAB.offProfile)).toBe('port-only');
    const reasons = hosts.map((h) => (h['input'] as { reason?: string } | null)?.reason);
    expect(reasons).toContain('host-prohibited'); // nmap's reason carried over
    const portOnly = groups.find((g) => g['cause'] === 'port-only') as unknown as { advice: { id: string; ports?: number[] }[] };
    expect(portOnly.advice.find((a) => a.id === 'add-tcp-port')?.ports).toEqual([8443]);

    const human = cli([xml, '--scanner-ip', '198.51.100.7'], 300_000);
    expect(human.code).toBe(1);
    const sizes = [...human.stdout.matchAll(/^g\d+ {2}(\d+) hosts?/gm)].map((m) => Number(m[1]));
    expect(sizes.length).toBe(groups.length);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    expect(human.stdout).toMatch(/4 hosts triaged: 1 alive, 3 not alive/);
    expect(human.stdout).toMatch(/listed but not probed \(--all probes them\): 1 up/);

    const csv = cli([xml, '--csv', '--scanner-ip', '198.51.100.7'], 300_000);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('address,group,cause,verdict,answered,ports,reason,input_category,input_source,input_reason');
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.startsWith(`"${LAB.offProfile}"`))).toMatch(/"port-only"/);
  });
});
