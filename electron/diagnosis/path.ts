/**
 * Path finding: where do the packets die? TTL-limited probes like tcptraceroute / `nmap --traceroute`.
 * - raw (root / CAP_NET_RAW): TCP SYN, UDP or ICMP echo with a chosen TTL; ICMP time-exceeded and
 *   unreachable read off a raw ICMP socket; SYN-ACK/RST from the target off a raw TCP socket.
 * - unprivileged: the system `traceroute` (UDP; it reads ICMP errors through IP_RECVERR), else `tracepath`.
 * Every run is bounded: maxHops, a stop after `silentHops` silent hops, and a per-attempt timeout.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { PathHop, PathResult, OpenPort } from '../../shared/diagnosis.js';
import { probeLabel as probeName, type HostResult } from '../../shared/discovery.js';
import { icmpClass, isAdminProhibited } from '../../shared/icmp.js';
import { DEFAULT_RATE_PPS } from '../../shared/rate.js';
import {
  canonicalIp,
  echoKey,
  RawTransport,
  type PacketTap,
  refusedDestination,
  socketFailure,
  tcpKey,
  TCP_ACK,
  TCP_RST,
  TCP_SYN,
  udpKey,
  Waiter,
  type IpFamily,
  type RawReply,
  type SocketFailure,
} from '../net/index.js';

export type TraceProbe = { protocol: 'tcp'; port: number } | { protocol: 'udp'; port: number | null } | { protocol: 'icmp' };

export interface TraceOptions {
  /** Highest TTL tried (default 30). */
  maxHops?: number;
  /** Stop after this many silent hops in a row (default 5). */
  silentHops?: number;
  /** Wait for answers to one round, in milliseconds (default 1000). */
  timeoutMs?: number;
  /** Rounds per hop: unanswered hops are asked again (default 2). */
  attempts?: number;
  /** Protocol/port; default from chooseTraceProbe(). */
  probe?: TraceProbe;
  /** true: raw sockets (fails without privilege); false: the system traceroute; undefined: raw if allowed. */
  privileged?: boolean;
  /** Send through this transport (and its rate limiter) instead of opening one for the trace. */
  transport?: RawTransport;
  /** Packet tap for the transport the trace opens (a pcap of the run). */
  onPacket?: PacketTap;
  /** Packet rate when the trace opens its own transport (default DEFAULT_RATE_PPS, shared/rate.ts). */
  ratePps?: number;
  signal?: AbortSignal;
  /** Called for each hop as it is settled (in TTL order). */
  onHop?: (hop: PathHop) => void;
}

export const DEFAULT_MAX_HOPS = 30;
export const DEFAULT_SILENT_HOPS = 5;

/**
 * The probe most likely to pass the filters in front of the target: a TCP port that answered,
 * else TCP 443/80 when the profile probes them, else a UDP port that answered, else UDP 33434+, else ICMP.
 */
export function chooseTraceProbe(discovery: HostResult | null, openPorts: OpenPort[] | null, privileged: boolean): TraceProbe {
  const tcpAnswered =
    discovery?.probes.find((p) => p.protocol === 'tcp' && p.kind === 'syn' && p.fromTarget && p.result === 'syn-ack')?.port ??
    openPorts?.find((p) => p.protocol === 'tcp' && p.result === 'syn-ack')?.port ??
    discovery?.probes.find((p) => p.protocol === 'tcp' && p.kind === 'syn' && p.fromTarget && p.result === 'rst')?.port ??
    openPorts?.find((p) => p.protocol === 'tcp')?.port ??
    null;
  const udpAnswered =
    discovery?.probes.find((p) => p.protocol === 'udp' && p.fromTarget && p.result === 'udp-reply')?.port ??
    openPorts?.find((p) => p.protocol === 'udp' && p.result === 'udp-reply')?.port ??
    null;
  if (privileged) {
    if (tcpAnswered !== null) return { protocol: 'tcp', port: tcpAnswered };
    if (udpAnswered !== null) return { protocol: 'udp', port: udpAnswered };
    const echoAnswered = discovery?.probes.some((p) => p.kind === 'echo' && p.fromTarget && p.result === 'echo-reply');
    if (echoAnswered) return { protocol: 'icmp' };
    return { protocol: 'tcp', port: 443 };
  }
  // Unprivileged, only UDP can be traced (the system traceroute without root).
  return { protocol: 'udp', port: udpAnswered };
}

