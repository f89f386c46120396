/**
 * ssh2, wrapped once (the node-ssh pattern): promisified TCP connect and SSH connect with
 * timeouts, listeners removed on every path, errors that carry a `code`; exec with a timeout,
 * an output cap and an optional PTY. Remote output is never interpreted locally.
 */
import net from 'node:net';
import ssh2, { type AnyAuthMethod, type AuthenticationType, type Client, type ClientChannel, type ParsedKey } from 'ssh2';
import { abortError, SshError } from './errors.js';
import { keyAlgorithm, sha256Fingerprint } from './hostKey.js';
import { parseBanner } from './steps/banner.js';
import { CappedBuffer, cleanText, DEFAULT_OUTPUT_CAP } from './text.js';
import type { Transcript } from './transcript.js';

const NET_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection-refused',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'host-unreachable',
  ENETUNREACH: 'network-unreachable',
  EHOSTDOWN: 'host-unreachable',
  ENOTFOUND: 'dns-failed',
  EAI_AGAIN: 'dns-failed',
  ECONNRESET: 'connection-reset',
  EADDRNOTAVAIL: 'network-unreachable',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
};

export interface TcpOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** TCP connect. Errors: connection-refused, timeout, host-unreachable, network-unreachable, dns-failed, aborted, ... */
export function openTcp(o: TcpOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(abortError());
      return;
    }
    const sock = new net.Socket();
    let settled = false;
    const done = (err: SshError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.removeListener('connect', onConnect);
      sock.removeListener('error', onError);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        sock.destroy();
        reject(err);
      } else {
        resolve(sock);
      }
    };
    const onConnect = (): void => done(null);
    const onError = (e: NodeJS.ErrnoException): void => {
      const code = NET_CODES[e.code ?? ''] ?? 'connect-failed';
      done(new SshError(code, `${o.host}:${o.port}: ${e.code ?? e.message}`, { cause: e }));
    };
    const onAbort = (): void => done(abortError());
    const timer = setTimeout(
      () => done(new SshError('timeout', `${o.host}:${o.port}: no answer to the TCP connection within ${o.timeoutMs} ms`)),
      o.timeoutMs,
    );
    sock.once('connect', onConnect);
    sock.once('error', onError);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    sock.connect({ host: o.host, port: o.port });
  });
}

export interface HostKeySeen {
  algorithm: string;
  fingerprint: string;
  blob: Buffer;
}

export interface Credentials {
  password?: string;
  privateKey?: ParsedKey;
  /** ssh-agent socket path (SSH_AUTH_SOCK). */
  agent?: string;
}

/** What happened during connect, filled in as it happens (also on failure). */
export interface ConnectTrace {
  /** First bytes the server sent (at most 512), to name a non-SSH service. */
  firstBytes: Buffer;
  /** The server's identification line (`SSH-2.0-...`), cleaned. */
  remoteIdent: string | null;
  hostKey: HostKeySeen | null;
  hostKeyAccepted: boolean | null;
  handshakeDone: boolean;
  /** Auth methods the server offered (from its answer to the `none` request). */
  offeredMethods: string[] | null;
  tried: string[];
  usedMethod: string | null;
  /** ms timestamps relative to the start of sshConnect. */
  atHostKey?: number;
  atHandshake?: number;
  atReady?: number;
  /** Time spent waiting for a host-key decision (excluded from the timeout). */
  decisionMs: number;
}

export function newTrace(): ConnectTrace {
  return {
    firstBytes: Buffer.alloc(0),
    remoteIdent: null,
    hostKey: null,
    hostKeyAccepted: null,
    handshakeDone: false,
    offeredMethods: null,
    tried: [],
    usedMethod: null,
    decisionMs: 0,
  };
}

export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  /** An already connected socket (from openTcp); otherwise one is opened. */
  sock?: net.Socket;
  /** Bound for banner + key exchange + authentication (host-key decision time excluded). */
  timeoutMs: number;
  signal?: AbortSignal;
  credentials: Credentials;
  /** Decides on the server's host key before any credential is sent; false aborts the connection. */
  hostKeyDecision?: (key: HostKeySeen) => boolean | Promise<boolean>;
  /** Bound for hostKeyDecision (a human may be answering). Default 5 minutes. */
  decisionTimeoutMs?: number;
  /** Host-key algorithms to prefer (those already on record). */
  preferredHostKeyAlgorithms?: string[];
  trace?: ConnectTrace;
}

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

function hostKeyOrder(preferred: readonly string[] | undefined): string[] | undefined {
  if (!preferred || preferred.length === 0) return undefined;
  const want = new Set<string>();
  for (const p of preferred) {
    if (p === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => want.add(a));
    else if (DEFAULT_HOST_KEY_ALGOS.includes(p)) want.add(p);
  }
  if (want.size === 0) return undefined;
  return [...want, ...DEFAULT_HOST_KEY_ALGOS.filter((a) => !want.has(a))];
}

