// Minimal typings for the parts of `raw-socket` (1.8) the probes use. The package ships none.
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';

  export interface SocketOptions {
    protocol?: number;
    addressFamily?: number;
    bufferSize?: number;
  }

  export interface Socket extends EventEmitter {
    recvPaused: boolean;
    sendPaused: boolean;
    close(): this;
    pauseRecv(): this;
    resumeRecv(): this;
    pauseSend(): this;
    resumeSend(): this;
    setOption(level: number, option: number, value: number): void;
    setOption(level: number, option: number, value: Buffer, length: number): void;
    send(
      buffer: Buffer,
      offset: number,
      length: number,
      address: string,
      beforeCallback: (() => void) | null,
      afterCallback: (error: Error | null, bytes: number) => void,
    ): this;
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  export const AddressFamily: { IPv4: number; IPv6: number };
  export const Protocol: { None: number; ICMP: number; TCP: number; UDP: number; ICMPv6: number };
  export const SocketLevel: { SOL_SOCKET: number; IPPROTO_IP: number; IPPROTO_IPV6: number };
  export const SocketOption: {
    SO_RCVBUF: number;
    SO_SNDBUF: number;
    IP_HDRINCL: number;
    IP_TTL: number;
    IPV6_UNICAST_HOPS: number;
    IPV6_V6ONLY: number;
  };
  export function createSocket(options?: SocketOptions): Socket;

  const raw: {
    AddressFamily: typeof AddressFamily;
    Protocol: typeof Protocol;
    SocketLevel: typeof SocketLevel;
    SocketOption: typeof SocketOption;
    createSocket: typeof createSocket;
  };
  export default raw;
}
