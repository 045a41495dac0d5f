// The client side of the snapshot codec: applies snapshots (docs/SNAPSHOT-SPEC.md) to a mirror of the
// entities the server replicates to this client.
//
// The mirror keeps the states of its recent snapshots because the server deltas against whichever one
// it last saw acknowledged. A delta first moves every kept entity by velocity prediction (format.ts
// predictValue, the rule the encoder used), then applies the residuals and changes on the wire. States are
// immutable: applying a snapshot builds a new state (snapshot-mirror-state.ts: an array of entity slots,
// not a Map to copy) that shares every unchanged EntityState object with its baseline, and its layout too
// when no id entered or left. Bytes are untrusted: everything is validated while decoding into the new
// state, and nothing is committed unless the whole snapshot is valid.

import { DEFAULT_HISTORY_TICKS, MAX_KIND, popcount, SECTION_CHANGES, SECTION_ENTERS, SECTION_EVENTS, SECTION_LEAVES } from './format.js';
import { MirrorBase } from './mirror-base.js';
import type { MsgpackReader } from './msgpack-reader.js';
import type { EntityState, FieldValue, GameEvent, ReplicationSchema } from './schema.js';
import { SnapshotError } from './snapshot-error.js';
import {
  consume,
  predictEntity,
  readChangedValues,
  readChangeMask,
  readEnteredValues,
} from './snapshot-decoding.js';
import { EntityLayout, MirrorState } from './snapshot-mirror-state.js';

export interface AppliedSnapshot {
  readonly tick: number;
  /** The tick the delta was applied to; null for a full snapshot. */
  readonly baselineTick: number | null;
  readonly lastInputSeq: number;
  readonly lastInputTick: number;
  readonly inputQueueDepth: number;
  /** Ids that entered (also an id whose entity was replaced by one of another kind: it is in `left` too). */
  readonly entered: readonly number[];
  /**
   * Ids kept from the baseline whose field values differ from the baseline's, ascending: those in the
   * changes section and those moved by velocity prediction alone.
   */
  readonly changed: readonly number[];
  /** Ids dropped from the baseline (out of interest or destroyed). */
  readonly left: readonly number[];
  /** Game events not delivered by an earlier snapshot, oldest tick first. */
  readonly events: readonly { readonly tick: number; readonly event: GameEvent }[];
  /** The entity state at `tick` (also `mirror.entities` from now on). */
  readonly state: ReadonlyMap<number, EntityState>;
  /** Size of the snapshot on the wire. */
  readonly bytes: number;
}

/** What a client needs of a mirror: SnapshotMirror, or a SightMirror (sight-mirror.ts) of a few entities. */
export interface SnapshotApplier {
  /** Tick of the newest applied snapshot, -1 before the first. */
  readonly latestTick: number;
  /** The entities at latestTick. */
  readonly entities: ReadonlyMap<number, EntityState>;
  /** The entities at `tick` if it is one of the kept received ticks. */
  stateAt(tick: number): ReadonlyMap<number, EntityState> | undefined;
  apply(bytes: Uint8Array): AppliedSnapshot | null;
}

export interface SnapshotMirrorOptions {
  /** Received states kept as possible baselines; at least the server's historyTicks. Default 64. */
  readonly historyTicks?: number;
}

/** What apply returns for an empty list: shared and frozen (most snapshots enter, leave and carry nothing). */
const NONE: readonly never[] = Object.freeze([]);

type TimedEvent = { readonly tick: number; readonly event: GameEvent };

/** What the enters section decoded: ids in section order, and which of them are new to the baseline. */
interface Enters {
  readonly entered: number[];
  /** Entities of ids the baseline does not hold, in section order: appended to the state. */
  readonly added: EntityState[];
  /** Ids entered while their baseline entity was still present: each must also leave (kind change). */
  readonly replaced: Map<number, boolean> | undefined;
}

export class SnapshotMirror extends MirrorBase<MirrorState> {
  private readonly predicts: boolean;
  /** Scratch set of one apply(): the ids its sections named. */
  private readonly touched = new Set<number>();
  /** Ticks whose events were delivered and that a later delta may carry again. */
  private readonly deliveredEventTicks: number[] = [];

  constructor(schema: ReplicationSchema, options: SnapshotMirrorOptions = {}) {
    super(schema, options.historyTicks ?? DEFAULT_HISTORY_TICKS, MirrorState.EMPTY);
    this.predicts = this.velocityOf.some((table) => table.length > 0);
  }

