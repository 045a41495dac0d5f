import { describe, expect, it } from 'vitest';
import { JitterEstimator } from './jitter-estimator.js';
import { LossEstimator } from './loss-estimator.js';

describe('JitterEstimator', () => {
  it('is zero for perfectly spaced arrivals, whatever the constant delay', () => {
    const j = new JitterEstimator(33);
    for (let tick = 0; tick < 100; tick++) j.onArrival(tick, 500 + tick * 33);
    expect(j.jitterMs).toBe(0);
  });

  it('converges to the mean |D| of random delays (RFC 3550)', () => {
    const j = new JitterEstimator(33);
    let seed = 1;
    const rnd = () => ((seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647);
    for (let tick = 0; tick < 5000; tick++) j.onArrival(tick, tick * 33 + 50 + (rnd() * 2 - 1) * 20);
    // D is the difference of two uniform(-20, 20) delays: E|D| = 40/3.
    expect(j.jitterMs).toBeGreaterThan(9);
    expect(j.jitterMs).toBeLessThan(18);
  });

  it('ignores out-of-order snapshots and resets', () => {
    const j = new JitterEstimator(33);
    j.onArrival(10, 0);
    j.onArrival(9, 500);
    expect(j.jitterMs).toBe(0);
    j.onArrival(11, 100);
    expect(j.jitterMs).toBeGreaterThan(0);
    j.reset();
    expect(j.jitterMs).toBe(0);
  });
});

describe('LossEstimator', () => {
  it('counts the ticks missing between received snapshots', () => {
    const l = new LossEstimator(1, 10_000);
    let t = 0;
    for (let tick = 0; tick < 200; tick++) {
      t += 33;
      if (tick % 20 !== 7) l.onSnapshot(tick, t);
    }
    expect(l.loss(t)).toBeCloseTo(0.05, 2);
  });

  it('respects the snapshot interval and forgets old losses', () => {
    const l = new LossEstimator(3, 1000);
    l.onSnapshot(0, 0);
    l.onSnapshot(3, 100);
    l.onSnapshot(9, 200); // 6 missing
    expect(l.loss(200)).toBeCloseTo(1 / 4, 5);
    expect(l.loss(5000)).toBe(0);
  });
});
