/**
 * Raw-socket probes: crafted SYN / ACK / SYN-ACK, ICMP echo / timestamp, and UDP requests whose
 * ICMP errors are read off the raw ICMP socket. Every reply is matched to its probe and attempt.
 */
import { randomInt } from 'node:crypto';
import type { ProbeMethod } from '../../shared/discovery.js';
import type { ActiveProbe, ProbeDriver } from './driver.js';
import { describeIcmp, icmpOutcome } from '../../shared/icmp.js';
import { echoKey, tcpKey, TCP_ACK, TCP_RST, TCP_SYN, udpKey, udpPayloadFor, type RawReply, type RawTransport } from '../net/index.js';
import type { ProbeAnswer } from './plan.js';
import type { ProbeSpec } from './types.js';

/** Source ports for SYN probes: the Linux ephemeral range, where a stray reply harms nobody. */
const SRC_PORT_MIN = 32768;
const SRC_PORT_MAX = 60999;

interface RawState {
  keys: string[];
  srcPort: number;
  seqBase: number;
  ackBase: number;
  /** echo seq → attempt index */
  echoSeqs: Map<number, number>;
  payload?: Buffer;
}

function icmpAnswer(p: ActiveProbe, reply: Extract<RawReply, { type: 'icmp-error' }>, attemptIdx: number): ProbeAnswer {
  const family = p.target.family;
  return {
    result: icmpOutcome(family, reply.icmpType, reply.icmpCode),
    responder: reply.responder,
    icmpType: reply.icmpType,
    icmpCode: reply.icmpCode,
    ttl: reply.ttl,
    rttMs: rtt(p, attemptIdx, reply.at),
    detail: describeIcmp(family, reply.icmpType, reply.icmpCode),
  };
}

function rtt(p: ActiveProbe, attemptIdx: number, at: number): number | null {
  const sent = p.sentAt[attemptIdx];
  return sent === undefined ? null : Math.round((at - sent) * 1000) / 1000;
}

function validAttempt(p: ActiveProbe, idx: number): boolean {
  return idx >= 0 && idx < p.sentAt.length;
}

export class RawDriver implements ProbeDriver {
  readonly privileged = true;
  readonly graceMs = 0;

  constructor(readonly transport: RawTransport) {}

  methodFor(_spec: ProbeSpec): ProbeMethod {
    return 'raw';
  }

  warnings(): string[] {
    return [];
  }

  route(address: string): Promise<string> {
    return this.transport.sourceFor(address);
  }

  private state(p: ActiveProbe): RawState {
    if (!p.state) {
      const s: RawState = {
        keys: [],
        srcPort: p.spec.sourcePort ?? randomInt(SRC_PORT_MIN, SRC_PORT_MAX + 1),
        seqBase: randomInt(0, 0xffffffff),
        ackBase: randomInt(0, 0xffffffff),
        echoSeqs: new Map(),
      };
      p.state = s;
    }
    return p.state as RawState;
  }

  private listen(p: ActiveProbe, key: string, handler: (r: RawReply) => void): void {
    const st = this.state(p);
    if (!st.keys.includes(key)) st.keys.push(key);
    this.transport.on(key, handler);
  }

  async send(p: ActiveProbe, attempt: number): Promise<void> {
    const st = this.state(p);
    const { family, address: dst } = p.target;
    const idx = attempt - 1;
    const { spec } = p;
    if (spec.protocol === 'tcp') {
      const port = spec.port ?? 0;
      if (attempt === 1) {
        p.result.sourcePort = st.srcPort;
        this.listen(p, tcpKey(dst, port, st.srcPort), (r) => this.onTcpReply(p, r));
      }
      const src = await this.transport.sourceFor(dst);
      const flags = spec.kind === 'syn' ? TCP_SYN : spec.kind === 'ack' ? TCP_ACK : TCP_SYN | TCP_ACK;
      p.sentAt[idx] = await this.transport.sendTcp({
        family,
        src,
        dst,
        srcPort: st.srcPort,
        dstPort: port,
        seq: (st.seqBase + idx) >>> 0,
        ack: spec.kind === 'syn' ? 0 : (st.ackBase + idx) >>> 0,
        flags,
        mss: spec.kind === 'syn' ? 1460 : undefined,
      });
      return;
    }
    if (spec.protocol === 'udp') {
      const port = spec.port ?? 0;
      if (attempt === 1) {
        const { payload, description } = udpPayloadFor(port);
        st.payload = payload;
        p.result.detail = description;
        const localPort = await this.transport.udpLocalPort(family);
        p.result.sourcePort = localPort;
        this.listen(p, udpKey(dst, port, localPort), (r) => this.onUdpReply(p, r));
      }
      // The send callback resolves before any later I/O event, so sentAt is set before a reply is read.
      p.sentAt[idx] = await this.transport.sendUdp({ family, dst, dstPort: port, payload: st.payload ?? Buffer.alloc(0) });
      return;
    }
    // ICMP echo / timestamp: a new sequence number per attempt tells attempts apart.
    const seq = this.transport.nextEchoSeq();
    st.echoSeqs.set(seq, idx);
    this.listen(p, echoKey(dst, this.transport.echoId, seq), (r) => this.onEchoReply(p, r));
    const src = family === 6 ? await this.transport.sourceFor(dst) : undefined;
    p.sentAt[idx] = await this.transport.sendEcho({
      family,
      dst,
      src,
      id: this.transport.echoId,
      seq,
      timestamp: spec.kind === 'timestamp',
    });
  }

