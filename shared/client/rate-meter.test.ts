import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.js';

describe('RateMeter', () => {
  it('measures a steady rate over its window', () => {
    const m = new RateMeter(1000);
    m.start(0);
    for (let t = 0; t <= 5000; t += 50) m.add(t, 10); // 20 samples/s of 10
    expect(m.rate(5000)).toBeCloseTo(210, -1); // 21 samples in the inclusive window
    expect(m.count(5000)).toBe(21);
    expect(m.mean(5000)).toBe(10);
  });

  it('scales the rate to the time since start while younger than the window', () => {
    const m = new RateMeter(60_000);
    m.start(0);
    m.add(30_000);
    m.add(30_000);
    expect(m.rate(30_000, 60_000)).toBeCloseTo(4, 5); // 2 in 30 s = 4 per minute
    expect(m.rate(120_000, 60_000)).toBe(0); // expired
  });

  it('does not spike on the first sample and empties cleanly', () => {
    const m = new RateMeter(1000);
    m.add(0, 1);
    expect(m.rate(0)).toBe(10); // 1 per 100 ms floor
    expect(m.sum(2000)).toBe(0);
    expect(m.mean(2000)).toBe(0);
    m.clear();
    expect(m.rate(5000)).toBe(0);
  });
});
