/**
 * Hostile and broken servers that a real sshd cannot play: in-process ssh2.Server and raw TCP
 * servers on 127.0.0.1. Every case must end within its timeout — nothing hangs.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findStep, stepData, type AuthResult, type AuthStepDataMap, type AuthStepId, type AuthStepOf } from '../../shared/auth.js';
import { runAuthCheck } from './authCheck.js';
import { KnownHostsStore } from './knownHosts.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sr-hostile-'));
/** Would be created if anything ran the hostile server's output as shell (per run: a concurrent run never sees ours). */
const PWNED = path.join(dir, 'pwned');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let storeN = 0;
const freshStore = (): KnownHostsStore => new KnownHostsStore(path.join(dir, `kh-${++storeN}.json`));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

function listen(server: net.Server | ssh2.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo;
      resolve(addr.port);
    });
  });
}

/** Raw TCP server: `onConn` decides what the "SSH server" says. */
async function rawServer(onConn: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onConn(s);
  });
  const port = await listen(server);
  closers.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return port;
}

type ExecReply = { out?: (Buffer | string)[]; code?: number } | 'hang';

interface FakeOptions {
  hostKey?: string;
  password?: string;
  /** Methods offered in the `none` failure. */
  methods?: ('password' | 'keyboard-interactive' | 'publickey')[];
  exec?: (cmd: string, pty: boolean) => ExecReply;
}

interface Fake {
  port: number;
  authAttempts: { method: string; password?: string }[];
  commands: string[];
}

export const HOST_KEY_A = ssh2.utils.generateKeyPairSync('ed25519').private;
export const HOST_KEY_B = ssh2.utils.generateKeyPairSync('ed25519').private;

/** Default behaviour of a cooperative fake host: uid 1000, sudo works, markers echoed. */
function cooperative(cmd: string): ExecReply {
  const uid = /SR-uid-[0-9a-f]+:/.exec(cmd)?.[0]; // the uid step's marker prefix (electron/ssh/markers.ts)
  if (uid) return { out: [`${uid}uid=1000\n${uid}name=scan\n${uid}id=uid=1000(scan) gid=1000(scan)\n`] };
  const marker = /echo (SCANREADY-BECOME-OK-[0-9a-f]+)/.exec(cmd)?.[1];
  if (marker) return { out: [`${marker}\n0\n`] };
  return { out: [''], code: 0 };
}

async function fakeSsh(o: FakeOptions = {}): Promise<Fake> {
  const fake: Fake = { port: 0, authAttempts: [], commands: [] };
  const methods = o.methods ?? ['password', 'publickey'];
  const conns = new Set<Connection>();
  const server = new ssh2.Server({ hostKeys: [o.hostKey ?? HOST_KEY_A] }, (client) => {
    conns.add(client);
    client.on('error', () => undefined);
    client.on('close', () => conns.delete(client));
    client.on('authentication', (ctx) => {
      fake.authAttempts.push({ method: ctx.method, ...(ctx.method === 'password' ? { password: ctx.password } : {}) });
      if (ctx.method === 'password' && methods.includes('password') && ctx.password === (o.password ?? 'pw')) return ctx.accept();
      if (ctx.method === 'keyboard-interactive' && methods.includes('keyboard-interactive')) {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => (answers[0] === (o.password ?? 'pw') ? ctx.accept() : ctx.reject(methods)));
        return;
      }
      ctx.reject(methods);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        let pty = false;
        session.on('pty', (acc) => {
          pty = true;
          acc?.();
        });
        session.on('exec', (acc, _rej, info) => {
          const ch: ServerChannel = acc();
          fake.commands.push(info.command);
          ch.on('error', () => undefined);
          const reply = (o.exec ?? cooperative)(info.command, pty);
          if (reply === 'hang') return; // never answers, never exits
          for (const chunk of reply.out ?? []) ch.write(chunk);
          ch.exit(reply.code ?? 0);
          ch.end();
        });
      });
    });
  });
  fake.port = await listen(server);
  closers.push(
    () =>
      new Promise((r) => {
        for (const c of conns) c.end();
        server.close(() => r());
      }),
  );
  return fake;
}

