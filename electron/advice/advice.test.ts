/** The advice engine on hand-made evidence: rules that the lab scenarios do not all reach. */
import { describe, expect, it } from 'vitest';
import type { AuthResult, AuthStep, AuthStepId, RanStep } from '../../shared/auth.js';
import type { HostResult, ProbeResult } from '../../shared/discovery.js';
import { builtinProfile, type DiscoveryProfile } from '../../shared/profiles.js';
import { buildAdvice, type AdviceInput } from './index.js';

const qualys = builtinProfile('qualys-default') as DiscoveryProfile;
const ADDR = '192.0.2.50';

function probe(p: Partial<ProbeResult>): ProbeResult {
  return {
    protocol: 'tcp',
    kind: 'syn',
    port: 80,
    sourcePort: null,
    method: 'raw',
    result: 'no-response',
    responder: null,
    fromTarget: false,
    icmpType: null,
    icmpCode: null,
    ttl: null,
    rttMs: null,
    attempts: 2,
    countsAsAlive: false,
    ...p,
  };
}
function host(verdict: HostResult['verdict'], probes: ProbeResult[], extra: Partial<HostResult> = {}): HostResult {
  return {
    target: ADDR,
    address: ADDR,
    family: 4,
    alive: verdict === 'alive',
    verdict,
    reason: verdict,
    aliveBy: '',
    privileged: true,
    profile: 'qualys-default',
    probes,
    warnings: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 10,
    ...extra,
  };
}
function input(discovery: HostResult, extra: Partial<AdviceInput> = {}): AdviceInput {
  return { discovery, path: null, openPorts: null, auth: null, profile: qualys, scannerIps: ['203.0.113.9'], target: ADDR, ...extra };
}
const silentProbes = [probe({ port: 22 }), probe({ kind: 'echo', protocol: 'icmp', port: null })];
const aliveEcho = host('alive', [
  probe({ port: 22, result: 'syn-ack', responder: ADDR, fromTarget: true, countsAsAlive: true }),
  probe({ kind: 'echo', protocol: 'icmp', port: null, result: 'echo-reply', responder: ADDR, fromTarget: true, countsAsAlive: true }),
]);
/** A step as the tests write it: the id, and whatever else matters to the case. */
type StepInput = { [Id in AuthStepId]: Partial<RanStep<Id>> & { id: Id } }[AuthStepId];
function auth(steps: StepInput[], extra: Partial<AuthResult> = {}): AuthResult {
  return {
    host: ADDR,
    port: 22,
    user: 'scanuser',
    delegation: 'sudo-su',
    status: 'failed',
    steps: steps.map((s): AuthStep => ({ ok: true, ms: 1, summary: s.id, ...s })),
    hostKey: null,
    listening: [],
    advice: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 10,
    ...extra,
  };
}
const ids = (xs: { id: string }[]): string[] => xs.map((x) => x.id);

describe('never advise what the evidence contradicts', () => {
  it('a host that answered ping gets no enable-icmp, fix or tip', () => {
    expect(ids(buildAdvice(input(aliveEcho)))).not.toContain('enable-icmp');
  });

  it('a profile without ICMP gets no enable-icmp either', () => {
    const noIcmp = { ...qualys, icmpEcho: false };
    const r = buildAdvice(input(host('alive', [probe({ port: 22, result: 'syn-ack', responder: ADDR, fromTarget: true, countsAsAlive: true })]), { profile: noIcmp }));
    expect(ids(r)).toEqual([]);
  });

  it('a filtered path gets no host firewall rules or Scan Dead Hosts', () => {
    const p = probe({ result: 'icmp-admin-prohibited', responder: '192.0.2.1', icmpType: 3, icmpCode: 10 });
    const r = buildAdvice(input(host('filtered-in-path', [p])));
    expect(ids(r)).toEqual(['path-filter']);
    expect(r[0]?.hop).toBe('192.0.2.1');
    expect(r[0]?.title).toContain('3/10');
  });
});

