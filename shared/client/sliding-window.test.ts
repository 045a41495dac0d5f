import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SampleWindow, SlidingExtremum } from './sliding-window.js';

describe('SlidingExtremum', () => {
  it('is the max of the samples within the window (brute force)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: -100, max: 100 })), { minLength: 1, maxLength: 200, size: 'max' }), (steps) => {
        const w = new SlidingExtremum(100, 'max');
        const all: [number, number][] = [];
        let t = 0;
        for (const [dt, v] of steps) {
          t += dt;
          w.add(t, v);
          all.push([t, v]);
          const inWindow = all.filter(([at]) => t - at <= 100).map(([, x]) => x);
          expect(w.value(t)).toBe(Math.max(...inWindow));
        }
      }),
    );
  });

  it('tracks the min, keeps the newest sample when everything expired, and clears', () => {
    const w = new SlidingExtremum(10, 'min');
    expect(w.value(0)).toBeNull();
    w.add(0, 5);
    w.add(1, 7);
    expect(w.value(1)).toBe(5);
    expect(w.value(100)).toBe(7);
    w.clear();
    expect(w.value(100)).toBeNull();
  });
});

describe('SampleWindow', () => {
  it('gives nearest-rank quantiles of the last samples only', () => {
    const w = new SampleWindow(10);
    expect(w.quantile(0.5)).toBe(0);
    for (let i = 1; i <= 20; i++) w.add(i);
    expect(w.size).toBe(10);
    expect(w.quantile(0)).toBe(11);
    expect(w.quantile(0.5)).toBe(15);
    expect(w.quantile(0.95)).toBe(20);
    expect(w.quantile(1)).toBe(20);
  });
});