function buildAuthQueue(username: string, c: Credentials, trace: ConnectTrace): AnyAuthMethod[] {
  const q: AnyAuthMethod[] = [];
  if (c.agent) q.push({ type: 'agent', username, agent: c.agent });
  if (c.privateKey) q.push({ type: 'publickey', username, key: c.privateKey });
  if (c.password !== undefined) {
    q.push({ type: 'password', username, password: c.password });
    const password = c.password;
    let rounds = 0;
    q.push({
      type: 'keyboard-interactive',
      username,
      prompt: (_name, _instr, _lang, prompts, finish) => {
        // Answer the password once or twice; a server that keeps asking gets empty answers.
        rounds++;
        trace.tried.push(`keyboard-interactive:${prompts.length}`);
        finish(rounds <= 2 ? prompts.map(() => password) : []);
      },
    });
  }
  return q;
}

function methodName(m: AnyAuthMethod): AuthenticationType {
  return m.type;
}

/** Which SSH auth method name the server must offer for our method. */
function serverMethodFor(m: AnyAuthMethod): string {
  return m.type === 'agent' ? 'publickey' : m.type;
}

/** Opens an SSH connection and authenticates. Errors carry codes; `trace` tells how far it got. */
export async function sshConnect(o: SshConnectOptions): Promise<SshConnection> {
  const trace = o.trace ?? newTrace();
  if (o.signal?.aborted) throw abortError();
  const sock = o.sock ?? (await openTcp({ host: o.host, port: o.port, timeoutMs: o.timeoutMs, signal: o.signal }));
  const started = Date.now();
  const client = new ssh2.Client();

  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let remainingMs = o.timeoutMs;
    let timerStartedAt = Date.now();

    const armTimer = (): void => {
      timerStartedAt = Date.now();
      timer = setTimeout(onTimeout, Math.max(1, remainingMs));
    };
    const pauseTimer = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      remainingMs -= Date.now() - timerStartedAt;
    };

    const sniff = (chunk: Buffer): void => {
      if (trace.firstBytes.length < 512) {
        trace.firstBytes = Buffer.concat([trace.firstBytes, chunk]).subarray(0, 512);
        if (trace.remoteIdent === null) trace.remoteIdent = parseBanner(trace.firstBytes);
      }
    };

    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      sock.removeListener('data', sniff);
      o.signal?.removeEventListener('abort', onAbort);
      client.removeListener('ready', onReady);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      client.removeListener('handshake', onHandshake);
    };

    const fail = (err: SshError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      // Keep a no-op error listener: ssh2 may still emit after we gave up.
      client.on('error', () => undefined);
      client.destroy();
      sock.destroy();
      reject(err);
    };

    const classify = (fallback: string, msg: string): SshError => {
      if (trace.hostKeyAccepted === false) return new SshError('host-key-rejected', 'the host key was not accepted; no credentials were sent');
      const looksSsh = trace.firstBytes.subarray(0, 4).toString('latin1') === 'SSH-' || trace.remoteIdent !== null;
      if (trace.firstBytes.length === 0) return new SshError(fallback === 'timeout' ? 'no-banner' : 'closed-before-banner', msg);
      // sshd's own refusal texts before the banner (MaxStartups / PerSourceMaxStartups drops).
      const early = trace.firstBytes.toString('latin1');
      if (/Exceeded (PerSource)?MaxStartups/i.test(early)) return new SshError('max-startups', `sshd refused the connection: ${early.trim().slice(0, 80)}`);
      if (/^Not allowed at this time/i.test(early)) return new SshError('closed-before-banner', `sshd refused the connection: ${early.trim().slice(0, 80)}`);
      if (!looksSsh) return new SshError('not-ssh', msg);
      if (!trace.handshakeDone && trace.hostKey === null) return new SshError(fallback === 'timeout' ? 'handshake-timeout' : 'handshake-failed', msg);
      if (fallback === 'timeout') return new SshError(trace.handshakeDone ? 'login-timeout' : 'handshake-timeout', msg);
      return new SshError(fallback, msg);
    };

    const onTimeout = (): void => {
      fail(classify('timeout', `no complete SSH handshake and login within ${o.timeoutMs} ms`));
    };
    const onAbort = (): void => fail(abortError());
    const onError = (e: Error & { level?: string }): void => {
      if (e.level === 'client-authentication') {
        fail(new SshError('auth-failed', 'the server rejected every credential offered', { cause: e }));
        return;
      }
      fail(classify('connection-lost', e.message));
    };
    const onClose = (): void => {
      fail(classify('connection-lost', 'the server closed the connection'));
    };
    const onHandshake = (): void => {
      trace.handshakeDone = true;
      trace.atHandshake = Date.now() - started - trace.decisionMs;
    };
    const onReady = (): void => {
      if (settled) return;
      settled = true;
      trace.atReady = Date.now() - started - trace.decisionMs;
      cleanup();
      client.on('error', () => undefined);
      resolve(new SshConnection(client, sock));
    };

    const queue = buildAuthQueue(o.username, o.credentials, trace);
    const authHandler = (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: (m: AnyAuthMethod | false) => void): void => {
      if (methodsLeft === null) {
        // Ask with `none` first: the failure answer lists the methods the server offers.
        trace.tried.push('none');
        next({ type: 'none', username: o.username });
        return;
      }
      trace.offeredMethods ??= [...methodsLeft];
      for (;;) {
        const m = queue.shift();
        if (!m) {
          next(false);
          return;
        }
        if (!methodsLeft.includes(serverMethodFor(m) as AuthenticationType)) continue;
        trace.tried.push(methodName(m));
        trace.usedMethod = methodName(m);
        next(m);
        return;
      }
    };

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
      const seen: HostKeySeen = { algorithm: keyAlgorithm(key), fingerprint: sha256Fingerprint(key), blob: Buffer.from(key) };
      trace.hostKey = seen;
      trace.atHostKey = Date.now() - started;
      if (!o.hostKeyDecision) {
        trace.hostKeyAccepted = true;
        verify(true);
        return;
      }
      pauseTimer();
      const t0 = Date.now();
      let answered = false;
      const answer = (ok: boolean): void => {
        if (answered) return;
        answered = true;
        clearTimeout(decisionTimer);
        trace.decisionMs += Date.now() - t0;
        trace.hostKeyAccepted = ok;
        if (settled) return;
        if (!ok) {
          verify(false);
          fail(new SshError('host-key-rejected', 'the host key was not accepted; no credentials were sent'));
          return;
        }
        armTimer();
        verify(true);
      };
      const decisionTimer = setTimeout(() => answer(false), o.decisionTimeoutMs ?? 300_000);
      Promise.resolve()
        .then(() => o.hostKeyDecision?.(seen))
        .then(
          (ok) => answer(ok === true),
          () => answer(false),
        );
    };

    sock.on('data', sniff);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('ready', onReady);
    client.on('error', onError);
    client.on('close', onClose);
    client.on('handshake', onHandshake);
    armTimer();
    const serverHostKey = hostKeyOrder(o.preferredHostKeyAlgorithms);
    try {
      client.connect({
        sock,
        username: o.username,
        readyTimeout: 0,
        keepaliveInterval: 0,
        hostVerifier,
        authHandler: authHandler as never,
        ...(serverHostKey ? { algorithms: { serverHostKey: serverHostKey as never } } : {}),
      });
    } catch (e) {
      fail(new SshError('connect-failed', (e as Error).message, { cause: e }));
    }
  });
}