describe('ranking', () => {
  it('inconclusive (no privilege): run-privileged-probes first, fixes before tips, no debug bundle', () => {
    const d = host('inconclusive', [...silentProbes, probe({ kind: 'ack', port: 2869, sourcePort: 80, result: 'needs-privilege', method: 'none' })], { privileged: false });
    const r = buildAdvice(input(d));
    expect(r[0]?.id).toBe('run-privileged-probes');
    expect(r[0]?.why).toContain('TCP ACK 80→2869');
    expect(ids(r)).not.toContain('debug-bundle');
  });

  it('a router saying "host unreachable" (3/1): check-address first, not path-filter', () => {
    const p = probe({ result: 'icmp-unreachable', responder: '192.0.2.1', icmpType: 3, icmpCode: 1 });
    const r = buildAdvice(input(host('filtered-in-path', [p])));
    expect(r[0]?.id).toBe('check-address');
    expect(r[0]?.why).toContain('ICMP 3/1 (host unreachable)');
    expect(ids(r)).not.toContain('path-filter');
  });

  it('debug-bundle only when nothing explains a failure, and always last', () => {
    const a = auth([{ id: 'uid', ok: false, reason: 'exec-failed', summary: 'could not run id -u' }], { status: 'failed' });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(ids(r)).toEqual(['debug-bundle']);
    expect(r[0]?.actions.map((x) => x.text).join('\n')).toContain('--bundle scanready-');
    const explained = buildAdvice(input(aliveEcho, { auth: auth([{ id: 'tmp-exec', ok: false, reason: 'noexec', summary: '/tmp is noexec' }]) }));
    expect(ids(explained)).not.toContain('debug-bundle');
  });
});

