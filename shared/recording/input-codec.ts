// The packed encoding of the inputs a room applied on each tick (the `inputs` bytes of a ticks record).
// Every seated player gets an input on every tick (its own, or the game's idle input), so most of a tick
// repeats the previous one: only seats whose payload or render offset changed are written, and a payload
// that is a flat array or plain object of integers is written as the deltas of its changed leaves.
//
// The bytes are three streams, the predictable structure apart from the values:
//   inputs    = varint structureLength, varint offsetsLength, structure, offsets, values
//   structure, per tick:
//     varint n                      seats that changed on this tick
//     n x (in seat order):
//       varint head = seatGap * 8 + payloadMode * 2 + offsetChanged
//           seatGap        seat index minus (previous entry's seat index + 1); the first entry: its index
//           payloadMode    0 same payload, 1 leaf deltas, 2 full payload, 3 leaf deltas with the
//                          seat's last leaf mask (that of its last mode-1 entry in this record)
//           offsetChanged  1 when the render offset (tick - renderTick) changed
//       [payloadMode 1]  varint leafMask (bit k: leaf k changed)
//       [payloadMode 2]  varint byteLength of the payload's msgpack in `values`
//   offsets:  per entry with offsetChanged, zigzag varint (new offset - previous offset)
//   values:   per entry with payloadMode 1 or 3, per set bit ascending, zigzag varint (new leaf - old
//             leaf); per entry with payloadMode 2, the payload's msgpack
// Mode 3 is the common case of a player who keeps moving the mouse: one byte per seat and tick.
// Leaves: a flat array's elements, or a flat plain object's values in key order (Object.keys).
//
// A seat's baseline is what it was applied on the previous tick; a seat that just joined starts from
// payload nil, render offset 0. A keyframe restates every seat's baseline.
//
// The encoder is InputsEncoder (input-encoder.ts); this file holds the decoder and what both share.

import { Decoder, Encoder } from '@msgpack/msgpack';
import { ByteReadError, ByteReader, MAX_ZIGZAG_MAGNITUDE } from './bytes.js';

/** Most leaves a payload may have to be delta-coded (the leaf mask is a 30-bit varint). */
export const MAX_LEAVES = 30;

export const MODE_SAME = 0;
export const MODE_DELTA = 1;
export const MODE_FULL = 2;
export const MODE_DELTA_SAME_MASK = 3;

const payloadEncoder = new Encoder({ ignoreUndefined: true });
// msgpack writes -0 as the integer 0; a payload holding a -0 is written with every number as float64.
const floatPayloadEncoder = new Encoder({ ignoreUndefined: true, forceIntegerToFloat: true });

function hasNegativeZero(v: unknown): boolean {
  if (typeof v === 'number') return Object.is(v, -0);
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return false;
  for (const item of Array.isArray(v) ? v : Object.values(v)) if (hasNegativeZero(item)) return true;
  return false;
}

/**
 * Whether two payloads are the same once written as plain msgpack (as keyframe records hold them: a -0
 * there reads back as 0).
 */
export function sameAsWritten(a: unknown, b: unknown): boolean {
  return bytesEqual(payloadEncoder.encode(a), payloadEncoder.encode(b));
}

/** The msgpack of a payload, exact to the bit (-0 included). */
export function encodePayload(v: unknown): Uint8Array {
  return hasNegativeZero(v) ? floatPayloadEncoder.encode(v) : payloadEncoder.encode(v);
}
const payloadDecoder = new Decoder({
  maxStrLength: 4096,
  maxBinLength: 65536,
  maxArrayLength: 4096,
  maxMapLength: 1024,
  maxExtLength: 0,
});

/** One seat's input baseline: who sits there and what it was applied last. */
export interface SeatState {
  readonly playerId: number;
  readonly name: string;
  payload: unknown;
  /** tick - renderTick of its last input. */
  offset: number;
  /** Key order of `payload` when it is a flat plain object (cached), null otherwise. */
  keys: string[] | null;
  /** msgpack of `payload` when it is not flat (cached for comparison), null otherwise. */
  encoded: Uint8Array | null;
}

