// Packs the inputs a room applies on each tick into the `inputs` bytes of a ticks record (the format is
// described in input-codec.ts). It runs inside every tick of every recorded room, so it is built for the
// common case, a flat array or plain object of numbers such as the arena's { keys, aim }:
//
// - Each seat's baseline for such a payload is kept as a row of numbers in one Float64Array (the
//   "leaf table"), beside plain arrays of player ids and render offsets. A tick then reads the fresh
//   payloads and a few contiguous cache lines, instead of chasing every seat's previous payload object,
//   which by then sits in old, cold memory (this was most of the recorder's cost in a live server).
// - Key lists are interned, so seats whose payloads have the same shape share one array.
// - Any other payload (nested, strings, booleans, null) is compared the general way, against its seat's
//   previous payload (SeatState, as the decoder keeps it).
// - When the game packs its inputs (GameDefinition.packInput), a seat whose payload it packs exactly as
//   the object reads is compared through the packer: a few field loads instead of walking the object.
//   This is most of the recorder's per-tick cost, so it matters.
//
// Payloads must not be mutated after they were applied (the server's are fresh values from parseInput
// and idleInput): a keyframe restates the last payload object of every seat.

import type { KeyframeSeat } from './format.js';
import {
  MAX_LEAVES,
  MODE_DELTA,
  MODE_DELTA_SAME_MASK,
  MODE_FULL,
  MODE_SAME,
  PayloadComparison,
  advanceSeat,
  encodePayload,
  newSeat,
  type AppliedInputLike,
  type SeatState,
} from './input-codec.js';
import { ByteWriter } from './bytes.js';

/** A seat whose payload is not a flat array or object of numbers (compared via its SeatState). */
const GENERAL = -1;

/** GameDefinition.packInput: an input's leaves into `out` from `at`; returns how many. */
export type InputPacker = (input: never, out: Float64Array, at: number) => number;

export class InputsEncoder {
  private readonly structure = new ByteWriter(1024);
  private readonly offsetsOut = new ByteWriter(256);
  private readonly values = new ByteWriter(2048);
  private readonly scratch = new ByteWriter(256);
  private readonly comparison = new PayloadComparison();

  // The seats, in seat order (parallel arrays).
  private readonly ids: number[] = [];
  private readonly names: string[] = [];
  /** tick - renderTick of each seat's last input. */
  private readonly offsets: number[] = [];
  /** Each seat's last applied payload (restated by keyframes). */
  private readonly payloads: unknown[] = [];
  /** Leaves of the payload in the leaf table, or GENERAL. */
  private readonly leafCounts: number[] = [];
  /** Interned key list of a flat object of numbers; null for an array (or GENERAL). */
  private readonly keyLists: (readonly string[] | null)[] = [];
  /** The general-case baseline of a GENERAL seat, else null. */
  private readonly general: (SeatState | null)[] = [];
  /** Each seat's last leaf mask written in this record (0: none yet), which mode 3 repeats. */
  private readonly masks: number[] = [];
  /** Whether the packer reads the seat's current payload shape exactly (then it is used to compare). */
  private readonly packed: boolean[] = [];
  private readonly packedLeaves = new Float64Array(MAX_LEAVES);
  private readonly pack: ((input: unknown, out: Float64Array, at: number) => number) | null;

  constructor(pack?: InputPacker) {
    this.pack = (pack as ((input: unknown, out: Float64Array, at: number) => number) | undefined) ?? null;
  }
  /** Row i * stride holds seat i's leaves. */
  private leaves = new Float64Array(64);
  private stride = 2;
  private readonly internedKeys = new Map<string, readonly string[]>();

  /** Seats a player: its baseline is payload nil, render offset 0 (as the decoder's join). */
  seat(playerId: number, name: string): void {
    this.ids.push(playerId);
    this.names.push(name);
    this.offsets.push(0);
    this.payloads.push(null);
    this.leafCounts.push(GENERAL);
    this.keyLists.push(null);
    this.general.push(newSeat(playerId, name));
    this.masks.push(0);
    this.packed.push(false);
    this.reserveRows(this.ids.length);
  }

  /** Removes a player's seat; the seats after it move up one place (as the decoder's leave). */
  unseat(playerId: number): void {
    const i = this.ids.indexOf(playerId);
    if (i < 0) throw new Error(`player ${playerId} is not seated`);
    const n = this.ids.length;
    this.leaves.copyWithin(i * this.stride, (i + 1) * this.stride, n * this.stride);
    for (const list of [this.ids, this.names, this.offsets, this.payloads, this.leafCounts, this.keyLists, this.general, this.masks, this.packed]) list.splice(i, 1);
  }

  /** Every seat's baseline, for a keyframe. */
  keyframeSeats(): KeyframeSeat[] {
    return this.ids.map((id, i) => [id, this.names[i]!, this.payloads[i], this.offsets[i]!] as const);
  }

