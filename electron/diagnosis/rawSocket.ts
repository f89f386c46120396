/**
 * A thin typed face of the `raw-socket` native module for the path tracer and the port finder:
 * open a raw socket, send with a per-packet TTL / hop limit, receive, close.
 * Typings: electron/probes/raw-socket.d.ts (the discovery engine's), the same native module.
 */
import raw from 'raw-socket';
import type { IpFamily } from '../probes/packets.js';

export interface RawSocket {
  /** Sends one packet (without IP header) with the given TTL / hop limit. */
  send(buf: Buffer, address: string, ttl: number): Promise<void>;
  close(): void;
}

/** Opens a raw socket for `protocol` (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6). Throws when not permitted. */
export function openRawSocket(family: IpFamily, protocol: number, onMessage: (buf: Buffer, source: string) => void): RawSocket {
  const mod = raw;
  const sock = mod.createSocket({
    protocol,
    addressFamily: family === 4 ? mod.AddressFamily.IPv4 : mod.AddressFamily.IPv6,
    bufferSize: 65535,
  });
  let closed = false;
  // A send whose callback never comes (socket error, close with a queued request) must not hang a
  // run: every pending send is settled on error/close, and after SEND_TIMEOUT_MS at the latest.
  const pending = new Set<(err: Error | null) => void>();
  const failAll = (err: Error): void => {
    for (const settle of [...pending]) settle(err);
  };
  sock.on('message', (buf, source) => {
    if (!closed) onMessage(buf, source);
  });
  sock.on('error', (err) => {
    closed = true;
    failAll(err);
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
        const timer = setTimeout(() => settle(new Error('raw send timed out')), SEND_TIMEOUT_MS);
        const settle = (err: Error | null): void => {
          if (!pending.delete(settle)) return;
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        pending.add(settle);
        sock.send(
          buf,
          0,
          buf.length,
          address,
          () => sock.setOption(level, option, ttl),
          (err) => settle(err),
        );
      });
    },
    close() {
      if (closed) return;
      closed = true;
      failAll(new Error('raw socket closed'));
      try {
        sock.close();
      } catch {
        // already closed
      }
    },
  };
}

const SEND_TIMEOUT_MS = 2000;

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
