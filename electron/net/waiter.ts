/**
 * Event-driven waiting: whoever changes state calls notify(); a waiter re-checks its condition
 * then — never on a polling timer. One timer per wait, for its bound.
 */
export class Waiter {
  private readonly checks = new Set<() => void>();

  /** State changed: every pending wait re-checks its condition. */
  notify(): void {
    for (const check of [...this.checks]) check();
  }

  /** Resolves when `cond()` holds (checked at each notify()), after `ms`, or on abort. */
  until(cond: () => boolean, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted || cond()) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        this.checks.delete(check);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const check = (): void => {
        if (cond()) done();
      };
      const timer = setTimeout(done, ms);
      this.checks.add(check);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
