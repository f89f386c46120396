/** Issue 12 item 4: one "do this first", no rule twice, shared notes once, re-run and network-team message. */
import { describe, expect, it } from 'vitest';
import { doFirst } from '../../shared/advice.js';
import type { OpenPort } from '../../shared/diagnosis.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { builtinProfile, type DiscoveryProfile } from '../../shared/profiles.js';
import { buildAdvice, type AdviceInput } from './index.js';

const qualys = builtinProfile('qualys-default') as DiscoveryProfile;
const ADDR = '192.0.2.51';

function silent(p: Partial<ProbeResult>): ProbeResult {
  return { protocol: 'tcp', kind: 'syn', port: 80, sourcePort: null, method: 'raw', result: 'no-response', responder: null, fromTarget: false, icmpType: null, icmpCode: null, ttl: null, rttMs: null, attempts: 2, countsAsAlive: false, ...p };
}
function notAlive(): HostResult {
  return {
    target: ADDR,
    address: ADDR,
    family: 4,
    alive: false,
    verdict: 'not-alive',
    reason: 'not alive',
    aliveBy: '',
    privileged: true,
    profile: 'qualys-default',
    probes: [silent({ port: 22 }), silent({ port: 443 }), silent({ kind: 'echo', protocol: 'icmp', port: null }), silent({ kind: 'udp', protocol: 'udp', port: 161 })],
    warnings: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 10,
  };
}
const only8443: OpenPort[] = [{ protocol: 'tcp', port: 8443, result: 'syn-ack', service: 'https-alt' }];
const input = (extra: Partial<AdviceInput> = {}): AdviceInput => ({
  discovery: notAlive(),
  path: null,
  openPorts: only8443,
  auth: null,
  profile: qualys,
  scannerIps: ['203.0.113.9'],
  target: ADDR,
  ...extra,
});

describe('ranked advice for a host reachable only on a custom port', () => {
  const advice = buildAdvice(input());

  it('one "do this first": adding the port that answers', () => {
    expect(doFirst(advice)?.id).toBe('add-tcp-port');
    expect(advice.filter((a) => a === doFirst(advice))).toHaveLength(1);
    // Fixes before tips, each id once.
    const sev = advice.map((a) => a.severity);
    expect(sev.indexOf('tip') === -1 || sev.lastIndexOf('fix') < sev.indexOf('tip')).toBe(true);
    expect(new Set(advice.map((a) => a.id)).size).toBe(advice.length);
  });

  it('no firewall rule appears twice (the ICMP rule lives in the allow rules only)', () => {
    const commands = advice.flatMap((a) => a.actions.filter((x) => x.kind === 'command').map((x) => x.text));
    expect(new Set(commands).size).toBe(commands.length);
    const icmp = advice.find((a) => a.id === 'enable-icmp');
    if (icmp) expect(icmp.actions.every((x) => x.kind === 'text')).toBe(true);
  });

  it('a note shared by several cards is said once', () => {
    const notes = advice.flatMap((a) => a.actions.filter((x) => x.kind === 'text').map((x) => `${x.label}|${x.text}`));
    const nft = notes.filter((n) => n.startsWith('nftables (note)|'));
    expect(nft.length).toBeLessThanOrEqual(1);
    expect(new Set(notes).size).toBe(notes.length);
  });

  it('verify is a re-run for the app (the CLI line is marked CLI-only)', () => {
    const add = advice.find((a) => a.id === 'add-tcp-port');
    expect(add?.rerun).toEqual({ tcp: [8443] });
    const verify = add?.actions.find((x) => x.label === 'verify');
    expect(verify?.cliOnly).toBe(true);
  });

  it('a message for the network team: what, from where, to which host and ports, why', () => {
    const allow = advice.find((a) => a.id === 'allow-scanner');
    expect(allow?.request).toContain('203.0.113.9');
    expect(allow?.request).toContain(ADDR);
    expect(allow?.request).toMatch(/TCP 21, 22/);
    expect(allow?.request).toMatch(/Why: /);
  });
});

describe('a silent host: every note once, "do this first" is a fix', () => {
  it('holds', () => {
    const advice = buildAdvice(input({ openPorts: [] }));
    expect(doFirst(advice)?.severity).toBe('fix');
    const notes = advice.flatMap((a) => a.actions.filter((x) => x.kind === 'text').map((x) => `${x.label}|${x.text}`));
    expect(new Set(notes).size).toBe(notes.length);
    const commands = advice.flatMap((a) => a.actions.filter((x) => x.kind === 'command').map((x) => x.text));
    expect(new Set(commands).size).toBe(commands.length);
  });
});
