/**
 * Bundles from real lab runs (e2e/lab: OpenSSH sshd on 198.18.1.20): the credential check's
 * transcript.txt holds every command per step with its output, and no entry of any bundle —
 * made by the engine, from the history, or by the CLI — holds a password, passphrase or private
 * key in plain, base64, hex, URL-encoded or reversed form.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuthRequestInput, AuthResult } from '../../shared/auth.js';
import { LAB } from '../../e2e/lab/hosts.js';
import { runAuthCheck } from '../ssh/authCheck.js';
import { KnownHostsStore } from '../ssh/knownHosts.js';
import { HistoryStore } from '../history/index.js';
import { summarizeAuth } from '../history/summary.js';
import { writeBundle } from './bundle.js';
import { writeBundleFromHistory } from './export.js';
import { readBundle } from './read.js';
import { requestSecrets } from './redact.js';
import { runCli } from './fixtures/cli.js';
import { encodedForms } from './secretForms.testkit.js';

const FIX = path.resolve(__dirname, '..', '..', 'e2e', 'lab', 'fixtures');
const SUDOPW = 'SrLab-sudopw-pw1';
const KEYONLY_PASS = 'SrLab-keypass-1';
const KEY_PASS = readFileSync(path.join(FIX, 'id_ed25519_pass'), 'utf8');
const KEY_PLAIN = readFileSync(path.join(FIX, 'id_ed25519_plain'), 'utf8');
const keyLines = (k: string): string[] => k.split('\n').map((l) => l.trim()).filter((l) => l.length >= 16 && !l.includes('-----'));

/** The forms the issue names, computed independently of the redactor (secretForms.testkit.ts). */
const forms = encodedForms;

function leaks(where: string, text: string, secrets: readonly string[], keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of secrets) for (const f of forms(s)) if (text.includes(f)) out.push(`${where}: ${s} as ${f}`);
  for (const k of keys) {
    for (const l of keyLines(k)) for (const f of forms(l)) if (text.includes(f)) out.push(`${where}: a private key line as ${f.slice(0, 24)}…`);
    if (/PRIVATE KEY-----/i.test(text.replace(/\[REDACTED PRIVATE KEY\]/g, ''))) out.push(`${where}: a private key block`);
  }
  return out;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sr-bundle-lab-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function check(req: Partial<AuthRequestInput> & { user: string }): Promise<AuthResult> {
  return runAuthCheck(
    { host: LAB.ssh, acceptNewHostKey: true, timeoutMs: 8000, sessions: 2, ...req },
    { knownHosts: new KnownHostsStore(path.join(tmp, `kh-${++n}.json`)) },
  );
}

const RUNS: { name: string; req: Partial<AuthRequestInput> & { user: string }; secrets: string[]; keys: string[] }[] = [
  { name: 'password login, sudo asks for the password', req: { user: 'srlab-sudopw', password: SUDOPW, delegation: 'sudo' }, secrets: [SUDOPW], keys: [] },
  { name: 'passphrase-protected key, NOPASSWD', req: { user: 'srlab-keyonly', privateKey: KEY_PASS, passphrase: KEYONLY_PASS }, secrets: [KEYONLY_PASS], keys: [KEY_PASS] },
  { name: 'key login, delegation password for sudo su -', req: { user: 'srlab-sudopw', privateKey: KEY_PLAIN, delegationPassword: SUDOPW }, secrets: [SUDOPW], keys: [KEY_PLAIN] },
];

const cli = runCli;

