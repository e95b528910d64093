// The project's one throttle: progress at most ~10 times a second (conventions.md, "Long jobs report
// progress … at most ~10 times a second"). Pure TypeScript with no DOM, used everywhere progress is
// reported: the page (the pool's progress proxies), the workers and the engine (so that a busy loop
// does not post a message per refit), the pipeline's per-factor progress and the command line.
// Inside one synchronous loop no timer can fire: a call goes through whenever the interval has
// passed, and `flush()` delivers the last value when the loop ends.

export interface Throttled<A extends unknown[]> {
  (...args: A): void;
  /** Delivers the pending call now, if any (e.g. the final "100%"). */
  flush(): void;
  /** Drops the pending call. */
  cancel(): void;
}

/**
 * Calls `fn` at most once per `intervalMs`. The first call goes through at once; later calls
 * inside the interval are coalesced and the LATEST arguments are delivered when it ends, so the
 * last progress value is never lost. `now` and the timer are injectable for tests.
 */
export function throttle<A extends unknown[]>(
  fn: (...args: A) => void,
  intervalMs = 100,
  clock: { now(): number; setTimeout(cb: () => void, ms: number): unknown; clearTimeout(h: unknown): void } = {
    now: () => Date.now(),
    setTimeout: (cb, ms) => setTimeout(cb, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): Throttled<A> {
  let last = -Infinity;
  let pending: A | null = null;
  let timer: unknown = null;

  const deliver = () => {
    timer = null;
    if (!pending) return;
    const args = pending;
    pending = null;
    last = clock.now();
    fn(...args);
  };

  const throttled = ((...args: A) => {
    const t = clock.now();
    // The interval has passed: deliver now, even when a trailing timer is set — inside a
    // synchronous loop that timer cannot fire until the loop ends.
    if (t - last >= intervalMs) {
      if (timer !== null) { clock.clearTimeout(timer); timer = null; }
      last = t;
      pending = null;
      fn(...args);
      return;
    }
    pending = args;
    if (timer === null) timer = clock.setTimeout(deliver, Math.max(0, intervalMs - (t - last)));
  }) as Throttled<A>;

  throttled.flush = () => {
    if (timer !== null) clock.clearTimeout(timer);
    deliver();
  };
  throttled.cancel = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}
