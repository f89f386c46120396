/** `scanready diagnose` end to end: the real CLI (through tsx) against the lab. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';

const MAIN = path.resolve('electron/cli/main.ts');

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'diagnose', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(skipWithoutRawSockets())('scanready diagnose (lab)', () => {
  it('--json on .19: one object with discovery, path, openPorts, auth, advice; exit 1 (not alive)', () => {
    const r = cli([LAB.offProfile, '--json', '--scanner-ip', LAB.scannerAddress, '--timeout', '600', '--retries', '0']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as DiagnosisResult;
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['discovery', 'path', 'openPorts', 'auth', 'advice']));
    expect(out.auth).toBeNull();
    expect(out.discovery.verdict).toBe('not-alive');
    expect(out.openPorts?.map((p) => p.port)).toEqual([8443]);
    const top = out.advice[0];
    expect(top).toMatchObject({ id: 'add-tcp-port', ports: [8443] });
    expect(Object.keys(top ?? {})).toEqual(expect.arrayContaining(['id', 'title', 'why', 'actions']));
    expect(out.scannerIps).toEqual([LAB.scannerAddress]);
  });

  it('human output on .17: verdict, path table with the blocking hop, advice with who to ask', () => {
    const r = cli([LAB.routerReject, '--no-port-finder']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FILTERED IN PATH');
    expect(r.stdout).toMatch(/2\s+198\.18\.0\.2\s+[\d.]+ ms\s+ICMP 3\/13 administratively prohibited {2}← blocks/);
    expect(r.stdout).toContain('What to change');
    // The device is named by the first hop it answered at (shared/pathFacts.ts): the gateway here.
    expect(r.stdout).toMatch(/1\. \[fix\] 198\.18\.0\.2 \(hop 1, this machine's gateway\) on the path rejects the probes/);
    expect(r.stdout).toContain('who to ask:');
    // No --scanner-ip: the rules use this machine's address and say so.
    expect(r.stdout).toContain(`firewall rules use this machine's address toward the target (${LAB.scannerAddress})`);
  });

  it('.10 alive: exit 0, nothing to change', () => {
    const r = cli([LAB.open]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Nothing to change');
  });

  it('.20 with credentials from the environment: steps printed, secret never printed', () => {
    const secret = 'SrLab-nopasswd-pw1';
    const dir = mkdtempSync(path.join(tmpdir(), 'srdiag-cli-'));
    const r = cli([LAB.ssh, '--user', 'srlab-nopasswd', '--password-env', 'SR_PW', '--accept-new-host-key', '--known-hosts', path.join(dir, 'kh.json'), '--sessions', '3', '--json'], { SR_PW: secret });
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as DiagnosisResult;
    expect(out.auth?.status).toBe('passed');
    expect(out.advice.map((a) => a.id)).toContain('audit-scan-account');
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
  });
});

describe('scanready diagnose as an ordinary user (no raw sockets)', () => {
  it('.19: connect() port finder finds 8443, system traceroute, add-tcp-port before run-privileged-probes', () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const r = spawnSync('su', [LAB.unprivilegedUser, '-s', '/bin/sh', '-c', `cd /tmp && NO_COLOR=1 ${tsx} ${MAIN} diagnose ${LAB.offProfile} --json --scanner-ip ${LAB.scannerAddress}`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as DiagnosisResult;
    expect(out.discovery.privileged).toBe(false);
    expect(out.discovery.verdict).toBe('inconclusive');
    expect(out.path?.method).toBe('system-traceroute');
    expect(out.portFinder?.tcpMethod).toBe('connect');
    expect(out.openPorts?.find((p) => p.protocol === 'tcp')).toMatchObject({ port: 8443, result: 'syn-ack' });
    expect(out.advice.slice(0, 2).map((a) => a.id)).toEqual(['add-tcp-port', 'run-privileged-probes']);
    expect(out.notes?.join(' ')).toMatch(/unprivileged run/);
  });
});

describe('scanready diagnose: bad input (exit 2)', () => {
  it.each([
    [['198.18.1.10', '--scanner-ip', 'scanner.example'], /--scanner-ip "scanner.example" is not an IPv4 or IPv6 address/],
    [['198.18.1.0/30'], /one host/],
    [['198.18.1.10', '--top-ports', '0'], /--top-ports must be 1-65535/],
    [['198.18.1.10', '--key', '/nonexistent'], /credential options need --user/],
    [['198.18.1.10', '--user', 'x', '--password', 'secret'], /unknown option/],
  ])('%j', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