export function newSeat(playerId: number, name: string, payload: unknown = null, offset = 0): SeatState {
  const seat: SeatState = { playerId, name, payload: null, offset, keys: null, encoded: null };
  setPayload(seat, payload);
  return seat;
}

function isLeaf(v: unknown): boolean {
  return v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Keys of a flat plain object (all values leaves, at most MAX_LEAVES), else null. */
function flatKeys(v: Record<string, unknown>): string[] | null {
  const keys = Object.keys(v);
  if (keys.length > MAX_LEAVES) return null;
  for (const k of keys) if (!isLeaf(v[k])) return null;
  return keys;
}

function isFlatArray(v: unknown): v is unknown[] {
  if (!Array.isArray(v) || v.length > MAX_LEAVES) return false;
  for (let i = 0; i < v.length; i++) if (!isLeaf(v[i])) return false;
  return true;
}

function setPayload(seat: SeatState, payload: unknown, keys: string[] | null = null): void {
  seat.payload = payload;
  seat.encoded = null;
  seat.keys = null;
  if (isFlatArray(payload)) return;
  if (isPlainObject(payload)) {
    seat.keys = keys ?? flatKeys(payload);
    if (seat.keys) return;
  }
  seat.encoded = encodePayload(payload);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The integer delta that turns a into b exactly, or null when the change is not an integer step. */
function intDelta(a: unknown, b: unknown): number | null {
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  // Fast path: two int32 values, the new one not zero (so not -0, and a + (b - a) is exactly b).
  if ((a | 0) === a && (b | 0) === b && b !== 0) return b - a;
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return null;
  const d = b - a;
  if (!Number.isSafeInteger(d) || Math.abs(d) > MAX_ZIGZAG_MAGNITUDE || !Object.is(a + d, b)) return null;
  return d;
}

/** An input as the room applied it. */
export interface AppliedInputLike {
  readonly playerId: number;
  readonly renderTick: number;
  readonly payload: unknown;
}

/**
 * The comparison of an applied payload with a seat's baseline, and its result: the mode, and for
 * MODE_DELTA the changed leaves (mask, count, deltas), for MODE_FULL the payload's msgpack when it was
 * already computed. One instance per encoder, reused on every seat (no allocation per tick).
 */
export class PayloadComparison {
  readonly deltas: number[] = new Array<number>(MAX_LEAVES).fill(0);
  count = 0;
  mask = 0;
  full: Uint8Array | null = null;

  begin(): void {
    this.count = 0;
    this.mask = 0;
    this.full = null;
  }

  /** Leaf k went from x to y: true when it is unchanged or changed by an integer step (recorded). */
  leaf(x: number, y: number, k: number): boolean {
    if (x === y ? x !== 0 || 1 / x === 1 / y : x !== x && y !== y) return true;
    const d = intDelta(x, y);
    if (d === null) return false;
    this.mask |= 1 << k;
    this.deltas[this.count++] = d;
    return true;
  }

  /** The mode of a comparison that found the same shape. */
  mode(): number {
    return this.count === 0 ? MODE_SAME : MODE_DELTA;
  }

  /** Compares any payload with a seat's baseline (SeatState, as the decoder keeps it). */
  compare(seat: SeatState, cur: unknown): number {
    this.begin();
    if (Object.is(cur, seat.payload)) return MODE_SAME;
    const mode = this.compareShape(seat, cur);
    if (mode !== MODE_FULL) return mode;
    this.full = encodePayload(cur);
    return seat.encoded !== null && bytesEqual(this.full, seat.encoded) ? MODE_SAME : MODE_FULL;
  }

  private compareShape(seat: SeatState, cur: unknown): number {
    const prev = seat.payload;
    if (seat.keys !== null) {
      // Flat plain object: same keys in the same order, integer changes only.
      if (typeof cur !== 'object' || cur === null || Object.getPrototypeOf(cur) !== Object.prototype) return MODE_FULL;
      const keys = seat.keys;
      const a = prev as Record<string, unknown>;
      const b = cur as Record<string, unknown>;
      let k = 0;
      for (const key in b) {
        if (k >= keys.length || keys[k] !== key) return MODE_FULL;
        if (!this.anyLeaf(a[key], b[key], k)) return MODE_FULL;
        k++;
      }
      return k === keys.length ? this.mode() : MODE_FULL;
    }
    if (seat.encoded === null && Array.isArray(prev)) {
      // Flat array: same length, integer changes only.
      if (!Array.isArray(cur) || cur.length !== prev.length) return MODE_FULL;
      for (let k = 0; k < cur.length; k++) if (!this.anyLeaf(prev[k], cur[k], k)) return MODE_FULL;
      return this.mode();
    }
    return MODE_FULL;
  }

  private anyLeaf(x: unknown, y: unknown, k: number): boolean {
    if (Object.is(x, y)) return true;
    return typeof x === 'number' && typeof y === 'number' && this.leaf(x, y, k);
  }
}

/** Makes `cur` a general seat's baseline after it was encoded with `mode` (as the decoder will). */
export function advanceSeat(seat: SeatState, cur: unknown, mode: number): void {
  if (Object.is(cur, seat.payload)) return;
  // A flat object keeps its (verified) key list; anything else is re-examined.
  if (mode !== MODE_FULL && seat.keys !== null) seat.payload = cur;
  else setPayload(seat, cur);
}

/** A malformed inputs stream; `position` is the byte within the record's inputs. */
export class InputDecodeError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'InputDecodeError';
  }
}

