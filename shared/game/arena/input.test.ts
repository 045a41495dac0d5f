import { describe, expect, it } from 'vitest';
import {
  ALL_KEYS,
  KEY_DOWN,
  KEY_FIRE_PRIMARY,
  KEY_FIRE_SECONDARY,
  KEY_LEFT,
  KEY_RIGHT,
  KEY_UP,
  encodeArenaInput,
  idleArenaInput,
  parseArenaInput,
} from './input.js';
import { AIM_STEPS } from './units.js';

describe('parseArenaInput', () => {
  it('accepts [keys, aim] within range', () => {
    expect(parseArenaInput([0, 0])).toEqual({ keys: 0, aim: 0 });
    expect(parseArenaInput([ALL_KEYS, AIM_STEPS - 1])).toEqual({ keys: 63, aim: 4095 });
    expect(parseArenaInput([KEY_UP | KEY_FIRE_SECONDARY, 1024])).toEqual({ keys: 33, aim: 1024 });
    expect(parseArenaInput(encodeArenaInput({ keys: 9, aim: 7 }))).toEqual({ keys: 9, aim: 7 });
  });

  it('normalizes -0 to 0', () => {
    const input = parseArenaInput([-0, -0]);
    expect(Object.is(input?.keys, 0)).toBe(true);
    expect(Object.is(input?.aim, 0)).toBe(true);
  });

  const sparse: unknown[] = [];
  sparse[1] = 0;
  const bad: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a string', '[1, 2]'],
    ['an object', { keys: 1, aim: 2 }],
    ['an array-like object', { 0: 1, 1: 2, length: 2 }],
    ['a typed array', new Uint8Array([1, 2])],
    ['an empty array', []],
    ['one element', [1]],
    ['three elements', [1, 2, 3]],
    ['a hole', sparse],
    ['string keys', ['1', 2]],
    ['string aim', [1, '2']],
    ['boolean keys', [true, 2]],
    ['null aim', [1, null]],
    ['bigint keys', [1n, 2]],
    ['float keys', [1.5, 2]],
    ['float aim', [1, 2.25]],
    ['NaN keys', [Number.NaN, 0]],
    ['NaN aim', [0, Number.NaN]],
    ['Infinity keys', [Number.POSITIVE_INFINITY, 0]],
    ['-Infinity aim', [0, Number.NEGATIVE_INFINITY]],
    ['negative keys', [-1, 0]],
    ['unknown key bit 64', [64, 0]],
    ['unknown high key bit', [2 ** 31, 0]],
    ['keys beyond 32 bits aliasing a valid mask', [2 ** 32 + 1, 0]],
    ['unsafe integer keys', [2 ** 53, 0]],
    ['negative aim', [0, -1]],
    ['aim = AIM_STEPS', [0, AIM_STEPS]],
    ['huge aim', [0, 1e12]],
    ['nested array', [[1], 2]],
  ];
  for (const [what, raw] of bad) {
    it(`rejects ${what}`, () => {
      expect(parseArenaInput(raw)).toBeNull();
    });
  }
});

describe('idleArenaInput', () => {
  it('keeps movement and aim, drops the fire bits', () => {
    const prev = { keys: KEY_LEFT | KEY_DOWN | KEY_FIRE_PRIMARY | KEY_FIRE_SECONDARY, aim: 1234 };
    expect(idleArenaInput(prev)).toEqual({ keys: KEY_LEFT | KEY_DOWN, aim: 1234 });
    expect(idleArenaInput({ keys: KEY_RIGHT, aim: 5 })).toEqual({ keys: KEY_RIGHT, aim: 5 });
  });

  it('is all zero without a previous input', () => {
    expect(idleArenaInput(null)).toEqual({ keys: 0, aim: 0 });
  });
});