  /**
   * Decodes and applies one snapshot. Returns null (and changes nothing) for a stale snapshot, one whose
   * tick is not newer than latestTick. Throws SnapshotError on malformed bytes, an unknown kind, wrong
   * field counts or types, inconsistent ids, or a baseline no longer held; the mirror is then unchanged.
   */
  apply(bytes: Uint8Array): AppliedSnapshot | null {
    const start = this.begin(bytes);
    if (start === null) return null;
    const { r, baseline } = start;
    const { length, tick, baselineTick } = start.header;

    // The new state's entity for each baseline slot (undefined once its id leaves), the baseline's object
    // until something changes it: unchanged entities stay shared with the baseline.
    const slots: (EntityState | undefined)[] = baseline.slots.slice();
    // Velocity prediction first: every kept entity moves by its baseline velocity; the changes section
    // then carries residuals against these predicted values.
    if (baselineTick !== null && this.predicts) this.predict(baseline.slots, slots, tick - baselineTick);
    /** Ids the changes, enters or leaves sections named: each may appear once (enter + leave: kind change). */
    const touched = this.touched;
    if (touched.size > 0) touched.clear();

    if (length > SECTION_CHANGES) this.readChanges(r, baseline, slots, touched);
    const enters = length > SECTION_ENTERS ? this.readEnters(r, baseline, slots, touched) : null;
    const replaced = enters?.replaced;
    const left = length > SECTION_LEAVES ? this.readLeaves(r, baseline, slots, touched, replaced) : NONE;
    const events = length > SECTION_EVENTS ? this.readEvents(r, tick, baselineTick) : NONE;
    if (!r.atEnd) {
      throw new SnapshotError('malformed', `${bytes.length - r.pos} trailing bytes after the snapshot`);
    }
    if (replaced !== undefined) {
      for (const [id, resolved] of replaced) {
        if (!resolved) throw new SnapshotError('inconsistent', `entity ${id} entered while still present`);
      }
    }
    const changed = changedIds(baseline, slots, replaced);
    // Every leave either dropped an id or resolved a kind change (which keeps the id in its slot).
    const added = enters?.added ?? NONE;
    const next =
      added.length === 0 && left.length === (replaced?.size ?? 0)
        ? new MirrorState(baseline.layout, slots as EntityState[])
        : EntityLayout.compose(baseline.layout, slots, added);

    // Valid: commit.
    const entered = enters === null || enters.entered.length === 0 ? NONE : enters.entered;
    const applied = this.commit(start, next, entered, changed, left, events, bytes.length);
    this.rememberEvents(events);
    return applied;
  }

  /** Dead reckoning (format.ts predictValue): moves every baseline entity along its baseline velocity. */
  private predict(baseline: readonly EntityState[], next: (EntityState | undefined)[], dt: number): void {
    for (let s = 0; s < baseline.length; s++) {
      const before = baseline[s];
      const velocity = this.velocityOf[before.kind];
      if (velocity.length === 0) continue;
      const predicted = predictEntity(velocity, before, dt);
      if (predicted !== null) next[s] = predicted;
    }
  }

  private readChanges(r: MsgpackReader, baseline: MirrorState, next: (EntityState | undefined)[], touched: Set<number>): void {
    let elements = r.readArrayHeader('changes section');
    while (elements > 0) {
      const id = r.readInt('change id');
      const slot = baseline.layout.slotOf(id);
      if (slot < 0) {
        throw new SnapshotError('inconsistent', `change of entity ${id}, absent from the baseline`);
      }
      if (touched.has(id)) throw new SnapshotError('inconsistent', `entity ${id} changed twice`);
      touched.add(id);
      const before = baseline.slots[slot];
      const fields = this.schema.kinds[before.kind].fields;
      const mask = readChangeMask(r, fields, id);
      elements = consume('changes', elements, 2 + popcount(mask));
      // Start from the prediction (the baseline values where nothing is predicted). A predicted entity is
      // this apply's own new object: finished in place rather than copied again.
      const predicted = next[slot] as EntityState;
      const values = predicted === before ? before.values.slice() : (predicted.values as FieldValue[]);
      const same = readChangedValues(r, fields, this.fieldNames[before.kind], id, mask, before, values);
      // A residual that cancels the prediction leaves the entity as it was: keep sharing the baseline object.
      next[slot] = same ? before : predicted === before ? { id, kind: before.kind, values } : predicted;
    }
  }

