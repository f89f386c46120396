/** `scanready export` (a stored run, no probing) and `scanready show` (read it back), through the real CLI. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/discovery.js';
import { HistoryStore, summarizeDiscovery } from '../history/index.js';

const MAIN = path.resolve('electron/cli/main.ts');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sr-show-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const host: HostResult = {
  target: 'ackonly.lab', address: '198.18.1.11', family: 4, alive: true, verdict: 'alive', reason: 'alive: RST to TCP ACK 80', aliveBy: 'TCP RST',
  privileged: true, profile: 'qualys-default', warnings: [], startedAt: '2026-01-01T00:00:00Z', durationMs: 7,
  probes: [{ protocol: 'tcp', kind: 'ack', port: 80, sourcePort: 2869, method: 'raw', result: 'rst', responder: '198.18.1.11', fromTarget: true, icmpType: null, icmpCode: null, ttl: 63, rttMs: 0.4, attempts: 1, countsAsAlive: true }],
};

describe('scanready export / show', () => {
  it('exports a stored sweep (nothing probed: the address is not even reachable) and shows it as discover did', () => {
    const userData = path.join(tmp, 'ud');
    const store = new HistoryStore(userData);
    const id = 'k0000001-abcdef0123';
    store.add('discovery', summarizeDiscovery(id, ['ackonly.lab'], [host], false, '2026-01-01T00:00:00Z'), { hosts: [host], cancelled: false }, { keepDays: null, keepMB: null });
    store.close();
    const file = path.join(tmp, 'exported.zip');
    const ex = cli(['export', id, file, '--user-data', userData]);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stderr).toContain('bundle written:');
    const shown = cli(['show', file]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('ackonly.lab');
    expect(shown.stdout).toContain('RST to TCP ACK 80');
    expect(shown.stdout).toContain(`history entry ${id}`);
    const json = cli(['show', file, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'scanready-debug-bundle', schemaVersion: 2, discoveries: [{ target: 'ackonly.lab', verdict: 'alive' }] });
  });

  it('an unknown history id: exit 2, one line, nothing written', () => {
    const file = path.join(tmp, 'none.zip');
    const r = cli(['export', 'nope-123', file, '--user-data', path.join(tmp, 'empty')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
  });

  it('show refuses a file that is not a bundle: exit 2, one line', () => {
    const file = path.join(tmp, 'not.zip');
    writeFileSync(file, 'plain text');
    const r = cli(['show', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^scanready: cannot open bundle .*not a zip file/)]);
  });
});
