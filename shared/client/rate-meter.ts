// Sliding-window rate meter: timestamped samples kept for `windowMs`, read as a count, a sum, a mean or a
// per-second rate. The HUD's snapshot rate, bytes per second and corrections per minute all use it.

export class RateMeter {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private head = 0;
  private total = 0;
  private startedAt: number | null = null;

  constructor(readonly windowMs: number) {
    if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0');
  }

  /** Starts the clock the rate is measured over (otherwise the first sample starts it). */
  start(now: number): void {
    this.startedAt ??= now;
  }

  add(now: number, value = 1): void {
    this.start(now);
    this.times.push(now);
    this.values.push(value);
    this.total += value;
    this.expire(now);
  }

  count(now: number): number {
    this.expire(now);
    return this.times.length - this.head;
  }

  sum(now: number): number {
    this.expire(now);
    return this.total;
  }

  /** Mean of the sample values in the window (0 when empty). */
  mean(now: number): number {
    const n = this.count(now);
    return n === 0 ? 0 : this.total / n;
  }

  /**
   * Sum of values per `perMs` (default per second). While the meter is younger than its window, the
   * rate is over the time since it started (at least 100 ms, so the first sample is not a spike).
   */
  rate(now: number, perMs = 1000): number {
    if (this.startedAt === null) return 0;
    const span = Math.min(this.windowMs, Math.max(100, now - this.startedAt));
    return (this.sum(now) * perMs) / span;
  }

  clear(): void {
    this.times.length = 0;
    this.values.length = 0;
    this.head = 0;
    this.total = 0;
    this.startedAt = null;
  }

  private expire(now: number): void {
    while (this.head < this.times.length && now - this.times[this.head] > this.windowMs) {
      this.total -= this.values[this.head];
      this.head++;
    }
    if (this.head === this.times.length) {
      // Empty: also reset the running sum so float error cannot accumulate.
      this.times.length = 0;
      this.values.length = 0;
      this.head = 0;
      this.total = 0;
    } else if (this.head > 256 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.values.splice(0, this.head);
      this.head = 0;
    }
  }
}