  private readEnters(r: MsgpackReader, baseline: MirrorState, next: (EntityState | undefined)[], touched: Set<number>): Enters | null {
    let elements = r.readArrayHeader('enters section');
    if (elements === 0) return null;
    const entered: number[] = [];
    const added: EntityState[] = [];
    let replaced: Map<number, boolean> | undefined;
    while (elements > 0) {
      const id = r.readInt('enter id');
      const kind = r.readUint('enter kind', MAX_KIND);
      const schema = this.schema.kinds[kind];
      if (schema === undefined) throw new SnapshotError('unknown-kind', `entity ${id} has unknown kind ${kind}`);
      if (touched.has(id)) throw new SnapshotError('inconsistent', `entity ${id} sent twice`);
      touched.add(id);
      const slot = baseline.layout.slotOf(id);
      if (slot >= 0) {
        // Only legal for an untouched baseline entity that the leaves section then drops (kind change).
        replaced ??= new Map();
        replaced.set(id, false);
      }
      elements = consume('enters', elements, 2 + schema.fields.length);
      const values = readEnteredValues(r, schema.fields, this.fieldNames[kind], id);
      const entity: EntityState = { id, kind, values };
      // A kind change keeps the id where it was (as Map.set of a present key does); a new id is appended.
      if (slot >= 0) next[slot] = entity;
      else added.push(entity);
      entered.push(id);
    }
    return { entered, added, replaced };
  }

  private readLeaves(
    r: MsgpackReader,
    baseline: MirrorState,
    next: (EntityState | undefined)[],
    touched: Set<number>,
    replaced: Map<number, boolean> | undefined,
  ): readonly number[] {
    const count = r.readArrayHeader('leaves section');
    if (count === 0) return NONE;
    const left: number[] = [];
    for (let k = 0; k < count; k++) {
      const id = r.readInt('leave id');
      const slot = baseline.layout.slotOf(id);
      if (slot < 0) {
        throw new SnapshotError('inconsistent', `leave of entity ${id}, absent from the baseline`);
      }
      if (replaced?.get(id) === false) {
        replaced.set(id, true); // the entered entity stays, the baseline one is gone
      } else if (!touched.has(id)) {
        touched.add(id);
        next[slot] = undefined;
      } else {
        throw new SnapshotError('inconsistent', `entity ${id} left after being changed or left`);
      }
      left.push(id);
    }
    return left;
  }

  private readEvents(r: MsgpackReader, tick: number, baselineTick: number | null): readonly TimedEvent[] {
    const count = r.readArrayHeader('events section');
    if (count % 2 !== 0) throw new SnapshotError('malformed', `events section has an odd length ${count}`);
    // A delta carries the reliable events of (baseline, tick] and every event of its own commit; a full
    // snapshot the events of its own commit only. Either way a tick's events come all together (in the
    // snapshot of their commit) or as the same reliable subset each time, so de-duplication by tick is
    // exact: once a tick is delivered, later copies hold nothing new.
    const maxOffset = baselineTick === null ? tick : tick - baselineTick - 1;
    let events: TimedEvent[] | null = null;
    for (let k = 0; k < count; k += 2) {
      const eventTick = tick - r.readUint('event tick offset', maxOffset);
      const n = r.readArrayHeader('event');
      const event: FieldValue[] = new Array<FieldValue>(n);
      for (let v = 0; v < n; v++) event[v] = r.readValue('event value');
      if (!this.deliveredEventTicks.includes(eventTick)) (events ??= []).push({ tick: eventTick, event });
    }
    return events ?? NONE;
  }

  /** Records the ticks whose events were delivered and forgets those no held baseline can resend. */
  private rememberEvents(events: readonly TimedEvent[]): void {
    const oldestHeld = this.received.oldestTick as number;
    // A delta against baseline B carries events of ticks > B >= oldestHeld only. Filtered in place.
    const delivered = this.deliveredEventTicks;
    let kept = 0;
    for (let i = 0; i < delivered.length; i++) if (delivered[i] > oldestHeld) delivered[kept++] = delivered[i];
    if (kept < delivered.length) delivered.length = kept;
    for (const { tick } of events) if (tick > oldestHeld && !delivered.includes(tick)) delivered.push(tick);
  }
}

/**
 * Ids kept from the baseline whose entity is no longer the baseline's object, ascending (the baseline's
 * id index is sorted): moved by prediction or changed. A kind change (entered and left) is not a change.
 */
function changedIds(baseline: MirrorState, next: readonly (EntityState | undefined)[], replaced: Map<number, boolean> | undefined): readonly number[] {
  const { sortedIds, sortedSlots } = baseline.layout;
  let changed: number[] | null = null;
  for (let k = 0; k < sortedSlots.length; k++) {
    const slot = sortedSlots[k];
    const now = next[slot];
    if (now === undefined || now === baseline.slots[slot] || replaced?.has(sortedIds[k]) === true) continue;
    (changed ??= []).push(sortedIds[k]);
  }
  return changed ?? NONE;
}