/** `TCP SYN 443`, `UDP 53`, `UDP 33434+`, `ICMP echo` — the shared probe label. */
function probeLabel(p: TraceProbe): string {
  if (p.protocol === 'tcp') return probeName({ kind: 'syn', port: p.port, sourcePort: null });
  if (p.protocol === 'udp') return p.port === null ? 'UDP 33434+' : probeName({ kind: 'udp', port: p.port, sourcePort: null });
  return probeName({ kind: 'echo', port: null, sourcePort: null });
}

function abortedResult(target: string, probe: TraceProbe, method: PathResult['method'], hops: PathHop[], detail: string): PathResult {
  return summarise({ target, method, probe: probeLabel(probe), hops, detail });
}

/** Fills reached / lastResponder / blockingHop from the hops. */
export function summarise(r: { target: string; method: PathResult['method']; probe: string; hops: PathHop[]; detail?: string }): PathResult {
  const target = canonicalIp(r.target);
  const answered = r.hops.filter((h) => h.responder !== null);
  const last = answered[answered.length - 1] ?? null;
  const blocking = r.hops.find((h) => h.note === 'admin-prohibited' || h.note === 'unreachable') ?? null;
  return {
    target: r.target,
    method: r.method,
    probe: r.probe,
    hops: r.hops,
    reached: r.hops.some((h) => h.responder !== null && canonicalIp(h.responder) === target),
    lastResponder: last?.responder ?? null,
    blockingHop: blocking,
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
  };
}

/** Traces the path to `target` (an IP address). Never throws for network conditions; throws on bad input. */
export async function tracePath(target: string, opts: TraceOptions = {}): Promise<PathResult> {
  const family = isIP(target);
  if (family === 0) throw Object.assign(new Error(`tracePath needs an IP address, got "${target}"`), { code: 'bad-input' });
  const maxHops = Math.min(Math.max(opts.maxHops ?? DEFAULT_MAX_HOPS, 1), 64);
  const silentHops = Math.min(Math.max(opts.silentHops ?? DEFAULT_SILENT_HOPS, 1), maxHops);
  const timeoutMs = Math.min(Math.max(opts.timeoutMs ?? 1000, 50), 10_000);
  const attempts = Math.min(Math.max(opts.attempts ?? 2, 1), 3);
  const o: Required<Pick<TraceOptions, 'maxHops' | 'silentHops' | 'timeoutMs' | 'attempts'>> & TraceOptions = {
    ...opts,
    maxHops,
    silentHops,
    timeoutMs,
    attempts,
  };
  if (opts.privileged !== false) {
    const probe = opts.probe ?? { protocol: 'tcp', port: 443 };
    try {
      const fam = family === 4 ? 4 : 6;
      // Nothing back from any hop: the protocol itself may be filtered near us. Fall back to
      // UDP 33434+, then ICMP echo (each bounded the same way), and keep the first that gets answers.
      const first = await rawTrace(target, fam, probe, { ...o, onHop: undefined });
      let chosen = first;
      if (first.lastResponder === null && !o.signal?.aborted) {
        const fallbacks: TraceProbe[] = probe.protocol === 'tcp' ? [{ protocol: 'udp', port: null }, { protocol: 'icmp' }] : probe.protocol === 'udp' ? [{ protocol: 'icmp' }] : [];
        for (const fb of fallbacks) {
          if (o.signal?.aborted) break;
          const r = await rawTrace(target, fam, fb, { ...o, onHop: undefined });
          if (r.lastResponder !== null) {
            chosen = { ...r, detail: `${first.probe} got no answer from any hop; traced with ${r.probe}` };
            break;
          }
        }
      }
      for (const h of chosen.hops) o.onHop?.(h);
      return chosen;
    } catch (err) {
      if (opts.privileged === true) throw err;
      // not permitted: fall through to the unprivileged method
    }
  }
  const probe: TraceProbe = opts.probe?.protocol === 'udp' ? opts.probe : { protocol: 'udp', port: null };
  return systemTrace(target, family === 4 ? 4 : 6, probe, o);
}

// ---------------------------------------------------------------------------------------------
// Raw sockets: through the one transport (electron/net). Every TTL has its own reply key — its own
// source port (TCP, UDP) or echo sequence number (ICMP) — so replies are routed by hop.

/** The hop note for an ICMP error on the way to (or from) the target. */
function icmpNote(family: IpFamily, type: number, code: number, fromTarget: boolean): PathHop['note'] {
  const cls = icmpClass(family, type, code);
  if (cls === 'time-exceeded') return 'time-exceeded';
  if (cls === 'port-unreachable' && fromTarget) return 'reached';
  if (cls === 'admin-prohibited') return 'admin-prohibited';
  return 'unreachable';
}

