// Visual smoothing of a position that was corrected: instead of jumping to the new position, the drawn
// position keeps an offset (old minus new) that decays exponentially to zero, 95% of it within
// `smoothingMs`. Offsets larger than `snapDistance` are dropped at once: a teleport or a big
// misprediction is better shown as a snap than as a slide through walls.

export type SmoothingOutcome = 'none' | 'smoothed' | 'snapped';

export class ErrorSmoother {
  private x = 0;
  private y = 0;
  private lastNow: number | null = null;

  constructor(
    private readonly smoothingMs: number,
    private readonly snapDistance: number,
  ) {}

  /** The drawn position moved by (-dx, -dy) against what was drawn: hide that with an offset of (dx, dy). */
  add(dx: number, dy: number, now: number): SmoothingOutcome {
    if (dx === 0 && dy === 0) return 'none';
    this.decay(now);
    const x = this.x + dx;
    const y = this.y + dy;
    if (x * x + y * y > this.snapDistance * this.snapDistance || this.smoothingMs <= 0) {
      this.x = 0;
      this.y = 0;
      return 'snapped';
    }
    this.x = x;
    this.y = y;
    return 'smoothed';
  }

  /** The offset to add to the true position at `now`. */
  offset(now: number): { x: number; y: number } {
    this.decay(now);
    return { x: this.x, y: this.y };
  }

  reset(): void {
    this.x = 0;
    this.y = 0;
    this.lastNow = null;
  }

  private decay(now: number): void {
    if (this.lastNow !== null && now > this.lastNow && (this.x !== 0 || this.y !== 0)) {
      const k = Math.exp((-3 * (now - this.lastNow)) / this.smoothingMs);
      this.x *= k;
      this.y *= k;
      if (this.x * this.x + this.y * this.y < 1e-4) {
        this.x = 0;
        this.y = 0;
      }
    }
    if (this.lastNow === null || now > this.lastNow) this.lastNow = now;
  }
}