export interface ExecControl {
  /** Everything printed so far (stdout and stderr interleaved), decoded and cleaned. */
  readonly text: string;
  write(data: string): void;
  /** Stop now: close the channel and resolve. */
  finish(): void;
}

export interface ExecOptions {
  timeoutMs: number;
  pty?: boolean;
  /** Byte cap per stream (default 1 MiB); beyond it output is dropped and `truncated` set. */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Keep stdin open (interactive prompts); otherwise it is closed right away. */
  interactive?: boolean;
  onOutput?: (ctl: ExecControl) => void;
  /**
   * Retries when the server refuses a new channel (default 3, backing off up to ~1 s): sshd frees a
   * finished session slot a moment after the close, which matters under MaxSessions 1.
   * The sessions probe passes 0 to see the refusal itself.
   */
  openRetries?: number;
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  truncated: boolean;
  /** onOutput called finish(). */
  finishedEarly: boolean;
  ms: number;
}

const TEXT_CAP = 256 * 1024;

export class SshConnection {
  private closed = false;
  /** When set, every exec is recorded here (command, stdin, output), redacted. */
  transcript: Transcript | null = null;

  constructor(
    readonly client: Client,
    private readonly sock: net.Socket,
  ) {
    client.setMaxListeners(0); // one 'close' listener per concurrent exec (sessions step)
    client.once('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs one command in its own channel. Rejects only when the channel cannot be opened. */
  async exec(command: string, o: ExecOptions): Promise<ExecResult> {
    const retries = o.openRetries ?? 3;
    const stdin: string[] = [];
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.execOnce(command, o, stdin);
        this.transcript?.record({ command, stdin, pty: o.pty === true, stdout: r.stdout, stderr: r.stderr, code: r.code, signal: r.signal, timedOut: r.timedOut, truncated: r.truncated, ms: r.ms });
        return r;
      } catch (e) {
        if (!(e instanceof SshError) || e.code !== 'channel-open-failed' || attempt >= retries || this.closed) {
          this.transcript?.record({ command, stdin, pty: o.pty === true, error: e instanceof Error ? e.message : String(e), ms: Date.now() - started });
          throw e;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        if (o.signal?.aborted) throw abortError();
      }
    }
  }

  private execOnce(command: string, o: ExecOptions, stdin: string[] = []): Promise<ExecResult> {
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      if (o.signal?.aborted) {
        reject(abortError());
        return;
      }
      if (this.closed) {
        reject(new SshError('connection-lost', 'the SSH connection is closed'));
        return;
      }
      const cap = o.maxBytes ?? DEFAULT_OUTPUT_CAP;
      const out = new CappedBuffer(cap);
      const err = new CappedBuffer(cap);
      const decoder = new TextDecoder('utf-8', { fatal: false });
      let text = '';
      let code: number | null = null;
      let exitSignal: string | null = null;
      let timedOut = false;
      let finishedEarly = false;
      let settled = false;
      let channel: ClientChannel | undefined;
      let closeWait: NodeJS.Timeout | undefined;

      const settle = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (closeWait) clearTimeout(closeWait);
        o.signal?.removeEventListener('abort', onAbort);
        this.client.removeListener('close', onConnClose);
        if (channel) {
          channel.removeAllListeners('data');
          channel.stderr.removeAllListeners('data');
          channel.removeListener('close', settle);
          channel.on('error', () => undefined);
        }
        resolve({
          stdout: out.toBuffer(),
          stderr: err.toBuffer(),
          code,
          signal: exitSignal,
          timedOut,
          truncated: out.truncated || err.truncated,
          finishedEarly,
          ms: Date.now() - started,
        });
      };
      /** Close the channel and give the server a second to confirm (MaxSessions counts open channels). */
      const stop = (): void => {
        if (settled || closeWait) return;
        if (!channel) {
          settle();
          return;
        }
        try {
          channel.end(); // EOF: a sudo waiting on stdin gives up
        } catch {
          /* already ended */
        }
        try {
          channel.signal('KILL');
        } catch {
          /* not every server takes signals */
        }
        try {
          channel.close();
        } catch {
          /* already closed */
        }
        closeWait = setTimeout(settle, 1000);
      };
      const ctl: ExecControl = {
        get text() {
          return text;
        },
        write: (data: string) => {
          if (channel && !settled && channel.writable) {
            stdin.push(data);
            channel.write(data);
          }
        },
        finish: () => {
          finishedEarly = true;
          stop();
        },
      };
      const onData = (buf: Buffer, target: CappedBuffer): void => {
        target.push(buf);
        if (text.length < TEXT_CAP) text += cleanText(decoder.decode(buf, { stream: true }));
        if (o.onOutput && !finishedEarly && !settled) o.onOutput(ctl);
      };
      const onAbort = (): void => {
        stop();
        reject(abortError());
      };
      const onConnClose = (): void => settle();
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, o.timeoutMs);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      this.client.once('close', onConnClose);

