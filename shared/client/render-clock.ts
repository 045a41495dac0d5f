// The render clock: the fractional tick remote entities are drawn at. It follows a target (the arrival
// tick minus the interpolation delay) without ever jumping: it runs up to `maxWarp` faster or slower
// than real time to close the gap, so a changed delay or clock estimate never makes entities skip or
// move backwards. It also never runs past a ceiling (the newest snapshot plus the extrapolation limit):
// when snapshots stop coming, the clock waits for them instead of running ahead of everything it could
// draw, and catches up smoothly once they arrive. Only a gap beyond `snapTicks` (start, reset, a stall of
// a second) is closed at once.

export interface RenderClockOptions {
  readonly tickMs: number;
  /** Largest relative speed-up or slow-down (default 0.1). */
  readonly maxWarp?: number;
  /** Warp per tick of error (default 0.3: small errors decay over ~3 ticks). */
  readonly gain?: number;
  readonly snapTicks?: number;
}

export class RenderClock {
  private readonly tickMs: number;
  private readonly maxWarp: number;
  private readonly gain: number;
  private readonly snapTicks: number;
  private tick: number | null = null;
  private lastNow = 0;

  constructor(options: RenderClockOptions) {
    this.tickMs = options.tickMs;
    this.maxWarp = options.maxWarp ?? 0.1;
    this.gain = options.gain ?? 0.3;
    this.snapTicks = options.snapTicks ?? 30;
  }

  /** The render tick after the last advance (null before the first). */
  get current(): number | null {
    return this.tick;
  }

  /** Moves the clock to `now`, steering toward `target`, never past `ceiling`; returns the new render tick. */
  advance(now: number, target: number, ceiling = Infinity): number {
    if (this.tick === null) {
      this.tick = Math.min(target, ceiling);
      this.lastNow = now;
      return this.tick;
    }
    const dt = Math.max(0, now - this.lastNow) / this.tickMs;
    const previous = this.tick;
    this.lastNow = now;
    const nominal = this.tick + dt;
    const error = target - nominal;
    if (Math.abs(error) > this.snapTicks) {
      this.tick = target;
    } else {
      const warp = Math.max(-this.maxWarp, Math.min(this.maxWarp, error * this.gain));
      // Never past the target (a long frame times a small warp could overshoot it).
      const step = dt * warp;
      this.tick = nominal + (Math.abs(step) > Math.abs(error) ? error : step);
    }
    // Waiting at the ceiling never moves the clock backwards.
    if (this.tick > ceiling) this.tick = Math.max(ceiling, previous);
    return this.tick;
  }

  reset(): void {
    this.tick = null;
  }
}
