/**
 * Collects items pushed at any rate and hands them over in batches: at most one flush per
 * animation frame, and no sooner than `minIntervalMs` after the previous one. A sweep streaming
 * thousands of events thus causes a handful of store updates (React renders) per second.
 */
export function frameBatcher<T>(
  flush: (items: T[]) => void,
  minIntervalMs = 0,
): { push: (item: T) => void; flushNow: () => void } {
  let queue: T[] = [];
  let scheduled = false;
  let lastFlush = -Infinity;
  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
  const onFrame = (fn: () => void) => {
    if (typeof requestAnimationFrame !== 'function') {
      setTimeout(fn, 16);
      return;
    }
    // rAF does not fire in hidden tabs; the timeout keeps results flowing there too.
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      fn();
    };
    requestAnimationFrame(once);
    setTimeout(once, 250);
  };
  const run = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    lastFlush = now();
    flush(items);
  };
  return {
    push(item) {
      queue.push(item);
      if (scheduled) return;
      scheduled = true;
      const wait = Math.max(0, lastFlush + minIntervalMs - now());
      if (wait > 0) setTimeout(() => onFrame(run), wait);
      else onFrame(run);
    },
    flushNow: run,
  };
}
