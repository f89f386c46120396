/**
 * `npm run bench` — ScanReady against nmap on the lab, in one go (root only: raw sockets, nmap -sn, the lab).
 *
 *  1. a sweep of 128 farm hosts (odd addresses silent): wall times, ratio, verdict agreement per host;
 *  2. one silent host: ScanReady's verdict time against nmap's;
 *  3. peak RSS of a 254-host sweep.
 *
 * nmap gets the same probes: -PS<qualys TCP> -PA2869,12531 -PU<qualys UDP> -PE (nmap cannot give each
 * ACK probe its own source port, so its ACKs use a random one; the SYN-ACK probe has no nmap equivalent).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_PROFILES } from '../shared/profiles.js';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli.cjs');
const qualys = BUILTIN_PROFILES.find((p) => p.name === 'qualys-default');
if (!qualys) throw new Error('qualys-default profile missing');

interface Run {
  wallMs: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(cmd: string, args: string[], timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - started, stdout, stderr, code });
    });
  });
}

function nmapArgs(targets: string[]): string[] {
  return [
    '-sn',
    '-n',
    `-PS${qualys!.tcpSyn.join(',')}`,
    `-PA${qualys!.tcpAck.map((a) => a.port).join(',')}`,
    `-PU${qualys!.udp.join(',')}`,
    '-PE',
    '--reason',
    '-oX',
    '-',
    ...targets,
  ];
}

function nmapAlive(xml: string): Set<string> {
  const up = new Set<string>();
  for (const host of xml.split(/<host[\s>]/).slice(1)) {
    const state = /<status state="(\w+)"/.exec(host)?.[1];
    const addr = /<address addr="([^"]+)" addrtype="ipv[46]"/.exec(host)?.[1];
    if (state === 'up' && addr) up.add(addr);
  }
  return up;
}

function scanreadyAlive(ndjson: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const line of ndjson.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { address: string; alive: boolean };
    out.set(r.address, r.alive);
  }
  return out;
}

function farm(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(`198.18.2.${i}`);
  return out;
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Median wall time of `runs` sequential runs of the CLI (after one warm-up run). */
async function medianCliMs(args: string[], runs: number): Promise<{ median: number; min: number; codes: Set<number | null> }> {
  await run('node', [cli, ...args]);
  const times: number[] = [];
  const codes = new Set<number | null>();
  for (let i = 0; i < runs; i++) {
    const r = await run('node', [cli, ...args]);
    times.push(r.wallMs);
    codes.add(r.code);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, codes };
}

/** CLI start-up: `--help` and bad-input errors must not load the engines (issue 9: median ≤ 150 ms). */
async function benchCliStartup(): Promise<boolean> {
  const baseline: number[] = [];
  for (let i = 0; i < 11; i++) baseline.push((await run('node', ['-e', '0'])).wallMs);
  const node = baseline.sort((a, b) => a - b)[5]!;
  const cases: [string, string[], number][] = [
    ['--help', ['--help'], 0],
    ['discover --help', ['discover', '--help'], 0],
    ['unknown command', ['bogus'], 2],
    ['bad address', ['discover', '300.1.1.1'], 2],
    ['bad port list', ['discover', '--tcp', '99999', LAB_OPEN], 2],
    ['auth without --user', ['auth', LAB_OPEN], 2],
  ];
  let ok = true;
  console.log(`\n== CLI start-up (median of 11; plain \`node -e 0\` here: ${node.toFixed(0)} ms)`);
  for (const [name, args, code] of cases) {
    const m = await medianCliMs(args, 11);
    const pass = m.median <= 150 && m.codes.size === 1 && m.codes.has(code);
    ok &&= pass;
    console.log(`${name.padEnd(22)} ${m.median.toFixed(0).padStart(5)} ms (min ${m.min.toFixed(0)})   ${check(pass)}`);
  }
  return ok;
}

