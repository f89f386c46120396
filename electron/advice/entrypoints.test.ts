/**
 * One advice module, whatever the entry point: the real `scanready auth`, the real `scanready
 * diagnose` (both as CLI processes) and the service's engines (what the app and web mode run) check
 * the same lab account, and their credential advice is compared.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import { isCredentialAdvice, type Advice } from '../../shared/advice.js';
import type { AuthResult } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import { realEngines } from '../service/realEngines.js';
import { AUDIT_KEY, SSH_LIMITS, SUDOERS_FILE } from './index.js';

const ROOT = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-advice-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'electron', 'cli', 'main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', SCANREADY_HOME: path.join(dir, 'home'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The evidence a credential check gathered, without timings (two runs of one account should match). */
const evidence = (r: AuthResult): unknown => r.steps.map((s) => [s.id, s.ok, s.reason ?? null, s.summary]);
/** Advice minus its `why` (which quotes the evidence word for word). */
const shape = (xs: Advice[]): unknown => xs.map(({ why: _why, ...rest }) => rest);

const ACCOUNTS = [
  { host: LAB.ssh, user: 'srlab-nosudo', password: 'SrLab-nosudo-pw1', expect: 'grant-nopasswd' },
  { host: LAB.ssh, user: 'srlab-tty', password: 'SrLab-tty-pw1', expect: 'disable-requiretty' },
  { host: LAB.sshNoExec, user: 'srlab-restricted', password: 'SrLab-restricted-pw1', expect: 'unrestricted-sudo' },
] as const;

describe('the same account gives the same credential advice from auth, diagnose and the service', () => {
  it.each(ACCOUNTS)('$user@$host', async (acct) => {
    const kh = path.join(dir, `kh-${acct.user}.json`);
    const common = ['--user', acct.user, '--password-env', 'SR_PW', '--accept-new-host-key', '--known-hosts', kh, '--sessions', '2', '--json'];
    const env = { SR_PW: acct.password };
    const a = await cli(['auth', acct.host, ...common], env);
    expect(a.stderr).toBe('');
    const viaAuth = JSON.parse(a.stdout) as AuthResult;
    const d = await cli(['diagnose', acct.host, ...common, '--timeout', '600', '--retries', '0'], env);
    expect(d.stderr).toBe('');
    const viaDiagnose = JSON.parse(d.stdout) as DiagnosisResult;
    const engines = realEngines();
    const signal = new AbortController().signal;
    const hooks = { signal, knownHostsFile: kh, onStep: () => undefined, confirmHostKey: () => Promise.resolve(false) };
    const viaService = await engines.runAuthCheck({ host: acct.host, port: 22, user: acct.user, password: acct.password, agent: false, delegation: 'sudo-su', sessions: 2, acceptNewHostKey: false, profile: 'qualys-default', timeoutMs: 10_000 }, hooks);
    const viaServiceDiagnosis = await engines.runDiagnosis(
      { target: acct.host, overrides: { timeoutMs: 600, retries: 0 }, auth: { user: acct.user, password: acct.password, sessions: 2 } },
      { ...hooks, onProgress: () => undefined },
    );

    const diagAuth = viaDiagnose.auth as AuthResult;
    const svcDiagAuth = viaServiceDiagnosis.auth as AuthResult;
    const all: Array<[string, AuthResult, Advice[]]> = [
      ['auth CLI', viaAuth, viaAuth.advice],
      ['diagnose CLI (auth.advice)', diagAuth, diagAuth.advice],
      ['diagnose CLI (ranked list)', diagAuth, viaDiagnose.advice.filter(isCredentialAdvice)],
      ['service auth', viaService, viaService.advice],
      ['service diagnosis (ranked list)', svcDiagAuth, viaServiceDiagnosis.advice.filter(isCredentialAdvice)],
    ];
    expect(viaAuth.advice.map((x) => x.id)).toContain(acct.expect);
    // Within one diagnosis (one evidence): the ranked list's credential part is auth.advice, word for word.
    expect(viaDiagnose.advice.filter(isCredentialAdvice)).toEqual(diagAuth.advice);
    expect(viaServiceDiagnosis.advice.filter(isCredentialAdvice)).toEqual(svcDiagAuth.advice);
    for (const [name, result, advice] of all) {
      // Titles, severities, order and every pasted command: identical.
      expect(shape(advice), name).toEqual(shape(viaAuth.advice));
      // The why quotes the evidence: identical whenever the evidence is.
      if (JSON.stringify(evidence(result)) === JSON.stringify(evidence(viaAuth))) expect(advice, name).toEqual(viaAuth.advice);
    }
    // The values the two old engines disagreed on are decided once.
    const text = JSON.stringify(viaDiagnose.advice);
    if (text.includes('/etc/sudoers.d/')) expect(text).toContain(SUDOERS_FILE);
    expect(text).not.toMatch(/sudoers\.d\/scan-account|scanready-scan-account|MaxSessions 20/);
    if (text.includes('auditctl')) expect(text).toContain(`-k ${AUDIT_KEY}`);
    expect(SSH_LIMITS.maxSessions).toBe(30);
  }, 300_000);
});
