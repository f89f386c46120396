/**
 * The raw transport on loopback (root / CAP_NET_RAW): crafted UDP with a chosen source port and
 * per-packet TTL, replies routed by key, the packet tap, and errors as rejections with a code.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinProfile } from '../../shared/profiles.js';
import { discover } from '../probes/index.js';
import { canUseRawSockets, RawTransport, udpKey, Waiter, type RawReply } from './index.js';

const raw = canUseRawSockets();
if (!raw) console.log('skipped: raw transport tests need raw sockets (root / CAP_NET_RAW)');

describe('Waiter', () => {
  it('resolves on notify when the condition holds, else at its bound', async () => {
    const w = new Waiter();
    let x = 0;
    const p = w.until(() => x === 2, 60_000);
    x = 1;
    w.notify();
    x = 2;
    w.notify();
    await p;
    const ac = new AbortController();
    const q = w.until(() => false, 60_000, ac.signal);
    ac.abort();
    await q;
    await w.until(() => false, 1);
  });
});

describe.skipIf(!raw)('RawTransport on loopback', () => {
  let t: RawTransport | null = null;
  afterEach(() => t?.close());

  it('sends crafted UDP from a chosen source port with a TTL; the reply is routed by key', async () => {
    const server = dgram.createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const port = server.address().port;
    const seen = new Promise<{ port: number }>((resolve) => server.once('message', (_m, rinfo) => resolve({ port: rinfo.port })));
    server.on('message', (m, rinfo) => server.send(Buffer.from('pong'), rinfo.port, rinfo.address));
    t = new RawTransport({ ratePps: 1000 });
    const srcPort = 45_000 + Math.floor(Math.random() * 1000);
    const got = new Promise<RawReply>((resolve) => t?.on(udpKey('127.0.0.1', port, srcPort), resolve));
    await t.sendUdp({ family: 4, dst: '127.0.0.1', dstPort: port, srcPort, payload: Buffer.from('ping'), ttl: 7 });
    expect((await seen).port).toBe(srcPort);
    const reply = await got;
    expect(reply.type).toBe('udp');
    if (reply.type === 'udp') expect(reply.payload.toString()).toBe('pong');
    server.close();
  });

  it('a refused send rejects with a code, never throws', async () => {
    t = new RawTransport({ ratePps: 1000 });
    await expect(t.sendEcho({ family: 4, dst: '127.255.255.255', id: 1, seq: 1 })).rejects.toMatchObject({ code: 'EACCES' });
    await expect(t.sendUdp({ family: 4, dst: '127.255.255.255', dstPort: 9, payload: Buffer.alloc(0) })).rejects.toMatchObject({ code: 'EACCES' });
  });

  it('the packet tap sees every probe sent and the replies, with increasing timestamps', async () => {
    const taps: { dir: 'out' | 'in'; ns: bigint; protocol: number }[] = [];
    const profile = builtinProfile('qualys-default')!;
    for await (const ev of discover([{ target: '127.0.0.1', address: '127.0.0.1', family: 4 }], {
      profile,
      mode: 'raw',
      onPacket: (dir, _bytes, ns, meta) => taps.push({ dir, ns, protocol: meta.protocol }),
    })) {
      void ev;
    }
    const out = taps.filter((x) => x.dir === 'out');
    // Every raw probe of the profile left at least once (UDP goes out on the ordinary socket).
    expect(out.filter((x) => x.protocol === 6).length).toBeGreaterThanOrEqual(16);
    expect(out.some((x) => x.protocol === 1)).toBe(true);
    expect(taps.some((x) => x.dir === 'in')).toBe(true);
    for (let i = 1; i < taps.length; i++) expect((taps[i]?.ns ?? 0n) >= (taps[i - 1]?.ns ?? 0n)).toBe(true);
  });
});