/** Reads the `inputs` bytes of one ticks record, tick by tick. */
export class InputsDecoder {
  private readonly structure: ByteReader;
  private readonly offsets: ByteReader;
  private readonly values: ByteReader;
  private readonly structureStart: number;
  private readonly offsetsStart: number;
  private readonly valuesStart: number;
  /** Each seat's last leaf mask in this record (mode 3 repeats it), by seat index. */
  private readonly masks: number[] = [];

  constructor(inputs: Uint8Array) {
    const head = new ByteReader(inputs);
    let structureLength: number;
    let offsetsLength: number;
    try {
      structureLength = head.varint();
      offsetsLength = head.varint();
    } catch (err) {
      throw new InputDecodeError(`section lengths unreadable: ${(err as Error).message}`, 0);
    }
    if (head.pos + structureLength + offsetsLength > inputs.length) {
      throw new InputDecodeError(`sections of ${structureLength} + ${offsetsLength} bytes run past the ${inputs.length} bytes of inputs`, 0);
    }
    this.structureStart = head.pos;
    this.offsetsStart = this.structureStart + structureLength;
    this.valuesStart = this.offsetsStart + offsetsLength;
    this.structure = new ByteReader(inputs.subarray(this.structureStart, this.offsetsStart), 'structure');
    this.offsets = new ByteReader(inputs.subarray(this.offsetsStart, this.valuesStart), 'offsets');
    this.values = new ByteReader(inputs.subarray(this.valuesStart), 'values');
  }

  /** Every byte of every section was consumed. */
  get done(): boolean {
    return this.structure.done && this.offsets.done && this.values.done;
  }

  /** Unread bytes, for error messages. */
  get remaining(): number {
    return this.structure.remaining + this.offsets.remaining + this.values.remaining;
  }

