// The recording's building blocks: CRC-32, varints, the packed inputs and events, the state digest.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './bytes.js';
import { crc32 } from './crc32.js';
import { stateDigest } from './digest.js';
import { EventsEncoder, decodeEvents } from './events-codec.js';
import { InputDecodeError, InputsDecoder, newSeat, type SeatState } from './input-codec.js';
import { InputsEncoder } from './input-encoder.js';

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('varints', () => {
  it('round-trip every safe integer, zigzag for signed values', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat()), fc.array(fc.integer({ min: -(2 ** 52 - 1), max: 2 ** 52 - 1 })), (unsigned, signed) => {
        const w = new ByteWriter(1);
        for (const v of unsigned) w.varint(v);
        for (const v of signed) w.zigzag(v);
        const r = new ByteReader(w.finish());
        for (const v of unsigned) expect(r.varint()).toBe(v);
        for (const v of signed) expect(r.zigzag()).toBe(v === 0 ? 0 : v);
        expect(r.done).toBe(true);
      }),
    );
  });

  it('refuses what is not a value: past the end, too long, not minimal', () => {
    expect(() => new ByteReader(Uint8Array.of(0x80)).varint()).toThrow(/unexpected end/);
    expect(() => new ByteReader(new Uint8Array(9).fill(0xff)).varint()).toThrow(/longer than 8 bytes|safe integer/);
    expect(() => new ByteReader(Uint8Array.of(0x81, 0x00)).varint()).toThrow(/minimally/);
    expect(() => new ByteWriter().varint(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().varint(1.5)).toThrow(RangeError);
  });
});

// ---- inputs ----

/** A payload of one of the shapes games use: flat objects and arrays of integers, and anything else. */
const payloadArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ keys: fc.integer({ min: 0, max: 63 }), aim: fc.integer({ min: 0, max: 4095 }) }) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -1000, max: 1000 })).map((t) => [...t]) },
  { weight: 1, arbitrary: fc.constantFrom(null, 0, 'up', true, -0, 0.5, Number.NaN, 2 ** 60) },
  { weight: 1, arbitrary: fc.record({ keys: fc.integer(), aim: fc.double() }) },
  { weight: 1, arbitrary: fc.record({ aim: fc.integer(), keys: fc.integer() }) },
  { weight: 1, arbitrary: fc.record({ move: fc.array(fc.integer({ min: -1, max: 1 }), { maxLength: 3 }), fire: fc.boolean() }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(-0)), { maxLength: 4 }) },
);

interface TickInput {
  readonly playerId: number;
  readonly renderTick: number;
  readonly payload: unknown;
}