  private onTcpReply(p: ActiveProbe, r: RawReply): void {
    if (p.done) return;
    const st = this.state(p);
    if (r.type === 'icmp-error') {
      const seq = r.quoted.tcpSeq;
      const idx = seq === undefined ? p.sentAt.length - 1 : (seq - st.seqBase) >>> 0;
      if (!validAttempt(p, idx)) return;
      p.answer(icmpAnswer(p, r, idx));
      return;
    }
    if (r.type !== 'tcp') return;
    const { tcp } = r;
    let idx: number;
    if (p.spec.kind === 'syn') {
      // SYN-ACK and RST to a SYN acknowledge seq + 1.
      idx = tcp.flags & TCP_ACK ? (tcp.ack - 1 - st.seqBase) >>> 0 : p.sentAt.length - 1;
    } else {
      // An RST to an ACK / SYN-ACK takes its sequence number from our acknowledgment number.
      idx = (tcp.seq - st.ackBase) >>> 0;
    }
    if (!validAttempt(p, idx)) return;
    const base = { responder: r.responder, ttl: r.ttl, rttMs: rtt(p, idx, r.at) };
    if (tcp.flags & TCP_RST) {
      p.answer({ ...base, result: 'rst', detail: 'TCP RST' });
    } else if (p.spec.kind === 'syn' && tcp.flags & TCP_SYN && tcp.flags & TCP_ACK) {
      p.answer({ ...base, result: 'syn-ack', detail: 'TCP SYN-ACK (port open)' });
    }
  }

  private onUdpReply(p: ActiveProbe, r: RawReply): void {
    if (p.done) return;
    // UDP carries no attempt marker: time the answer from the latest attempt.
    const idx = p.sentAt.length - 1;
    if (r.type === 'udp') {
      p.answer({
        result: 'udp-reply',
        responder: r.responder,
        ttl: null,
        rttMs: rtt(p, idx, r.at),
        detail: `${p.result.detail ?? 'request'} answered: ${r.payload.length}-byte reply`,
      });
    } else if (r.type === 'icmp-error') {
      p.answer(icmpAnswer(p, r, idx));
    }
  }

  private onEchoReply(p: ActiveProbe, r: RawReply): void {
    if (p.done) return;
    const st = this.state(p);
    const seq = r.type === 'icmp-error' ? r.quoted.echoSeq : r.type === 'echo-reply' || r.type === 'timestamp-reply' ? r.seq : undefined;
    const idx = seq === undefined ? undefined : st.echoSeqs.get(seq);
    if (idx === undefined || !validAttempt(p, idx)) return;
    if (r.type === 'icmp-error') {
      p.answer(icmpAnswer(p, r, idx));
    } else if (r.type === 'echo-reply' && p.spec.kind === 'echo') {
      p.answer({ result: 'echo-reply', responder: r.responder, ttl: r.ttl, rttMs: rtt(p, idx, r.at) });
    } else if (r.type === 'timestamp-reply' && p.spec.kind === 'timestamp') {
      p.answer({ result: 'timestamp-reply', responder: r.responder, ttl: r.ttl, rttMs: rtt(p, idx, r.at) });
    }
  }

  endAttempt(): void {
    // Keys stay registered: a late answer to an earlier attempt still counts.
  }

  release(p: ActiveProbe): void {
    const st = p.state as RawState | undefined;
    if (!st) return;
    for (const k of st.keys) this.transport.off(k);
    st.keys.length = 0;
  }

  queued(): number {
    return this.transport.limiter.queued;
  }

  close(): void {
    this.transport.close();
  }
}
