/**
 * probes.pcap from real raw-mode runs against the lab: the packets the transport sent and the
 * replies it received, kept with the history entry and written into the bundle; read back with
 * `tcpdump -r`. Through the CLI (`diagnose --bundle`) and through the service (a diagnosis and a
 * sweep stored in History, then exported without probing again), with and without --redact-hosts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiagnosePush, DiscoverPush } from '../../shared/ipc.js';
import { canUseRawSockets } from '../net/index.js';
import { HistoryStore } from '../history/index.js';
import { createService } from '../service/index.js';
import { writeBundleFromHistory } from './export.js';
import { readBundle } from './read.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sr-pcap-lab-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FAST = { name: 'lab-fast', tcpSyn: [22, 80, 443], udp: [53], icmpEcho: true, timeoutMs: 400, retries: 0 };
const hasTcpdump = spawnSync('tcpdump', ['--version']).error === undefined;
const raw = canUseRawSockets();
if (!hasTcpdump) console.log('pcap lab tests skipped: tcpdump is not installed');
if (!raw) console.log('pcap lab tests skipped: no raw sockets (run as root)');

/** `tcpdump -r -nn` of a bundle's probes.pcap. */
async function dump(bundle: string): Promise<string> {
  const b = await readBundle(bundle);
  const data = b.entries.get('probes.pcap');
  expect(data, `${bundle} has no probes.pcap; README: ${b.entries.get('README.txt')?.toString().split('\n').find((l) => l.includes('probes.pcap'))}`).toBeDefined();
  const file = path.join(tmp, `${path.basename(bundle)}.pcap`);
  writeFileSync(file, data ?? Buffer.alloc(0));
  const r = spawnSync('tcpdump', ['-r', file, '-nn', '-tt'], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  expect(cond()).toBe(true);
}

describe.skipIf(!hasTcpdump || !raw)('probes.pcap from real raw-mode runs', () => {
  it('CLI diagnose --bundle of the ACK-only host: every probe and the RSTs to the ACK probes', async () => {
    const bundle = path.join(tmp, 'cli.zip');
    const args = ['diagnose', LAB.synFilter, '--tcp', '22,80', '--udp', '53', '--timeout', '400', '--retries', '0', '--no-trace', '--no-port-finder', '--json', '--bundle', bundle];
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('electron/cli/main.ts'), ...args], { env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stdout.resume();
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    expect(r.stderr).toContain('bundle written');
    const out = await dump(bundle);
    // The probes as the scanner sends them: SYN to 22 and 80, ACK 80→2869, ACK 25→12531, SYN-ACK 80→41641, UDP 53, ICMP echo.
    expect(out).toMatch(new RegExp(`> ${LAB.synFilter.replace(/\./g, '\\.')}\\.22: Flags \\[S\\]`));
    expect(out).toMatch(new RegExp(`\\.80 > ${LAB.synFilter.replace(/\./g, '\\.')}\\.2869: Flags \\[\\.\\]`));
    expect(out).toMatch(new RegExp(`\\.80 > ${LAB.synFilter.replace(/\./g, '\\.')}\\.41641: Flags \\[S\\.\\]`));
    expect(out).toMatch(new RegExp(`> ${LAB.synFilter.replace(/\./g, '\\.')}\\.53: `));
    expect(out).toMatch(new RegExp(`> ${LAB.synFilter.replace(/\./g, '\\.')}: ICMP echo request`));
    // The host's answers: RST to the ACK probes (the reason it is alive).
    expect(out).toMatch(new RegExp(`IP ${LAB.synFilter.replace(/\./g, '\\.')}\\.2869 > [0-9.]+\\.80: Flags \\[R\\]`));
    // Nothing else the raw socket saw (other programs' traffic) is in the capture.
    for (const line of out.trim().split('\n')) expect(line, line).toContain(LAB.synFilter);
  }, 120_000);

  it('the service keeps a diagnosis\'s and a sweep\'s packets in History; export (and --redact-hosts) writes them', async () => {
    const userData = path.join(tmp, 'user-data');
    const service = createService({ userDataDir: userData, mode: 'web', version: 'test' });
    const pushes: (DiagnosePush | DiscoverPush)[] = [];
    service.on((channel, payload) => {
      if (channel === 'scanready:diagnose:event' || channel === 'scanready:discover:event') pushes.push(payload as DiagnosePush);
    });
    try {
      const d = await service.invoke('scanready:diagnose:start', { target: LAB.open, profile: FAST, mode: 'raw', trace: false, portFinder: false });
      if (!d.ok) throw new Error(d.error.message);
      const s = await service.invoke('scanready:discover:start', { targets: [`${LAB.open}\n${LAB.silent}`], profile: FAST, mode: 'raw' });
      if (!s.ok) throw new Error(s.error.message);
      const savedId = (runId: string): string | null => {
        for (const p of pushes) {
          if (p.runId !== runId) continue;
          const ev = p.event as { type: string; historyId?: string | null };
          if ((ev.type === 'done' || ev.type === 'saved') && ev.historyId) return ev.historyId;
        }
        return null;
      };
      await until(() => savedId(d.value.runId) !== null && savedId(s.value.runId) !== null, 60_000);
      const diagId = savedId(d.value.runId) as string;
      const sweepId = savedId(s.value.runId) as string;
      await service.close();

      const store = new HistoryStore(userData);
      expect(store.packets(diagId)?.length).toBeGreaterThan(24);
      expect(store.packets(sweepId)?.length).toBeGreaterThan(24);
      store.close();

      const diagBundle = path.join(tmp, 'diag.zip');
      await writeBundleFromHistory(userData, diagId, diagBundle);
      const diagDump = await dump(diagBundle);
      expect(diagDump).toMatch(new RegExp(`> ${LAB.open.replace(/\./g, '\\.')}\\.22: Flags \\[S\\]`));
      expect(diagDump).toMatch(new RegExp(`IP ${LAB.open.replace(/\./g, '\\.')}\\.22 > [0-9.]+: Flags \\[S\\.\\]`)); // SYN-ACK from the open port
      expect(diagDump).toMatch(new RegExp(`IP ${LAB.open.replace(/\./g, '\\.')} > [0-9.]+: ICMP echo reply`));

      const sweepBundle = path.join(tmp, 'sweep.zip');
      await writeBundleFromHistory(userData, sweepId, sweepBundle);
      const sweepDump = await dump(sweepBundle);
      expect(sweepDump).toContain(`> ${LAB.silent}.22: Flags [S]`); // the silent host's probes went out, unanswered
      expect(sweepDump).not.toMatch(new RegExp(`IP ${LAB.silent.replace(/\./g, '\\.')}[. ]`));

      const redacted = path.join(tmp, 'diag-redacted.zip');
      await writeBundleFromHistory(userData, diagId, redacted, { redactHosts: true });
      const redDump = await dump(redacted);
      expect(redDump).not.toContain('198.18.');
      expect(redDump).toMatch(/> 192\.0\.2\.1\.22: Flags \[S\]/);
    } finally {
      await service.close();
    }
  }, 150_000);
});
