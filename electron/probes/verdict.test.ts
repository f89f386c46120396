import { describe, expect, it } from 'vitest';
import type { ProbeOutcome, ProbeResult } from '../../shared/discovery.js';
import { builtinProfile } from '../../shared/profiles.js';
import { emptyResult, finalizeResult, probeSpecs } from './plan.js';
import { probeLabel } from '../../shared/discovery.js';
import { aliveByOf, decideVerdict } from './verdict.js';

const T = '198.18.1.13';
const qualys = builtinProfile('qualys-default')!;

/** The qualys-default matrix for one host, every probe silent after 2 attempts (raw or fallback methods). */
function matrix(privileged: boolean, target = T): ProbeResult[] {
  return probeSpecs(qualys, target.includes(':') ? 6 : 4).map((s) => {
    const r = emptyResult(s, privileged ? 'raw' : s.kind === 'syn' ? 'connect' : s.kind === 'udp' ? 'udp-socket' : s.kind === 'echo' ? 'system-ping' : 'none');
    r.attempts = 2;
    if (!privileged && (s.kind === 'ack' || s.kind === 'syn-ack')) {
      r.result = 'needs-privilege';
      r.attempts = 0;
    }
    return r;
  });
}

function answer(
  probes: ProbeResult[],
  match: (p: ProbeResult) => boolean,
  result: ProbeOutcome,
  responder: string | null,
  extra: Partial<ProbeResult> = {},
): ProbeResult[] {
  for (const p of probes.filter(match)) {
    Object.assign(p, { result, responder, rttMs: 1.2, ttl: 63 }, extra);
    finalizeResult(p, T);
  }
  return probes;
}

describe('probe plan', () => {
  it('qualys-default has 13 SYN, 2 ACK, 1 SYN-ACK, 6 UDP and echo probes, in that order', () => {
    const specs = probeSpecs(qualys, 4);
    expect(specs.map((s) => probeLabel({ ...s }))).toEqual([
      ...[21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 443, 445, 5631].map((p) => `TCP SYN ${p}`),
      'TCP ACK 80→2869',
      'TCP ACK 25→12531',
      'TCP SYN-ACK 80→41641',
      ...[53, 111, 135, 137, 161, 500].map((p) => `UDP ${p}`),
      'ICMP echo',
    ]);
  });
  it('drops the ICMP timestamp probe for IPv6 only', () => {
    const nmap = builtinProfile('nmap-default')!;
    expect(probeSpecs(nmap, 4).some((s) => s.kind === 'timestamp')).toBe(true);
    expect(probeSpecs(nmap, 6).some((s) => s.kind === 'timestamp')).toBe(false);
  });
});

