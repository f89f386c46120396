/**
 * Unprivileged probes (domain.md §3), for a process without raw sockets:
 * - TCP SYN → connect(): connected = SYN-ACK, ECONNREFUSED = RST, EHOSTUNREACH/ENETUNREACH = an ICMP
 *   unreachable whose sender cannot be known;
 * - UDP → a connected UDP socket: Node reports an ICMP port unreachable as an 'error' event with
 *   code ECONNREFUSED (syscall recvmsg) — see fallback.test.ts;
 * - ICMP echo → the system `ping` (an unprivileged ICMP "ping" socket needs a native addon that
 *   Node lacks, so it is not used), whose output gives responder, TTL, RTT and ICMP errors;
 * - TCP ACK / SYN-ACK and ICMP timestamp → cannot be sent: `needs-privilege`, method `none`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeMethod } from '../../shared/discovery.js';
import type { ActiveProbe, ProbeDriver } from './driver.js';
import { describeIcmp, icmpOutcome } from '../../shared/icmp.js';
import { canonicalIp, localAddressFor, socketFailure, TransportClosedError, udpPayloadFor, type RateLimiter } from '../net/index.js';
import type { ProbeAnswer } from './plan.js';
import type { ProbeSpec } from './types.js';

export const RESPONDER_UNKNOWN = 'responder unknown without raw sockets';

interface FallbackState {
  tcp?: net.Socket;
  udp?: dgram.Socket;
  ping?: ChildProcess;
  startedAt?: number;
}

/** Parsed result of one `ping -c 1` run. */
export interface PingOutcome {
  answer: ProbeAnswer | null;
  /** A local failure (`ping: ...` on stderr, unexpected exit), when there is no answer. */
  error?: string;
}

// iputils' texts for ICMP errors (ping_common.c / ping6_common.c), with the codes they stand for.
const PING4_ERRORS: [RegExp, number, number][] = [
  [/Destination Net Unreachable for Type of Service/, 3, 11],
  [/Destination Host Unreachable for Type of Service/, 3, 12],
  [/Destination Net Unreachable/, 3, 0],
  [/Destination Host Unreachable/, 3, 1],
  [/Destination Protocol Unreachable/, 3, 2],
  [/Destination Port Unreachable/, 3, 3],
  [/Frag needed/i, 3, 4],
  [/Source Route Failed/, 3, 5],
  [/Destination Net Unknown/, 3, 6],
  [/Destination Host Unknown/, 3, 7],
  [/Source Host Isolated/, 3, 8],
  [/Destination Net Prohibited/, 3, 9],
  [/Destination Host Prohibited/, 3, 10],
  [/Packet filtered/, 3, 13],
  [/Precedence Violation/, 3, 14],
  [/Precedence Cutoff/, 3, 15],
  [/Time to live exceeded/, 11, 0],
  [/Frag reassembly time exceeded/, 11, 1],
];
const PING6_ERRORS: [RegExp, number, number][] = [
  [/Destination unreachable: No route/, 1, 0],
  [/Destination unreachable: Administratively prohibited/, 1, 1],
  [/Destination unreachable: Beyond scope of source address/, 1, 2],
  [/Destination unreachable: Address unreachable/, 1, 3],
  [/Destination unreachable: Port unreachable/, 1, 4],
  [/Destination unreachable: Source address failed ingress\/egress policy/, 1, 5],
  [/Destination unreachable: Reject route to destination/, 1, 6],
  [/Destination unreachable/, 1, 0],
  [/Time exceeded: Hop limit/, 3, 0],
  [/Time exceeded/, 3, 1],
  [/Packet too big/, 2, 0],
];

/**
 * Parses the output of `ping -n -c 1 …` (iputils): an echo reply line
 * `64 bytes from 198.18.1.10: icmp_seq=1 ttl=63 time=0.321 ms`, or an error line
 * `From 198.18.0.2 icmp_seq=1 Packet filtered`.
 */
