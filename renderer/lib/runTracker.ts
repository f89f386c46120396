/**
 * Follows one run of a domain. Pushes can arrive before `start` has returned the runId (the
 * engine starts at once), so events for an unknown run are held while a start is in flight
 * and replayed when its id is known. Events of other runs are ignored.
 */
export interface RunTracker<E> {
  readonly runId: string | null;
  beginStart(): void;
  started(runId: string): void;
  startFailed(): void;
  receive(runId: string, event: E): void;
  /** Forget the run (its events are ignored from now on). */
  reset(): void;
}

const MAX_EARLY = 20_000;

export function runTracker<E>(apply: (event: E) => void): RunTracker<E> {
  let current: string | null = null;
  let starting = false;
  let early: { runId: string; event: E }[] = [];
  return {
    get runId() {
      return current;
    },
    beginStart() {
      current = null;
      starting = true;
      early = [];
    },
    started(runId) {
      current = runId;
      starting = false;
      const mine = early.filter((e) => e.runId === runId);
      early = [];
      for (const e of mine) apply(e.event);
    },
    startFailed() {
      starting = false;
      early = [];
    },
    receive(runId, event) {
      if (current !== null && runId === current) apply(event);
      else if (starting && early.length < MAX_EARLY) early.push({ runId, event });
    },
    reset() {
      current = null;
      starting = false;
      early = [];
    },
  };
}
