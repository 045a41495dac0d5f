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

/** Change pieces of the current tick against one baseline, by view index of the current tick. */
export class DeltaCache {
  /** -1 until computed. */
  readonly offsets: Int32Array;
  /** 0 when the entity is unchanged. */
  readonly lengths: Int32Array;
  /** msgpack elements in the piece (2 + changed fields), or KIND_CHANGED. */
  readonly counts: Int8Array;

  constructor(
    readonly base: CommittedTick,
    size: number,
  ) {
    this.offsets = new Int32Array(size).fill(-1);
    this.lengths = new Int32Array(size);
    this.counts = new Int8Array(size);
  }
}

export class TickEncodingCache {
  readonly arena = new MsgpackWriter(8192);
  private current: CommittedTick | undefined;
  private enterOffsets = new Int32Array(0);
  private enterLengths = new Int32Array(0);
  private readonly deltas = new Map<number, DeltaCache>();
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
    this.deltas.clear();
    const n = tick.views.length;
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
    const view = this.tick().views[index];
    const w = this.arena;
    const start = w.pos;
    w.writeInt(view.id);
    w.writeInt(view.kind);
    for (const value of view.values) w.writeValue(value);
    this.enterOffsets[index] = start;
    this.enterLengths[index] = w.pos - start;
    return start;
  }

  enterLength(index: number): number {
    return this.enterLengths[index];
  }

  /** The change-piece table of the current tick against baseline `base` (created on first use). */
  deltaAgainst(base: CommittedTick): DeltaCache {
    let delta = this.deltas.get(base.tick);
    if (delta === undefined) {
      delta = new DeltaCache(base, this.tick().views.length);
      this.deltas.set(base.tick, delta);
    }
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
    const now = this.tick().views[index];
    const baseIndex = delta.base.indexById.get(now.id);
    if (baseIndex === undefined) throw new Error(`entity ${now.id} is not in baseline tick ${delta.base.tick}`);
    const before = delta.base.views[baseIndex];
    const w = this.arena;
    delta.offsets[index] = w.pos;
    delta.lengths[index] = 0;
    if (before.kind !== now.kind) {
      delta.counts[index] = KIND_CHANGED;
      return;
    }
    const velocity = this.velocityOf[now.kind];
    // Same object, nothing predicted: unchanged without comparing (a predicting kind may still move).
    if (before === now && velocity.length === 0) {
      delta.counts[index] = 0;
      return;
    }
    const fields = this.schema.kinds[now.kind].fields;
    const dt = this.tick().tick - delta.base.tick;
    const expected = this.expected;
    let mask = 0;
    let changed = 0;
    for (let f = 0; f < fields.length; f++) {
      const v = velocity.length === 0 ? -1 : velocity[f];
      const reference =
        v < 0 ? before.values[f] : predictValue(before.values[f] as number, before.values[v] as number, dt);
      expected[f] = reference;
      if (now.values[f] !== reference) {
        mask |= 1 << f;
        changed++;
      }
    }
    if (mask === 0) {
      delta.counts[index] = 0;
      return;
    }
    const start = w.pos;
    w.writeInt(now.id);
    w.writeInt(mask >>> 0);
    for (let f = 0; f < fields.length; f++) {
      if ((mask & (1 << f)) === 0) continue;
      const value = now.values[f];
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