export function parsePingOutput(stdout: string, stderr: string, family: 4 | 6): PingOutcome {
  const reply = /bytes from ([0-9a-fA-F.:]+?)(?:%\S+)?(?: \([^)]*\))?: .*?(?:ttl|hlim)=(\d+)(?: time=([\d.]+) ms)?/.exec(stdout);
  if (reply) {
    return {
      answer: {
        result: 'echo-reply',
        responder: canonicalIp(reply[1] ?? ''),
        ttl: Number(reply[2]),
        rttMs: reply[3] !== undefined ? Number(reply[3]) : null,
        detail: 'system ping: echo reply',
      },
    };
  }
  const from = /^From ([0-9a-fA-F.:]+?)(?:%\S+)?(?: \([^)]*\))?:? icmp_seq=\d+ (.+)$/m.exec(stdout);
  if (from) {
    const text = (from[2] ?? '').trim();
    const table = family === 4 ? PING4_ERRORS : PING6_ERRORS;
    const hit = table.find(([re]) => re.test(text));
    const [type, code] = hit ? [hit[1], hit[2]] : family === 4 ? [3, 1] : [1, 0];
    return {
      answer: {
        result: icmpOutcome(family, type, code),
        responder: canonicalIp(from[1] ?? ''),
        icmpType: type,
        icmpCode: code,
        ttl: null,
        rttMs: null,
        detail: `system ping: ${text} — ${describeIcmp(family, type, code)}`,
      },
    };
  }
  const err = stderr.split('\n').find((l) => l.trim() !== '');
  if (err) return { answer: null, error: err.trim() };
  return { answer: null };
}

/** `-W` in seconds: whole seconds work on every iputils, fractions only on recent ones. */
function pingWait(timeoutMs: number): string {
  return timeoutMs % 1000 === 0 ? String(timeoutMs / 1000) : (timeoutMs / 1000).toFixed(3);
}

export function pingArgs(address: string, family: 4 | 6, timeoutMs: number): string[] {
  return ['-n', '-c', '1', '-W', pingWait(timeoutMs), family === 6 ? '-6' : '-4', address];
}

function errCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? e?.message ?? String(err);
}

/** A local failure as the probe's answer: `error` with the errno and plain words. */
function failed(err: unknown, what: string): ProbeAnswer {
  const f = socketFailure(err, what);
  return { result: 'error', responder: null, errno: f.errno, detail: f.detail };
}

