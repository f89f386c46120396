import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { PathResult } from '../../shared/diagnosis.js';
import type { HostResult } from '../../shared/discovery.js';
import { chooseTraceProbe, parseTracepath, parseTraceroute, tracePath } from './path.js';
import { skipWithoutRawSockets } from '../../e2e/lab/skip.js';


describe('traceroute output parsing', () => {
  it('reads hops, silence, the target and !X (admin prohibited)', () => {
    const out = [
      'traceroute to 198.18.1.17 (198.18.1.17), 30 hops max, 60 byte packets',
      ' 1  198.18.0.2  0.147 ms  0.05 ms',
      ' 2  198.18.0.2  0.069 ms !X  0.05 ms !X',
    ].join('\n');
    const hops = parseTraceroute(out, '198.18.1.17', 4);
    expect(hops).toEqual([
      { ttl: 1, responder: '198.18.0.2', rttMs: 0.147, icmpType: 11, icmpCode: 0, note: 'time-exceeded' },
      { ttl: 2, responder: '198.18.0.2', rttMs: 0.069, icmpType: 3, icmpCode: 13, note: 'admin-prohibited' },
    ]);
    const reached = parseTraceroute(' 1  10.0.0.1  1 ms\n 2  *\n 3  10.9.9.9  2.5 ms\n', '10.9.9.9', 4);
    expect(reached.map((h) => h.note)).toEqual(['time-exceeded', 'no-response', 'reached']);
    expect(parseTraceroute(' 4  10.0.0.1  1 ms !H\n', '10.9.9.9', 4)[0]).toMatchObject({ icmpCode: 1, note: 'unreachable' });
    expect(parseTraceroute(' 4  10.0.0.1  1 ms !10\n', '10.9.9.9', 4)[0]).toMatchObject({ icmpCode: 10, note: 'admin-prohibited' });
  });

  it('reads tracepath output', () => {
    const out = [' 1?: [LOCALHOST]                      pmtu 1500', ' 1:  198.18.0.2                                            0.070ms', ' 2:  no reply', ' 3:  198.18.1.10                                           0.120ms reached'].join('\n');
    const hops = parseTracepath(out, '198.18.1.10', 4);
    expect(hops.map((h) => [h.ttl, h.responder, h.note])).toEqual([
      [1, '198.18.0.2', 'time-exceeded'],
      [2, null, 'no-response'],
      [3, '198.18.1.10', 'reached'],
    ]);
  });
});

describe('trace probe choice', () => {
  const host = (probes: Partial<HostResult['probes'][number]>[]): HostResult =>
    ({ probes: probes.map((p) => ({ protocol: 'tcp', kind: 'syn', port: 80, fromTarget: true, result: 'no-response', ...p })) }) as HostResult;
  it('prefers a TCP port that answered, then ports found by the port finder, then TCP 443', () => {
    expect(chooseTraceProbe(host([{ port: 22, result: 'syn-ack' }]), null, true)).toEqual({ protocol: 'tcp', port: 22 });
    expect(chooseTraceProbe(host([]), [{ protocol: 'tcp', port: 8443, result: 'syn-ack' }], true)).toEqual({ protocol: 'tcp', port: 8443 });
    expect(chooseTraceProbe(host([]), [], true)).toEqual({ protocol: 'tcp', port: 443 });
    expect(chooseTraceProbe(host([{ protocol: 'udp', kind: 'udp', port: 53, result: 'udp-reply' }]), [], false)).toEqual({ protocol: 'udp', port: 53 });
    expect(chooseTraceProbe(host([]), [], false)).toEqual({ protocol: 'udp', port: null });
  });
});

describe.skipIf(skipWithoutRawSockets())('raw path trace in the lab', () => {
  it('.17: the router 198.18.0.2 answers ICMP 3/13 at hop 2', async () => {
    const r = await tracePath(LAB.routerReject, { probe: { protocol: 'tcp', port: 443 } });
    expect(r.method).toBe('raw-tcp');
    expect(r.reached).toBe(false);
    expect(r.hops[0]).toMatchObject({ ttl: 1, responder: LAB.router, note: 'time-exceeded', icmpType: 11 });
    expect(r.blockingHop).toMatchObject({ ttl: 2, responder: LAB.router, icmpType: 3, icmpCode: 13, note: 'admin-prohibited' });
    expect(r.blockingHop?.rttMs).toBeGreaterThanOrEqual(0);
    expect(r.hops).toHaveLength(2);
  });

  it('.18: the path ends at the router, then silence (bounded by the silent-hop limit)', async () => {
    // Bounded by the hop count (the silent-hop limit), not a clock: its time is for npm run bench.
    const r = await tracePath(LAB.routerDrop, { silentHops: 3, timeoutMs: 500 });
    expect(r.reached).toBe(false);
    expect(r.lastResponder).toBe(LAB.router);
    expect(r.blockingHop).toBeNull();
    expect(r.hops.map((h) => h.note)).toEqual(['time-exceeded', 'no-response', 'no-response', 'no-response']);
  });

  it('.10: reaches the target with TCP, UDP and ICMP', async () => {
    for (const probe of [{ protocol: 'tcp', port: 80 }, { protocol: 'udp', port: null }, { protocol: 'icmp' }] as const) {
      const r = await tracePath(LAB.open, { probe });
      expect(r.reached, JSON.stringify(r)).toBe(true);
      expect(r.hops.map((h) => h.responder)).toEqual([LAB.router, LAB.open]);
      expect(r.hops[1]?.note).toBe('reached');
    }
  });

  it('.10 over IPv6', async () => {
    const r = await tracePath(LAB.openV6, { probe: { protocol: 'tcp', port: 22 } });
    expect(r.reached).toBe(true);
    expect(r.hops[0]?.responder).toBe(LAB.routerV6);
  });

  it('.16: the target itself rejects with 3/13 (reached, blocking hop is the target)', async () => {
    const r = await tracePath(LAB.prohibit, { probe: { protocol: 'tcp', port: 443 } });
    expect(r.reached).toBe(true);
    expect(r.blockingHop).toMatchObject({ responder: LAB.prohibit, icmpCode: 13 });
  });

  it('cancels within a round', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await tracePath(LAB.silent, { signal: ac.signal, timeoutMs: 3000 });
    expect(r.detail).toBe('cancelled');
  });
});