describe('decideVerdict', () => {
  it('not alive: silence on every probe, reason counts them with attempts and timeout', () => {
    const v = decideVerdict(matrix(true), T, true, { timeoutMs: 1000 });
    expect(v).toEqual({
      alive: false,
      verdict: 'not-alive',
      reason: 'not alive: no answer to 13 TCP SYN, 2 TCP ACK, 1 TCP SYN-ACK, 6 UDP and ICMP echo probes (2 attempts each, 1000 ms timeout)',
      aliveBy: '',
    });
  });

  it('alive through ACK / SYN-ACK RSTs only: names the stateless SYN filter', () => {
    const probes = answer(matrix(true), (p) => p.kind === 'ack' || p.kind === 'syn-ack', 'rst', T);
    const v = decideVerdict(probes, T, true);
    expect(v.verdict).toBe('alive');
    expect(v.alive).toBe(true);
    expect(v.reason).toBe(
      'alive: RST to TCP ACK 80→2869, 25→12531; RST to TCP SYN-ACK 80→41641; SYN probes dropped — a stateless SYN filter; no answer to ICMP echo',
    );
    expect(v.aliveBy).toBe('TCP RST');
  });

  it('alive with open ports, closed ports, UDP and ICMP: Qualys-style aliveBy', () => {
    const probes = matrix(true);
    answer(probes, (p) => p.kind === 'syn' && [22, 80, 443].includes(p.port ?? 0), 'syn-ack', T);
    answer(probes, (p) => p.kind === 'syn' && ![22, 80, 443].includes(p.port ?? 0), 'rst', T);
    answer(probes, (p) => p.kind === 'udp' && p.port === 53, 'udp-reply', T);
    answer(probes, (p) => p.kind === 'udp' && p.port === 111, 'icmp-port-unreachable', T, { icmpType: 3, icmpCode: 3 });
    answer(probes, (p) => p.kind === 'echo', 'echo-reply', T);
    const v = decideVerdict(probes, T, true);
    expect(v.verdict).toBe('alive');
    expect(v.aliveBy).toBe('ICMP;TCPPort 22;TCPPort 80;TCPPort 443;UDPPort 53;TCP RST;UDP Port Unreachable');
    expect(v.reason).toBe(
      'alive: SYN-ACK from TCP 22, 80, 443; RST from TCP 21, 23, 25, 53, 110 (+5 more); UDP reply from 53; ICMP port unreachable for UDP 111; ICMP echo reply',
    );
    expect(v.reason).not.toContain('\n');
  });

  it('an answer from another address never proves life (a router answering port unreachable)', () => {
    const probes = answer(matrix(true), (p) => p.kind === 'udp', 'icmp-port-unreachable', '198.18.0.2', { icmpType: 3, icmpCode: 3 });
    expect(probes.every((p) => !p.countsAsAlive)).toBe(true);
    const v = decideVerdict(probes, T, true);
    expect(v.verdict).toBe('filtered-in-path');
    expect(v.reason).toContain('198.18.0.2 answered 6 probes with ICMP 3/3 (port unreachable) ×6');
  });

  it('rejected by host: only admin-prohibited from the target', () => {
    const probes = answer(matrix(true), (p) => p.kind !== 'udp', 'icmp-admin-prohibited', T, { icmpType: 3, icmpCode: 13 });
    const v = decideVerdict(probes, T, true);
    expect(v.verdict).toBe('rejected-by-host');
    expect(v.alive).toBe(false);
    expect(v.reason).toBe(
      `rejected by host: ${T} answered 17 probes with ICMP 3/13 (communication administratively prohibited) ×17 — its own firewall rejects the scanner (scanners count this as not alive)`,
    );
  });

  it('filtered in path: names the hop and its ICMP code', () => {
    const probes = matrix(true);
    answer(probes, (p) => p.kind === 'syn' && (p.port ?? 0) < 100, 'icmp-admin-prohibited', '198.18.0.2', { icmpType: 3, icmpCode: 13 });
    answer(probes, (p) => p.kind === 'echo', 'icmp-unreachable', '198.18.0.9', { icmpType: 3, icmpCode: 1 });
    const v = decideVerdict(probes, T, true);
    expect(v.verdict).toBe('filtered-in-path');
    expect(v.reason).toBe(
      `filtered in path: 198.18.0.2 answered 6 probes with ICMP 3/13 (communication administratively prohibited) ×6; 198.18.0.9 answered 1 probe with ICMP 3/1 (host unreachable) for ${T} — a router or firewall on the path rejects the scanner; nothing came from the host itself`,
    );
  });

  it('alive beats rejections: the target answered one probe', () => {
    const probes = matrix(true);
    answer(probes, (p) => p.kind === 'syn', 'icmp-admin-prohibited', '198.18.0.2', { icmpType: 3, icmpCode: 13 });
    answer(probes, (p) => p.kind === 'echo', 'echo-reply', T);
    expect(decideVerdict(probes, T, true)).toMatchObject({ verdict: 'alive', aliveBy: 'ICMP' });
  });

  it('unprivileged, silent: inconclusive because the ACK / SYN-ACK probes were not sent', () => {
    const v = decideVerdict(matrix(false), T, false, { timeoutMs: 1000 });
    expect(v.verdict).toBe('inconclusive');
    expect(v.alive).toBe(false);
    expect(v.reason).toBe(
      'inconclusive: no answer to 13 TCP connect, 6 UDP and ICMP echo (system ping) probes (2 attempts each, 1000 ms timeout); 2 TCP ACK and 1 TCP SYN-ACK probes not sent: they need raw sockets (run privileged) — ACK/SYN-ACK probes are the ones that pass stateless SYN filters',
    );
  });

  it('unprivileged, silent, profile without ACK probes: not alive (every probe was sent)', () => {
    const probes = matrix(false).filter((p) => p.result !== 'needs-privilege');
    expect(decideVerdict(probes, T, false).verdict).toBe('not-alive');
  });

  it('unprivileged alive: connect() wording', () => {
    const probes = answer(matrix(false), (p) => p.kind === 'syn' && p.port === 22, 'syn-ack', T);
    answer(probes, (p) => p.kind === 'syn' && p.port === 21, 'rst', T);
    const v = decideVerdict(probes, T, false);
    expect(v).toMatchObject({ verdict: 'alive', aliveBy: 'TCPPort 22;TCP RST' });
    expect(v.reason).toBe('alive: connection accepted on TCP 22; connection refused (RST) on TCP 21; no answer to ICMP echo');
  });

  it('unprivileged: EHOSTUNREACH with an unknown responder is inconclusive, but system ping naming the target makes it rejected-by-host', () => {
    const probes = answer(matrix(false), (p) => p.kind === 'syn', 'icmp-unreachable', null, { detail: 'responder unknown without raw sockets', ttl: null });
    const v = decideVerdict(probes, T, false);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toMatch(/^inconclusive: 13 probes were rejected with ICMP unreachable by a sender that cannot be seen without raw sockets; no answer to 6 UDP/);
    answer(probes, (p) => p.kind === 'echo', 'icmp-admin-prohibited', T, { icmpType: 3, icmpCode: 13 });
    const v2 = decideVerdict(probes, T, false);
    expect(v2.verdict).toBe('rejected-by-host');
    expect(v2.reason).toContain('13 more rejected by an unknown sender (responder unknown without raw sockets)');
  });

  it('local errors and cancellation make silence inconclusive', () => {
    const probes = matrix(true);
    answer(probes, (p) => p.kind === 'udp', 'error', null, { detail: 'ENETUNREACH' });
    expect(decideVerdict(probes, T, true).reason).toContain('6 UDP probes failed on this machine, not sent (ENETUNREACH)');
    // Every probe errored: the reason says nothing was learnt, not "no response".
    const all = matrix(true);
    answer(all, () => true, 'error', null, { detail: 'not sent: the operating system refused to send (EACCES)', errno: 'EACCES' });
    const e = decideVerdict(all, T, true);
    expect(e.verdict).toBe('inconclusive');
    expect(e.reason).toContain('every probe failed on this machine before reaching the network: not sent: the operating system refused to send (EACCES)');
    expect(e.reason).not.toMatch(/no answer|no response/);
    const c = matrix(true).map((p) => ({ ...p, result: 'cancelled' as const }));
    const v = decideVerdict(c, T, true);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toContain('cancelled before an answer');
  });

  it('IPv6: compares addresses canonically and names ICMPv6 codes', () => {
    const t6 = '2001:db8:5352:1::10';
    const probes = matrix(true, t6);
    for (const p of probes.filter((q) => q.kind === 'syn')) {
      Object.assign(p, { result: 'icmp-admin-prohibited', responder: '2001:DB8:5352:1:0:0:0:10', icmpType: 1, icmpCode: 1 });
    }
    const v = decideVerdict(probes, '2001:db8:5352:1:0::10', true);
    expect(v.verdict).toBe('rejected-by-host');
    expect(v.reason).toContain('ICMPv6 1/1 (administratively prohibited) ×13');
  });

  it('aliveBy is empty without evidence', () => {
    expect(aliveByOf([])).toBe('');
  });
});
