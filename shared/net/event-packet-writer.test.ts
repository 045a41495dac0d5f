import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeEventPacket } from './event-packet-writer.js';

/** What the generic Encoder writes for the packet (our parser's settings: undefined map values left out). */
const generic = (data: readonly unknown[], id?: number) => encode({ type: 2, data, nsp: '/', id }, { ignoreUndefined: true });

// Integers around every msgpack width boundary, 64-bit ones included.
const integer = fc.oneof(
  fc.integer({ min: -300, max: 300 }),
  fc.integer(),
  fc.constantFrom(0, -0, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);
const bin = fc.oneof(
  { weight: 20, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(255, 256, 65_535, 65_536).map((n) => new Uint8Array(n).fill(7)) },
);
const other = fc.oneof(fc.string(), fc.double(), fc.constant(null), fc.constant(undefined), fc.object({ maxDepth: 1 }), fc.boolean());
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, integer, integer, bin, other, fc.array(tie('value'), { maxLength: 18 })),
}));
const name = fc.oneof(
  fc.constantFrom('i', 's', 'room:list', 'chat:send', '\uD800', 'a\uDC00b', 'é', 'ü'.repeat(60)),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 250, maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

describe('event packet writer', () => {
  it('property: writes the generic Encoder\'s bytes for any integer, bin and array arguments, or declines', () => {
    let written = 0;
    fc.assert(
      fc.property(name, fc.array(value, { maxLength: 5 }), fc.option(fc.nat(), { nil: undefined }), (event, args, id) => {
        const data = [event, ...args];
        const bytes = writeEventPacket(data, id);
        if (bytes === null) return;
        written++;
        expect(bytes).toEqual(generic(data, id));
      }),
      { numRuns: 1500 },
    );
    // Most cases are written here, not declined.
    expect(written).toBeGreaterThan(150);
  });

  it('writes an input and a snapshot, and returns a fresh copy each time', () => {
    const input = ['i', [12, 340, 338, [5, 127]]];
    const first = writeEventPacket(input, undefined)!;
    expect(first).toEqual(generic(input));
    const snapshot = ['s', Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)];
    expect(writeEventPacket(snapshot, undefined)).toEqual(generic(snapshot));
    expect(first).toEqual(generic(input));
    expect(writeEventPacket(['room:list', 3], 17)).toEqual(generic(['room:list', 3], 17));
  });

  it('declines what it does not write: strings, maps, floats, deep nesting, names that are not printable ASCII', () => {
    for (const data of [['x', 'text'], ['x', { a: 1 }], ['x', 0.5], ['x', 2 ** 53], ['x', [[[[[[[[[1]]]]]]]]]], [7, 1], ['é', 1]]) {
      expect(writeEventPacket(data, undefined), JSON.stringify(data)).toBeNull();
    }
    expect(writeEventPacket(['x', 1], -1)).toBeNull();
    // A lone surrogate: the generic Encoder writes its 3-byte form, a TextEncoder U+FFFD.
    expect(writeEventPacket(['\uD800', 1], undefined)).toBeNull();
  });
});