describe('unprivileged path trace (system traceroute)', () => {
  it('.17 via traceroute: !X from the router', async () => {
    const r = await tracePath(LAB.routerReject, { privileged: false });
    expect(r.method).toBe('system-traceroute');
    expect(r.blockingHop).toMatchObject({ responder: LAB.router, icmpCode: 13, note: 'admin-prohibited' });
  });

  it('.10 via traceroute reaches, .11 stops after the silent-hop limit', async () => {
    expect((await tracePath(LAB.open, { privileged: false })).reached).toBe(true);
    const silent = await tracePath(LAB.silent, { privileged: false, silentHops: 4 });
    expect(silent.lastResponder).toBe(LAB.router);
    expect(silent.hops.filter((h) => h.responder === null)).toHaveLength(4);
  });

  it('tracePath run by an ordinary user (no raw sockets) falls back to the system traceroute', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'srdiag-user-'));
    chmodSync(dir, 0o755);
    const script = path.join(dir, 'trace.mts');
    const modulePath = path.resolve('electron/diagnosis/path.ts');
    writeFileSync(script, `import { tracePath } from ${JSON.stringify(modulePath)};\nconsole.log(JSON.stringify(await tracePath(process.argv[2])));\n`, { mode: 0o644 });
    try {
      const out = execFileSync('su', [LAB.unprivilegedUser, '-s', '/bin/sh', '-c', `cd ${dir} && ${path.resolve('node_modules/.bin/tsx')} ${script} ${LAB.routerReject}`], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      const r = JSON.parse(out) as PathResult;
      expect(r.method).toBe('system-traceroute');
      expect(r.blockingHop).toMatchObject({ responder: LAB.router, icmpCode: 13 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipWithoutRawSockets())('protocol fallback (own namespace: a host that drops all TCP)', () => {
  // Named and addressed per run: a concurrent run on this machine never deletes or shadows ours.
  const RUN = randomBytes(3).toString('hex');
  const NS = `srdiag-trace-${RUN}`;
  const LINK = `sdtr${RUN}`;
  const K = process.pid % 32; // a /30 of 198.18.250.0/25 per run
  const ME = `198.18.250.${4 * K + 1}`;
  const HOST = `198.18.250.${4 * K + 2}`;
  const run = (args: string[], input?: string): void => {
    execFileSync(args[0] ?? 'true', args.slice(1), { stdio: ['pipe', 'ignore', 'ignore'], timeout: 10_000, ...(input !== undefined ? { input } : {}) });
  };
  const cleanup = (): void => {
    for (const a of [['ip', 'netns', 'del', NS], ['ip', 'link', 'del', LINK]]) {
      try {
        run(a);
      } catch {
        // not there
      }
    }
  };

  it('TCP gets no answer from any hop → traced again with UDP, which reaches the host', async () => {
    cleanup();
    try {
      run(['ip', 'netns', 'add', NS]);
      run(['ip', 'link', 'add', LINK, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS]);
      run(['ip', 'addr', 'add', `${ME}/30`, 'dev', LINK]);
      run(['ip', 'link', 'set', LINK, 'up']);
      run(['ip', '-n', NS, 'addr', 'add', `${HOST}/30`, 'dev', 'eth0']);
      run(['ip', '-n', NS, 'link', 'set', 'eth0', 'up']);
      run(['ip', 'netns', 'exec', NS, 'nft', '-f', '-'], 'table inet f {\n chain input { type filter hook input priority 0; meta l4proto tcp drop; }\n}\n');
      const r = await tracePath(HOST, { probe: { protocol: 'tcp', port: 443 }, silentHops: 2, timeoutMs: 400 });
      expect(r.method).toBe('raw-udp');
      expect(r.reached).toBe(true);
      expect(r.detail).toBe('TCP SYN 443 got no answer from any hop; traced with UDP 33434+');
    } finally {
      cleanup();
    }
  });
});
