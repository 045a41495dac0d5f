import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BOOST_COST_DIVISOR,
  DECAY_DIVISOR,
  DECAY_THRESHOLD,
  MAX_MASS,
  SPEED_MIN,
  START_MASS,
  WORLD_SIZE,
} from './constants.js';
import { blobRadius, blobSpeed, boostCost, decayMass, isqrt, outweighs } from './mass.js';
import { px } from './units.js';

describe('mass rules', () => {
  it('isqrt is the exact integer square root', () => {
    for (const n of [0, 1, 2, 3, 4, 15, 16, 17, 99, 100, 2 ** 26, 2 ** 40 - 1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const r = isqrt(n);
      expect(BigInt(r) * BigInt(r) <= BigInt(n)).toBe(true);
      expect(BigInt(r + 1) * BigInt(r + 1) > BigInt(n)).toBe(true);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MASS * 1600 }), (n) => {
        const r = isqrt(n);
        return r * r <= n && (r + 1) * (r + 1) > n;
      }),
    );
  });

  it('gives the sizes and speeds the tuning promises', () => {
    expect(blobRadius(START_MASS)).toBe(126); // 31.5 px
    expect(blobRadius(100)).toBe(px(100));
    expect([START_MASS, 100, 1000].map(blobSpeed)).toEqual([40, 25, 14]); // 300, 188, 105 px/s
    expect(blobSpeed(MAX_MASS)).toBeGreaterThanOrEqual(SPEED_MIN);
    // The biggest blob still fits in the world with room to move.
    expect(2 * blobRadius(MAX_MASS)).toBeLessThan(WORLD_SIZE / 2);
  });

  it('property: radius never shrinks and speed never grows as mass grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MASS }), fc.integer({ min: 0, max: MAX_MASS }), (a, extra) => {
        const b = Math.min(MAX_MASS, a + extra);
        expect(blobRadius(b)).toBeGreaterThanOrEqual(blobRadius(a));
        expect(blobSpeed(b)).toBeLessThanOrEqual(blobSpeed(a));
        expect(blobSpeed(b)).toBeGreaterThanOrEqual(SPEED_MIN);
      }),
      { numRuns: 500 },
    );
    // Strictly: every doubling of mass is visibly bigger and, up to 1000, slower.
    for (let m = START_MASS; m * 2 <= MAX_MASS; m *= 2) {
      expect(blobRadius(2 * m)).toBeGreaterThan(blobRadius(m));
      if (m * 2 <= 1000) expect(blobSpeed(2 * m)).toBeLessThan(blobSpeed(m));
    }
  });

  it('an eater must be at least 1.25 x heavier', () => {
    expect(outweighs(125, 100)).toBe(true);
    expect(outweighs(124, 100)).toBe(false);
    expect(outweighs(5, 4)).toBe(true);
    expect(outweighs(10, 10)).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MASS }), fc.integer({ min: 1, max: MAX_MASS }), (a, b) => {
        expect(outweighs(a, b)).toBe(a >= 1.25 * b);
        if (outweighs(a, b)) expect(outweighs(b, a)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('decay takes (mass - threshold) / DECAY_DIVISOR per tick exactly, at most 1 a tick, never below the threshold', () => {
    expect(decayMass(DECAY_THRESHOLD, 123)).toEqual([DECAY_THRESHOLD, 123]);
    expect(decayMass(50, 0)).toEqual([50, 0]);
    fc.assert(
      fc.property(
        fc.integer({ min: DECAY_THRESHOLD + 1, max: MAX_MASS }),
        fc.integer({ min: 0, max: DECAY_DIVISOR - 1 }),
        fc.integer({ min: 1, max: 1000 }),
        (start, carry0, ticks) => {
          let [mass, carry] = [start, carry0];
          // Fixed-point bookkeeping: mass * DIVISOR - carry only ever drops by the excess of each tick.
          let expected = start * DECAY_DIVISOR - carry0;
          let worst = { step: 0, lowest: mass, carryOk: true };
          for (let t = 0; t < ticks; t++) {
            const excess = Math.max(0, mass - DECAY_THRESHOLD);
            const before = mass;
            [mass, carry] = decayMass(mass, carry);
            expected -= excess;
            worst = {
              step: Math.max(worst.step, before - mass),
              lowest: Math.min(worst.lowest, mass),
              carryOk: worst.carryOk && carry >= 0 && carry < DECAY_DIVISOR,
            };
          }
          expect(worst.step).toBeLessThanOrEqual(1);
          expect(worst.lowest).toBeGreaterThanOrEqual(DECAY_THRESHOLD);
          expect(worst.carryOk).toBe(true);
          expect(mass * DECAY_DIVISOR - carry).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a leader of 1000 loses about 1.8 mass per second', () => {
    let [mass, carry] = [1000, 0];
    for (let t = 0; t < 300; t++) [mass, carry] = decayMass(mass, carry);
    expect(1000 - mass).toBe(17); // 10 s at ~1.8/s: 17 whole units taken, the rest carried
  });

  it('boosting costs a tenth of the mass', () => {
    expect(boostCost(20)).toBe(2);
    expect(boostCost(1000)).toBe(1000 / BOOST_COST_DIVISOR);
  });
});