describe('add-tcp-port / add-udp-port', () => {
  const found = [8443, 9000, 9001, 9002].map((port) => ({ protocol: 'tcp' as const, port, result: 'syn-ack' as const }));

  it('carries the ports that answered, listening services first', () => {
    const r = buildAdvice(input(host('not-alive', silentProbes), { openPorts: [{ protocol: 'tcp', port: 7000, result: 'rst' }, ...found.slice(0, 1)] }));
    expect(r[0]).toMatchObject({ id: 'add-tcp-port', ports: [8443, 7000] });
  });

  it('respects the 20 additional TCP ports Qualys accepts', () => {
    const extra18 = Array.from({ length: 18 }, (_, i) => 20000 + i);
    const p18 = { ...qualys, tcpSyn: [...qualys.tcpSyn, ...extra18] };
    const r = buildAdvice(input(host('not-alive', silentProbes), { profile: p18, openPorts: found }));
    expect(r[0]?.ports).toEqual([8443, 9000]);
    expect(r[0]?.why).toMatch(/Only 2 more additional TCP ports fit/);
    const p20 = { ...qualys, tcpSyn: [...qualys.tcpSyn, ...extra18, 30000, 30001] };
    const full = buildAdvice(input(host('not-alive', silentProbes), { profile: p20, openPorts: found }));
    expect(full[0]?.ports).toEqual([8443]);
    expect(full[0]?.why).toMatch(/the most Qualys accepts \(20\): replace one/);
  });

  it('at most 6 custom UDP ports', () => {
    const udp = [1, 2, 3, 4, 5, 6, 7, 8].map((port) => ({ protocol: 'udp' as const, port: 10000 + port, result: 'udp-reply' as const }));
    const r = buildAdvice(input(host('not-alive', silentProbes), { openPorts: udp }));
    const item = r.find((a) => a.id === 'add-udp-port');
    expect(item?.ports).toHaveLength(6);
    expect(item?.why).toMatch(/at most 6/);
  });

  it('listening ports seen over SSH become candidates (loopback ignored): a fix when not alive, a tip when alive', () => {
    const a = auth([], {
      status: 'passed',
      listening: [
        { protocol: 'tcp', address: '0.0.0.0', port: 8443, process: 'nginx', candidate: true },
        { protocol: 'tcp', address: '127.0.0.1', port: 5432, process: 'postgres', candidate: true },
        { protocol: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd', candidate: false },
      ],
    });
    const dead = buildAdvice(input(host('not-alive', silentProbes), { auth: a }));
    const item = dead.find((x) => x.id === 'add-tcp-port');
    expect(item).toMatchObject({ severity: 'fix', ports: [8443] });
    const alive = buildAdvice(input(aliveEcho, { auth: a }));
    expect(alive.find((x) => x.id === 'add-tcp-port')).toMatchObject({ severity: 'tip', ports: [8443] });
  });
});

describe('credential-side advice', () => {
  it('a ban: whitelist-fail2ban (with the scanner address in ignoreip) before raising limits', () => {
    const a = auth([{ id: 'sessions', ok: false, reason: 'banned', summary: '3 of 10 connections were refused part-way' }], { status: 'passed' });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(ids(r).slice(0, 2)).toEqual(['whitelist-fail2ban', 'raise-ssh-limits']);
    expect(r[0]?.actions[0]?.text).toContain('ignoreip = 127.0.0.1/8 ::1 203.0.113.9');
  });

  it('MaxStartups: raise-ssh-limits only', () => {
    const a = auth([{ id: 'sessions', ok: false, reason: 'max-startups', summary: 'dropped before login' }], { status: 'passed' });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(ids(r).filter((i) => i !== 'audit-scan-account')).toEqual(['raise-ssh-limits']);
  });

  it('a changed host key', () => {
    const a = auth([{ id: 'host-key', ok: false, reason: 'host-key-changed', summary: 'MISMATCH' }], {
      hostKey: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'changed', knownFingerprint: 'SHA256:old' },
    });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(r[0]?.id).toBe('host-key-changed');
    expect(r[0]?.why).toContain('SHA256:old');
  });

  it('requiretty that then asks for a password: disable-requiretty and grant-nopasswd', () => {
    const a = auth([{ id: 'elevate', ok: false, reason: 'requiretty', summary: 'sudo requires a TTY', data: { method: 'sudo-su', ptyResult: 'password-required' } }], { status: 'passed-insufficient' });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(ids(r).slice(0, 2)).toEqual(['disable-requiretty', 'grant-nopasswd']);
    expect(r[0]?.actions[0]?.text).toContain('Defaults:scanuser !requiretty');
    expect(r[1]?.actions[0]?.text).toContain('scanuser ALL=(ALL) NOPASSWD: ALL');
  });

  it('!visiblepw (sudo will not read an echoed password): no "drop requiretty" advice, use sudo -S / a PTY or NOPASSWD', () => {
    const a = auth([{ id: 'elevate', ok: false, reason: 'requiretty', summary: 'sudo would not read the password', data: { method: 'custom', visiblepw: true } }], { status: 'passed-insufficient' });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(ids(r).slice(0, 2)).toEqual(['disable-requiretty', 'grant-nopasswd']);
    expect(r[0]?.title).toContain('visiblepw');
    expect(JSON.stringify(r[0])).not.toContain('!requiretty');
    expect(r[0]?.actions[0]?.text).toContain('sudo -S');
  });

  it('restricted sudo rules that still let the delegation through: unrestricted-sudo', () => {
    const a = auth([{ id: 'sudo-rules', ok: false, reason: 'restricted', summary: 'restricted sudo rules', data: { allowedAsRoot: ['/usr/bin/id'] } }], { status: 'passed' });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(r[0]?.id).toBe('unrestricted-sudo');
    expect(r[0]?.why).toContain('/usr/bin/id');
  });

  it('audit-scan-account uses the login UID in the auditd rule', () => {
    const a = auth([{ id: 'uid', ok: true, summary: 'uid 1234', data: { uid: 1234 } }], { status: 'passed' });
    const r = buildAdvice(input(aliveEcho, { auth: a }));
    expect(r.find((x) => x.id === 'audit-scan-account')?.actions[0]?.text).toContain('-a always,exit -F arch=b64 -F auid=1234 -S execve -k scanready-scan');
  });
});

describe('names', () => {
  it('a name that resolves to loopback gets a check-address tip', () => {
    const d = host('alive', aliveEcho.probes, { address: '127.0.1.1', target: 'db.example.test' });
    const r = buildAdvice(input(d, { resolvedFrom: 'db.example.test', target: 'db.example.test' }));
    expect(r.find((x) => x.id === 'check-address')).toMatchObject({ severity: 'tip' });
  });
});