  /**
   * Reads one tick and updates the seats' baselines in place: afterwards seats[i].payload is the input
   * applied to seat i on this tick, with renderTick = tick - seats[i].offset.
   */
  decodeTick(seats: readonly SeatState[]): void {
    try {
      this.read(seats);
    } catch (err) {
      if (err instanceof ByteReadError) {
        const base = err.reader === 'values' ? this.valuesStart : err.reader === 'offsets' ? this.offsetsStart : this.structureStart;
        throw new InputDecodeError(`${err.reader ?? 'inputs'}: ${err.message}`, base + err.position);
      }
      throw err;
    }
  }

  private read(seats: readonly SeatState[]): void {
    const s = this.structure;
    const at = () => this.structureStart + s.pos;
    const n = s.varint();
    if (n > seats.length) throw new InputDecodeError(`${n} changed seats but only ${seats.length} are seated`, at());
    let index = -1;
    for (let e = 0; e < n; e++) {
      const where = at();
      const head = s.varint();
      const low = head % 8;
      index += Math.floor(head / 8) + 1;
      if (index >= seats.length) throw new InputDecodeError(`entry for seat ${index}, only ${seats.length} are seated`, where);
      const seat = seats[index]!;
      const offsetChanged = low % 2 === 1;
      const mode = Math.floor(low / 2);
      if (mode === MODE_SAME && !offsetChanged) throw new InputDecodeError(`entry for seat ${index} changes nothing`, where);
      if (offsetChanged) {
        const offset = seat.offset + this.offsets.zigzag();
        if (!Number.isSafeInteger(offset)) throw new InputDecodeError('render offset out of range', where);
        seat.offset = offset;
      }
      if (mode === MODE_DELTA || mode === MODE_DELTA_SAME_MASK) {
        let mask: number;
        if (mode === MODE_DELTA) {
          mask = s.varint();
          if (mask === 0 || mask >= 2 ** MAX_LEAVES) throw new InputDecodeError(`invalid leaf mask ${mask}`, where);
          this.masks[index] = mask;
        } else {
          mask = this.masks[index] ?? 0;
          if (mask === 0) throw new InputDecodeError(`seat ${index} repeats its leaf mask, but has none in this record`, where);
        }
        const prev = seat.payload;
        const v = this.values;
        if (Array.isArray(prev) && seat.encoded === null) {
          const next = prev.slice();
          applyDeltas(mask, next.length, where, (k) => {
            next[k] = leafPlus(next[k], v.zigzag(), where);
          });
          setPayload(seat, next);
        } else if (seat.keys !== null) {
          const keys = seat.keys;
          const next: Record<string, unknown> = { ...(prev as Record<string, unknown>) };
          applyDeltas(mask, keys.length, where, (k) => {
            next[keys[k]!] = leafPlus(next[keys[k]!], v.zigzag(), where);
          });
          setPayload(seat, next, keys);
        } else {
          throw new InputDecodeError(`leaf deltas for seat ${index}, whose payload is not a flat array or object`, where);
        }
      } else if (mode === MODE_FULL) {
        const length = s.varint();
        if (length > this.values.remaining) throw new InputDecodeError(`payload of ${length} bytes runs past the values`, where);
        let payload: unknown;
        try {
          payload = payloadDecoder.decode(this.values.bytes(length));
        } catch (err) {
          throw new InputDecodeError(`payload is not valid msgpack (${(err as Error).message})`, where);
        }
        setPayload(seat, payload);
      }
    }
  }
}

function applyDeltas(mask: number, leaves: number, at: number, apply: (k: number) => void): void {
  let rest = mask;
  for (let k = 0; rest > 0; k++) {
    const bit = rest % 2;
    rest = Math.floor(rest / 2);
    if (bit === 0) continue;
    if (k >= leaves) throw new InputDecodeError(`leaf ${k} changed but the payload has ${leaves}`, at);
    apply(k);
  }
}

function leafPlus(value: unknown, delta: number, at: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InputDecodeError('a delta applies to a leaf that is not an integer', at);
  const sum = value + delta;
  if (!Number.isSafeInteger(sum)) throw new InputDecodeError('a leaf delta leaves the safe integer range', at);
  return sum;
}

