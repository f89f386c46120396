/**
 * Socket errors as probe results: every local failure to send or receive becomes an `error` answer
 * with the errno and a plain-words reason — never an exception that reaches the event loop.
 * Also the destination check made before anything is sent.
 */

/** A local failure, as it goes into a ProbeResult (`result: 'error'`, `errno`, `detail`). */
export interface SocketFailure {
  errno: string;
  detail: string;
}

/** Plain words per errno: what the operating system refused, and what it usually means. */
const PLAIN: Readonly<Record<string, string>> = {
  EACCES: 'the operating system refused to send (EACCES) — a broadcast address, or a local firewall rule forbids it',
  EPERM: 'the operating system refused to send (EPERM) — a local firewall rule (e.g. an OUTPUT drop) forbids it',
  ENETUNREACH: 'this machine has no route to that network (ENETUNREACH) — nothing was sent',
  EHOSTUNREACH: 'this machine cannot reach that host (EHOSTUNREACH) — no route, or the neighbour did not answer address resolution',
  EADDRNOTAVAIL: 'no usable local address toward that destination (EADDRNOTAVAIL)',
  EINVAL: 'the operating system rejected the destination (EINVAL) — e.g. an IPv6 link-local address without an interface',
  EAFNOSUPPORT: 'this machine does not support that address family (EAFNOSUPPORT)',
  ENOBUFS: 'the operating system ran out of buffer space (ENOBUFS) — lower the packet rate',
  EMSGSIZE: 'the packet is too large for the path (EMSGSIZE)',
  EMFILE: 'too many open files (EMFILE) — lower the concurrency',
  ENFILE: 'the system ran out of file handles (ENFILE)',
  ENOTFOUND: 'the name does not resolve (ENOTFOUND)',
  ERR_SOCKET_BAD_PORT: 'a port number outside 1–65535',
  ELINKLOCALSCOPE: 'an IPv6 link-local address (fe80::/10) needs an interface; ScanReady does not send to link-local addresses',
};

/** The error code of something thrown or emitted by a socket. */
export function errnoOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException | null | undefined;
  if (e && typeof e.code === 'string' && e.code !== '') return e.code;
  // raw-socket reports errors as `Error(strerror(errno))` without a code.
  const msg = e && typeof e.message === 'string' ? e.message : String(err);
  for (const [code, re] of STRERROR) if (re.test(msg)) return code;
  return 'EUNKNOWN';
}

const STRERROR: [string, RegExp][] = [
  ['EACCES', /permission denied/i],
  ['EPERM', /operation not permitted/i],
  ['ENETUNREACH', /network is unreachable/i],
  ['EHOSTUNREACH', /no route to host/i],
  ['EADDRNOTAVAIL', /cannot assign requested address/i],
  ['EINVAL', /invalid argument/i],
  ['ENOBUFS', /no buffer space/i],
  ['EMSGSIZE', /message too long/i],
];

/** The failure of `what` (e.g. `connect()`, `UDP send`, `raw send`) as errno + plain words. */
export function socketFailure(err: unknown, what: string): SocketFailure {
  const errno = errnoOf(err);
  const plain = PLAIN[errno];
  const msg = (err as Error | undefined)?.message;
  return { errno, detail: `${what}: ${plain ?? (typeof msg === 'string' && msg !== '' ? msg : errno)}` };
}

/** True for an IPv6 link-local address (fe80::/10), scoped or not. */
export function isIpv6LinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address.trim());
}

/**
 * Checked before anything is sent: a destination ScanReady refuses, or null. IPv6 link-local
 * addresses need an interface (scope) and their zone is lost in the canonical form the engine
 * works with, so they are refused outright rather than sent somewhere unintended.
 */
export function refusedDestination(address: string): SocketFailure | null {
  if (isIpv6LinkLocal(address)) return { errno: 'ELINKLOCALSCOPE', detail: `not sent: ${PLAIN.ELINKLOCALSCOPE}` };
  return null;
}