describe('run-privileged-probes placement', () => {
  const unsent = probe({ kind: 'ack', port: 2869, sourcePort: 80, result: 'needs-privilege', method: 'none' });
  it('after a port that answers, and only a tip when a router already rejects', () => {
    const withPort = buildAdvice(input(host('inconclusive', [...silentProbes, unsent], { privileged: false }), { openPorts: [{ protocol: 'tcp', port: 8443, result: 'syn-ack' }] }));
    expect(ids(withPort).slice(0, 2)).toEqual(['add-tcp-port', 'run-privileged-probes']);
    const rej = probe({ result: 'icmp-admin-prohibited', responder: '192.0.2.1', icmpType: 3, icmpCode: 13 });
    const filtered = buildAdvice(input(host('filtered-in-path', [rej, unsent], { privileged: false })));
    expect(filtered[0]?.id).toBe('path-filter');
    expect(filtered.find((a) => a.id === 'run-privileged-probes')?.severity).toBe('tip');
  });
});

describe('every probe failed on this machine (result error)', () => {
  const local = (errno: string, detail: string): HostResult =>
    host(
      'inconclusive',
      [
        probe({ port: 22, result: 'error', errno, detail: `raw send: ${detail}` }),
        probe({ port: 443, result: 'error', errno, detail: `raw send: ${detail}` }),
        probe({ kind: 'echo', protocol: 'icmp', port: null, result: 'error', errno, detail: `raw send: ${detail}` }),
      ],
      { address: '127.255.255.255', target: '127.255.255.255' },
    );

  it('EACCES (a broadcast address): says what the error means, proposes no firewall rule', () => {
    const advice = buildAdvice(input(local('EACCES', 'the operating system refused to send (EACCES) — a broadcast address, or a local firewall rule forbids it'), { target: '127.255.255.255' }));
    expect(ids(advice)[0]).toBe('local-send-error');
    for (const id of ['allow-scanner', 'enable-icmp', 'path-filter', 'host-firewall-rejects', 'add-tcp-port', 'add-udp-port', 'scan-dead-hosts', 'debug-bundle']) {
      expect(ids(advice)).not.toContain(id);
    }
    const a = advice[0]!;
    expect(a.severity).toBe('fix');
    expect(a.why).toContain('EACCES');
    expect(a.why).toContain('broadcast');
    expect(a.why).toMatch(/no firewall change/);
    expect(a.actions.map((x) => x.text).join('\n')).toMatch(/broadcast address/);
    expect(a.actions.find((x) => x.kind === 'command')?.text).toBe('ip route get 127.255.255.255');
    // No pasted command opens anything.
    for (const x of advice.flatMap((y) => y.actions)) expect(x.text).not.toMatch(/nft add|iptables -A|ufw allow|firewall-cmd|New-NetFirewallRule/);
  });

  it('ENETUNREACH: no route from this machine', () => {
    const advice = buildAdvice(input(local('ENETUNREACH', 'this machine has no route to that network (ENETUNREACH) — nothing was sent')));
    expect(ids(advice)).toEqual(['local-send-error']);
    expect(advice[0]!.why).toContain('no route');
    expect(advice[0]!.actions.map((x) => x.text).join('\n')).toMatch(/no route to that network/);
  });

  it('only some probes errored: the usual network advice still applies', () => {
    const mixed = host('not-alive', [probe({ port: 22 }), probe({ port: 443, result: 'error', errno: 'ENOBUFS', detail: 'raw send: out of buffer space' })]);
    const got = ids(buildAdvice(input(mixed)));
    expect(got).not.toContain('local-send-error');
    expect(got).toContain('allow-scanner');
  });
});

describe('credential evidence reads only steps that ran', () => {
  it('a broken (step-error) or skipped tmp-exec step does not advise "make /tmp usable"', () => {
    const broken: AuthResult = {
      ...auth([{ id: 'login', ok: true }], { status: 'passed' }),
    };
    broken.steps.push(
      { id: 'tmp-exec', ok: false, ms: 1, summary: 'could not run', reason: 'step-error', data: { error: 'channel open failed', code: 'channel-open-failed' } },
      { id: 'sessions', ok: null, ms: 0, summary: 'skipped', reason: 'skipped', data: { skipped: true } },
    );
    const got = ids(buildAdvice(input(aliveEcho, { auth: broken })));
    expect(got).not.toContain('tmp-exec');
    expect(got).not.toContain('raise-ssh-limits');
  });
});
