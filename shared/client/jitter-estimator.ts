// Snapshot interarrival jitter as RTP measures it (RFC 3550, section 6.4.1): the mean deviation of the
// spacing between arrivals from the spacing between the ticks they carry, smoothed with gain 1/16.

export class JitterEstimator {
  private jitter = 0;
  private last: { tick: number; arrivalMs: number } | null = null;

  constructor(private readonly tickMs: number) {}

  /** Feeds one arrival; snapshots must come in tick order (older ones are ignored). */
  onArrival(tick: number, arrivalMs: number): void {
    const last = this.last;
    if (last !== null && tick <= last.tick) return;
    if (last !== null) {
      const d = arrivalMs - last.arrivalMs - (tick - last.tick) * this.tickMs;
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.last = { tick, arrivalMs };
  }

  get jitterMs(): number {
    return this.jitter;
  }

  reset(): void {
    this.jitter = 0;
    this.last = null;
  }
}
