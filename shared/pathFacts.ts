/**
 * What a path trace says, as typed facts: the one reading of a PathResult that the advice
 * (electron/advice/network.ts) and the UI's path panel both word from, so they cannot disagree.
 * - A device is numbered by the first hop it answered at: a router that sends "time exceeded" at
 *   hop 1 and then rejects hop 2's probe is "hop 1" everywhere.
 * - The target is never a router: an unreachable from the target itself is its own firewall.
 */
import type { PathHop, PathResult } from './diagnosis.js';

export type PathFinding =
  /** The trace got an answer from the target and nothing rejected it. */
  | { kind: 'reached'; hop: number }
  /** The target itself answered the trace with an ICMP unreachable: its own firewall. */
  | { kind: 'target-rejects'; hop: number; block: PathHop }
  /** A device on the path (not the target) sent an unreachable. `hop`: the device's number; `block.ttl`: the probe it rejected. */
  | { kind: 'hop-rejects'; address: string; hop: number; block: PathHop; gateway: boolean }
  /** Answers up to `address` (hop `hop`), nothing after it. */
  | { kind: 'silent-after'; address: string; hop: number; gateway: boolean }
  /** No hop answered at all. */
  | { kind: 'no-answer' };

const same = (a: string | null, b: string | null): boolean => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/** The number of the device at `address`: the first hop it answered at (null when it never did). */
export function deviceHop(path: Pick<PathResult, 'hops'>, address: string): number | null {
  return path.hops.find((h) => same(h.responder, address))?.ttl ?? null;
}

/** True when `address` is the first device on the path (this machine's gateway). */
export function isGateway(path: Pick<PathResult, 'hops'>, address: string): boolean {
  const first = path.hops.find((h) => h.responder !== null);
  return first !== undefined && first.ttl === 1 && same(first.responder, address);
}

/** Reads a trace. `target`: the address probed (defaults to the trace's own target). */
export function pathFinding(path: PathResult, target: string = path.target): PathFinding {
  const block = path.blockingHop;
  if (block && block.responder !== null) {
    if (same(block.responder, target)) return { kind: 'target-rejects', hop: deviceHop(path, target) ?? block.ttl, block };
    return { kind: 'hop-rejects', address: block.responder, hop: deviceHop(path, block.responder) ?? block.ttl, block, gateway: isGateway(path, block.responder) };
  }
  const reached = path.hops.find((h) => same(h.responder, target));
  if (reached) return { kind: 'reached', hop: reached.ttl };
  const last = path.lastResponder;
  if (last !== null) return { kind: 'silent-after', address: last, hop: deviceHop(path, last) ?? 0, gateway: isGateway(path, last) };
  return { kind: 'no-answer' };
}
