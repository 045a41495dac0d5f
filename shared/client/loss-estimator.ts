// Snapshot loss: the fraction of the snapshots the server should have sent (one every `intervalTicks`)
// that never arrived, over a sliding window. Skipped volatile emits and dropped packets count alike.

import { RateMeter } from './rate-meter.js';

export class LossEstimator {
  private readonly received: RateMeter;
  private readonly missing: RateMeter;
  private lastTick: number | null = null;

  constructor(
    private readonly intervalTicks: number,
    windowMs = 5000,
  ) {
    this.received = new RateMeter(windowMs);
    this.missing = new RateMeter(windowMs);
  }

  onSnapshot(tick: number, now: number): void {
    if (this.lastTick !== null) {
      if (tick <= this.lastTick) return;
      const gap = Math.round((tick - this.lastTick) / this.intervalTicks) - 1;
      if (gap > 0) this.missing.add(now, gap);
    }
    this.lastTick = tick;
    this.received.add(now);
  }

  /** Fraction lost in the window, 0..1. */
  loss(now: number): number {
    const missing = this.missing.sum(now);
    const total = missing + this.received.sum(now);
    return total === 0 ? 0 : missing / total;
  }

  reset(): void {
    this.received.clear();
    this.missing.clear();
    this.lastTick = null;
  }
}
