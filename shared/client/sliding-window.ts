// Time-windowed sample keepers used by the clock and jitter estimators: the maximum (or minimum) of the
// samples of the last `windowMs`, and a bounded window of recent samples for percentiles.

/** Max (or min) of the samples added in the last `windowMs`, in O(1) amortized per sample (monotonic deque). */
export class SlidingExtremum {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private head = 0;

  constructor(
    readonly windowMs: number,
    private readonly kind: 'max' | 'min',
  ) {}

  add(now: number, value: number): void {
    // Drop the samples this one dominates: they can never be the extremum again.
    while (this.values.length > this.head && !this.better(this.values[this.values.length - 1], value)) {
      this.values.pop();
      this.times.pop();
    }
    this.values.push(value);
    this.times.push(now);
    this.expire(now);
  }

  /** The extremum of the window, or null when it holds no sample. */
  value(now: number): number | null {
    this.expire(now);
    return this.values.length > this.head ? this.values[this.head] : null;
  }

  clear(): void {
    this.times.length = 0;
    this.values.length = 0;
    this.head = 0;
  }

  /** True when `kept` stays ahead of a newer `value` (strictly better). */
  private better(kept: number, value: number): boolean {
    return this.kind === 'max' ? kept > value : kept < value;
  }

  private expire(now: number): void {
    // Keep the newest sample even when it is old: a stale estimate beats none.
    while (this.values.length - this.head > 1 && now - this.times[this.head] > this.windowMs) this.head++;
    if (this.head > 64 && this.head * 2 > this.values.length) {
      this.values.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The last `capacity` samples, for percentiles (small windows: a sort per query is fine at 30 Hz). */
export class SampleWindow {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  add(value: number): void {
    if (this.samples.length < this.capacity) this.samples.push(value);
    else this.samples[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  get size(): number {
    return this.samples.length;
  }

  /** The p-quantile (0..1) by nearest rank; 0 when empty. */
  quantile(p: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return sorted[rank];
  }

  clear(): void {
    this.samples.length = 0;
    this.next = 0;
  }
}
