/**
 * Every socket error becomes a probe result (`error`, with the errno and plain words) — never an
 * uncaught exception — in raw and unprivileged mode. The errnos are produced for real:
 * - in this namespace: the loopback broadcast 127.255.255.255 and the broadcast address of the lab
 *   link srlab0 (198.18.0.1/30 → 198.18.0.3) give EACCES; fe80::1 without a scope is refused
 *   before anything is sent;
 * - in two namespaces of our own (per-run names, no link to anywhere, deleted afterwards): an
 *   `unreachable` route gives EHOSTUNREACH, a `prohibit` route EACCES, no route ENETUNREACH (IPv4
 *   and IPv6); in the second, with loopback down, a route over an interface without any address
 *   gives EADDRNOTAVAIL. Nothing can leave either namespace.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB } from '../../e2e/lab/hosts.js';
import type { HostResult } from '../../shared/discovery.js';
import { profileSchema } from '../../shared/profiles.js';
import { canUseRawSockets, createDriver, discover, runHost, type ProbeDriver } from '../probes/index.js';
import { isIpv6LinkLocal, refusedDestination, socketFailure } from './errors.js';

const REPO = path.resolve(__dirname, '../..');
const profile = profileSchema.parse({ name: 'errors', tcpSyn: [9], udp: [9], icmpEcho: true, timeoutMs: 300, retries: 0 });
const isRoot = process.getuid?.() === 0;
const raw = canUseRawSockets();
const MODES = ['raw', 'unprivileged'] as const;
type Mode = (typeof MODES)[number];

function skipNote(cond: boolean, why: string): boolean {
  if (cond) console.log(`skipped: ${why}`);
  return cond;
}

async function sweepOne(address: string, mode: Mode): Promise<HostResult> {
  let result: HostResult | undefined;
  for await (const ev of discover([{ target: address, address, family: address.includes(':') ? 6 : 4 }], { profile, mode })) {
    if (ev.type === 'host-done') result = ev.result;
    if (ev.type === 'host-error') throw new Error(ev.message);
  }
  if (!result) throw new Error('no result');
  return result;
}

/** Every probe that could be sent ended as `error` with this errno; the verdict says nothing was learnt. */
function expectAllErrored(h: HostResult, errno: string | RegExp): void {
  const sent = h.probes.filter((p) => p.result !== 'needs-privilege');
  expect(sent.length).toBeGreaterThan(0);
  for (const p of sent) {
    expect(p.result, `${p.kind} ${p.port ?? ''}: ${p.detail ?? ''}`).toBe('error');
    expect(p.errno).toMatch(errno);
    expect(p.detail).toBeTruthy();
  }
  expect(h.verdict).toBe('inconclusive');
  expect(h.reason).toMatch(/failed on this machine before reaching the network/);
  expect(h.reason).not.toMatch(/no answer|no response/);
}

/** A driver that counts what it was asked to do. */
function counting(d: ProbeDriver): { driver: ProbeDriver; sends: () => number; routes: () => number } {
  let sends = 0;
  let routes = 0;
  const send = d.send.bind(d);
  const route = d.route.bind(d);
  d.send = (p, a) => {
    sends++;
    return send(p, a);
  };
  d.route = (a) => {
    routes++;
    return route(a);
  };
  return { driver: d, sends: () => sends, routes: () => routes };
}

describe('plain-words socket failures', () => {
  it('names the errno and says what it means', () => {
    expect(socketFailure(Object.assign(new Error('x'), { code: 'EACCES' }), 'UDP')).toEqual({
      errno: 'EACCES',
      detail: 'UDP: the operating system refused to send (EACCES) — a broadcast address, or a local firewall rule forbids it',
    });
    // raw-socket reports strerror text only
    expect(socketFailure(new Error('Network is unreachable'), 'raw send').errno).toBe('ENETUNREACH');
    expect(socketFailure('weird', 'x').errno).toBe('EUNKNOWN');
  });
  it('refuses IPv6 link-local destinations, scoped or not, and nothing else', () => {
    for (const a of ['fe80::1', 'FE80::1%eth0', 'febf::1']) expect(refusedDestination(a)?.errno).toBe('ELINKLOCALSCOPE');
    for (const a of ['fec0::1', 'fe8::1', '2001:db8::1', '169.254.1.1', '127.0.0.1']) expect(isIpv6LinkLocal(a)).toBe(false);
  });
});

describe.each(MODES)('socket errors as results, %s mode (this namespace)', (mode) => {
  const skip = mode === 'raw' && !raw;
  it.skipIf(skipNote(skip, 'raw mode needs raw sockets (root / CAP_NET_RAW)'))('127.255.255.255 (loopback broadcast): EACCES, no exception', async () => {
    expectAllErrored(await sweepOne('127.255.255.255', mode), 'EACCES');
  });
  it.skipIf(skipNote(skip, 'raw mode needs raw sockets (root / CAP_NET_RAW)'))(`${LAB.scannerAddress.replace(/\d+$/, '3')} (broadcast of the lab link srlab0): EACCES`, async () => {
    expectAllErrored(await sweepOne(LAB.scannerAddress.replace(/\d+$/, '3'), mode), 'EACCES');
  });
  it.skipIf(skipNote(skip, 'raw mode needs raw sockets (root / CAP_NET_RAW)'))('fe80::1 without a scope: refused before anything is sent', async () => {
    const c = counting(createDriver({ privileged: mode === 'raw', ratePps: 1000, timeoutMs: 300 }));
    try {
      const h = await runHost({ target: 'fe80::1', address: 'fe80::1', family: 6 }, { driver: c.driver, profile, signal: new AbortController().signal });
      expectAllErrored(h, 'ELINKLOCALSCOPE');
      expect(c.sends()).toBe(0);
      expect(c.routes()).toBe(0);
    } finally {
      c.driver.close();
    }
  });
  it.skipIf(skipNote(skip, 'raw mode needs raw sockets (root / CAP_NET_RAW)'))('the send path itself (route check bypassed): broadcast errors are results, not throws', async () => {
    const driver = createDriver({ privileged: mode === 'raw', ratePps: 1000, timeoutMs: 300 });
    driver.route = () => Promise.resolve('127.0.0.1');
    try {
      const h = await runHost({ target: '127.255.255.255', address: '127.255.255.255', family: 4 }, { driver, profile, signal: new AbortController().signal });
      const sent = h.probes.filter((p) => p.result !== 'needs-privilege');
      expect(sent.length).toBeGreaterThan(0);
      for (const p of sent) {
        // connect() reports a local ENETUNREACH like a remote one (no sender): either way a result.
        expect(['error', 'icmp-unreachable'], `${p.kind}: ${p.detail ?? ''}`).toContain(p.result);
        if (p.result === 'error') expect(p.errno).toMatch(/^E[A-Z]+$/);
      }
    } finally {
      driver.close();
    }
  });
});