      const opts = o.pty ? { pty: { term: 'dumb', rows: 24, cols: 500, width: 0, height: 0 } } : {};
      try {
        this.client.exec(command, opts, (e, ch) => {
          if (e) {
            clearTimeout(timer);
            settled = true;
            o.signal?.removeEventListener('abort', onAbort);
            this.client.removeListener('close', onConnClose);
            reject(new SshError('channel-open-failed', e.message, { cause: e }));
            return;
          }
          channel = ch;
          if (settled) {
            ch.close();
            return;
          }
          ch.on('data', (b: Buffer) => onData(b, out));
          ch.stderr.on('data', (b: Buffer) => onData(b, err));
          ch.on('exit', (c: number | null, sig?: string) => {
            code = typeof c === 'number' ? c : null;
            exitSignal = sig ?? null;
          });
          ch.on('error', () => stop());
          ch.once('close', settle);
          if (!o.interactive) ch.end();
        });
      } catch (e) {
        clearTimeout(timer);
        settled = true;
        o.signal?.removeEventListener('abort', onAbort);
        this.client.removeListener('close', onConnClose);
        reject(new SshError('channel-open-failed', (e as Error).message, { cause: e }));
      }
    });
  }

  end(): void {
    if (this.closed) return;
    try {
      this.client.end();
    } catch {
      /* ignore */
    }
    // If the server does not answer the disconnect, drop the socket.
    setTimeout(() => {
      this.client.destroy();
      this.sock.destroy();
    }, 1000).unref();
  }
}