export class FallbackDriver implements ProbeDriver {
  readonly privileged = false;
  /** ping has to start before it sends: give it a little longer than the timeout. */
  readonly graceMs = 150;
  private readonly live = new Set<ActiveProbe>();
  /** ping processes that have not closed yet (exited and their pipes drained). */
  private readonly children = new Set<ChildProcess>();
  private idle: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly limiter: RateLimiter,
    readonly timeoutMs: number,
    readonly pingCommand = 'ping',
  ) {}

  methodFor(spec: ProbeSpec): ProbeMethod {
    if (spec.kind === 'syn') return 'connect';
    if (spec.kind === 'udp') return 'udp-socket';
    if (spec.kind === 'echo') return 'system-ping';
    return 'none';
  }

  warnings(specs: ProbeSpec[]): string[] {
    const w: string[] = [];
    const has = (k: ProbeSpec['kind']): boolean => specs.some((s) => s.kind === k);
    if (has('syn')) w.push('Unprivileged: TCP SYN probes used connect() — a full handshake on open ports; ICMP errors show as EHOSTUNREACH without the sender.');
    if (has('udp')) w.push('Unprivileged: UDP probes used connected UDP sockets — a port unreachable shows as ECONNREFUSED, other ICMP errors without the sender.');
    if (has('echo')) w.push('Unprivileged: ICMP echo used the system ping.');
    const noRaw = specs.filter((s) => s.kind === 'ack' || s.kind === 'syn-ack').length;
    if (noRaw > 0) {
      w.push(
        `${noRaw} TCP ACK/SYN-ACK probe${noRaw === 1 ? '' : 's'} need${noRaw === 1 ? 's' : ''} raw sockets (root or CAP_NET_RAW) and ${noRaw === 1 ? 'was' : 'were'} not sent: a host behind a stateless SYN filter will look dead.`,
      );
    }
    if (has('timestamp')) w.push('The ICMP timestamp probe needs raw sockets and was not sent.');
    return w;
  }

  route(address: string): Promise<string> {
    return localAddressFor(address);
  }

  private token(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) reject(new TransportClosedError());
      else this.limiter.schedule(resolve, () => reject(new TransportClosedError()));
    });
  }

  async send(p: ActiveProbe, attempt: number): Promise<void> {
    await this.token();
    if (this.closed || p.done) throw new TransportClosedError();
    this.live.add(p);
    const st = (p.state ??= {}) as FallbackState;
    const idx = attempt - 1;
    switch (p.spec.kind) {
      case 'syn':
        return this.sendConnect(p, st, idx);
      case 'udp':
        return this.sendUdp(p, st, idx);
      case 'echo':
        return this.sendPing(p, st, idx);
      default:
        throw new Error(`${p.spec.kind} probes cannot be sent without raw sockets`);
    }
  }

  private sendConnect(p: ActiveProbe, st: FallbackState, idx: number): Promise<void> {
    const started = performance.now();
    p.sentAt[idx] = started;
    let sock: net.Socket;
    try {
      sock = net.connect({ host: p.target.address, port: p.spec.port ?? 0, family: p.target.family });
    } catch (err) {
      p.answer(failed(err, 'connect()'));
      return Promise.resolve();
    }
    st.tcp = sock;
    const ms = (): number => Math.round((performance.now() - started) * 1000) / 1000;
    sock.once('connect', () => {
      if (sock.localPort !== undefined) p.result.sourcePort = sock.localPort;
      const rttMs = ms();
      // Close with RST, as a scanner does after the handshake.
      sock.resetAndDestroy();
      p.answer({ result: 'syn-ack', responder: p.target.address, ttl: null, rttMs, detail: 'connect() succeeded (port open)' });
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      const code = errCode(err);
      if (st.tcp !== sock) return;
      if (code === 'ECONNREFUSED') {
        p.answer({ result: 'rst', responder: p.target.address, ttl: null, rttMs: ms(), detail: 'connect(): ECONNREFUSED (RST)' });
      } else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
        p.answer({ result: 'icmp-unreachable', responder: null, ttl: null, rttMs: ms(), detail: `connect(): ${code} — ${RESPONDER_UNKNOWN}` });
      } else if (code !== 'ETIMEDOUT' && code !== 'ECONNRESET') {
        p.answer(failed(err, 'connect()'));
      }
      sock.destroy();
    });
    return Promise.resolve();
  }

  private sendUdp(p: ActiveProbe, st: FallbackState, idx: number): Promise<void> {
    const port = p.spec.port ?? 0;
    const { payload, description } = udpPayloadFor(port);
    p.result.detail = description;
    const ms = (): number | null => {
      const sent = p.sentAt[p.sentAt.length - 1];
      return sent === undefined ? null : Math.round((performance.now() - sent) * 1000) / 1000;
    };
    const onError = (err: unknown): void => {
      const code = errCode(err);
      if (code === 'ECONNREFUSED') {
        p.answer({
          result: 'icmp-port-unreachable',
          responder: p.target.address,
          ttl: null,
          rttMs: ms(),
          detail: `${description}: ECONNREFUSED — an ICMP port unreachable (sender taken to be the target; raw sockets show it)`,
        });
      } else if ((code === 'EHOSTUNREACH' || code === 'ENETUNREACH') && (err as NodeJS.ErrnoException).syscall === 'recvmsg') {
        // An ICMP error that came back (reported on receive), not a local refusal to send.
        p.answer({ result: 'icmp-unreachable', responder: null, ttl: null, rttMs: ms(), detail: `${description}: ${code} — ${RESPONDER_UNKNOWN}` });
      } else {
        p.answer(failed(err, 'UDP'));
      }
    };
    // Every failure (connect, send, a later ICMP error) ends as this probe's answer: resolve, never throw.
    return new Promise<void>((resolve) => {
      const doSend = (sock: dgram.Socket): void => {
        p.sentAt[idx] = performance.now();
        try {
          sock.send(payload, (err) => {
            if (err) onError(err);
            resolve();
          });
        } catch (err) {
          onError(err);
          resolve();
        }
      };
      if (st.udp) {
        doSend(st.udp);
        return;
      }
      const sock = dgram.createSocket(p.target.family === 4 ? 'udp4' : 'udp6');
      st.udp = sock;
      sock.on('error', onError);
      sock.on('message', (msg, rinfo) => {
        p.answer({
          result: 'udp-reply',
          responder: canonicalIp(rinfo.address),
          ttl: null,
          rttMs: ms(),
          detail: `${description} answered: ${msg.length}-byte reply`,
        });
      });
      const connected = (err?: Error): void => {
        // Node hands a connect() failure to this callback (not to 'error'); the socket stays unconnected.
        if (err) {
          onError(err);
          resolve();
          return;
        }
        try {
          p.result.sourcePort = sock.address().port;
        } catch {
          /* closed meanwhile */
        }
        doSend(sock);
      };
      try {
        sock.connect(port, p.target.address, connected);
      } catch (err) {
        connected(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private sendPing(p: ActiveProbe, st: FallbackState, idx: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = spawn(this.pingCommand, pingArgs(p.target.address, p.target.family, this.timeoutMs), {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_ALL: 'C' },
      });
      st.ping = child;
      this.children.add(child);
      let out = '';
      let err = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.once('spawn', () => {
        p.sentAt[idx] = performance.now();
        resolve();
      });
      child.once('error', (e) => {
        if (st.ping === child) st.ping = undefined;
        this.childGone(child);
        p.answer(failed(e, 'system ping'));
        reject(e);
      });
      child.once('close', (code) => {
        if (st.ping === child) st.ping = undefined;
        this.childGone(child);
        const parsed = parsePingOutput(out, err, p.target.family);
        if (parsed.answer) p.answer(parsed.answer);
        else if (parsed.error && code !== 1) p.answer({ result: 'error', responder: null, errno: 'EPING', detail: `system ping: ${parsed.error}` });
      });
    });
  }

  private childGone(child: ChildProcess): void {
    this.children.delete(child);
    if (this.children.size > 0) return;
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }

  queued(): number {
    return this.limiter.queued;
  }

  /** Resolves when every ping this driver started has closed (they were killed by close()/release()). */
  settled(): Promise<void> {
    if (this.children.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // SIGKILLed processes close at once; the bound only keeps a wedged one from holding a run.
      const timer = setTimeout(resolve, 5000);
      timer.unref();
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  endAttempt(p: ActiveProbe): void {
    const st = p.state as FallbackState | undefined;
    if (!st) return;
    if (st.tcp) {
      const s = st.tcp;
      st.tcp = undefined;
      s.destroy();
    }
    if (st.ping) {
      st.ping.kill('SIGKILL');
      st.ping = undefined;
    }
    // The UDP socket stays open for the retry (and for a late reply).
  }

  release(p: ActiveProbe): void {
    this.endAttempt(p);
    const st = p.state as FallbackState | undefined;
    if (st?.udp) {
      try {
        st.udp.close();
      } catch {
        /* already closed */
      }
      st.udp = undefined;
    }
    this.live.delete(p);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.limiter.clear();
    for (const p of [...this.live]) this.release(p);
  }
}
