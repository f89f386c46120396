/**
 * The seam between the host runner (engine.ts) and the ways of sending probes (raw sockets in
 * rawDriver.ts, unprivileged methods in fallback.ts).
 */
import type { ProbeMethod, ProbeResult } from '../../shared/discovery.js';
import type { ProbeAnswer } from './plan.js';
import type { ProbeSpec, ResolvedTarget } from './types.js';

export interface ActiveProbe {
  readonly spec: ProbeSpec;
  readonly result: ProbeResult;
  /** Target with its address in canonical form. */
  readonly target: ResolvedTarget;
  /** True once the result is final. */
  done: boolean;
  /** performance.now() at which each attempt left (index = attempt - 1). */
  readonly sentAt: number[];
  /** Driver-private state (keys, sockets, processes). */
  state: unknown;
  /** Called by the driver with the answer; later answers are ignored. */
  answer(a: ProbeAnswer): void;
}

export interface ProbeDriver {
  /** True when this driver sends crafted packets on raw sockets. */
  readonly privileged: boolean;
  /** Extra wait after an attempt's last send, for methods with start-up latency (system ping). */
  readonly graceMs: number;
  /** How a probe is sent; `none` means it cannot be (result `needs-privilege`). */
  methodFor(spec: ProbeSpec, family: 4 | 6): ProbeMethod;
  /**
   * Checked once per host before anything is sent: the local address toward `address`. Rejects
   * with the errno when this machine cannot send there at all (EACCES for a broadcast address,
   * ENETUNREACH / EHOSTUNREACH for no route, EADDRNOTAVAIL) — a UDP connect() that sends nothing.
   */
  route(address: string): Promise<string>;
  /** Sends attempt `attempt` (1-based). Resolves once on the wire; rejects on a local error. */
  send(p: ActiveProbe, attempt: number): Promise<void>;
  /** The attempt's window closed without an answer (release per-attempt resources). */
  endAttempt(p: ActiveProbe): void;
  /** The probe is final: release everything it holds. */
  release(p: ActiveProbe): void;
  /** Warnings about how probes are sent, for HostResult.warnings. */
  warnings(specs: ProbeSpec[]): string[];
  /** Releases everything the driver holds (sockets, processes). Idempotent. */
  close(): void;
  /**
   * Resolves once everything the driver started is really gone — a killed `ping` has exited and
   * its pipes are closed — so a run that ends holds no file descriptor or process any more.
   */
  settled?(): Promise<void>;
  /** Sends waiting for a rate token (the sweep starts no new host while this is long). */
  queued?(): number;
}
