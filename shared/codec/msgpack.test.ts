import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MsgpackReader } from './msgpack-reader.js';
import { MsgpackWriter, utf8Length } from './msgpack-writer.js';
import { SnapshotError } from './snapshot-error.js';

const boundaries = [
  0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -32, -33, -128, -129, -32768,
  -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53) + 1,
];

function written(fn: (w: MsgpackWriter) => void): Uint8Array {
  const w = new MsgpackWriter(4);
  fn(w);
  return w.toBytes();
}

describe('MsgpackWriter', () => {
  it('writes every integer boundary in the same smallest format as @msgpack/msgpack', () => {
    for (const n of boundaries) {
      const bytes = written((w) => w.writeInt(n));
      expect(decode(bytes)).toBe(n);
      expect([...bytes]).toEqual([...encode(n)]);
    }
  });

  it('writes map headers and bins of every width in the same format as @msgpack/msgpack', () => {
    for (const size of [0, 15, 16, 65_535, 65_536]) {
      const map = Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, 0]));
      const expected = encode(map);
      const header = written((w) => w.writeMapHeader(size));
      expect([...header]).toEqual([...expected.subarray(0, header.length)]);
    }
    for (const size of [0, 255, 256, 65_535, 65_536]) {
      const bin = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
      expect(written((w) => w.writeBin(bin))).toEqual(encode(bin));
    }
  });

  it('round-trips any safe integer through @msgpack/msgpack and its own reader', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -300, max: 300 })), (n) => {
        const bytes = written((w) => w.writeInt(n));
        expect(decode(bytes)).toBe(n);
        expect(new MsgpackReader(bytes).readInt('n')).toBe(n);
      }),
    );
  });

  it('writes strings as UTF-8 like TextEncoder, including lone surrogates', () => {
    const strings = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.string({ minLength: 250, maxLength: 2000 }),
    );
    fc.assert(
      fc.property(strings, (s) => {
        const bytes = written((w) => w.writeString(s));
        const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(s));
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
        expect(decode(bytes)).toBe(expected);
        expect(new MsgpackReader(bytes).readString('s')).toBe(expected);
      }),
      { numRuns: 200 },
    );
    // A leading U+FEFF is data, not a byte-order mark to strip (fast-check found it).
    expect(new MsgpackReader(written((w) => w.writeString('\ufeffann'))).readString('s')).toBe('\ufeffann');
    const long = 'é'.repeat(40000); // str32 header
    expect(decode(written((w) => w.writeString(long)))).toBe(long);
  });

  it('writes array headers of every size class', () => {
    for (const n of [0, 15, 16, 65535, 65536]) {
      const bytes = written((w) => {
        w.writeArrayHeader(n);
        for (let i = 0; i < n; i++) w.writeInt(i & 0x7f);
      });
      const decoded = decode(bytes) as number[];
      expect(decoded.length).toBe(n);
    }
  });
});

describe('MsgpackReader', () => {
  it('reads integers in any msgpack int format, not only the smallest', () => {
    const cases: [number[], number][] = [
      [[0xcc, 5], 5],
      [[0xcd, 0, 5], 5],
      [[0xce, 0, 0, 0, 5], 5],
      [[0xcf, 0, 0, 0, 0, 0, 0, 0, 5], 5],
      [[0xd0, 0xfb], -5],
      [[0xd1, 0xff, 0xfb], -5],
      [[0xd2, 0xff, 0xff, 0xff, 0xfb], -5],
      [[0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb], -5],
    ];
    for (const [bytes, value] of cases) expect(new MsgpackReader(Uint8Array.from(bytes)).readInt('n')).toBe(value);
  });

  it('rejects unsafe 64-bit integers, floats, maps, truncation and invalid UTF-8', () => {
    const bad: number[][] = [
      [0xcf, 0xff, 0, 0, 0, 0, 0, 0, 0],
      [0xcb, 0, 0, 0, 0, 0, 0, 0, 0],
      [0x80],
      [0xcd, 0],
      [],
    ];
    for (const bytes of bad) {
      expect(() => new MsgpackReader(Uint8Array.from(bytes)).readInt('n')).toThrow(SnapshotError);
    }
    expect(() => new MsgpackReader(Uint8Array.from([0xa2, 0xc3, 0x28])).readString('s')).toThrow(/UTF-8/);
    expect(() => new MsgpackReader(Uint8Array.from([0xa5, 0x41])).readString('s')).toThrow(/truncated/);
  });
});
