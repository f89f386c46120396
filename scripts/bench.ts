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

  console.log(`\n${allOk ? 'All benchmark targets met.' : 'Some benchmark targets were NOT met.'}`);
  process.exitCode = allOk ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error).message}`);
  process.exitCode = 3;
});
