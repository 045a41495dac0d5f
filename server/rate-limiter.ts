// Token bucket: `ratePerSec` tokens refill continuously up to `burst`. take() spends one token.

/** The default clock: one function for every bucket and tracker (a closure each would be per connection). */
const monotonicNow = (): number => performance.now();

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends `count` tokens if there are that many (else spends nothing). */
  take(count = 1): boolean {
    if (!this.canTake(count)) return false;
    this.tokens -= count;
    return true;
  }

  /** Whether take(count) would succeed now (spends nothing). */
  canTake(count = 1): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    return this.tokens >= count;
  }
}

/**
 * A client over a limit is first told, then cut off: counts violations in a sliding window and says
 * when the connection should be closed.
 */
export class AbuseTracker {
  private windowStart: number;
  private count = 0;

  constructor(
    private readonly maxViolations: number,
    private readonly windowMs: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.windowStart = now();
  }

  /** Records a violation; returns 'warn' for the first of a window, 'cut' once over the limit. */
  violation(): 'warn' | 'quiet' | 'cut' {
    const t = this.now();
    if (t - this.windowStart > this.windowMs) {
      this.windowStart = t;
      this.count = 0;
    }
    this.count++;
    if (this.count > this.maxViolations) return 'cut';
    return this.count === 1 ? 'warn' : 'quiet';
  }
}