const step = <Id extends AuthStepId>(r: AuthResult, id: Id): AuthStepOf<Id> => {
  const s = findStep(r.steps, id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
/** The evidence of a step that ran (the test fails when it is missing). */
const data = <Id extends AuthStepId>(r: AuthResult, id: Id): AuthStepDataMap[Id] => {
  const d = stepData(r.steps, id);
  if (!d) throw new Error(`step ${id} has no evidence: ${JSON.stringify(findStep(r.steps, id))}`);
  return d;
};

function check(port: number, extra: Record<string, unknown> = {}, store = freshStore()): Promise<AuthResult> {
  return runAuthCheck(
    { host: '127.0.0.1', port, user: 'scan', password: 'pw', acceptNewHostKey: true, timeoutMs: 1500, sessions: 3, ...extra },
    { knownHosts: store },
  );
}

describe('hostile servers (in-process, 127.0.0.1)', () => {
  it('a server that accepts TCP and never speaks: no-banner, bounded', async () => {
    const port = await rawServer(() => undefined);
    // Bounded by the check's own handshake timeout (the reason says which fired); how long it
    // takes is not asserted here.
    const r = await check(port);
    expect(r.status).toBe('not-attempted');
    expect(step(r, 'handshake')).toMatchObject({ ok: false, reason: 'no-banner' });
  }, 15_000);

  it('stalls mid-handshake after a valid banner: handshake-timeout, bounded', async () => {
    const port = await rawServer((s) => s.write('SSH-2.0-OpenSSH_9.6\r\n'));
    const r = await check(port);
    expect(step(r, 'handshake')).toMatchObject({ ok: false, reason: 'handshake-timeout' });
    expect(step(r, 'handshake').summary).toContain('OpenSSH_9.6');
  }, 15_000);

  it('a lying banner followed by garbage: handshake-failed, banner reported, no crash', async () => {
    const port = await rawServer((s) => {
      s.write('SSH-2.0-OpenSSH_9.9p1 Totally-Real\r\n');
      s.write(Buffer.alloc(4096, 0xff));
    });
    const r = await check(port);
    expect(r.status).toBe('not-attempted');
    expect(step(r, 'handshake').ok).toBe(false);
    expect(['handshake-failed', 'handshake-timeout']).toContain(step(r, 'handshake').reason);
    expect(data(r, 'handshake')?.banner).toBe('SSH-2.0-OpenSSH_9.9p1 Totally-Real');
  }, 15_000);

  it.each([
    ['SMTP', '220 mail.example.com ESMTP Postfix\r\n'],
    ['FTP', '220 ProFTPD Server (FTP) ready\r\n'],
    ['POP3', '+OK Dovecot ready.\r\n'],
    ['HTTP', 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'],
  ])('a %s service on the SSH port is named as such', async (service, banner) => {
    const port = await rawServer((s) => {
      s.write(banner);
      setTimeout(() => s.end(), 50);
    });
    const r = await check(port);
    expect(r.status).toBe('not-attempted');
    expect(step(r, 'handshake')).toMatchObject({ ok: false, reason: 'not-ssh', data: { service } });
    expect(step(r, 'handshake').summary).toContain(`speaks ${service}`);
  }, 15_000);

  it('megabytes of non-SSH garbage before any banner: bounded, named non-SSH', async () => {
    const port = await rawServer((s) => {
      const junk = Buffer.alloc(1 << 20, 0x41);
      for (let i = 0; i < 8 && !s.destroyed; i++) s.write(junk);
    });
    const r = await check(port);
    expect(step(r, 'handshake').ok).toBe(false);
    expect(['not-ssh', 'no-banner', 'handshake-failed', 'handshake-timeout']).toContain(step(r, 'handshake').reason);
  }, 15_000);

  it('a sudo that never answers: elevate times out with reason timeout; later steps still run', async () => {
    const fake = await fakeSsh({ exec: (cmd) => (cmd.startsWith('sudo') ? 'hang' : cooperative(cmd)) });
    const r = await check(fake.port);
    expect(step(r, 'elevate')).toMatchObject({ ok: false, reason: 'timeout' });
    expect(step(r, 'uid-elevated')).toMatchObject({ ok: false, reason: 'not-root' });
    expect(r.status).toBe('passed-insufficient');
  }, 40_000);

  it('megabytes of output with non-UTF-8 bytes: capped at 1 MiB, flagged, parsed', async () => {
    const junk = Buffer.alloc(512 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131) % 256;
    const fake = await fakeSsh({
      exec: (cmd) => {
        const marker = /echo (SCANREADY-BECOME-OK-[0-9a-f]+)/.exec(cmd)?.[1];
        const listen = /SR-listen-[0-9a-f]+:/.exec(cmd)?.[0]; // the listening step's marker prefix (electron/ssh/markers.ts)
        if (marker && listen && cmd.includes('netstat')) {
          return { out: [`${marker}\n0\n${listen}tool=netstat-anp\ntcp 0 0 0.0.0.0:2222 0.0.0.0:* LISTEN 1/\xff\xfesshd\n`, ...Array.from({ length: 6 }, () => junk)] };
        }
        return cooperative(cmd);
      },
    });
    const r = await check(fake.port);
    const l = step(r, 'listening');
    expect(l.ok).toBe(true);
    expect(data(r, 'listening').truncated).toBe(true);
    expect(r.listening).toContainEqual(expect.objectContaining({ protocol: 'tcp', port: 2222, candidate: true }));
    expect(r.status).toBe('passed');
    expect(data(r, 'uid').uid).toBe(1000); // the cooperative host answers the uid step's markers
  }, 40_000);

  it('uid output that is not a number: uid step fails, nothing crashes', async () => {
    const fake = await fakeSsh({ exec: (cmd) => (/SR-uid-[0-9a-f]+:/.test(cmd) ? { out: [Buffer.from([0xff, 0xfe, 0x0a, 0x1b, 0x5d])] } : cooperative(cmd)) });
    const r = await check(fake.port);
    expect(step(r, 'uid')).toMatchObject({ ok: false, reason: 'exec-failed' });
  }, 40_000);

  it('a host key change between two runs stops before the password is sent', async () => {
    const store = freshStore();
    const first = await fakeSsh({ hostKey: HOST_KEY_A });
    const r1 = await check(first.port, {}, store);
    expect(data(r1, 'host-key')?.status).toBe('accepted');
    expect(first.authAttempts.some((a) => a.method === 'password')).toBe(true);
    await closers.pop()?.();
    // Same host:port, different key.
    const second = await fakeSsh({ hostKey: HOST_KEY_B });
    const r2 = await runAuthCheck(
      { host: '127.0.0.1', port: second.port, user: 'scan', password: 'pw', acceptNewHostKey: true, timeoutMs: 1500 },
      { knownHosts: await sameStoreOtherPort(store, first.port, second.port) },
    );
    expect(r2.status).toBe('failed');
    expect(step(r2, 'host-key')).toMatchObject({ ok: false, reason: 'host-key-changed' });
    expect(r2.hostKey?.status).toBe('changed');
    expect(r2.hostKey?.knownFingerprint).toBe(r1.hostKey?.fingerprint);
    expect(second.authAttempts).toEqual([]); // not even the `none` probe
    expect(step(r2, 'login').ok).toBeNull();
    expect(r2.advice.map((a) => a.id)).toContain('host-key-changed');
  }, 40_000);

  it('a new key that is not accepted: failed, nothing sent; confirmHostKey decides', async () => {
    const fake = await fakeSsh();
    const store = freshStore();
    const r = await runAuthCheck({ host: '127.0.0.1', port: fake.port, user: 'scan', password: 'pw', timeoutMs: 1500 }, { knownHosts: store });
    expect(r.status).toBe('failed');
    expect(step(r, 'host-key')).toMatchObject({ ok: false, reason: 'host-key-unknown' });
    expect(fake.authAttempts).toEqual([]);
    let asked = 0;
    const r2 = await runAuthCheck(
      { host: '127.0.0.1', port: fake.port, user: 'scan', password: 'pw', timeoutMs: 1500, sessions: 2 },
      {
        knownHosts: store,
        confirmHostKey: (k) => {
          asked++;
          expect(k.status).toBe('new');
          return Promise.resolve(true);
        },
      },
    );
    expect(asked).toBe(1);
    expect(r2.status).toBe('passed');
    expect(r2.hostKey?.status).toBe('accepted');
  }, 40_000);

  it('says which methods the server offers; none fits → no-supported-method', async () => {
    const fake = await fakeSsh({ methods: ['publickey'] });
    const r = await check(fake.port);
    expect(r.status).toBe('failed');
    expect(step(r, 'login')).toMatchObject({ ok: false, reason: 'no-supported-method', data: { offeredMethods: ['publickey'] } });
    expect(fake.authAttempts.map((a) => a.method)).toEqual(['none']);
  }, 20_000);

  it('keyboard-interactive only: the password is answered there', async () => {
    const fake = await fakeSsh({ methods: ['keyboard-interactive'] });
    const r = await check(fake.port);
    expect(step(r, 'login')).toMatchObject({ ok: true, data: { method: 'keyboard-interactive', offeredMethods: ['keyboard-interactive'] } });
  }, 40_000);

  it('a wrong password: failed with auth-failed', async () => {
    const fake = await fakeSsh({ password: 'other' });
    const r = await check(fake.port);
    expect(r.status).toBe('failed');
    expect(step(r, 'login')).toMatchObject({ ok: false, reason: 'auth-failed' });
  }, 20_000);

  it('cancellation: the AbortSignal ends a run stuck on a silent server at once', async () => {
    // Aborted once the server holds the connection (the run is stuck); its own timeout (60 s) is
    // far beyond this test's 10 s, so only the abort can end it.
    const ac = new AbortController();
    const port = await rawServer(() => ac.abort());
    await expect(
      runAuthCheck({ host: '127.0.0.1', port, user: 'scan', password: 'pw', acceptNewHostKey: true, timeoutMs: 60_000 }, { knownHosts: freshStore(), signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
  }, 10_000);

  it('a closed port: not-attempted with connection-refused', async () => {
    const port = await rawServer(() => undefined);
    await closers.pop()?.();
    const r = await check(port);
    expect(r.status).toBe('not-attempted');
    expect(step(r, 'reach')).toMatchObject({ ok: false, reason: 'connection-refused' });
  }, 10_000);

  it('remote output is never executed locally and secrets never appear in the result', async () => {
    const fake = await fakeSsh({
      exec: (cmd) => {
        const marker = /echo (SCANREADY-BECOME-OK-[0-9a-f]+)/.exec(cmd)?.[1];
        // A server that echoes the password back (before the marker) and prints shell syntax.
        const leak = `pw-secret-123 $(touch ${PWNED}) \`touch ${PWNED}\`\n`;
        if (cmd.includes('sudo')) return { out: [leak, ...(marker ? [`${marker}\n0\n`] : ['(ALL) NOPASSWD: ALL\n'])] };
        if (cmd.includes('id -u; id -un')) return { out: [`1000\n${leak}`] };
        return cooperative(cmd);
      },
      password: 'pw-secret-123',
    });
    const r = await check(fake.port, { password: 'pw-secret-123' });
    expect(step(r, 'elevate').ok).toBe(true);
    expect(JSON.stringify(r)).toContain('[secret removed]'); // the leak reached the evidence, scrubbed
    expect(JSON.stringify(r)).not.toContain('pw-secret-123');
    const { existsSync } = await import('node:fs');
    expect(existsSync(PWNED)).toBe(false);
  }, 40_000);
});

/** The store keys host keys by host:port; move run 1's entry to run 2's port (a restarted server gets a new port). */
async function sameStoreOtherPort(store: KnownHostsStore, from: number, to: number): Promise<KnownHostsStore> {
  const entries = store.lookup('127.0.0.1', from);
  const moved = new KnownHostsStore(path.join(dir, `kh-moved-${to}.json`));
  for (const e of entries) await moved.trust('127.0.0.1', to, Buffer.from(e.key, 'base64'));
  return moved;
}
