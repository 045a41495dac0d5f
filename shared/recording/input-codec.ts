// The packed encoding of the inputs a room applied on each tick (the `inputs` bytes of a ticks record).
// Every seated player gets an input on every tick (its own, or the game's idle input), so most of a tick
// repeats the previous one: only seats whose payload or render offset changed are written, and a payload
// that is a flat array or plain object of integers is written as the deltas of its changed leaves.
//
// The bytes are three streams, so that deflate sees the predictable structure apart from the values:
//   inputs    = varint structureLength, varint offsetsLength, structure, offsets, values
//   structure, per tick:
//     varint n                      seats that changed on this tick
//     n x (in seat order):
//       varint head = seatGap * 8 + payloadMode * 2 + offsetChanged
//           seatGap        seat index minus (previous entry's seat index + 1); the first entry: its index
//           payloadMode    0 same payload, 1 leaf deltas, 2 full payload (3 is invalid)
//           offsetChanged  1 when the render offset (tick - renderTick) changed
//       [payloadMode 1]  varint leafMask (bit k: leaf k changed)
//       [payloadMode 2]  varint byteLength of the payload's msgpack in `values`
//   offsets:  per entry with offsetChanged, zigzag varint (new offset - previous offset)
//   values:   per entry with payloadMode 1, per set bit ascending, zigzag varint (new leaf - old leaf);
//             per entry with payloadMode 2, the payload's msgpack
// Leaves: a flat array's elements, or a flat plain object's values in key order (Object.keys).
//
// A seat's baseline is what it was applied on the previous tick; a seat that just joined starts from
// payload nil, render offset 0. A keyframe restates every seat's baseline.
//
// Payloads must be treated as immutable after they were applied (the server's are: parseInput and
// idleInput return fresh values), since the recorder encodes them after the tick.

import { Decoder, Encoder } from '@msgpack/msgpack';
import { ByteReadError, ByteReader, ByteWriter, MAX_ZIGZAG_MAGNITUDE } from './bytes.js';

/** Most leaves a payload may have to be delta-coded (the leaf mask is a 30-bit varint). */
export const MAX_LEAVES = 30;

const MODE_SAME = 0;
const MODE_DELTA = 1;
const MODE_FULL = 2;

const payloadEncoder = new Encoder({ ignoreUndefined: true });
// msgpack writes -0 as the integer 0; a payload holding a -0 is written with every number as float64.
const floatPayloadEncoder = new Encoder({ ignoreUndefined: true, forceIntegerToFloat: true });

function hasNegativeZero(v: unknown): boolean {
  if (typeof v === 'number') return Object.is(v, -0);
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return false;
  for (const item of Array.isArray(v) ? v : Object.values(v)) if (hasNegativeZero(item)) return true;
  return false;
}