async function rawTrace(
  target: string,
  family: IpFamily,
  probe: TraceProbe,
  o: Required<Pick<TraceOptions, 'maxHops' | 'silentHops' | 'timeoutMs' | 'attempts'>> & TraceOptions,
): Promise<PathResult> {
  const method: PathResult['method'] = probe.protocol === 'tcp' ? 'raw-tcp' : probe.protocol === 'udp' ? 'raw-udp' : 'raw-icmp';
  const dst = canonicalIp(target);
  const refused = refusedDestination(target);
  if (refused) return summarise({ target, method: 'none', probe: probeLabel(probe), hops: [], detail: refused.detail });
  const transport = o.transport ?? new RawTransport({ ratePps: o.ratePps ?? DEFAULT_RATE_PPS, ...(o.onPacket ? { onPacket: o.onPacket } : {}) });
  const keys: string[] = [];
  try {
    await transport.open(family); // rejects without privilege: tracePath falls back to the system tools
    let src: string;
    try {
      src = await transport.sourceFor(dst);
    } catch (err) {
      return summarise({ target, method: 'none', probe: probeLabel(probe), hops: [], detail: socketFailure(err, 'no path trace').detail });
    }

    const hops = new Map<number, PathHop>();
    const sentAt = new Map<number, number>(); // ttl → performance.now() of its latest send
    const waiter = new Waiter();
    const basePort = randomInt(33000, 60000 - 128);
    const seqBase = randomInt(0, 0x7fffffff);
    let sendError: SocketFailure | null = null;
    let sentOk = 0;

    const record = (ttl: number, hop: Omit<PathHop, 'ttl' | 'rttMs'>, at: number): void => {
      if (ttl < 1 || ttl > o.maxHops || hops.has(ttl)) return;
      const t = sentAt.get(ttl);
      hops.set(ttl, { ttl, rttMs: t !== undefined ? Math.max(0, Math.round((at - t) * 1000) / 1000) : null, ...hop });
      waiter.notify();
    };
    const onReply = (ttl: number, r: RawReply): void => {
      if (r.type === 'icmp-error') {
        const fromTarget = r.responder === dst;
        record(ttl, { responder: r.responder, icmpType: r.icmpType, icmpCode: r.icmpCode, note: icmpNote(family, r.icmpType, r.icmpCode, fromTarget) }, r.at);
      } else if (r.type === 'tcp') {
        const synAck = (r.tcp.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
        if (synAck || (r.tcp.flags & TCP_RST) !== 0) record(ttl, { responder: r.responder, icmpType: null, icmpCode: null, note: 'reached' }, r.at);
      } else if (r.type === 'udp') {
        record(ttl, { responder: r.responder, icmpType: null, icmpCode: null, note: 'reached' }, r.at);
      } else if (r.type === 'echo-reply') {
        record(ttl, { responder: r.responder, icmpType: family === 4 ? 0 : 129, icmpCode: 0, note: 'reached' }, r.at);
      }
    };
    const listen = (key: string, ttl: number): void => {
      if (!keys.includes(key)) keys.push(key);
      transport.on(key, (r) => onReply(ttl, r));
    };

    const sendOne = async (ttl: number, attempt: number): Promise<void> => {
      const srcPort = basePort + ttl;
      let sent: number;
      if (probe.protocol === 'tcp') {
        listen(tcpKey(dst, probe.port, srcPort), ttl);
        sent = await transport.sendTcp({ family, src, dst, srcPort, dstPort: probe.port, seq: (seqBase + ttl + attempt * 0x10000) >>> 0, flags: TCP_SYN, mss: 1460, ttl });
      } else if (probe.protocol === 'udp') {
        const dstPort = probe.port ?? 33434 + ttl - 1;
        listen(udpKey(dst, dstPort, srcPort), ttl);
        sent = await transport.sendUdp({ family, src, dst, dstPort, srcPort, payload: Buffer.alloc(0), ttl });
      } else {
        const seq = transport.nextEchoSeq();
        listen(echoKey(dst, transport.echoId, seq), ttl);
        sent = await transport.sendEcho({ family, src, dst, id: transport.echoId, seq, payload: Buffer.from('scanready-trace'), ttl });
      }
      if (!sentAt.has(ttl) || attempt > 0) sentAt.set(ttl, sent);
      sentOk++;
    };

    // Rounds of up to `window` TTLs sent at once; stop at the target, at an unreachable, or after silence.
    const window = 8;
    let next = 1;
    let stopAt: number | null = null; // last TTL worth reporting
    for (let round = 0; round < Math.ceil(o.maxHops / window) + 1 && stopAt === null && next <= o.maxHops; round++) {
      if (o.signal?.aborted) break;
      const from = next;
      const to = Math.min(o.maxHops, next + window - 1);
      const settledBelow = (): number | null => {
        for (let ttl = 1; ttl <= to; ttl++) {
          const h = hops.get(ttl);
          if (h && h.note !== 'time-exceeded') return ttl;
        }
        return null;
      };
      for (let attempt = 0; attempt < o.attempts; attempt++) {
        const end = settledBelow();
        const pending: number[] = [];
        for (let ttl = from; ttl <= to; ttl++) if (!hops.has(ttl) && (end === null || ttl < end)) pending.push(ttl);
        if (pending.length === 0 || o.signal?.aborted) break;
        // The transport's rate limiter paces the sends; a local failure is remembered, not thrown.
        await Promise.all(
          pending.map((ttl) =>
            sendOne(ttl, attempt).catch((err: unknown) => {
              if ((err as Error).name !== 'AbortError') sendError ??= socketFailure(err, 'send failed');
            }),
          ),
        );
        // Done early when every pending hop below the first terminal answer has answered.
        await waiter.until(
          () => {
            const e = settledBelow();
            return pending.every((t) => (e !== null && t >= e) || hops.has(t));
          },
          o.timeoutMs,
          o.signal,
        );
      }
      // Evaluate the rounds so far.
      let silentRun = 0;
      for (let ttl = 1; ttl <= to; ttl++) {
        const h = hops.get(ttl);
        if (h && h.note !== 'time-exceeded') {
          stopAt = ttl;
          break;
        }
        silentRun = h ? 0 : silentRun + 1;
        if (silentRun >= o.silentHops) {
          stopAt = ttl;
          break;
        }
      }
      next = to + 1;
      if (sentOk === 0 && sendError) break; // nothing leaves this machine: no point in more rounds
    }
    if (sentOk === 0 && sendError) {
      return summarise({ target, method: 'none', probe: probeLabel(probe), hops: [], detail: `no path trace: ${(sendError as SocketFailure).detail}` });
    }
    const last = stopAt ?? Math.min(o.maxHops, next - 1);
    const out: PathHop[] = [];
    for (let ttl = 1; ttl <= last; ttl++) {
      const h = hops.get(ttl) ?? { ttl, responder: null, rttMs: null, icmpType: null, icmpCode: null, note: 'no-response' as const };
      out.push(h);
      o.onHop?.(h);
    }
    // Trailing silence after the last answer is shown only up to the silent-hop limit.
    if (o.signal?.aborted) return abortedResult(target, probe, method, out, 'cancelled');
    return summarise({ target, method, probe: probeLabel(probe), hops: out });
  } finally {
    for (const k of keys) transport.off(k);
    if (!o.transport) transport.close();
  }
}

// ---------------------------------------------------------------------------------------------
// System traceroute / tracepath (unprivileged)

/** `!X` and friends (traceroute(8)): ICMP unreachable codes for IPv4 / IPv6. */
function annotationToIcmp(flag: string, family: IpFamily): { type: number; code: number; note: PathHop['note'] } | null {
  const unreach = family === 4 ? 3 : 1;
  switch (flag) {
    case '!X':
      return { type: unreach, code: family === 4 ? 13 : 1, note: 'admin-prohibited' };
    case '!H':
      return { type: unreach, code: family === 4 ? 1 : 3, note: 'unreachable' };
    case '!N':
      return { type: unreach, code: 0, note: 'unreachable' };
    case '!P':
      return { type: unreach, code: 2, note: 'unreachable' };
    case '!S':
      return { type: unreach, code: 5, note: 'unreachable' };
    case '!F':
      return { type: unreach, code: 4, note: 'unreachable' };
    case '!V':
      return { type: unreach, code: 14, note: 'unreachable' };
    case '!C':
      return { type: unreach, code: 15, note: 'unreachable' };
    default: {
      const m = /^!(\d+)$/.exec(flag);
      if (!m) return null;
      const code = Number(m[1]);
      return { type: unreach, code, note: isAdminProhibited(family, unreach, code) ? 'admin-prohibited' : 'unreachable' };
    }
  }
}

/** Parses `traceroute -n -q 1` output (Linux traceroute 2.x and the BSD/macOS one). */
export function parseTraceroute(text: string, target: string, family: IpFamily): PathHop[] {
  const dst = canonicalIp(target);
  const hops: PathHop[] = [];
  for (const raw of text.split('\n').slice(0, 200)) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    const ttl = Number(m[1]);
    const rest = (m[2] ?? '').trim();
    if (rest.startsWith('*')) {
      hops.push({ ttl, responder: null, rttMs: null, icmpType: null, icmpCode: null, note: 'no-response' });
      continue;
    }
    const hm = /^([0-9a-fA-F:.]+)\s+([\d.]+)\s*ms(?:\s+(!\S*))?/.exec(rest);
    if (!hm || isIP(hm[1] ?? '') === 0) continue;
    const responder = hm[1] ?? '';
    const rtt = Number(hm[2]);
    const flag = hm[3];
    const fromTarget = canonicalIp(responder) === dst;
    const ann = flag ? annotationToIcmp(flag, family) : null;
    let hop: PathHop;
    if (ann) hop = { ttl, responder, rttMs: rtt, icmpType: ann.type, icmpCode: ann.code, note: ann.note };
    else if (fromTarget) hop = { ttl, responder, rttMs: rtt, icmpType: family === 4 ? 3 : 1, icmpCode: family === 4 ? 3 : 4, note: 'reached' };
    else hop = { ttl, responder, rttMs: rtt, icmpType: family === 4 ? 11 : 3, icmpCode: 0, note: 'time-exceeded' };
    hops.push(hop);
  }
  return hops;
}

