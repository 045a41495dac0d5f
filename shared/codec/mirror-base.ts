// What every client-side mirror (snapshot-mirror.ts, sight-mirror.ts) does alike: check the schema, keep
// the received states as baselines (received-ticks.ts) and hand out the latest, and start an apply: the
// header, the stale check, the baseline and the absolute lastInputSeq. They differ in what a state holds.

import { MsgpackReader } from './msgpack-reader.js';
import { ReceivedTicks } from './received-ticks.js';
import { checkSchema, velocityIndices } from './schema-check.js';
import type { EntityState, ReplicationSchema } from './schema.js';
import { type DecodedHeader, fieldNames, readHeader } from './snapshot-decoding.js';
import type { AppliedSnapshot, SnapshotApplier } from './snapshot-mirror.js';

/** An apply under way: the reader past the header, the header, the baseline state and the absolute lastInputSeq. */
export interface ApplyStart<S> {
  readonly r: MsgpackReader;
  readonly header: DecodedHeader;
  readonly baseline: S;
  readonly lastInputSeq: number;
}

export abstract class MirrorBase<S extends ReadonlyMap<number, EntityState>> implements SnapshotApplier {
  /** Received ticks and their states: the possible baselines. */
  protected readonly received: ReceivedTicks<S>;
  /** Per kind, per field: index of its velocity field or -1; empty for a kind that predicts nothing. */
  protected readonly velocityOf: readonly Int8Array[];
  /** Per kind, per field: how the reader names the field in an error ("int field x"); the entity is added on error. */
  protected readonly fieldNames: readonly (readonly string[])[];

  constructor(
    protected readonly schema: ReplicationSchema,
    historyTicks: number,
    /** The state before any snapshot. */
    private readonly empty: S,
  ) {
    checkSchema(schema);
    this.received = new ReceivedTicks(historyTicks, empty);
    this.velocityOf = velocityIndices(schema);
    this.fieldNames = fieldNames(schema.kinds);
  }

  /** Tick of the newest applied snapshot, -1 before the first. */
  get latestTick(): number {
    return this.received.latestTick;
  }

  /** The state at latestTick. */
  get entities(): ReadonlyMap<number, EntityState> {
    return this.received.latest;
  }

  /** The state at `tick` if it is one of the kept received ticks. */
  stateAt(tick: number): ReadonlyMap<number, EntityState> | undefined {
    return this.received.stateAt(tick);
  }

  abstract apply(bytes: Uint8Array): AppliedSnapshot | null;

  /**
   * Reads the header of `bytes`: null for a stale snapshot (a tick not newer than latestTick); throws
   * SnapshotError on a malformed header or a baseline no longer held.
   */
  protected begin(bytes: Uint8Array): ApplyStart<S> | null {
    const r = new MsgpackReader(bytes);
    const header = readHeader(r);
    if (header.tick <= this.latestTick) return null;
    if (header.baselineTick === null) return { r, header, baseline: this.empty, lastInputSeq: header.seqField };
    const { state, lastInputSeq } = this.received.baseline(header.tick, header.baselineTick, header.seqField);
    return { r, header, baseline: state, lastInputSeq };
  }

  /** Keeps `state` as the state at the snapshot's tick (a possible baseline) and returns what apply() returns. */
  protected commit(
    start: ApplyStart<S>,
    state: S,
    entered: readonly number[],
    changed: readonly number[],
    left: readonly number[],
    events: AppliedSnapshot['events'],
    bytes: number,
  ): AppliedSnapshot {
    const { tick, baselineTick, lastInputTick, inputQueueDepth } = start.header;
    const lastInputSeq = start.lastInputSeq;
    this.received.push(tick, state, lastInputSeq, baselineTick);
    return { tick, baselineTick, lastInputSeq, lastInputTick, inputQueueDepth, entered, changed, left, events, state, bytes };
  }
}
