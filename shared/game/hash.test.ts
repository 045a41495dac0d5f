import { describe, expect, it } from 'vitest';
import { FNV_OFFSET_BASIS, hash32, hashByte, hashValue } from './hash.js';

describe('hash (FNV-1a 32)', () => {
  it('matches the FNV-1a reference for bytes', () => {
    // FNV-1a 32 of "a" is 0xe40c292c (reference test vector).
    expect(hashByte(FNV_OFFSET_BASIS, 0x61)).toBe(0xe40c292c);
  });

  it('is stable, unsigned 32-bit, and sensitive to values, order and nesting', () => {
    const h = hash32([1, 2, 'x', [3, -4], true]);
    expect(h).toBe(hash32([1, 2, 'x', [3, -4], true]));
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    const variants = [
      [2, 1, 'x', [3, -4], true],
      [1, 2, 'y', [3, -4], true],
      [1, 2, 'x', [3, 4], true],
      [1, 2, 'x', [3, -4], false],
      [1, 2, 'x', 3, -4, true],
      [1, 2, 'x', [3, -4], true, 0],
      [1.5, 2, 'x', [3, -4], true],
      [1 + 2 ** 32, 2, 'x', [3, -4], true],
    ];
    for (const v of variants) expect(hash32(v)).not.toBe(h);
  });

  it('rejects values whose order it cannot guarantee', () => {
    expect(() => hashValue(FNV_OFFSET_BASIS, { a: 1 } as unknown as number)).toThrow(/unsupported/);
  });
});
