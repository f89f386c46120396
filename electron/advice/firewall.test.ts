/**
 * The firewall rules are proven, not just printed: the nftables and iptables variants are checked by
 * the real tools and then APPLIED in a namespace whose firewall drops everything — the host goes from
 * "not alive" to alive on every discovery probe of the profile.
 *
 * Own namespace pair (not the shared lab), named and addressed per run so that concurrent runs on one
 * machine never delete or shadow each other's: root ns sdfw<run> 198.18.250.(128+4k+1)/30 +
 * 2001:db8:5352:fa<k>::1/64 <-> srdiag-host-<run> eth0 .(128+4k+2)/30 + 2001:db8:5352:fa<k>::2/64.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/discovery.js';
import { builtinProfile, type DiscoveryProfile } from '../../shared/profiles.js';
import { canUseRawSockets, discoverHost } from '../probes/index.js';
import {
  discoveryRuleSpec,
  firewallActions,
  firewalldCommands,
  heredocBody,
  iptablesRestore,
  nftablesScript,
  scannerFamily,
  ufwCommands,
  windowsCommands,
} from './firewall.js';
import { skipWithReason } from '../../e2e/lab/skip.js';

const RUN = randomBytes(3).toString('hex');
const NS = `srdiag-host-${RUN}`;
const LINK = `sdfw${RUN}`; // interface names are at most 15 characters
const K = process.pid % 32; // a /30 of 198.18.250.128/25 per concurrent run
const SCANNER4 = `198.18.250.${128 + 4 * K + 1}`;
const HOST4 = `198.18.250.${128 + 4 * K + 2}`;
const SCANNER6 = `2001:db8:5352:fa${K.toString(16).padStart(2, '0')}::1`;
const HOST6 = `2001:db8:5352:fa${K.toString(16).padStart(2, '0')}::2`;

const ND_NFT = 'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept;';

const qualys = builtinProfile('qualys-default') as DiscoveryProfile;
// Same probes, shorter waits: a dropped probe costs 400 ms instead of 2 s.
const fast: DiscoveryProfile = { ...qualys, timeoutMs: 400, retries: 0 };

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 15_000, ...(input !== undefined ? { input } : {}) });
}
function inNs(cmd: string, args: string[], input?: string): string {
  return sh('ip', ['netns', 'exec', NS, cmd, ...args], input);
}
function tryRun(cmd: string, args: string[]): void {
  try {
    sh(cmd, args);
  } catch {
    // absent already
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'srdiag-fw-'));
const isRoot = process.getuid?.() === 0;

function teardown(): void {
  tryRun('ip', ['netns', 'del', NS]);
  tryRun('ip', ['link', 'del', LINK]);
}

async function probe(address: string): Promise<HostResult> {
  return discoverHost({ target: address, address, family: address.includes(':') ? 6 : 4 }, { profile: fast, mode: 'raw' });
}

/** Every probe of the profile got an answer a scanner counts (SYN/ACK/SYN-ACK → RST, UDP → 3/3, echo → reply). */
function everyProbeAnswered(r: HostResult): string[] {
  return r.probes.filter((p) => !p.countsAsAlive).map((p) => `${p.kind} ${p.port ?? ''}: ${p.result}`);
}