describe('bundles from real lab credential checks', () => {
  const results: { run: (typeof RUNS)[number]; result: AuthResult }[] = [];

  it.each(RUNS)('$name: the check passes and its transcript is per step, redacted', async (run) => {
    const result = await check(run.req);
    results.push({ run, result });
    expect(result.status, JSON.stringify(result.steps.filter((s) => s.ok === false))).toBe('passed');
    const t = result.transcript ?? [];
    expect(t.length).toBeGreaterThan(5);
    const steps = new Set(t.map((e) => e.step));
    for (const id of ['uid', 'elevate', 'tmp-exec', 'sudo-rules', 'listening']) expect(steps, id).toContain(id);
    const uid = t.find((e) => e.step === 'uid');
    expect(uid?.command).toContain('id -u');
    expect(uid?.exitCode).toBe(0);
    expect(uid?.stdout).toMatch(/uid=\d+/);
    if (run.secrets.includes(SUDOPW)) {
      // The sudo prompt was answered on stdin: recorded, and redacted.
      const answered = t.filter((e) => e.stdin.length > 0);
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.flatMap((e) => e.stdin).join('\n')).toContain('[REDACTED]');
    }
    expect(leaks('result', JSON.stringify(result), run.secrets, run.keys)).toEqual([]);
  }, 90_000);

  it('no bundle entry holds a secret in plain, base64, hex, URL-encoded or reversed form (engine, history, --redact-hosts)', async () => {
    expect(results).toHaveLength(RUNS.length);
    const found: string[] = [];
    const userData = path.join(tmp, 'user-data');
    for (const [i, { run, result }] of results.entries()) {
      for (const redactHosts of [false, true]) {
        const file = path.join(tmp, `engine-${i}-${redactHosts}.zip`);
        await writeBundle(file, { auth: [result] }, { ...requestSecrets(run.req), redactHosts });
        const read = await readBundle(file);
        expect([...read.entries.keys()]).toContain('transcript.txt');
        const transcript = read.entries.get('transcript.txt')?.toString('utf8') ?? '';
        expect(transcript).toContain('--- step uid: ok');
        expect(transcript).toMatch(/\$ .*id -u/);
        if (redactHosts) expect(transcript).not.toContain(LAB.ssh);
        for (const [name, data] of read.entries) found.push(...leaks(`${path.basename(file)}/${name}`, data.toString('latin1'), run.secrets, run.keys));
      }
      // Stored in the history (redacted with the run's secrets), exported from it: no secret known any more at export time.
      const store = new HistoryStore(userData);
      const id = store.add('auth', summarizeAuth('x', result, result.startedAt), result, undefined, requestSecrets(run.req));
      store.close();
      const file = path.join(tmp, `history-${i}.zip`);
      await writeBundleFromHistory(userData, id, file);
      for (const [name, data] of (await readBundle(file)).entries) found.push(...leaks(`history-${i}/${name}`, data.toString('latin1'), run.secrets, run.keys));
    }
    expect(found).toEqual([]);
  }, 60_000);

  it('the CLI: auth --bundle with a password (NOPASSWD, and sudo asking for it): no entry holds it', async () => {
    const keyBundle = path.join(tmp, 'cli-key.zip');
    const pwBundle = path.join(tmp, 'cli-pw.zip');
    const common = ['--accept-new-host-key', '--known-hosts', path.join(tmp, 'cli-kh.json'), '--sessions', '2', '--timeout', '8000', '--json'];
    // (The key runs are above, on the engine: a CLI key run depends on which worktree's lab fixtures sshd has installed last.)
    const a = await cli(['auth', LAB.ssh, '--user', 'srlab-nopasswd', '--password-env', 'SR_PP', ...common, '--bundle', keyBundle], { SR_PP: 'SrLab-nopasswd-pw1' });
    expect(a.stderr).toContain(`bundle written: ${keyBundle}`);
    const b = await cli(['auth', LAB.ssh, '--user', 'srlab-sudopw', '--password-env', 'SR_PW', '--delegation', 'sudo', ...common, '--bundle', pwBundle], { SR_PW: SUDOPW });
    expect(b.stderr).toContain(`bundle written: ${pwBundle}`);
    const found: string[] = [];
    for (const [file, secrets, keys] of [[keyBundle, ['SrLab-nopasswd-pw1'], []], [pwBundle, [SUDOPW], []]] as const) {
      const read = await readBundle(file);
      expect(read.entries.get('transcript.txt')?.toString('utf8')).toContain('--- step elevate: ok');
      for (const [name, data] of read.entries) found.push(...leaks(`${path.basename(file)}/${name}`, data.toString('latin1'), secrets, keys));
    }
    expect(found).toEqual([]);
  }, 200_000);

  it.each([
    ['root (raw sockets)', []],
    ['unprivileged', ['--unprivileged']],
  ])('the CLI: diagnose --bundle with credentials, %s: the diagnosis, its credential transcript, no secret anywhere', async (_name, extra) => {
    const bundle = path.join(tmp, `diag-${extra.length}.zip`);
    const r = await cli(
      ['diagnose', LAB.ssh, '--user', 'srlab-sudopw', '--password-env', 'SR_PW', '--accept-new-host-key', '--known-hosts', path.join(tmp, `diag-kh-${extra.length}.json`), '--no-trace', '--no-port-finder', ...extra, '--json', '--bundle', bundle],
      { SR_PW: SUDOPW },
    );
    expect(r.stderr).toContain(`bundle written: ${bundle}`);
    const read = await readBundle(bundle);
    expect(read.result.diagnoses[0]?.auth?.status).toBe('passed');
    expect(read.result.diagnoses[0]?.discovery.privileged).toBe(extra.length === 0);
    expect(read.entries.get('transcript.txt')?.toString('utf8')).toContain('--- step elevate: ok');
    expect(read.entries.has('probes.pcap')).toBe(extra.length === 0);
    const found: string[] = [];
    for (const [name, data] of read.entries) found.push(...leaks(`${path.basename(bundle)}/${name}`, data.toString('latin1'), [SUDOPW], []));
    expect(found).toEqual([]);
  }, 200_000);
});