/** The msgpack of a payload, exact to the bit (-0 included). */
function encodePayload(v: unknown): Uint8Array {
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

// Scratch state of the payload comparison (one tick is encoded at a time).
const deltas: number[] = new Array<number>(MAX_LEAVES).fill(0);
let deltaCount = 0;
let deltaMask = 0;

/**
 * Compares a seat's baseline with the payload applied now: MODE_SAME (structurally equal), MODE_DELTA
 * (same flat shape, only integer leaves changed: deltas/deltaCount/deltaMask are set) or MODE_FULL.
 */
function comparePayload(seat: SeatState, cur: unknown): number {
  const prev = seat.payload;
  deltaCount = 0;
  deltaMask = 0;
  if (seat.keys !== null) {
    // Flat plain object: same keys in the same order, integer changes only.
    if (typeof cur !== 'object' || cur === null || Object.getPrototypeOf(cur) !== Object.prototype) return MODE_FULL;
    const keys = seat.keys;
    const a = prev as Record<string, unknown>;
    const b = cur as Record<string, unknown>;
    let k = 0;
    for (const key in b) {
      if (k >= keys.length || keys[k] !== key) return MODE_FULL;
      const x = a[key];
      const y = b[key];
      if (x !== y || !Object.is(x, y)) {
        const d = intDelta(x, y);
        if (d === null) return MODE_FULL;
        deltaMask += 2 ** k;
        deltas[deltaCount++] = d;
      }
      k++;
    }
    if (k !== keys.length) return MODE_FULL;
    return deltaCount === 0 ? MODE_SAME : MODE_DELTA;
  }
  if (seat.encoded === null && Array.isArray(prev)) {
    // Flat array: same length, integer changes only.
    if (!Array.isArray(cur) || cur.length !== prev.length) return MODE_FULL;
    for (let k = 0; k < cur.length; k++) {
      const x: unknown = prev[k];
      const y: unknown = cur[k];
      if (x === y && Object.is(x, y)) continue;
      const d = intDelta(x, y);
      if (d === null) return MODE_FULL;
      deltaMask += 2 ** k;
      deltas[deltaCount++] = d;
    }
    return deltaCount === 0 ? MODE_SAME : MODE_DELTA;
  }
  return MODE_FULL;
}

/** Packs ticks of applied inputs into the `inputs` bytes of one ticks record. */
export class InputsEncoder {
  private readonly structure = new ByteWriter(1024);
  private readonly offsets = new ByteWriter(256);
  private readonly values = new ByteWriter(2048);
  private readonly scratch = new ByteWriter(256);

  reset(): void {
    this.structure.reset();
    this.offsets.reset();
    this.values.reset();
  }

  /**
   * Appends one tick and advances the seats' baselines. `applied` must list exactly the seats, in seat
   * order (Room.step does); a mismatch throws (the recording would not replay).
   */
  encodeTick(tick: number, applied: readonly AppliedInputLike[], seats: readonly SeatState[]): void {
    const count = seats.length;
    if (applied.length !== count) {
      throw new Error(`tick ${tick}: ${applied.length} inputs applied but ${count} seats recorded`);
    }
    const out = this.structure;
    const offsets = this.offsets;
    const values = this.values;
    // The number of entries comes first: reserve its byte when it fits in one, else write entries aside.
    const inline = count < 0x80;
    const countAt = out.length;
    let w = out;
    if (inline) out.byte(0);
    else {
      this.scratch.reset();
      w = this.scratch;
    }
    let n = 0;
    let lastIndex = -1;
    for (let i = 0; i < count; i++) {
      const seat = seats[i]!;
      const input = applied[i]!;
      if (input.playerId !== seat.playerId) {
        throw new Error(`tick ${tick}: seat ${i} applied player ${input.playerId}, recorded seat is player ${seat.playerId}`);
      }
      const offset = tick - input.renderTick;
      const offsetChanged = offset !== seat.offset;
      const cur = input.payload;
      let mode = MODE_SAME;
      let full: Uint8Array | null = null;
      if (!Object.is(cur, seat.payload)) {
        mode = comparePayload(seat, cur);
        if (mode === MODE_FULL) {
          full = encodePayload(cur);
          if (seat.encoded !== null && bytesEqual(full, seat.encoded)) mode = MODE_SAME;
        }
      }
      if (mode !== MODE_SAME || offsetChanged) {
        n++;
        w.varint((i - lastIndex - 1) * 8 + mode * 2 + (offsetChanged ? 1 : 0));
        lastIndex = i;
        if (offsetChanged) offsets.zigzag(offset - seat.offset);
        if (mode === MODE_DELTA) {
          w.varint(deltaMask);
          for (let k = 0; k < deltaCount; k++) values.zigzag(deltas[k]!);
        } else if (mode === MODE_FULL) {
          w.varint(full!.length);
          values.bytes(full!);
        }
        seat.offset = offset;
      }
      if (!Object.is(cur, seat.payload)) {
        // A flat object keeps its (verified) key list; anything else is re-examined.
        if (mode !== MODE_FULL && seat.keys !== null) seat.payload = cur;
        else setPayload(seat, cur);
      }
    }
    if (inline) out.patch(countAt, n);
    else {
      out.varint(n);
      out.bytes(this.scratch.view());
    }
  }

  /** The packed bytes of the ticks encoded since the last reset. */
  finish(): Uint8Array {
    const head = new ByteWriter(16);
    head.varint(this.structure.length);
    head.varint(this.offsets.length);
    const out = new Uint8Array(head.length + this.structure.length + this.offsets.length + this.values.length);
    let at = 0;
    for (const part of [head.view(), this.structure.view(), this.offsets.view(), this.values.view()]) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
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
      if (mode === 3) throw new InputDecodeError('invalid payload mode 3', where);
      if (mode === MODE_SAME && !offsetChanged) throw new InputDecodeError(`entry for seat ${index} changes nothing`, where);
      if (offsetChanged) {
        const offset = seat.offset + this.offsets.zigzag();
        if (!Number.isSafeInteger(offset)) throw new InputDecodeError('render offset out of range', where);
        seat.offset = offset;
      }
      if (mode === MODE_DELTA) {
        const mask = s.varint();
        if (mask === 0 || mask >= 2 ** MAX_LEAVES) throw new InputDecodeError(`invalid leaf mask ${mask}`, where);
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