describe('firewall rule text', () => {
  const spec = discoveryRuleSpec(qualys, ['203.0.113.7', '2001:db8:99::7', '198.51.100.0/24']);

  it('covers the SYN ports, the ACK / SYN-ACK destination ports, UDP and ICMP echo', () => {
    expect(spec.tcpPorts).toEqual([21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 443, 445, 2869, 5631, 12531, 41641]);
    expect(spec.udpPorts).toEqual([53, 111, 135, 137, 161, 500]);
    expect(spec.icmpEcho).toBe(true);
  });

  it('validates scanner addresses', () => {
    expect(scannerFamily('203.0.113.7')).toBe(4);
    expect(scannerFamily('2001:db8::1/64')).toBe(6);
    expect(() => scannerFamily('203.0.113.300')).toThrow(/bad scanner address/);
    expect(() => scannerFamily('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => scannerFamily('1.2.3.4; rm -rf /')).toThrow(/bad scanner address/);
  });

  it('nftables: v4 and v6 rules with sets, inserted into the input chain', () => {
    const nft = nftablesScript(spec);
    expect(nft).toContain('insert rule inet filter input ip saddr { 203.0.113.7, 198.51.100.0/24 } tcp dport { 21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 443, 445, 2869, 5631, 12531, 41641 } accept');
    expect(nft).toContain('ip6 saddr { 2001:db8:99::7 } icmpv6 type echo-request accept');
    expect(nft).toContain('ip saddr { 203.0.113.7, 198.51.100.0/24 } icmp type echo-request accept');
  });

  it('iptables: multiport lists of at most 15 ports, ip6tables uses ipv6-icmp', () => {
    const v4 = iptablesRestore(spec, 4) ?? '';
    for (const line of v4.split('\n').filter((l) => l.includes('--dports'))) {
      const ports = /--dports (\S+)/.exec(line)?.[1]?.split(',') ?? [];
      expect(ports.length).toBeLessThanOrEqual(15);
    }
    expect(v4).toMatch(/^\*filter\n/);
    expect(v4).toMatch(/COMMIT\n$/);
    expect(v4).toContain('-I INPUT -s 203.0.113.7 -p tcp -m multiport --dports 41641');
    const v6 = iptablesRestore(spec, 6) ?? '';
    expect(v6).toContain('-I INPUT -s 2001:db8:99::7 -p ipv6-icmp --icmpv6-type echo-request');
    expect(iptablesRestore(discoveryRuleSpec(qualys, ['203.0.113.7']), 6)).toBeNull();
  });

  it('firewalld rich rules, ufw and Windows Firewall', () => {
    const fw = firewalldCommands(spec);
    expect(fw).toContain(`firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="203.0.113.7" port port="2869" protocol="tcp" accept'`);
    expect(fw).toContain(`rule family="ipv6" source address="2001:db8:99::7" icmp-type name="echo-request" accept`);
    expect(fw.trimEnd().endsWith('firewall-cmd --reload')).toBe(true);
    const ufw = ufwCommands(spec);
    expect(ufw).toContain('ufw allow proto udp from 203.0.113.7 to any port 53,111,135,137,161,500');
    for (const line of ufw.split('\n').filter(Boolean)) expect((/port (\S+)/.exec(line)?.[1] ?? '').split(',').length).toBeLessThanOrEqual(15);
    const win = windowsCommands(spec);
    expect(win).toContain("New-NetFirewallRule -DisplayName 'ScanReady scanner TCP' -Direction Inbound -Action Allow");
    expect(win).toContain("-LocalPort 21,22,23,25,53,80,110,111,135,139,443,445,2869,5631,12531,41641 -RemoteAddress '203.0.113.7','198.51.100.0/24','2001:db8:99::7'");
    expect(win).toContain("-Protocol ICMPv4 -IcmpType 8 -RemoteAddress '203.0.113.7','198.51.100.0/24'");
    expect(win).toContain("-Protocol ICMPv6 -IcmpType 128 -RemoteAddress '2001:db8:99::7'");
    const labels = firewallActions(spec).map((a) => a.label);
    expect(labels).toEqual(expect.arrayContaining(['nftables', 'iptables', 'ip6tables', 'firewalld', 'ufw', 'Windows Firewall (PowerShell)']));
  });
});

describe.skipIf(skipWithReason(!isRoot || !canUseRawSockets(), 'applying firewall rules in a namespace needs root and raw sockets'))('firewall rules applied in a namespace (needs root)', () => {
  const spec = discoveryRuleSpec(qualys, [SCANNER4, SCANNER6]);
  const actions = firewallActions(spec);
  const nftText = heredocBody(actions.find((a) => a.label === 'nftables')?.text ?? '') ?? '';
  const iptText = heredocBody(actions.find((a) => a.label === 'iptables')?.text ?? '') ?? '';
  const ip6Text = heredocBody(actions.find((a) => a.label === 'ip6tables')?.text ?? '') ?? '';

  beforeAll(() => {
    teardown();
    sh('ip', ['netns', 'add', NS]);
    sh('ip', ['link', 'add', LINK, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS]);
    sh('ip', ['addr', 'add', `${SCANNER4}/30`, 'dev', LINK]);
    sh('ip', ['-6', 'addr', 'add', `${SCANNER6}/64`, 'dev', LINK, 'nodad']);
    sh('ip', ['link', 'set', LINK, 'up']);
    sh('ip', ['-n', NS, 'addr', 'add', `${HOST4}/30`, 'dev', 'eth0']);
    sh('ip', ['-n', NS, '-6', 'addr', 'add', `${HOST6}/64`, 'dev', 'eth0', 'nodad']);
    sh('ip', ['-n', NS, 'link', 'set', 'eth0', 'up']);
    sh('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    // No ICMP rate limits: every closed UDP port must get its 3/3.
    inNs('sysctl', ['-qw', 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0']);
  });
  afterAll(() => {
    teardown();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the generated files pass nft -c and iptables-restore --test', () => {
    inNs('nft', ['-f', '-'], 'flush ruleset\ntable inet filter { chain input { type filter hook input priority 0; policy drop; }\n}\n');
    const nftFile = path.join(tmp, 'rules.nft');
    writeFileSync(nftFile, nftText);
    expect(() => inNs('nft', ['-c', '-f', nftFile])).not.toThrow();
    // A broken file must fail the same check (the check can fail).
    writeFileSync(path.join(tmp, 'broken.nft'), nftText.replace('accept', 'acept'));
    expect(() => inNs('nft', ['-c', '-f', path.join(tmp, 'broken.nft')])).toThrow();
    const iptFile = path.join(tmp, 'rules.ipt');
    writeFileSync(iptFile, iptText);
    expect(() => inNs('iptables-restore', ['--test', '--noflush', iptFile])).not.toThrow();
    const ip6File = path.join(tmp, 'rules.ip6t');
    writeFileSync(ip6File, ip6Text);
    expect(() => inNs('ip6tables-restore', ['--test', '--noflush', ip6File])).not.toThrow();
    writeFileSync(path.join(tmp, 'broken.ipt'), iptText.replace('--dports', '--dport-list'));
    expect(() => inNs('iptables-restore', ['--test', '--noflush', path.join(tmp, 'broken.ipt')])).toThrow();
  });

  it('nftables: a drop-everything host becomes alive on every probe once the allow rules are inserted', async () => {
    // A real IPv6 host firewall lets neighbour discovery through (else IPv6 does not work at all).
    inNs('nft', ['-f', '-'], `flush ruleset\ntable inet filter { chain input { type filter hook input priority 0; policy drop; iif lo accept; ${ND_NFT} }\n}\n`);
    const before4 = await probe(HOST4);
    const before6 = await probe(HOST6);
    expect(before4.verdict).toBe('not-alive');
    expect(before6.verdict).toBe('not-alive');

    inNs('nft', ['-f', '-'], nftText);
    const ruleset = inNs('nft', ['list', 'ruleset']);
    expect(ruleset).toContain('scanready-scanner');

    const after4 = await probe(HOST4);
    const after6 = await probe(HOST6);
    expect(after4.verdict).toBe('alive');
    expect(after6.verdict).toBe('alive');
    expect(everyProbeAnswered(after4)).toEqual([]);
    expect(everyProbeAnswered(after6)).toEqual([]);
    // The ACK probe is what makes stateless-filtered hosts visible: its destination port must be open too.
    expect(after4.probes.find((p) => p.kind === 'ack' && p.port === 2869)?.result).toBe('rst');
    expect(after4.probes.find((p) => p.kind === 'syn-ack')?.result).toBe('rst');
  });

  it('iptables: the same with iptables-restore --noflush into a DROP policy', async () => {
    inNs('nft', ['flush', 'ruleset']);
    inNs('iptables', ['-P', 'INPUT', 'DROP']);
    inNs('ip6tables', ['-P', 'INPUT', 'DROP']);
    for (const t of ['neighbour-solicitation', 'neighbour-advertisement']) inNs('ip6tables', ['-A', 'INPUT', '-p', 'ipv6-icmp', '--icmpv6-type', t, '-j', 'ACCEPT']);
    const before4 = await probe(HOST4);
    const before6 = await probe(HOST6);
    expect(before4.verdict).toBe('not-alive');
    expect(before6.verdict).toBe('not-alive');

    inNs('iptables-restore', ['--noflush'], iptText);
    inNs('ip6tables-restore', ['--noflush'], ip6Text);
    expect(inNs('iptables', ['-S', 'INPUT'])).toContain('scanready-scanner');

    const after4 = await probe(HOST4);
    const after6 = await probe(HOST6);
    expect(after4.verdict).toBe('alive');
    expect(after6.verdict).toBe('alive');
    expect(everyProbeAnswered(after4)).toEqual([]);
    expect(everyProbeAnswered(after6)).toEqual([]);
  });

  it('rules for another scanner address do not open the host', async () => {
    inNs('nft', ['flush', 'ruleset']);
    inNs('iptables', ['-P', 'INPUT', 'ACCEPT']);
    inNs('nft', ['-f', '-'], `flush ruleset\ntable inet filter { chain input { type filter hook input priority 0; policy drop; ${ND_NFT} }\n}\n`);
    inNs('nft', ['-f', '-'], nftablesScript(discoveryRuleSpec(qualys, ['203.0.113.7', '2001:db8:99::7'])));
    expect((await probe(HOST4)).verdict).toBe('not-alive');
    expect((await probe(HOST6)).verdict).toBe('not-alive');
  });
});