/** Parses `tracepath -n` output. */
export function parseTracepath(text: string, target: string, family: IpFamily): PathHop[] {
  const dst = canonicalIp(target);
  const byTtl = new Map<number, PathHop>();
  for (const raw of text.split('\n').slice(0, 200)) {
    const m = /^\s*(\d+)\??:\s+(\S+)(?:\s+([\d.]+)ms)?(.*)$/.exec(raw);
    if (!m) continue;
    const ttl = Number(m[1]);
    const who = m[2] ?? '';
    if (byTtl.has(ttl) && byTtl.get(ttl)?.responder !== null) continue;
    if (who === 'no' || isIP(who) === 0) {
      if (!byTtl.has(ttl)) byTtl.set(ttl, { ttl, responder: null, rttMs: null, icmpType: null, icmpCode: null, note: 'no-response' });
      continue;
    }
    const rtt = m[3] !== undefined ? Number(m[3]) : null;
    const tail = m[4] ?? '';
    const fromTarget = canonicalIp(who) === dst;
    let hop: PathHop;
    if (/prohibit/i.test(tail)) hop = { ttl, responder: who, rttMs: rtt, icmpType: family === 4 ? 3 : 1, icmpCode: family === 4 ? 13 : 1, note: 'admin-prohibited' };
    else if (/unreachable/i.test(tail)) hop = { ttl, responder: who, rttMs: rtt, icmpType: family === 4 ? 3 : 1, icmpCode: null, note: 'unreachable' };
    else if (fromTarget || /reached/i.test(tail)) hop = { ttl, responder: who, rttMs: rtt, icmpType: null, icmpCode: null, note: 'reached' };
    else hop = { ttl, responder: who, rttMs: rtt, icmpType: family === 4 ? 11 : 3, icmpCode: 0, note: 'time-exceeded' };
    byTtl.set(ttl, hop);
  }
  return [...byTtl.values()].sort((a, b) => a.ttl - b.ttl);
}