  /** Starts a new record (whose decoder starts without leaf masks). */
  reset(): void {
    this.structure.reset();
    this.offsetsOut.reset();
    this.values.reset();
    this.masks.fill(0);
  }

  /**
   * Appends one tick and advances the seats' baselines. `applied` must list exactly the seats, in seat
   * order (Room.step does); a mismatch throws (the recording would not replay).
   */
  encodeTick(tick: number, applied: readonly AppliedInputLike[]): void {
    const ids = this.ids;
    const count = ids.length;
    if (applied.length !== count) {
      throw new Error(`tick ${tick}: ${applied.length} inputs applied but ${count} seats recorded`);
    }
    // Locals: the loop calls out, so V8 would otherwise reload every field on every seat.
    const out = this.structure;
    const values = this.values;
    const offsetsOut = this.offsetsOut;
    const offsets = this.offsets;
    const payloads = this.payloads;
    const leafCounts = this.leafCounts;
    const keyLists = this.keyLists;
    const masks = this.masks;
    let stride = this.stride;
    const cmp = this.comparison;
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
      const input = applied[i]!;
      if (input.playerId !== ids[i]) {
        throw new Error(`tick ${tick}: seat ${i} applied player ${input.playerId}, recorded seat is player ${ids[i]}`);
      }
      const offset = tick - input.renderTick;
      const offsetChanged = offset !== offsets[i];
      const cur = input.payload;
      let mode = MODE_SAME;
      // Object.is: a payload -0 replaced by 0 is a change.
      const changed = !Object.is(cur, payloads[i]);
      const leafCount = leafCounts[i]!;
      if (changed) {
        if (leafCount === GENERAL) mode = cmp.compare(this.general[i]!, cur);
        else if (this.packed[i]) mode = this.comparePacked(cur, leafCount, i * stride);
        else {
          const keys = keyLists[i]!;
          mode = keys !== null ? this.compareObject(cur, keys, i * stride) : this.compareArray(cur, leafCount, i * stride);
        }
      }
      if (mode !== MODE_SAME || offsetChanged) {
        n++;
        const repeatsMask = mode === MODE_DELTA && cmp.mask === masks[i];
        w.varint((i - lastIndex - 1) * 8 + (repeatsMask ? MODE_DELTA_SAME_MASK : mode) * 2 + (offsetChanged ? 1 : 0));
        lastIndex = i;
        if (offsetChanged) {
          offsetsOut.zigzag(offset - offsets[i]!);
          offsets[i] = offset;
        }
        if (mode === MODE_DELTA) {
          if (!repeatsMask) {
            w.varint(cmp.mask);
            masks[i] = cmp.mask;
          }
          const deltas = cmp.deltas;
          for (let k = 0; k < cmp.count; k++) values.zigzag(deltas[k]!);
        } else if (mode === MODE_FULL) {
          const full = cmp.full ?? encodePayload(cur);
          w.varint(full.length);
          values.bytes(full);
        }
      }
      if (changed) {
        // A fast-path seat of the same shape only needs its payload (its leaves were updated by the
        // comparison); anything else goes through setPayload.
        if (leafCount !== GENERAL && mode !== MODE_FULL) payloads[i] = cur;
        else {
          this.setPayload(i, cur, mode);
          stride = this.stride; // a wider payload re-lays the leaf table out
        }
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
    head.varint(this.offsetsOut.length);
    const out = new Uint8Array(head.length + this.structure.length + this.offsetsOut.length + this.values.length);
    let at = 0;
    for (const part of [head.view(), this.structure.view(), this.offsetsOut.view(), this.values.view()]) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  // ---- the flat-numbers fast path ----

  /** A plain object with the seat's keys in the same order, all numbers: SAME, DELTA or FULL. */
  private compareObject(cur: unknown, keys: readonly string[], row: number): number {
    const cmp = this.comparison;
    cmp.begin();
    if (typeof cur !== 'object' || cur === null || Object.getPrototypeOf(cur) !== Object.prototype) return MODE_FULL;
    const leaves = this.leaves;
    let k = 0;
    // for-in over an object of a known shape reads its fields through V8's enum cache (no lookups).
    for (const key in cur) {
      if (k >= keys.length || keys[k] !== key) return MODE_FULL;
      const y: unknown = (cur as Record<string, unknown>)[key];
      if (typeof y !== 'number' || !cmp.leaf(leaves[row + k]!, y, k)) return MODE_FULL;
      // The new baseline, written as it is read (a FULL result rewrites the whole row anyway).
      leaves[row + k] = y;
      k++;
    }
    return k === keys.length ? cmp.mode() : MODE_FULL;
  }

  /** Through the game's packer (verified for this seat's shape): SAME, DELTA or FULL. */
  private comparePacked(cur: unknown, leafCount: number, row: number): number {
    const cmp = this.comparison;
    cmp.begin();
    const packed = this.packedLeaves;
    if (typeof cur !== 'object' || cur === null) return MODE_FULL;
    let n: number;
    try {
      n = this.pack!(cur, packed, 0);
    } catch {
      return MODE_FULL; // not an input of the packer's shape: written in full, then examined
    }
    if (n !== leafCount) return MODE_FULL;
    const leaves = this.leaves;
    for (let k = 0; k < leafCount; k++) {
      const y = packed[k]!;
      if (!cmp.leaf(leaves[row + k]!, y, k)) return MODE_FULL;
      leaves[row + k] = y;
    }
    return cmp.mode();
  }

  /** An array of the seat's length, all numbers: SAME, DELTA or FULL. */
  private compareArray(cur: unknown, length: number, row: number): number {
    const cmp = this.comparison;
    cmp.begin();
    if (!Array.isArray(cur) || cur.length !== length) return MODE_FULL;
    const leaves = this.leaves;
    for (let k = 0; k < length; k++) {
      const y: unknown = cur[k];
      if (typeof y !== 'number' || !cmp.leaf(leaves[row + k]!, y, k)) return MODE_FULL;
      leaves[row + k] = y;
    }
    return cmp.mode();
  }

  /** Makes `cur` seat i's baseline after it was encoded with `mode`. */
  private setPayload(i: number, cur: unknown, mode: number): void {
    this.payloads[i] = cur;
    const leafCount = this.leafCounts[i]!;
    if (mode !== MODE_FULL) {
      // Same shape: a fast-path seat's leaves were updated by the comparison; a general seat advances
      // as the decoder's will.
      if (leafCount === GENERAL) advanceSeat(this.general[i]!, cur, mode);
      return;
    }
    const keys = numericObjectKeys(cur);
    const length = keys ? keys.length : numericArrayLength(cur);
    if (length < 0) {
      this.leafCounts[i] = GENERAL;
      this.keyLists[i] = null;
      this.packed[i] = false;
      const seat = this.general[i] ?? newSeat(this.ids[i]!, this.names[i]!);
      advanceSeat(seat, cur, MODE_FULL);
      this.general[i] = seat;
      return;
    }
    if (length > this.stride) this.widen(length);
    this.leafCounts[i] = length;
    this.keyLists[i] = keys ? this.intern(keys) : null;
    this.general[i] = null;
    this.writeLeaves(i, cur, length);
    this.packed[i] = this.packerAgrees(cur, i * this.stride, length);
  }

  /** Whether the game's packer gives exactly the leaves just read from `cur` (row `row`). */
  private packerAgrees(cur: unknown, row: number, length: number): boolean {
    if (this.pack === null) return false;
    let n: number;
    try {
      n = this.pack(cur, this.packedLeaves, 0);
    } catch {
      return false;
    }
    if (n !== length) return false;
    for (let k = 0; k < length; k++) if (!Object.is(this.packedLeaves[k], this.leaves[row + k])) return false;
    return true;
  }

  private writeLeaves(i: number, cur: unknown, length: number): void {
    const row = i * this.stride;
    const keys = this.keyLists[i];
    for (let k = 0; k < length; k++) {
      this.leaves[row + k] = (keys ? (cur as Record<string, number>)[keys[k]!] : (cur as number[])[k])!;
    }
  }

  private intern(keys: string[]): readonly string[] {
    const id = keys.join('\u0000');
    let interned = this.internedKeys.get(id);
    if (!interned) {
      interned = keys;
      this.internedKeys.set(id, interned);
    }
    return interned;
  }

  private reserveRows(rows: number): void {
    if (rows * this.stride <= this.leaves.length) return;
    const next = new Float64Array(Math.max(rows * this.stride, this.leaves.length * 2));
    next.set(this.leaves);
    this.leaves = next;
  }

  /** Re-lays the leaf table out with rows of at least `leaves` numbers. */
  private widen(leaves: number): void {
    const stride = Math.min(MAX_LEAVES, Math.max(leaves, this.stride * 2));
    const rows = this.ids.length;
    const next = new Float64Array(Math.max(64, rows * stride * 2));
    for (let r = 0; r < rows; r++) next.set(this.leaves.subarray(r * this.stride, r * this.stride + this.stride), r * stride);
    this.leaves = next;
    this.stride = stride;
  }
}

/** Keys of a plain object (Object.prototype) of at most MAX_LEAVES numbers, else null. */
function numericObjectKeys(v: unknown): string[] | null {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return null;
  const keys = Object.keys(v);
  if (keys.length > MAX_LEAVES) return null;
  for (const k of keys) if (typeof (v as Record<string, unknown>)[k] !== 'number') return null;
  return keys;
}

/** Length of an array of at most MAX_LEAVES numbers (no holes), else -1. */
function numericArrayLength(v: unknown): number {
  if (!Array.isArray(v) || v.length > MAX_LEAVES) return -1;
  for (let k = 0; k < v.length; k++) if (typeof v[k] !== 'number') return -1;
  return v.length;
}
