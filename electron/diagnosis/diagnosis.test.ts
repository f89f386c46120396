/**
 * Every lab scenario (.10-.19) diagnosed end to end — real discovery, real trace, real port finder —
 * with its top advice and the evidence behind it; then the credential side against the lab's sshd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { DiagnosisEvent, DiagnosisResult } from '../../shared/diagnosis.js';
import type { DiagnoseRequestInput } from '../../shared/requests.js';
import { KnownHostsStore } from '../ssh/knownHosts.js';
import { runDiagnosis } from './index.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';

const SCANNER = '198.18.0.1';
// The lab answers at once; a shorter wait per dropped probe keeps the suite fast without changing any verdict.
const FAST = { overrides: { timeoutMs: 600, retries: 0 } } as const;

async function diagnose(target: string, extra: Partial<DiagnoseRequestInput> = {}, opts: Parameters<typeof runDiagnosis>[1] = {}): Promise<DiagnosisResult> {
  return runDiagnosis({ target, scannerIps: [SCANNER], ...FAST, ...extra }, { topPorts: 1000, ...opts });
}
const ids = (r: DiagnosisResult): string[] => r.advice.map((a) => a.id);

describe.skipIf(skipWithoutRawSockets())('diagnosis of every lab scenario (raw probes)', () => {
  it('.10 answers everything: alive, nothing to change, no trace or port search', async () => {
    const events: DiagnosisEvent[] = [];
    const r = await diagnose(LAB.open, {}, { onEvent: (e) => events.push(e) });
    expect(r.discovery.verdict).toBe('alive');
    expect(r.advice).toEqual([]);
    expect(r.path).toBeNull();
    expect(r.openPorts).toBeNull();
    expect(events.filter((e) => e.type === 'stage' && e.state === 'skipped').map((e) => (e.type === 'stage' ? e.stage : ''))).toEqual(['path', 'port-finder', 'auth']);
    expect(events.at(-1)?.type).toBe('done');
    expect(events.some((e) => e.type === 'discovery' && e.event.type === 'probe')).toBe(true);
  });

  // Shared by two tests, computed by whichever runs first: the tests run in any order.
  let silentOnce: Promise<DiagnosisResult> | undefined;
  const silentDiagnosis = (): Promise<DiagnosisResult> => (silentOnce ??= diagnose(LAB.silent));
  it('.11 silent: allow-scanner first, then path (last hop), check-address, scan-dead-hosts', async () => {
    const silent = await silentDiagnosis();
    expect(silent.discovery.verdict).toBe('not-alive');
    expect(silent.advice[0]?.id).toBe('allow-scanner');
    expect(ids(silent)).toEqual(['allow-scanner', 'path-filter', 'enable-icmp', 'check-address', 'scan-dead-hosts']);
    // Evidence: nothing anywhere — no port of the top 1000, the trace stops at the router.
    expect(silent.openPorts).toEqual([]);
    expect(silent.portFinder?.tcpProbed).toBe(1000);
    expect(silent.path?.reached).toBe(false);
    expect(silent.path?.lastResponder).toBe(LAB.router);
    expect(silent.advice.find((a) => a.id === 'path-filter')?.hop).toBe(LAB.router);
    const allow = silent.advice[0];
    expect(allow?.why).toMatch(/None of the \d+ discovery probes got an answer/);
    expect(allow?.actions.find((a) => a.label === 'nftables')?.text).toContain(`ip saddr { ${SCANNER} } tcp dport { 21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 443, 445, 2869, 5631, 12531, 41641 } accept`);
    expect(silent.advice.find((a) => a.id === 'scan-dead-hosts')?.why).toMatch(/not advised for a \/24 or larger/);
    // No ports to add: nothing answered.
    expect(ids(silent)).not.toContain('add-tcp-port');
  });

  it('.12 drops ICMP echo only: alive, the only advice is the enable-icmp tip', async () => {
    const r = await diagnose(LAB.noIcmp);
    expect(r.discovery.verdict).toBe('alive');
    expect(r.advice.map((a) => [a.id, a.severity])).toEqual([['enable-icmp', 'tip']]);
    expect(r.advice[0]?.why).toMatch(/ICMP echo got no response/);
    expect(r.advice[0]?.actions.find((a) => a.label === 'nftables')?.text).toContain('icmp type echo-request accept');
    expect(r.advice[0]?.actions.find((a) => a.label === 'nftables')?.text).not.toContain('tcp dport');
  });

  it('.13 stateless SYN filter: alive by RST to ACK / SYN-ACK; tips: let SYNs through, enable ICMP', async () => {
    const r = await diagnose(LAB.synFilter);
    expect(r.discovery.verdict).toBe('alive');
    expect(r.discovery.probes.filter((p) => p.kind === 'ack').every((p) => p.result === 'rst')).toBe(true);
    expect(r.advice.map((a) => [a.id, a.severity])).toEqual([
      ['allow-scanner', 'tip'],
      ['enable-icmp', 'tip'],
    ]);
    expect(r.advice[0]?.why).toMatch(/every TCP SYN probe went unanswered/);
  });

  it('.14 UDP only: alive by the DNS reply; tips: TCP and ICMP', async () => {
    const r = await diagnose(LAB.udpOnly);
    expect(r.discovery.verdict).toBe('alive');
    expect(r.discovery.probes.find((p) => p.kind === 'udp' && p.port === 53)?.result).toBe('udp-reply');
    expect(ids(r)).toEqual(['allow-scanner', 'enable-icmp']);
    expect(r.advice.every((a) => a.severity === 'tip')).toBe(true);
  });

  it('.15 ICMP only: alive by echo; no enable-icmp (it answered ping)', async () => {
    const r = await diagnose(LAB.icmpOnly);
    expect(r.discovery.verdict).toBe('alive');
    expect(r.discovery.aliveBy).toMatch(/ICMP/);
    expect(ids(r)).toEqual(['allow-scanner']);
    expect(ids(r)).not.toContain('enable-icmp');
  });

  it('.16 rejects with 3/13 itself: host-firewall-rejects first, with the allow rules next', async () => {
    const r = await diagnose(LAB.prohibit);
    expect(r.discovery.verdict).toBe('rejected-by-host');
    expect(r.advice[0]?.id).toBe('host-firewall-rejects');
    expect(r.advice[0]?.why).toContain(`ICMP 3/13 (communication administratively prohibited) from ${LAB.prohibit} itself`);
    expect(ids(r)).toContain('allow-scanner');
    expect(ids(r)).not.toContain('path-filter');
    expect(ids(r)).not.toContain('scan-dead-hosts');
    expect(r.path?.blockingHop).toMatchObject({ responder: LAB.prohibit, icmpCode: 13 });
  });

  it('.17 router rejects: path-filter naming 198.18.0.2 and code 13 (discovery and trace agree)', async () => {
    const r = await diagnose(LAB.routerReject);
    expect(r.discovery.verdict).toBe('filtered-in-path');
    const top = r.advice[0];
    expect(top?.id).toBe('path-filter');
    expect(top?.hop).toBe(LAB.router);
    expect(top?.title).toContain('3/13');
    expect(top?.why).toContain(`The path trace (TCP SYN 443) got ICMP 3/13 (communication administratively prohibited) from ${LAB.router} (hop 1, this machine's gateway).`);
    expect(r.path?.blockingHop).toMatchObject({ ttl: 2, responder: LAB.router, icmpType: 3, icmpCode: 13 });
    expect(ids(r)).not.toContain('allow-scanner'); // the host's own firewall is not what blocks
    expect(ids(r)).not.toContain('enable-icmp');
  });

  it('.18 router drops: the trace ends at the router; path-filter names it as the last hop', async () => {
    const r = await diagnose(LAB.routerDrop);
    expect(r.discovery.verdict).toBe('not-alive');
    expect(r.path?.lastResponder).toBe(LAB.router);
    expect(r.path?.hops[0]).toMatchObject({ ttl: 1, responder: LAB.router, note: 'time-exceeded' });
    expect(r.path?.hops.slice(1).every((h) => h.responder === null)).toBe(true);
    const pf = r.advice.find((a) => a.id === 'path-filter');
    expect(pf?.hop).toBe(LAB.router);
    expect(pf?.title).toBe(`Packets are last seen at ${LAB.router}`);
    expect(pf?.why).toMatch(/from outside the two look the same/);
    // A silent drop by the router and a silent drop by the host give the same packets back,
    // so the advice (and its order) is the same as for .11: it says so instead of guessing.
    expect(ids(r)).toEqual(ids(await silentDiagnosis()));
  });

  it('.19 answers only on TCP 8443: add-tcp-port 8443 first, found by the port finder', async () => {
    const r = await diagnose(LAB.offProfile);
    expect(r.discovery.verdict).toBe('not-alive');
    expect(r.openPorts).toEqual([{ protocol: 'tcp', port: 8443, result: 'syn-ack', service: 'https-alt' }]);
    const top = r.advice[0];
    expect(top?.id).toBe('add-tcp-port');
    expect(top?.ports).toEqual([8443]);
    expect(top?.actions.find((a) => a.label === 'Qualys option profile')?.text).toContain('add 8443');
    // The trace is redone with the answering port and reaches the host.
    expect(r.path?.probe).toBe('TCP SYN 8443');
    expect(r.path?.reached).toBe(true);
    expect(ids(r)).not.toContain('check-address');
  });

  it('--no-trace / --no-port-finder skip those stages', async () => {
    const r = await diagnose(LAB.offProfile, { trace: false, portFinder: false });
    expect(r.path).toBeNull();
    expect(r.openPorts).toBeNull();
    expect(ids(r)[0]).toBe('allow-scanner');
  });
});

describe('diagnosis without privilege', () => {
  it('.13 unprivileged: inconclusive, run-privileged-probes first', async () => {
    const r = await diagnose(LAB.synFilter, { mode: 'unprivileged', trace: false, portFinder: false });
    expect(r.discovery.verdict).toBe('inconclusive');
    expect(r.advice[0]?.id).toBe('run-privileged-probes');
    expect(r.advice[0]?.why).toMatch(/TCP ACK 80→2869/);
  });

  it('a name that does not resolve: check-address, no probes', async () => {
    const r = await diagnose('no-such-host.invalid');
    expect(r.discovery.probes).toEqual([]);
    // A typed result of its own: the UI shows it instead of a verdict.
    expect(r.unresolved).toMatchObject({ name: 'no-such-host.invalid', reason: expect.stringMatching(/cannot resolve/) as unknown });
    expect(r.advice.map((a) => a.id)).toEqual(['check-address']);
    expect(r.advice[0]?.title).toContain('does not resolve');
  });

  it('bad input is an error with code bad-input', async () => {
    await expect(diagnose('198.18.1.0/30')).rejects.toMatchObject({ code: 'bad-input' });
    await expect(runDiagnosis({ target: LAB.open, scannerIps: ['not-an-ip'] })).rejects.toMatchObject({ code: 'bad-input' });
  });
});

describe('credential side (lab sshd)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'srdiag-kh-'));
  const knownHosts = new KnownHostsStore(path.join(dir, 'known_hosts.json'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withAuth = (host: string, auth: NonNullable<DiagnoseRequestInput['auth']>): Promise<DiagnosisResult> =>
    diagnose(host, { auth: { acceptNewHostKey: true, sessions: 4, timeoutMs: 8000, ...auth } }, { knownHosts });

  it('.20 nopasswd account: passes; only the auditd tip, with the UID in the rule', async () => {
    const r = await withAuth(LAB.ssh, { user: 'srlab-nopasswd', password: 'SrLab-nopasswd-pw1' });
    expect(r.auth?.status).toBe('passed');
    const audit = r.advice.find((a) => a.id === 'audit-scan-account');
    expect(audit?.severity).toBe('tip');
    expect(audit?.actions[0]?.text).toMatch(/-a always,exit -F arch=b64 -F auid=\d+ -S execve -k scanready-scan/);
    expect(r.advice.filter((a) => a.severity === 'fix')).toEqual([]);
  });

  it('.20 wrong password: fix-login', async () => {
    const r = await withAuth(LAB.ssh, { user: 'srlab-nopasswd', password: 'wrong' });
    expect(r.auth?.status).toBe('failed');
    expect(r.advice[0]?.id).toBe('fix-login');
  });

  it('.20 no sudo: grant-nopasswd with the sudoers line and visudo', async () => {
    const r = await withAuth(LAB.ssh, { user: 'srlab-nosudo', password: 'SrLab-nosudo-pw1' });
    const g = r.advice.find((a) => a.id === 'grant-nopasswd');
    expect(g?.actions[0]?.text).toContain("srlab-nosudo ALL=(ALL) NOPASSWD: ALL");
    expect(g?.actions[0]?.text).toContain('visudo -cf');
  });

  it('.20 sudo with password, logged in by key: grant-nopasswd and delegation-password', async () => {
    const { readFileSync } = await import('node:fs');
    const key = readFileSync(path.resolve('e2e/lab/fixtures/id_ed25519_plain'), 'utf8');
    const r = await withAuth(LAB.ssh, { user: 'srlab-sudopw', privateKey: key });
    expect(ids(r)).toEqual(expect.arrayContaining(['grant-nopasswd', 'delegation-password']));
    expect(ids(r).indexOf('grant-nopasswd')).toBeLessThan(ids(r).indexOf('delegation-password'));
  });

  it('.20 restricted sudo: unrestricted-sudo explains the false negatives', async () => {
    const r = await withAuth(LAB.ssh, { user: 'srlab-restricted', password: 'SrLab-restricted-pw1' });
    const u = r.advice.find((a) => a.id === 'unrestricted-sudo');
    expect(u?.why).toMatch(/false negative/);
  });

  it('.20 requiretty: disable-requiretty with the Defaults line', async () => {
    const r = await withAuth(LAB.ssh, { user: 'srlab-tty', password: 'SrLab-tty-pw1' });
    const d = r.advice.find((a) => a.id === 'disable-requiretty');
    expect(d?.actions[0]?.text).toContain('Defaults:srlab-tty !requiretty');
  });

  it('.21 /tmp noexec: tmp-exec', async () => {
    const r = await withAuth(LAB.sshNoExec, { user: 'srlab-nopasswd', password: 'SrLab-nopasswd-pw1' });
    expect(r.advice[0]?.id).toBe('tmp-exec');
    expect(r.advice[0]?.why).toMatch(/noexec/);
  });

  it('.22 session limits: raise-ssh-limits with MaxSessions / MaxStartups lines', async () => {
    const r = await withAuth(LAB.sshLimit, { user: 'srlab-nopasswd', password: 'SrLab-nopasswd-pw1' });
    const lim = r.advice.find((a) => a.id === 'raise-ssh-limits');
    expect(lim?.actions[0]?.text).toContain('MaxSessions');
    expect(lim?.actions[0]?.text).toContain('MaxStartups');
  });

  it('.24 not SSH: fix-login names the service', async () => {
    const r = await withAuth(LAB.notSsh, { user: 'srlab-nopasswd', password: 'x' });
    expect(r.advice[0]?.id).toBe('fix-login');
    expect(r.advice[0]?.why).toMatch(/handshake/);
  });
});
