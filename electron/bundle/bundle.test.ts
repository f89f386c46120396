/** writeBundle end to end: a real ZIP on disk, read back with the system's unzip (or Python's zipfile). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult, ElevateData } from '../../shared/auth.js';
import type { DiagnosisResult } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { fakeOpenSshKey, OPENSSH_MARKER } from './fixtures/fakeKeys.js';
import { BUNDLE_FILES, BundleError, writeBundle } from './index.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'scanready-bundle-'));

const PASSWORD = 'Hunter2-login-PW';
const PASSPHRASE = 'key-Passphrase-77';
const DELEGATION = 'root-Deleg-PW-99';
const KEY_BODY = 'b3BlbnNzaC1rZXktdjEAAAAAKEYBODYuniqueMaterialXyZ';
const PRIVATE_KEY = fakeOpenSshKey(KEY_BODY);
const URL_TOKEN = 'urlTokenValue0123';
const ENV_SECRET = 'env-var-value-should-never-appear';
const SECRETS = [PASSWORD, PASSPHRASE, DELEGATION, KEY_BODY, URL_TOKEN, ENV_SECRET];

function probe(p: Partial<ProbeResult>): ProbeResult {
  return {
    protocol: 'tcp', kind: 'syn', port: 22, sourcePort: null, method: 'connect', result: 'rst', responder: '127.0.0.1',
    fromTarget: true, icmpType: null, icmpCode: null, ttl: null, rttMs: 0.4, attempts: 1, countsAsAlive: true, ...p,
  };
}

function host(target: string, over: Partial<HostResult> = {}): HostResult {
  return {
    target, address: target, family: 4, alive: true, verdict: 'alive', reason: 'alive: RST to TCP SYN 22', aliveBy: 'TCP RST',
    privileged: false, profile: 'qualys-default', warnings: [], startedAt: '2024-05-01T10:00:00.000Z', durationMs: 120,
    probes: [
      probe({}),
      probe({ protocol: 'udp', kind: 'udp', port: 161, method: 'udp-socket', result: 'no-response', responder: null, fromTarget: false, rttMs: null, attempts: 2, countsAsAlive: false, detail: '=cmd|"calc", quoted' }),
      probe({ protocol: 'icmp', kind: 'echo', port: null, method: 'system-ping', result: 'icmp-admin-prohibited', responder: '198.18.0.1', fromTarget: false, icmpType: 3, icmpCode: 13, ttl: 63, countsAsAlive: false }),
    ],
    ...over,
  };
}

function authResult(): AuthResult {
  // Not step fields, but a hostile host (or an old bundle) may put anything into evidence: variables, so the typed literal accepts them.
  const elevateEvidence: ElevateData & Record<string, unknown> = { method: 'sudo-su', output: PRIVATE_KEY, passwordSent: true, password: PASSWORD };
  const uidEvidence = { uid: 1000, url: `https://vault.example/v1?role=x&token=${URL_TOKEN}` };
  return {
    host: '127.0.0.1', port: 22, user: 'qualys', delegation: 'sudo-su', status: 'passed-insufficient',
    steps: [
      { id: 'reach', ok: true, ms: 3, summary: 'TCP 127.0.0.1:22 accepts connections' },
      // A hostile host echoing the password back, and a key pasted where it should not be.
      { id: 'elevate', ok: false, ms: 40, reason: 'wrong-password', summary: `sudo said: Sorry, ${PASSWORD} is wrong`, data: elevateEvidence },
      { id: 'uid', ok: true, ms: 5, summary: 'effective UID 1000 (qualys)', data: uidEvidence },
    ],
    hostKey: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abcdef', status: 'trusted' },
    listening: [{ protocol: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd', candidate: false }],
    advice: [{ id: 'grant-nopasswd', title: 'Let the scan account sudo without a password', why: 'w', actions: [], severity: 'fix' }],
    startedAt: '2024-05-01T10:00:01.000Z', durationMs: 300,
  };
}

function diagnosis(): DiagnosisResult {
  const auth = authResult();
  // Fields a careless caller might leave in: they must not survive.
  Object.assign(auth, { passphrase: PASSPHRASE, privateKey: PRIVATE_KEY, delegationPassword: DELEGATION });
  return {
    target: '127.0.0.1', discovery: host('127.0.0.1'),
    path: { target: '127.0.0.1', method: 'udp-socket', probe: 'udp/33434', hops: [{ ttl: 1, responder: '127.0.0.1', rttMs: 0.2, icmpType: 3, icmpCode: 3, note: 'reached' }], reached: true, lastResponder: '127.0.0.1', blockingHop: null },
    openPorts: [{ protocol: 'tcp', port: 22, result: 'syn-ack', service: 'ssh' }],
    auth,
    advice: [{ id: 'debug-bundle', title: 'Collect a debug bundle for the scanner vendor', why: 'none', actions: [], severity: 'fix' }],
    notes: ['a note'],
  };
}

const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;

/** Entry names, in order. */
function listZip(file: string): string[] {
  if (hasUnzip) {
    const r = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout.split('\n').filter((l) => l !== '');
  }
  const r = spawnSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** One entry, decompressed by an independent implementation (also verifies its CRC). */
function readEntry(file: string, name: string): string {
  if (hasUnzip) {
    const t = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
    expect(t.status).toBe(0);
    const r = spawnSync('unzip', ['-p', file, name], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.status).toBe(0);
    return r.stdout;
  }
  const r = spawnSync('python3', ['-c', 'import sys,zipfile;sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())', file, name], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('writeBundle: round trip', () => {
  const file = path.join(tmp, 'round-trip.zip');
  let contents: Map<string, string>;

  beforeAll(async () => {
    process.env.SCANREADY_TEST_ENV_SECRET = ENV_SECRET;
    const written = await writeBundle(
      file,
      {
        diagnoses: [diagnosis()],
        discoveries: [host('127.0.0.2', { alive: false, verdict: 'not-alive', reason: 'not alive: nothing answered', aliveBy: '' })],
        auth: [authResult()],
        command: ['diagnose', '127.0.0.1', '--password-env', 'SCAN_PW', `--token=${URL_TOKEN}`, '--passphrase', PASSPHRASE, '--bundle', file],
      },
      { secrets: [PASSWORD, PASSPHRASE, DELEGATION, PRIVATE_KEY], rawSockets: false, version: '9.9.9-test' },
    );
    expect(written.file).toBe(file);
    expect(written.bytes).toBe(readFileSync(file).length);
    contents = new Map(listZip(file).map((n) => [n, readEntry(file, n)]));
  });
  afterAll(() => {
    delete process.env.SCANREADY_TEST_ENV_SECRET;
  });

  it('holds exactly the six files, and transcript.txt for the credential check', () => {
    expect([...contents.keys()].sort()).toEqual([...BUNDLE_FILES, 'transcript.txt'].sort());
    for (const text of contents.values()) expect(text.length).toBeGreaterThan(50);
  });

  it('result.json parses and carries the full results', () => {
    const r = JSON.parse(contents.get('result.json') ?? '') as { diagnoses: DiagnosisResult[]; discoveries: HostResult[]; auth: AuthResult[] };
    expect(r.diagnoses).toHaveLength(1);
    expect(r.diagnoses[0]?.discovery.probes).toHaveLength(3);
    expect(r.diagnoses[0]?.openPorts).toEqual([{ protocol: 'tcp', port: 22, result: 'syn-ack', service: 'ssh' }]);
    expect(r.discoveries[0]?.verdict).toBe('not-alive');
    expect(r.auth[0]?.steps.map((s) => s.id)).toEqual(['reach', 'elevate', 'uid']);
    // Evidence survives redaction: booleans under secret-like keys, the reason, the rest of the URL.
    expect(r.auth[0]?.steps[1]?.data).toMatchObject({ passwordSent: true, password: '[REDACTED]', output: '[REDACTED PRIVATE KEY]\n' });
    expect(r.auth[0]?.steps[1]?.summary).toBe('sudo said: Sorry, [REDACTED] is wrong');
    expect(r.auth[0]?.steps[2]?.data).toMatchObject({ url: 'https://vault.example/v1?role=x&token=[REDACTED]' });
  });

  it('no password, passphrase, private key, token or environment value in any decompressed file', () => {
    for (const [name, text] of contents) {
      for (const s of SECRETS) expect(text, `${name} contains ${s}`).not.toContain(s);
      expect(text, name).not.toContain(OPENSSH_MARKER);
    }
  });

  it('nor in the raw bytes of the file', () => {
    const raw = readFileSync(file).toString('latin1');
    for (const s of SECRETS) expect(raw).not.toContain(s);
  });

  it('summary.txt: verdict and reason per host, probe table, path, ports, auth steps, advice', () => {
    const s = contents.get('summary.txt') ?? '';
    expect(s).toContain('127.0.0.1: ALIVE');
    expect(s).toContain('reason:     alive: RST to TCP SYN 22');
    expect(s).toContain('127.0.0.2: NOT-ALIVE');
    expect(s).toMatch(/icmp\s+echo\s+-\s+system-ping\s+icmp-admin-prohibited \(ICMP 3\/13\)/);
    expect(s).toContain('path (udp-socket, udp/33434): reached the target');
    expect(s).toContain('tcp/22 (ssh) syn-ack');
    expect(s).toContain('credential check: PASSED-INSUFFICIENT (qualys@127.0.0.1:22, delegation sudo-su)');
    expect(s).toMatch(/FAIL elevate\s+sudo said: Sorry, \[REDACTED\] is wrong \[wrong-password\]/);
    expect(s).toContain('debug-bundle: Collect a debug bundle for the scanner vendor');
    expect(s).toContain('grant-nopasswd: Let the scan account sudo without a password');
  });

  it('probes.csv: a header and one row per probe, quoted and formula-safe', () => {
    const lines = (contents.get('probes.csv') ?? '').split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^target,address,verdict,protocol,kind,port,/);
    expect(lines).toHaveLength(1 + 3 + 3);
    expect(lines[2]).toContain(`"'=cmd|""calc"", quoted"`);
    expect(lines[3]).toBe('127.0.0.1,127.0.0.1,alive,icmp,echo,,,system-ping,icmp-admin-prohibited,198.18.0.1,false,3,13,63,0.4,1,false,');
  });

  it('environment.json: versions, platform, raw sockets, time, redacted command; no environment values', () => {
    const env = JSON.parse(contents.get('environment.json') ?? '') as Record<string, unknown>;
    expect(env).toMatchObject({ scanready: '9.9.9-test', platform: process.platform, node: process.versions.node, rawSockets: false, privilegedProbes: false });
    expect(typeof env.release).toBe('string');
    expect(Number.isNaN(Date.parse(String(env.time)))).toBe(false);
    expect(env.command).toEqual(['diagnose', '127.0.0.1', '--password-env', 'SCAN_PW', '--token=[REDACTED]', '--passphrase', '[REDACTED]', '--bundle', file]);
    expect(JSON.stringify(env)).not.toContain(process.env.PATH ?? '/usr/bin:/bin');
  });

  it('README.txt says what to send to the vendor with a debug scan', () => {
    const r = contents.get('README.txt') ?? '';
    expect(r).toContain('debug scan');
    expect(r).toMatch(/scanner appliance's IP address/);
    expect(r).toContain('127.0.0.1, 127.0.0.2');
  });
});

describe('writeBundle: stored (uncompressed) entries', () => {
  it('the raw bytes hold the plain text, and still no secret', async () => {
    const file = path.join(tmp, 'stored.zip');
    await writeBundle(file, { auth: [authResult()] }, { compress: false, secrets: [PASSWORD] });
    const raw = readFileSync(file).toString('latin1');
    // Control: the check below is meaningful only because the entries are readable in the raw bytes.
    expect(raw).toContain('sudo said: Sorry, [REDACTED] is wrong');
    expect(raw).toContain('"passwordSent": true');
    for (const s of [PASSWORD, KEY_BODY, URL_TOKEN]) expect(raw).not.toContain(s);
  });
});

describe('writeBundle: destination and size', () => {
  async function expectBadInput(p: Promise<unknown>, message: RegExp): Promise<void> {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).code).toBe('bad-input');
    expect((err as BundleError).message).toMatch(message);
  }

  it('refuses an existing file and leaves it untouched; overwrite: true replaces it', async () => {
    const file = path.join(tmp, 'existing.zip');
    writeFileSync(file, 'keep me');
    await expectBadInput(writeBundle(file, { discoveries: [host('127.0.0.1')] }), /already exists/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    await writeBundle(file, { discoveries: [host('127.0.0.1')] }, { overwrite: true });
    expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(listZip(file)).toHaveLength(BUNDLE_FILES.length);
  });

  it('a missing directory, a file as directory, a directory as the file: clear errors', async () => {
    await expectBadInput(writeBundle(path.join(tmp, 'no-such-dir', 'b.zip'), {}), /directory .*no-such-dir does not exist/);
    writeFileSync(path.join(tmp, 'plain-file'), 'x');
    await expectBadInput(writeBundle(path.join(tmp, 'plain-file', 'b.zip'), {}), /is not a directory/);
    mkdirSync(path.join(tmp, 'a-dir'));
    await expectBadInput(writeBundle(path.join(tmp, 'a-dir'), {}), /is a directory/);
    await expectBadInput(writeBundle('', {}), /empty/);
  });

  it('refuses inputs over the size limit, writing nothing', async () => {
    const file = path.join(tmp, 'big.zip');
    const many = Array.from({ length: 200 }, (_, i) => host(`10.0.${Math.floor(i / 250)}.${i % 250}`));
    await expectBadInput(writeBundle(file, { discoveries: many }, { maxBytes: 64 * 1024 }), /too large for a bundle/);
    expect(existsSync(file)).toBe(false);
    await writeBundle(file, { discoveries: many.slice(0, 2) }, { maxBytes: 64 * 1024 });
    expect(existsSync(file)).toBe(true);
  });

  it('an empty input still makes a valid bundle; no temp files are left behind', async () => {
    const dir = mkdtempSync(path.join(tmp, 'clean-'));
    await writeBundle(path.join(dir, 'empty.zip'), {});
    expect(readdirSync(dir)).toEqual(['empty.zip']);
    expect(readEntry(path.join(dir, 'empty.zip'), 'summary.txt')).toContain('(no results)');
  });
});
