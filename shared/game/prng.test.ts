import { describe, expect, it } from 'vitest';
import { createPrng, isPrngState, nextInt, nextUint32 } from './prng.js';

describe('prng (sfc32)', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const c = createPrng(43);
    const seqA = Array.from({ length: 100 }, () => nextUint32(a));
    const seqB = Array.from({ length: 100 }, () => nextUint32(b));
    const seqC = Array.from({ length: 100 }, () => nextUint32(c));
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('matches the reference sfc32 sequence for a known state', () => {
    // Reference values: the canonical sfc32 (https://github.com/bryc/code/blob/master/jshash/PRNGs.md) from state [1, 2, 3, 4].
    const s: [number, number, number, number] = [1, 2, 3, 4];
    const out = Array.from({ length: 4 }, () => nextUint32(s));
    expect(out).toEqual([7, 34, 56623200, 188882296]);
  });

  it('keeps its state as four unsigned 32-bit integers', () => {
    const s = createPrng(-123456789012);
    for (let i = 0; i < 1000; i++) nextUint32(s);
    expect(isPrngState(s)).toBe(true);
    expect(isPrngState([1, 2, 3])).toBe(false);
    expect(isPrngState([1, 2, 3, -1])).toBe(false);
    expect(isPrngState([1, 2, 3, 1.5])).toBe(false);
  });

  it('draws bounded integers roughly uniformly', () => {
    const s = createPrng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[nextInt(s, 10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => nextInt(s, 0)).toThrow();
    expect(() => nextInt(s, 1.5)).toThrow();
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => createPrng(1.5)).toThrow(/seed/);
    expect(() => createPrng(Number.NaN)).toThrow(/seed/);
  });
});
