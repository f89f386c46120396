/**
 * The packet and transport layer — the public face of electron/net. The only code that opens raw
 * sockets (enforced by an ESLint rule); discovery (electron/probes), the path tracer and the port
 * finder (electron/diagnosis) all send through it.
 *
 * - packets: building and parsing IPv4/IPv6, TCP, UDP, ICMP, ICMPv6 (pure functions)
 * - RawTransport: raw sockets per family, per-packet TTL, replies routed to handlers by key
 *   (tcpKey / udpKey / echoKey; a tracer gives each TTL its own key), packet tap `onPacket`
 * - RateLimiter: the one token bucket every probe of a run draws from
 * - udpPayloadFor: the request each well-known UDP port gets
 * - socketFailure / refusedDestination: local errors as probe results, checks before sending
 * - Waiter: event-driven waits (no polling)
 * ICMP classes and descriptions are in shared/icmp.ts (the UI and the advice use them too).
 */
import { canOpenRawSocket as canOpen } from './transport.js';

export * as packets from './packets.js';
export { canonicalIp, type IpFamily } from './packets.js';
export {
  RawTransport,
  canOpenRawSocket,
  localAddressFor,
  tcpKey,
  udpKey,
  echoKey,
  DEFAULT_TTL,
  type RawReply,
  type ReplyHandler,
  type PacketTap,
  type PacketMeta,
  type RawTransportOptions,
  type TcpSend,
  type UdpSend,
  type EchoSend,
} from './transport.js';
export { RateLimiter, TransportClosedError } from './rateLimiter.js';
export { udpPayloadFor, type UdpPayload } from './udpPayloads.js';
export { errnoOf, socketFailure, refusedDestination, isIpv6LinkLocal, type SocketFailure } from './errors.js';
export { Waiter } from './waiter.js';
export { TCP_ACK, TCP_RST, TCP_SYN } from './packets.js';

/**
 * True when this process may open raw sockets (tries to open a raw ICMP socket and closes it).
 * Always false on Windows, where the OS blocks sending crafted TCP on raw sockets.
 */
export function canUseRawSockets(): boolean {
  if (process.platform === 'win32') return false;
  return canOpen(4);
}
