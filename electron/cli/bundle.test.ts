/** `--bundle` on the CLI: the real CLI (through tsx) against loopback. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.resolve('electron/cli/main.ts');
const tmp = mkdtempSync(path.join(tmpdir(), 'scanready-bundle-cli-'));
const PROBE_ARGS = ['127.0.0.1', '--tcp', '1', '--no-icmp', '--udp', '9', '--timeout', '300', '--retries', '0'];

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function entries(file: string): string[] {
  const r = spawnSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '').sort();
}

describe('scanready discover --bundle', () => {
  it('writes the bundle, says so on stderr, exit 0; --json stdout stays NDJSON', () => {
    const file = path.join(tmp, 'b.zip');
    const r = cli(['discover', ...PROBE_ARGS, '--json', '--bundle', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`bundle written: ${file}`);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const host = JSON.parse(lines[0] ?? '') as { privileged: boolean };
    expect(host).toMatchObject({ target: '127.0.0.1', alive: true });
    expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');
    // Raw mode (root) keeps the run's packets: probes.pcap.
    expect(entries(file)).toEqual(['README.txt', 'environment.json', 'probes.csv', ...(host.privileged ? ['probes.pcap'] : []), 'report.html', 'result.json', 'summary.txt']);
  });

  it('an existing file: exit 2, one line, the file untouched, nothing probed', () => {
    const file = path.join(tmp, 'exists.zip');
    writeFileSync(file, 'mine');
    const r = cli(['discover', ...PROBE_ARGS, '--bundle', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^scanready: bundle .*exists\.zip already exists/)]);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('a missing directory: exit 2, one line', () => {
    const file = path.join(tmp, 'no-such-dir', 'b.zip');
    const r = cli(['discover', ...PROBE_ARGS, '--bundle', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^scanready: cannot write bundle .*does not exist/)]);
    expect(existsSync(file)).toBe(false);
  });
});

describe('scanready diagnose --bundle', () => {
  it('--json: stdout is one JSON object, the bundle holds the diagnosis', () => {
    const file = path.join(tmp, 'd.zip');
    const r = cli(['diagnose', ...PROBE_ARGS, '--no-trace', '--no-port-finder', '--json', '--bundle', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ target: '127.0.0.1' });
    expect(r.stderr).toContain(`bundle written: ${file}`);
    const res = spawnSync('python3', ['-c', 'import sys,zipfile;sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("result.json").decode())', file], { encoding: 'utf8' });
    const parsed = JSON.parse(res.stdout) as { diagnoses: { target: string }[] };
    expect(parsed.diagnoses.map((d) => d.target)).toEqual(['127.0.0.1']);
  });

  it('an existing file: exit 2 before the diagnosis runs', () => {
    const file = path.join(tmp, 'd-exists.zip');
    writeFileSync(file, 'mine');
    const r = cli(['diagnose', ...PROBE_ARGS, '--bundle', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^scanready: bundle .* already exists/);
  });
});