/** Cuts trailing silence after `silentHops` in a row (traceroute itself only stops at maxHops). */
function trimSilence(hops: PathHop[], silentHops: number): PathHop[] {
  let run = 0;
  for (let i = 0; i < hops.length; i++) {
    run = hops[i]?.responder === null ? run + 1 : 0;
    if (run >= silentHops) return hops.slice(0, i + 1);
    const n = hops[i]?.note;
    if (n === 'reached' || n === 'admin-prohibited' || n === 'unreachable') return hops.slice(0, i + 1);
  }
  return hops;
}

interface ToolRun {
  ok: boolean;
  stdout: string;
  missing: boolean;
  error?: string;
}

/**
 * Runs a trace tool, reading its output as it comes: the tool is stopped as soon as `enough(stdout)`
 * says the trace is settled (target reached, unreachable, or too many silent hops), and after `budgetMs`.
 */
function runTool(cmd: string, args: string[], budgetMs: number, enough: (stdout: string) => boolean, signal?: AbortSignal): Promise<ToolRun> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let stopped = false;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd, args, { env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ ok: false, stdout: '', missing: false, error: (err as Error).message });
      return;
    }
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
    };
    const timer = setTimeout(stop, budgetMs);
    const onAbort = (): void => stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdout.length < 1 << 20) stdout += chunk.toString('utf8');
      if (enough(stdout)) stop();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 1 << 16) stderr += chunk.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ ok: false, stdout: '', missing: err.code === 'ENOENT', error: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (stdout.trim() === '' || (code !== 0 && !stopped && !/^\s*\d+\s/m.test(stdout))) {
        resolve({ ok: false, stdout, missing: false, error: stderr.trim().split('\n')[0] ?? `exit ${code ?? '?'}` });
      } else resolve({ ok: true, stdout, missing: false });
    });
  });
}

