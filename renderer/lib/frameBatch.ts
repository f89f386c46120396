/**
 * Collects items pushed at any rate and hands them over at most once per animation frame, so a
 * sweep streaming thousands of events causes one store update (one React render) per frame.
 */
export function frameBatcher<T>(flush: (items: T[]) => void): { push: (item: T) => void; flushNow: () => void } {
  let queue: T[] = [];
  let scheduled = false;
  const schedule =
    typeof requestAnimationFrame === 'function'
      ? (fn: () => void) => {
          // rAF does not fire in hidden tabs; the timeout keeps results flowing there too.
          let done = false;
          const once = () => {
            if (done) return;
            done = true;
            fn();
          };
          requestAnimationFrame(once);
          setTimeout(once, 250);
        }
      : (fn: () => void) => setTimeout(fn, 16);
  const run = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    flush(items);
  };
  return {
    push(item) {
      queue.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(run);
      }
    },
    flushNow: run,
  };
}
