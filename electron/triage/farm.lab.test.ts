/**
 * Triage of the lab's 4,096-address farm (e2e/lab/lab.sh farm20_up, layout FARM20 in
 * e2e/lab/hosts.ts): every host lands in a group whose cause matches the range it lives in, and the
 * alive/not-alive bit of every host equals nmap's with the same probes (where nmap is installed).
 * Raw sockets (root) are needed for the exact probes; without them the test says why and skips.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FARM20 } from '../../e2e/lab/hosts.js';
import { builtinProfile } from '../../shared/profiles.js';
import type { TriageGroup } from '../../shared/triage.js';
import { canUseRawSockets } from '../probes/index.js';
import { parseIPv4, planTargets } from '../targets/index.js';
import { HostSink, readInput } from './parse/index.js';
import { runTriage } from './index.js';

const run = promisify(execFile);
const raw = canUseRawSockets();
if (!raw) console.warn('skip: farm triage needs raw sockets (run the tests as root or with CAP_NET_RAW)');

function inRange(address: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/') as [string, string];
  const a = parseIPv4(address);
  const n = parseIPv4(net);
  if (a === null || n === null) return false;
  const size = 2 ** (32 - Number(bits));
  return a >= n && a < n + size;
}

async function nmapAlive(profile: NonNullable<ReturnType<typeof builtinProfile>>): Promise<Map<string, boolean> | null> {
  try {
    await run('nmap', ['--version']);
  } catch {
    console.warn('skip: nmap is not installed, the alive bit is not compared with nmap');
    return null;
  }
  const args = [
    '-sn', '-n', '-v', '--max-retries', '1', '-oX', '-',
    `-PS${profile.tcpSyn.join(',')}`,
    `-PA${[...profile.tcpAck, ...profile.tcpSynAck].map((p) => p.port).join(',')}`,
    `-PU${profile.udp.join(',')}`,
    ...(profile.icmpEcho ? ['-PE'] : []),
    FARM20.cidr,
  ];
  const { stdout } = await run('nmap', args, { maxBuffer: 64 * 1024 * 1024 });
  // nmap's own XML, read by triage's own Nmap parser.
  const sink = new HostSink();
  await readInput([stdout], sink, 'nmap');
  return new Map([...sink.hosts.values()].map((h) => [h.entry, h.category === 'up']));
}

describe.skipIf(!raw)('triage of the 4,096-address farm', () => {
  it('every group cause matches the farm layout; the alive bit matches nmap', async () => {
    const profile = builtinProfile('qualys-default');
    if (!profile) throw new Error('no qualys profile');
    const plan = await planTargets([FARM20.cidr]);
    const result = await runTriage(plan, { profile, scannerIps: ['198.51.100.7'] });
    expect(result.summary.cancelled).toBe(false);
    expect(result.hosts).toHaveLength(plan.total);
    const groupOf = new Map<string, TriageGroup>(result.groups.map((g) => [g.id, g]));
    const wrong: string[] = [];
    for (const h of result.hosts) {
      const range = FARM20.layout.find((r) => inRange(h.address, r.cidr));
      const g = groupOf.get(h.groupId);
      if (!range || !g) {
        wrong.push(`${h.address}: no range or group`);
        continue;
      }
      const ok =
        range.cause === 'alive' ? g.cause === 'alive' && g.answered.includes('TCP RST')
        : range.cause === 'alive-icmp-only' ? g.cause === 'alive' && g.answered === 'ICMP echo'
        : range.cause === 'port-only' ? g.cause === 'port-only' && h.ports.includes(FARM20.openPort)
        : range.cause === 'filtered-in-path' ? g.cause === 'filtered-in-path' && g.hop === FARM20.routerAddress
        : g.cause === range.cause;
      if (!ok || h.verdict === 'alive' !== range.alive) wrong.push(`${h.address} (${range.behaviour}): ${g.cause} "${g.title}"`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    // One group per behaviour: the layout's six.
    expect(result.groups.map((g) => g.cause).sort()).toEqual(['alive', 'alive', 'filtered-in-path', 'port-only', 'rejected-by-host', 'silent']);
    // Scan Dead Hosts is never advised for a group of a /24 or more.
    for (const g of result.groups) if (g.size >= 256) expect(g.advice.map((a) => a.id)).not.toContain('scan-dead-hosts');

    const nmap = await nmapAlive(profile);
    if (nmap) {
      const differ = (result.hosts).filter((h) => nmap.has(h.address) && nmap.get(h.address) !== (h.verdict === 'alive')).map((h) => h.address);
      expect(differ.slice(0, 20)).toEqual([]);
      expect([...nmap.keys()].filter((a) => result.hosts.some((h) => h.address === a)).length).toBeGreaterThan(4000);
    }
  }, 900_000);
});