describe('the CLI as an ordinary user: a broadcast target prints a verdict, not a stack trace', () => {
  it.skipIf(skipNote(!isRoot, 'needs root to run the CLI as srlab-user'))('scanready discover 127.255.255.255 --unprivileged --udp 9 --tcp 9 --no-icmp', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'runuser',
        ['-u', LAB.unprivilegedUser, '--', process.execPath, '--import', 'tsx', 'electron/cli/main.ts', 'discover', '127.255.255.255', '--unprivileged', '--udp', '9', '--tcp', '9', '--no-icmp'],
        { cwd: REPO, timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', NO_COLOR: '1' } },
        (err, out, errOut) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout: out, stderr: errOut }),
      );
    });
    expect(stderr).not.toMatch(/ERR_SOCKET_BAD_PORT|\n\s+at /);
    expect(stdout).toMatch(/INCONCLUSIVE/);
    expect(stdout).toMatch(/EACCES/);
    expect([0, 1]).toContain(code);
  });
});

// ---------------------------------------------------------------------------------------------
// A namespace of our own: ENETUNREACH, EHOSTUNREACH, EACCES (prohibit route), EADDRNOTAVAIL.

const RUN = `${process.pid}-${randomBytes(3).toString('hex')}`;
const NS = `srnet-${RUN}`;
const NS_NOADDR = `srnet-${RUN}-noaddr`;
const haveIp = ((): boolean => {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const nsSkip = !isRoot || !haveIp;

/** Targets in the namespace and the errno each must give. All lab addresses; none is reachable from there. */
const NS_CASES: [string, string][] = [
  ['198.18.1.10', 'EHOSTUNREACH'], // `unreachable 198.18.1.0/24`
  ['198.18.2.10', 'EACCES'], // `prohibit 198.18.2.0/24`
  ['198.18.0.1', 'ENETUNREACH'], // no route at all
  ['2001:db8:5352:1::10', 'ENETUNREACH'], // IPv6 without a route
];
const NOADDR_CASES: [string, string][] = [
  ['2001:db8:5352:9::1', 'EADDRNOTAVAIL'], // a route over v0, but no address to send from
];

function runInNs(ns: string, mode: Mode, addresses: string[]): Promise<Map<string, HostResult>> {
  return new Promise((resolve, reject) => {
    execFile(
      'ip',
      ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'electron/probes/run.ts', '--mode', mode, '--profile', JSON.stringify(profile), ...addresses],
      { cwd: REPO, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err && (err as { code?: unknown }).code !== 1) return reject(new Error(`${err.message}\n${stderr}`));
        if (/\n\s+at /.test(stderr)) return reject(new Error(`stack trace on stderr:\n${stderr}`));
        const m = new Map<string, HostResult>();
        for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
          const h = JSON.parse(line) as HostResult;
          m.set(h.address, h);
        }
        resolve(m);
      },
    );
  });
}

describe.skipIf(skipNote(nsSkip, 'own-namespace errno matrix needs root and iproute2'))(`errno matrix in namespace ${NS}`, () => {
  beforeAll(() => {
    const ip = (...args: string[]): void => {
      execFileSync('ip', args, { stdio: 'pipe' });
    };
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    ip('-n', NS, 'route', 'add', 'unreachable', '198.18.1.0/24');
    ip('-n', NS, 'route', 'add', 'prohibit', '198.18.2.0/24');
    // Loopback stays down here (no ::1): the IPv6 route over v0 then has no source address.
    ip('netns', 'add', NS_NOADDR);
    ip('-n', NS_NOADDR, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    for (const l of ['v0', 'v1']) {
      ip('-n', NS_NOADDR, 'link', 'set', l, 'addrgenmode', 'none');
      ip('-n', NS_NOADDR, 'link', 'set', l, 'up');
    }
    ip('-n', NS_NOADDR, '-6', 'route', 'add', '2001:db8:5352:9::/64', 'dev', 'v0');
  });
  afterAll(() => {
    for (const ns of [NS, NS_NOADDR]) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
  });

  it.each(MODES)('%s mode: every errno is a probe result with plain words', async (mode) => {
    const hosts = new Map([
      ...(await runInNs(NS, mode, NS_CASES.map(([a]) => a))),
      ...(await runInNs(NS_NOADDR, mode, NOADDR_CASES.map(([a]) => a))),
    ]);
    for (const [address, errno] of [...NS_CASES, ...NOADDR_CASES]) {
      const h = hosts.get(address);
      expect(h, `no result for ${address}`).toBeDefined();
      expectAllErrored(h as HostResult, errno);
      expect((h as HostResult).reason).toContain(`(${errno})`);
    }
  });
});
