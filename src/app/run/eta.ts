// Time left of a run from the pace of its recent progress, smoothed so that the estimate does not
// swing with every batch (refits read from a cache go fast, fitted ones slowly). Display only.

/** Seconds of progress the pace is measured over. */
const WINDOW_MS = 15_000;
/** Shortest span of progress that gives an estimate. */
const MIN_SPAN_MS = 2_000;
/** Weight of the newest pace in the smoothed estimate (exponential smoothing). */
const ALPHA = 0.3;

export class RemainingTime {
  private samples: { t: number; done: number }[] = [];
  private smoothed: number | null = null;

  /** Forget everything (a new run, or a stage without a count). */
  reset(): void {
    this.samples = [];
    this.smoothed = null;
  }

  /**
   * Record `done` of `total` at time `now` (ms) and return the estimated milliseconds left, or
   * null while there is not yet enough progress to tell. Call it at least once a second so that
   * old samples age out of the window.
   */
  update(now: number, done: number, total: number): number | null {
    const s = this.samples;
    if (!s.length || s[s.length - 1]!.done !== done) s.push({ t: now, done });
    while (s.length > 2 && s[0]!.t < now - WINDOW_MS) s.shift();
    const first = s[0]!, last = s[s.length - 1]!;
    if (last.t - first.t < MIN_SPAN_MS || last.done <= first.done) return this.smoothed;
    const raw = ((total - done) * (last.t - first.t)) / (last.done - first.done);
    this.smoothed = this.smoothed === null ? raw : (1 - ALPHA) * this.smoothed + ALPHA * raw;
    return this.smoothed;
  }
}
