/**
 * The one packet-rate limiter: every probe of a run — raw packets, connect() attempts, UDP
 * datagrams, ping processes, traceroute and port-finder probes — takes a token from it.
 */
import { performance } from 'node:perf_hooks';

/** Error thrown for sends dropped by close() or a cleared rate limiter. */
export class TransportClosedError extends Error {
  constructor() {
    super('transport closed');
    this.name = 'AbortError';
  }
}

/**
 * Global packet-rate limiter (token bucket). Tasks run FIFO when a token is available; one timer
 * at most is pending, whatever the queue length.
 */
export class RateLimiter {
  private tokens: number;
  private last = performance.now();
  private readonly queue: { run: () => void; drop: () => void }[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly burst: number;

  constructor(
    readonly pps: number,
    burst?: number,
  ) {
    if (!(pps > 0)) throw new RangeError('rate must be > 0 packets per second');
    this.burst = burst ?? Math.max(1, Math.ceil(pps / 100));
    this.tokens = this.burst;
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Runs `run` when the rate allows; `drop` instead if clear() comes first. */
  schedule(run: () => void, drop: () => void): void {
    this.queue.push({ run, drop });
    // With a timer pending, the queue drains when it fires: never start a second one.
    if (this.timer === null) this.pump();
  }

  private onTimer = (): void => {
    this.timer = null;
    this.pump();
  };

  private pump(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.pps) / 1000);
    this.last = now;
    while (this.tokens >= 1 && this.head < this.queue.length) {
      const task = this.queue[this.head++];
      this.tokens -= 1;
      task?.run();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.queue.length && this.timer === null) {
      const waitMs = Math.max(1, ((1 - this.tokens) * 1000) / this.pps);
      this.timer = setTimeout(this.onTimer, waitMs);
    }
  }

  /** Drops every queued task (their `drop` runs). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rest = this.queue.splice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const t of rest) t.drop();
  }
}

