import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AIM_STEPS } from '../arena/units.js';
import { blobsGame } from './index.js';
import { BLOB_ALL_KEYS, BLOB_KEY_BOOST, BLOB_KEY_MOVE, encodeBlobsInput, idleBlobsInput, packBlobsInput, parseBlobsInput } from './input.js';

const isValid = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length === 2 &&
  0 in v &&
  1 in v &&
  Number.isSafeInteger(v[0]) &&
  (v[0] as number) >= 0 &&
  (v[0] as number) <= BLOB_ALL_KEYS &&
  Number.isSafeInteger(v[1]) &&
  (v[1] as number) >= 0 &&
  (v[1] as number) < AIM_STEPS;

describe('parseBlobsInput', () => {
  it('is the game definition parser', () => {
    expect(blobsGame.parseInput).toBe(parseBlobsInput);
  });

  it('accepts [keys, aim] within range and round-trips the wire tuple', () => {
    expect(parseBlobsInput([0, 0])).toEqual({ keys: 0, aim: 0 });
    expect(parseBlobsInput([BLOB_KEY_MOVE | BLOB_KEY_BOOST, AIM_STEPS - 1])).toEqual({ keys: 3, aim: 4095 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BLOB_ALL_KEYS }), fc.integer({ min: 0, max: AIM_STEPS - 1 }), (keys, aim) => {
        expect(parseBlobsInput(encodeBlobsInput({ keys, aim }))).toEqual({ keys, aim });
      }),
    );
  });

  it('property: random untrusted values never throw, and parse exactly when they are valid', () => {
    const candidates = fc.oneof(
      fc.anything({
        withBigInt: true,
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withTypedArray: true,
        withSparseArray: true,
        withNullPrototype: true,
      }),
      fc.tuple(fc.anything(), fc.anything()),
      fc.tuple(fc.oneof(fc.integer(), fc.double()), fc.oneof(fc.integer(), fc.double())),
      fc.tuple(fc.integer({ min: -2, max: 8 }), fc.integer({ min: -2, max: AIM_STEPS + 2 })),
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
    );
    fc.assert(
      fc.property(candidates, (raw) => {
        const parsed = parseBlobsInput(raw);
        if (!isValid(raw)) {
          expect(parsed).toBeNull();
          return;
        }
        const [keys, aim] = raw as number[];
        expect(parsed).toEqual({ keys: keys + 0, aim: aim + 0 });
      }),
      { numRuns: 5000 },
    );
  });

  const sparse: unknown[] = [];
  sparse[1] = 0;
  const bad: [string, unknown][] = [
    ['undefined', undefined],
    ['an object', { keys: 1, aim: 2 }],
    ['a hole', sparse],
    ['three elements', [1, 2, 3]],
    ['an arena fire key', [16, 0]],
    ['key bit 4', [4, 0]],
    ['keys beyond 32 bits aliasing a valid mask', [2 ** 32 + 1, 0]],
    ['float aim', [1, 2.5]],
    ['NaN aim', [1, Number.NaN]],
    ['aim = AIM_STEPS', [1, AIM_STEPS]],
    ['string keys', ['1', 0]],
  ];
  for (const [what, raw] of bad) {
    it(`rejects ${what}`, () => {
      expect(parseBlobsInput(raw)).toBeNull();
    });
  }

  it('normalizes -0 to 0', () => {
    const input = parseBlobsInput([-0, -0]);
    expect(Object.is(input?.keys, 0) && Object.is(input?.aim, 0)).toBe(true);
  });
});

describe('idleBlobsInput and packBlobsInput', () => {
  it('keeps steering, drops the boost; all zero without a previous input', () => {
    expect(idleBlobsInput({ keys: BLOB_KEY_MOVE | BLOB_KEY_BOOST, aim: 1234 })).toEqual({ keys: BLOB_KEY_MOVE, aim: 1234 });
    expect(idleBlobsInput({ keys: BLOB_KEY_BOOST, aim: 9 })).toEqual({ keys: 0, aim: 9 });
    expect(idleBlobsInput(null)).toEqual({ keys: 0, aim: 0 });
  });

  it('packs the leaves of a parsed input in its key order (what the recorder compares)', () => {
    const input = parseBlobsInput([3, 77]);
    if (input === null) throw new Error('a valid input was rejected');
    const out = new Float64Array(4);
    expect(packBlobsInput(input, out, 1)).toBe(2);
    expect([...out]).toEqual([0, ...Object.values(input), 0]);
  });
});
