import { describe, expect, it } from 'vitest';
import { AbuseTracker, TokenBucket } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the given rate', () => {
    let t = 0;
    const bucket = new TokenBucket(10, 5, () => t);
    expect(Array.from({ length: 7 }, () => bucket.take())).toEqual([true, true, true, true, true, false, false]);
    t += 100; // 0.1 s at 10/s = one token
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    t += 10_000;
    expect(Array.from({ length: 6 }, () => bucket.take()).filter(Boolean).length).toBe(5);
  });
});

describe('AbuseTracker', () => {
  it('warns first, then stays quiet, then cuts off past the limit; the window resets', () => {
    let t = 0;
    const tracker = new AbuseTracker(3, 1000, () => t);
    expect([tracker.violation(), tracker.violation(), tracker.violation(), tracker.violation()]).toEqual([
      'warn',
      'quiet',
      'quiet',
      'cut',
    ]);
    t += 1001;
    expect(tracker.violation()).toBe('warn');
  });
});
