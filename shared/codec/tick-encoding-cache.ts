// The per-tick cache of pre-encoded entity pieces that snapshots are spliced from.
//
// Only the latest committed tick is ever encoded, so one cache serves it and is reset on the next
// commit. All pieces live in one arena buffer (no allocation per entity) and are addressed by offset:
// - enter piece of entity i: [id, kind, value...]           encoded once per tick
// - change piece of entity i vs baseline B: [id, mask, value...] encoded once per (B, tick); an unchanged
//   entity has a zero-length piece and costs nothing on the wire. Velocity-predicted fields are compared
//   with (and sent relative to) their prediction from B's values and tick - B, which is also a function of
//   (B, tick) only, so the piece is the same for every client on that baseline.

import { predictValue } from './format.js';
import { MsgpackWriter } from './msgpack-writer.js';
import type { ReplicatorStats } from './replicator-stats.js';
import type { FieldValue, ReplicationSchema } from './schema.js';
import type { CommittedTick } from './tick-history.js';

/** `counts` value of an entity whose id now belongs to an entity of another kind (sent as leave + enter). */
export const KIND_CHANGED = -1;

/**
 * Change pieces of the current tick against one baseline, by entity index of the current tick. Pooled:
 * one per baseline in use, reused from tick to tick (sized to the largest tick seen).
 */
export class DeltaCache {
  base: CommittedTick | undefined;
  /** -1 until computed. */
  offsets = new Int32Array(0);
  /** 0 when the entity is unchanged. */
  lengths = new Int32Array(0);
  /** msgpack elements in the piece (2 + changed fields), or KIND_CHANGED. */
  counts = new Int8Array(0);

  /** Starts over for `base` with `size` entities in the current tick, none computed. */
  reset(base: CommittedTick, size: number): void {
    this.base = base;
    if (this.offsets.length < size) {
      const capacity = Math.max(size, this.offsets.length * 2);
      this.offsets = new Int32Array(capacity);
      this.lengths = new Int32Array(capacity);
      this.counts = new Int8Array(capacity);
    }
    this.offsets.fill(-1, 0, size);
  }
}

export class TickEncodingCache {
  /** Grows to what a tick's pieces need and stays there: every room has one, so it starts small. */
  readonly arena = new MsgpackWriter(1024);
  private current: CommittedTick | undefined;
  private enterOffsets = new Int32Array(0);
  private enterLengths = new Int32Array(0);
  /** The delta tables of the current tick (deltas[0, deltaCount)), then spare ones for reuse. */
  private readonly deltas: DeltaCache[] = [];
  private deltaCount = 0;
  /** Scratch: the reference value of each field (baseline value or prediction) of the entity being encoded. */
  private readonly expected: FieldValue[] = [];

  constructor(
    private readonly schema: ReplicationSchema,
    /** Per kind, per field: index of its velocity field or -1 (schema-check velocityIndices). */
    private readonly velocityOf: readonly Int8Array[],
    private readonly stats: ReplicatorStats,
  ) {}

  /** Starts caching for a newly committed tick, discarding the previous tick's pieces. */
  reset(tick: CommittedTick): void {
    this.current = tick;
    this.arena.reset();
    for (let d = 0; d < this.deltaCount; d++) this.deltas[d].base = undefined;
    this.deltaCount = 0;
    const n = tick.count;
    if (this.enterOffsets.length < n) {
      this.enterOffsets = new Int32Array(n * 2);
      this.enterLengths = new Int32Array(n * 2);
    }
    this.enterOffsets.fill(-1, 0, n);
  }

  /** Ensures the enter piece of entity `index` is encoded; returns its offset (length: enterLength). */
  enter(index: number): number {
    const cached = this.enterOffsets[index];
    if (cached >= 0) {
      this.stats.enterReused++;
      return cached;
    }
    this.stats.enterEncoded++;
    const now = this.tick();
    const w = this.arena;
    const start = w.pos;
    w.writeInt(now.ids[index]);
    w.writeInt(now.kinds[index]);
    const values = now.values;
    for (let k = now.valueStart[index], end = now.valueStart[index + 1]; k < end; k++) w.writeValue(values[k]);
    this.enterOffsets[index] = start;
    this.enterLengths[index] = w.pos - start;
    return start;
  }

  enterLength(index: number): number {
    return this.enterLengths[index];
  }

  /** The change-piece table of the current tick against baseline `base` (created on first use). */
  deltaAgainst(base: CommittedTick): DeltaCache {
    for (let d = 0; d < this.deltaCount; d++) {
      if (this.deltas[d].base === base) return this.deltas[d];
    }
    let delta = this.deltas[this.deltaCount];
    if (delta === undefined) {
      delta = new DeltaCache();
      this.deltas.push(delta);
    }
    this.deltaCount++;
    delta.reset(base, this.tick().count);
    return delta;
  }

  /**
   * Ensures the change piece of entity `index` (present in both ticks) against `delta.base` is
   * computed; read the result from delta.offsets/lengths/counts.
   */
  change(delta: DeltaCache, index: number): void {
    if (delta.offsets[index] >= 0) {
      this.stats.changeReused++;
      return;
    }
    this.stats.changeEncoded++;
    const now = this.tick();
    const base = delta.base;
    if (base === undefined) throw new Error('internal: a delta table of an earlier tick');
    const id = now.ids[index];
    const baseIndex = base.indexOf(id);
    if (baseIndex < 0) throw new Error(`entity ${id} is not in baseline tick ${base.tick}`);
    const w = this.arena;
    delta.offsets[index] = w.pos;
    delta.lengths[index] = 0;
    const kind = now.kinds[index];
    if (base.kinds[baseIndex] !== kind) {
      delta.counts[index] = KIND_CHANGED;
      return;
    }
    const velocity = this.velocityOf[kind];
    const fields = this.schema.kinds[kind].fields;
    const dt = now.tick - base.tick;
    const expected = this.expected;
    const nowValues = now.values;
    const nowStart = now.valueStart[index];
    const baseValues = base.values;
    const baseStart = base.valueStart[baseIndex];
    let mask = 0;
    let changed = 0;
    for (let f = 0; f < fields.length; f++) {
      const v = velocity.length === 0 ? -1 : velocity[f];
      const reference =
        v < 0
          ? baseValues[baseStart + f]
          : predictValue(baseValues[baseStart + f] as number, baseValues[baseStart + v] as number, dt);
      expected[f] = reference;
      if (nowValues[nowStart + f] !== reference) {
        mask |= 1 << f;
        changed++;
      }
    }
    if (mask === 0) {
      delta.counts[index] = 0;
      return;
    }
    const start = w.pos;
    w.writeInt(id);
    w.writeInt(mask >>> 0);
    for (let f = 0; f < fields.length; f++) {
      if ((mask & (1 << f)) === 0) continue;
      const value = nowValues[nowStart + f];
      // Delta fields are always sent as the difference from the baseline value or, for a velocity field,
      // from the prediction: one rule per field, no per-value flag on the wire.
      if (fields[f].delta) w.writeInt((value as number) - (expected[f] as number));
      else w.writeValue(value);
    }
    delta.offsets[index] = start;
    delta.lengths[index] = w.pos - start;
    delta.counts[index] = 2 + changed;
  }

  private tick(): CommittedTick {
    if (this.current === undefined) throw new Error('no tick committed yet');
    return this.current;
  }
}