function settled(hops: PathHop[], silentHops: number): boolean {
  // Terminal answer (target, unreachable) or `silentHops` silent hops in a row: trimSilence cuts there.
  const cut = trimSilence(hops, silentHops);
  const last = cut[cut.length - 1];
  return cut.length < hops.length || (last !== undefined && last.note !== 'time-exceeded' && (last.note !== 'no-response' || cut.length >= silentHops && cut.slice(-silentHops).every((h) => h.responder === null)));
}

async function systemTrace(
  target: string,
  family: IpFamily,
  probe: TraceProbe,
  o: Required<Pick<TraceOptions, 'maxHops' | 'silentHops' | 'timeoutMs' | 'attempts'>> & TraceOptions,
): Promise<PathResult> {
  const waitS = Math.max(1, Math.round(o.timeoutMs / 1000));
  const budget = (o.maxHops * o.attempts * waitS + 5) * 1000;
  const udpProbe: TraceProbe = probe.protocol === 'udp' ? probe : { protocol: 'udp', port: null };
  const args = ['-n', '-q', String(o.attempts), '-w', String(waitS), '-m', String(o.maxHops)];
  if (udpProbe.protocol === 'udp' && udpProbe.port !== null) args.push('-U', '-p', String(udpProbe.port));
  args.push(target);
  const enoughTr = (out: string): boolean => settled(collapseAttempts(out, target, family), o.silentHops);
  let tr = await runTool('traceroute', family === 6 ? ['-6', ...args] : args, budget, enoughTr, o.signal);
  if (!tr.ok && family === 6 && tr.missing === false) tr = await runTool('traceroute6', args, budget, enoughTr, o.signal);
  if (tr.ok) {
    const hops = trimSilence(collapseAttempts(tr.stdout, target, family), o.silentHops);
    for (const h of hops) o.onHop?.(h);
    return summarise({ target, method: 'system-traceroute', probe: `${probeLabel(udpProbe)} (traceroute)`, hops });
  }
  const enoughTp = (out: string): boolean => settled(parseTracepath(out, target, family), o.silentHops);
  const tp = await runTool('tracepath', ['-n', `-${family}`, '-m', String(o.maxHops), target], budget, enoughTp, o.signal);
  if (tp.ok) {
    const hops = trimSilence(parseTracepath(tp.stdout, target, family), o.silentHops);
    for (const h of hops) o.onHop?.(h);
    return summarise({ target, method: 'system-traceroute', probe: 'UDP (tracepath)', hops });
  }
  const why = tr.missing && tp.missing ? 'neither traceroute nor tracepath is installed' : (tr.error ?? tp.error ?? 'traceroute failed');
  return summarise({
    target,
    method: 'none',
    probe: probeLabel(udpProbe),
    hops: [],
    detail: `no path trace: ${why}; without raw-socket privilege only the system tools can read ICMP errors`,
  });
}

/** With -q N traceroute prints several answers per line; keep the first that answered. */
function collapseAttempts(text: string, target: string, family: IpFamily): PathHop[] {
  // Normalise lines like " 2  *  198.18.0.2  0.1 ms !X" to the first answered entry.
  const lines = text.split('\n').map((line) => {
    const m = /^(\s*\d+\s+)(.*)$/.exec(line);
    if (!m) return line;
    const rest = (m[2] ?? '').replace(/^(\*\s*)+(?=[0-9a-fA-F:.]+\s)/, '');
    return `${m[1] ?? ''}${rest}`;
  });
  return parseTraceroute(lines.join('\n'), target, family);
}