/** `scanready discover <one alive lab host>` end to end (issue 9: median ≤ 400 ms). */
async function benchDiscoverOne(): Promise<boolean> {
  const m = await medianCliMs(['discover', LAB_OPEN, '--json'], 11);
  const pass = m.median <= 400 && m.codes.size === 1 && m.codes.has(0);
  console.log(`\n== discover one alive host (${LAB_OPEN}), end to end, median of 11`);
  console.log(`wall           ${m.median.toFixed(0)} ms (min ${m.min.toFixed(0)}; target ≤ 400 ms)`);
  console.log(`result         ${check(pass)}`);
  return pass;
}
const LAB_OPEN = '198.18.1.10';
const check = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (raw sockets, nmap -sn, the lab)');
  if (spawnSync('nmap', ['--version']).status !== 0) throw new Error('nmap is not installed (npm run setup:test installs it)');
  if (!existsSync(cli)) throw new Error('dist/cli.cjs missing: run npm run build');
  const lab = spawnSync('bash', [path.join(root, 'e2e/lab/lab.sh'), 'up'], { stdio: 'inherit' });
  if (lab.status !== 0) throw new Error('the lab did not come up');

  let allOk = true;

  // 1. Sweep.
  const sweep = farm(1, 128);
  const nm = await run('nmap', nmapArgs(sweep));
  const sr = await run('node', [cli, 'discover', '198.18.2.1-128', '--json']);
  if (sr.code !== 0 && sr.code !== 1) throw new Error(`scanready sweep failed (${sr.code}): ${sr.stderr}`);
  const nmUp = nmapAlive(nm.stdout);
  const srUp = scanreadyAlive(sr.stdout);
  const disagree = sweep.filter((a) => (srUp.get(a) ?? false) !== nmUp.has(a) || !srUp.has(a));
  const sweepOk = sr.wallMs <= nm.wallMs && disagree.length === 0;
  allOk &&= sweepOk;
  console.log(`\n== Sweep: ${sweep.length} hosts (half silent)`);
  console.log(`nmap -sn       ${fmt(nm.wallMs)}   ${nmUp.size} up`);
  console.log(`scanready      ${fmt(sr.wallMs)}   ${[...srUp.values()].filter(Boolean).length} alive`);
  console.log(`ratio          ${(sr.wallMs / nm.wallMs).toFixed(2)} (target ≤ 1.00)`);
  console.log(`agreement      ${sweep.length - disagree.length}/${sweep.length} hosts${disagree.length ? ` — differ: ${disagree.slice(0, 10).join(', ')}` : ''}`);
  console.log(`result         ${check(sweepOk)}`);

  // 2. One silent host.
  const silent = '198.18.1.11';
  const nm1 = await run('nmap', nmapArgs([silent]));
  const sr1 = await run('node', [cli, 'discover', silent, '--json']);
  const v = scanreadyAlive(sr1.stdout).get(silent);
  const silentOk = sr1.wallMs <= 0.5 * nm1.wallMs && v === false && !nmapAlive(nm1.stdout).has(silent);
  allOk &&= silentOk;
  console.log(`\n== One silent host (${silent})`);
  console.log(`nmap -sn       ${fmt(nm1.wallMs)}`);
  console.log(`scanready      ${fmt(sr1.wallMs)}   verdict: ${v === false ? 'not alive' : String(v)}`);
  console.log(`ratio          ${(sr1.wallMs / nm1.wallMs).toFixed(2)} (target ≤ 0.50)`);
  console.log(`result         ${check(silentOk)}`);

  // 3. Peak RSS of a 254-host sweep.
  const rss = await run('node', [path.join(root, 'scripts', 'bench-rss.cjs'), 'discover', '198.18.2.0/24', '--json']);
  const kb = Number(/SCANREADY_MAX_RSS_KB=(\d+)/.exec(rss.stderr)?.[1] ?? NaN);
  const hosts = scanreadyAlive(rss.stdout).size;
  const rssOk = kb / 1024 < 150 && hosts === 254;
  allOk &&= rssOk;
  console.log(`\n== 254-host sweep (198.18.2.0/24)`);
  console.log(`wall           ${fmt(rss.wallMs)}   ${hosts} hosts reported`);
  console.log(`peak RSS       ${(kb / 1024).toFixed(1)} MB (target < 150 MB)`);
  console.log(`result         ${check(rssOk)}`);

  // 4. CLI start-up and one-host discovery.
  allOk = (await benchCliStartup()) && allOk;
  allOk = (await benchDiscoverOne()) && allOk;

  console.log(`\n${allOk ? 'All benchmark targets met.' : 'Some benchmark targets were NOT met.'}`);
  process.exitCode = allOk ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error).message}`);
  process.exitCode = 3;
});
