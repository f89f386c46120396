/**
 * A thin typed face of the `raw-socket` native module for the path tracer and the port finder:
 * open a raw socket, send with a per-packet TTL / hop limit, receive, close.
 * The module is loaded lazily with require (it is native; the CLI bundle keeps it external).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { IpFamily } from '../probes/packets.js';

interface NativeSocket {
  on(event: 'message', cb: (buf: Buffer, source: string) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  on(event: 'close', cb: () => void): void;
  send(buf: Buffer, offset: number, length: number, address: string, before: () => void, after: (err: Error | null, bytes: number) => void): void;
  setOption(level: number, option: number, value: number): void;
  close(): void;
}

interface RawSocketModule {
  createSocket(opts: { protocol: number; addressFamily: number; bufferSize?: number }): NativeSocket;
  AddressFamily: { IPv4: number; IPv6: number };
  SocketLevel: { IPPROTO_IP: number; IPPROTO_IPV6: number };
  SocketOption: { IP_TTL: number; IPV6_UNICAST_HOPS: number };
}

let cached: RawSocketModule | null | undefined;

function loadModule(): RawSocketModule | null {
  if (cached !== undefined) return cached;
  try {
    // In the CJS bundle `require` is the module's own; under ESM (tests, tsx) resolve from the working directory.
    const req = typeof require === 'function' ? require : createRequire(path.join(process.cwd(), 'package.json'));
    cached = req('raw-socket') as RawSocketModule;
  } catch {
    cached = null;
  }
  return cached;
}

export interface RawSocket {
  /** Sends one packet (without IP header) with the given TTL / hop limit. */
  send(buf: Buffer, address: string, ttl: number): Promise<void>;
  close(): void;
}

/** Opens a raw socket for `protocol` (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6). Throws when not permitted. */
export function openRawSocket(family: IpFamily, protocol: number, onMessage: (buf: Buffer, source: string) => void): RawSocket {
  const mod = loadModule();
  if (!mod) throw Object.assign(new Error('raw-socket module is not available'), { code: 'ENORAW' });
  const sock = mod.createSocket({
    protocol,
    addressFamily: family === 4 ? mod.AddressFamily.IPv4 : mod.AddressFamily.IPv6,
    bufferSize: 65535,
  });
  let closed = false;
  sock.on('message', (buf, source) => {
    if (!closed) onMessage(buf, source);
  });
  sock.on('error', () => {
    closed = true;
  });
  const level = family === 4 ? mod.SocketLevel.IPPROTO_IP : mod.SocketLevel.IPPROTO_IPV6;
  const option = family === 4 ? mod.SocketOption.IP_TTL : mod.SocketOption.IPV6_UNICAST_HOPS;
  return {
    send(buf, address, ttl) {
      return new Promise((resolve, reject) => {
        if (closed) {
          reject(new Error('raw socket closed'));
          return;
        }
        sock.send(
          buf,
          0,
          buf.length,
          address,
          () => sock.setOption(level, option, ttl),
          (err) => (err ? reject(err) : resolve()),
        );
      });
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        sock.close();
      } catch {
        // already closed
      }
    },
  };
}

/** True when this process may open raw sockets (root / CAP_NET_RAW). */
export function rawSocketsAllowed(): boolean {
  try {
    const s = openRawSocket(4, 1, () => undefined);
    s.close();
    return true;
  } catch {
    return false;
  }
}