/** Deep equality that tells -0 from 0 and NaN from everything (Object.is on every leaf). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (typeof a === 'object' && typeof b === 'object' && a && b && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

describe('packed inputs', () => {
  it('decode to exactly the payloads and render ticks applied, tick after tick', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.array(fc.tuple(fc.boolean(), payloadArb, fc.integer({ min: 0, max: 8 })), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 40 }),
        (seatsCount, ticks) => {
          const ids = Array.from({ length: seatsCount }, (_, i) => i * 3 + 1);
          const readSeats: SeatState[] = ids.map((id) => newSeat(id, `p${id}`));
          const encoder = new InputsEncoder();
          for (const id of ids) encoder.seat(id, `p${id}`);
          const applied: TickInput[][] = [];
          // A seat that does not "send" keeps its previous payload (the most common case on a server).
          const current = ids.map(() => ({ payload: null as unknown, renderTick: 0 }));
          ticks.forEach((row, i) => {
            const tick = 100 + i;
            const list = ids.map((playerId, s) => {
              const [sends, payload, lag] = row[s]!;
              if (sends) current[s] = { payload, renderTick: tick - lag };
              else current[s] = { payload: current[s]!.payload, renderTick: tick - (tick - current[s]!.renderTick) };
              return { playerId, renderTick: current[s]!.renderTick, payload: current[s]!.payload };
            });
            applied.push(list);
            encoder.encodeTick(tick, list);
          });
          const decoder = new InputsDecoder(encoder.finish());
          applied.forEach((list, i) => {
            const tick = 100 + i;
            decoder.decodeTick(readSeats);
            list.forEach((input, s) => {
              expect(readSeats[s]!.playerId).toBe(input.playerId);
              expect(tick - readSeats[s]!.offset).toBe(input.renderTick);
              expect(same(readSeats[s]!.payload, input.payload), `${JSON.stringify(readSeats[s]!.payload)} vs ${JSON.stringify(input.payload)}`).toBe(true);
            });
          });
          expect(decoder.done).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keep every seat baseline through joins, leaves and payloads of up to 30 numbers', () => {
    const wideArb = fc.oneof(
      payloadArb,
      fc.integer({ min: 1, max: 30 }).chain((n) => fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n })),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 5, maxLength: 30 }).map((a) => Object.fromEntries(a.map((v, i) => [`k${i}`, v]))),
    );
    const stepArb = fc.oneof(
      { weight: 1, arbitrary: fc.constant({ kind: 'join' as const }) },
      { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'leave' as const, n })) },
      { weight: 6, arbitrary: fc.array(fc.tuple(fc.boolean(), wideArb, fc.integer({ min: 0, max: 3 })), { minLength: 8, maxLength: 8 }).map((row) => ({ kind: 'tick' as const, row })) },
    );
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const encoder = new InputsEncoder();
        let nextId = 1;
        // What the decoder must see: per tick, the seats' [playerId, renderTick, payload] in seat order.
        const script: ({ join: number } | { leave: number } | { tick: number; applied: TickInput[] })[] = [];
        let seated: { playerId: number; payload: unknown; renderTick: number }[] = [];
        let tick = 1;
        for (const step of steps) {
          if (step.kind === 'join') {
            const playerId = nextId++;
            encoder.seat(playerId, `p${playerId}`);
            seated.push({ playerId, payload: null, renderTick: 0 });
            script.push({ join: playerId });
          } else if (step.kind === 'leave') {
            if (seated.length === 0) continue;
            const gone = seated[step.n % seated.length]!.playerId;
            encoder.unseat(gone);
            seated = seated.filter((s) => s.playerId !== gone);
            script.push({ leave: gone });
          } else {
            seated.forEach((s, i) => {
              const [sends, payload, lag] = step.row[i % step.row.length]!;
              if (sends) {
                s.payload = payload;
                s.renderTick = tick - lag;
              }
            });
            const applied = seated.map((s) => ({ ...s }));
            encoder.encodeTick(tick, applied);
            script.push({ tick, applied });
            tick++;
          }
        }
        // Replay the same joins and leaves against one inputs stream.
        const decoder = new InputsDecoder(encoder.finish());
        let seats: SeatState[] = [];
        for (const entry of script) {
          if ('join' in entry) seats.push(newSeat(entry.join, `p${entry.join}`));
          else if ('leave' in entry) seats = seats.filter((s) => s.playerId !== entry.leave);
          else {
            decoder.decodeTick(seats);
            entry.applied.forEach((input, s) => {
              expect(seats[s]!.playerId).toBe(input.playerId);
              expect(entry.tick - seats[s]!.offset).toBe(input.renderTick);
              expect(same(seats[s]!.payload, input.payload)).toBe(true);
            });
          }
        }
        expect(decoder.done).toBe(true);
        expect(encoder.keyframeSeats().map(([id, , payload]) => [id, payload])).toEqual(seated.map((s) => [s.playerId, s.payload]));
      }),
      { numRuns: 300 },
    );
  });

  // Inputs as a game with a {keys, aim} packer makes them, and other values (which the packer cannot read:
  // the encoder must find out and compare those the general way). Keys and aim never coincide, so a
  // packer reading them in the wrong order shows itself on the first input.
  const packedGameArb = fc.oneof(
    { weight: 6, arbitrary: fc.record({ keys: fc.integer({ min: 0, max: 63 }), aim: fc.integer({ min: 64, max: 4095 }) }, { noNullPrototype: true }) },
    { weight: 1, arbitrary: fc.record({ keys: fc.constantFrom(-0, 0.5, Number.NaN, 2 ** 60), aim: fc.integer({ min: 64, max: 4095 }) }, { noNullPrototype: true }) },
    { weight: 1, arbitrary: fc.constantFrom(null, 0, 'up', [1, 2], [3]) },
  );
  it('writes the same bytes through a game\'s input packer, and ignores a packer that disagrees with the object', () => {
    const honest = (input: never, out: Float64Array, at: number) => {
      const p = input as { keys: number; aim: number };
      out[at] = p.keys;
      out[at + 1] = p.aim;
      return 2;
    };
    // Reads the leaves in the wrong order: the encoder must notice and not use it. (A packer must give
    // every leaf of every input its game makes, in key order: GameDefinition.packInput.)
    const swapped = (input: never, out: Float64Array, at: number) => {
      const p = input as { keys: number; aim: number };
      out[at] = p.aim;
      out[at + 1] = p.keys;
      return 2;
    };
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.boolean(), packedGameArb), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 30 }), (ticks) => {
        const encoders = [new InputsEncoder(), new InputsEncoder(honest), new InputsEncoder(swapped)];
        for (const e of encoders) for (const id of [1, 2, 3]) e.seat(id, `p${id}`);
        const current: unknown[] = [null, null, null];
        ticks.forEach((row, t) => {
          const list = [1, 2, 3].map((playerId, s) => {
            if (row[s]![0]) current[s] = row[s]![1];
            return { playerId, renderTick: t, payload: current[s] };
          });
          for (const e of encoders) e.encodeTick(t + 1, list);
        });
        const [plain, viaHonest, viaSwapped] = encoders.map((e) => [...e.finish()]);
        expect(viaHonest).toEqual(plain);
        expect(viaSwapped).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });

  it('costs nothing for a seat whose input repeats, and a few bytes for an aim change', () => {
    const encoder = new InputsEncoder();
    encoder.seat(1, 'a');
    encoder.seat(2, 'b');
    encoder.encodeTick(1, [{ playerId: 1, renderTick: 0, payload: { keys: 1, aim: 100 } }, { playerId: 2, renderTick: 0, payload: { keys: 0, aim: 0 } }]);
    const first = encoder.finish().length;
    for (let t = 2; t <= 101; t++) {
      encoder.encodeTick(t, [{ playerId: 1, renderTick: t - 1, payload: { keys: 1, aim: 100 } }, { playerId: 2, renderTick: t - 1, payload: { keys: 0, aim: t } }]);
    }
    // 100 ticks: a count byte each, seat 2's aim delta (head + mask + value), nothing for seat 1.
    expect(encoder.finish().length - first).toBeLessThanOrEqual(100 * 4 + 8);
  });

  it('refuses an inputs stream that does not fit the seats', () => {
    const encoder = new InputsEncoder();
    encoder.seat(1, 'a');
    expect(() => encoder.encodeTick(1, [{ playerId: 2, renderTick: 1, payload: null }])).toThrow(/seat 0 applied player 2/);
    expect(() => encoder.encodeTick(1, [])).toThrow(/0 inputs applied but 1 seats/);
    expect(() => encoder.unseat(9)).toThrow(/player 9 is not seated/);
    // Two seats' worth of entries read with one seat seated.
    const e2 = new InputsEncoder();
    e2.seat(1, 'a');
    e2.seat(2, 'b');
    e2.encodeTick(1, [{ playerId: 1, renderTick: 0, payload: [1] }, { playerId: 2, renderTick: 0, payload: [2] }]);
    expect(() => new InputsDecoder(e2.finish()).decodeTick([newSeat(1, 'a')])).toThrow(InputDecodeError);
    expect(() => new InputsDecoder(Uint8Array.of(0x7f, 0x7f))).toThrow(/run past/);
  });
});

describe('packed events', () => {
  const valueArb = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -100_000, max: 100_000 }) },
    { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constant(-0), fc.constant(2 ** 60), fc.constant(-(2 ** 53))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  it('round-trip exactly, tick by tick', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(valueArb, { maxLength: 8 }), { minLength: 1, maxLength: 4 })), { maxLength: 20 }),
        (steps) => {
          const encoder = new EventsEncoder();
          const from = 50;
          encoder.reset(from);
          let tick = from - 1;
          const expected: [number, (number | string)[][]][] = [];
          for (const [gap, events] of steps) {
            tick += gap;
            encoder.encodeTick(tick, events);
            expected.push([tick, events]);
          }
          const decoded = decodeEvents(encoder.finish(), from, Math.max(1, tick - from + 1));
          expect(decoded.length).toBe(expected.length);
          decoded.forEach(([t, events], i) => {
            expect(t).toBe(expected[i]![0]);
            expect(same(events, expected[i]![1])).toBe(true);
          });
        },
      ),
    );
  });

  it('names the byte of a malformed stream', () => {
    expect(() => decodeEvents(Uint8Array.of(1, 1, 1, 5), 1, 10)).toThrow(/unknown value tag 5/);
    expect(() => decodeEvents(Uint8Array.of(20, 1), 1, 10)).toThrow(/outside ticks 1..10/);
    expect(() => decodeEvents(Uint8Array.of(1, 1, 3), 1, 10)).toThrow(/runs past|unexpected end/);
  });
});

describe('stateDigest', () => {
  it('ignores object key order but not values, types or nesting', () => {
    expect(stateDigest({ a: 1, b: [2, 3] })).toBe(stateDigest({ b: [2, 3], a: 1 }));
    expect(stateDigest({ a: 1 })).not.toBe(stateDigest({ a: 2 }));
    expect(stateDigest([1, 2])).not.toBe(stateDigest([[1], 2]));
    expect(stateDigest(['1'])).not.toBe(stateDigest([1]));
    expect(stateDigest([0.5])).not.toBe(stateDigest([0]));
    expect(stateDigest([null])).not.toBe(stateDigest([false]));
    expect(stateDigest(-0)).toBe(stateDigest(0));
  });
});
