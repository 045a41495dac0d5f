// Test oracle: SnapshotMirror as it was before its states became slot arrays (snapshot-mirror-state.ts),
// a straightforward Map-copying implementation kept unchanged so that the equivalence property test can
// compare every output of the optimized mirror, error messages included, with it. Not for production use.

import {
  DEFAULT_HISTORY_TICKS,
  HEADER_LENGTH,
  MAX_KIND,
  MAX_SNAPSHOT_LENGTH,
  popcount,
  predictValue,
  SECTION_CHANGES,
  SECTION_ENTERS,
  SECTION_EVENTS,
  SECTION_LEAVES,
} from './format.js';
import { MsgpackReader } from './msgpack-reader.js';
import { checkSchema, velocityIndices } from './schema-check.js';
import type { EntityState, FieldValue, GameEvent, ReplicationSchema } from './schema.js';
import { SnapshotError } from './snapshot-error.js';
import type { AppliedSnapshot, SnapshotMirrorOptions } from './snapshot-mirror.js';

const EMPTY_STATE: ReadonlyMap<number, EntityState> = new Map();

export class ReferenceSnapshotMirror {
  private readonly capacity: number;
  /** Per kind, per field: index of its velocity field or -1; empty for a kind that predicts nothing. */
  private readonly velocityOf: readonly Int8Array[];
  private readonly predicts: boolean;
  /** Received ticks ascending, their states (oldest first) and the lastInputSeq each carried. */
  private readonly ticks: number[] = [];
  private readonly states: ReadonlyMap<number, EntityState>[] = [];
  private readonly seqs: number[] = [];
  /** Scratch set of one apply(): the ids its sections named. */
  private readonly touched = new Set<number>();
  /** Ticks whose events were delivered and that a later delta may carry again (ascending). */
  private deliveredEventTicks: number[] = [];

  constructor(
    private readonly schema: ReplicationSchema,
    options: SnapshotMirrorOptions = {},
  ) {
    checkSchema(schema);
    this.capacity = options.historyTicks ?? DEFAULT_HISTORY_TICKS;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError('historyTicks must be >= 1');
    this.velocityOf = velocityIndices(schema);
    this.predicts = this.velocityOf.some((table) => table.length > 0);
  }

  /** Tick of the newest applied snapshot, -1 before the first. */
  get latestTick(): number {
    return this.ticks.length === 0 ? -1 : this.ticks[this.ticks.length - 1];
  }

  /** The state at latestTick. */
  get entities(): ReadonlyMap<number, EntityState> {
    return this.states.length === 0 ? EMPTY_STATE : this.states[this.states.length - 1];
  }

  /** The state at `tick` if it is one of the kept received ticks. */
  stateAt(tick: number): ReadonlyMap<number, EntityState> | undefined {
    const i = this.ticks.lastIndexOf(tick);
    return i < 0 ? undefined : this.states[i];
  }

  /**
   * Decodes and applies one snapshot. Returns null (and changes nothing) for a stale snapshot, one whose
   * tick is not newer than latestTick. Throws SnapshotError on malformed bytes, an unknown kind, wrong
   * field counts or types, inconsistent ids, or a baseline no longer held; the mirror is then unchanged.
   */
  apply(bytes: Uint8Array): AppliedSnapshot | null {
    const r = new MsgpackReader(bytes);
    const length = r.readArrayHeader('snapshot array');
    if (length < HEADER_LENGTH || length > MAX_SNAPSHOT_LENGTH) {
      throw new SnapshotError('malformed', `snapshot array has ${length} elements, expected 5..9`);
    }
    const tick = r.readUint('tick');
    const baselineOffset = r.readNil() ? null : r.readUint('baseline offset', tick);
    const seqField = r.readInt('lastInputSeq');
    const lastInputTick = tick - r.readInt('lastInputTick offset');
    const inputQueueDepth = r.readUint('inputQueueDepth');
    if (!Number.isSafeInteger(lastInputTick)) throw new SnapshotError('malformed', 'lastInputTick out of range');
    if (tick <= this.latestTick) return null;

    const baselineTick = baselineOffset === null ? null : tick - baselineOffset;
    let baseline = EMPTY_STATE;
    let lastInputSeq = seqField;
    if (baselineTick !== null) {
      const i = this.ticks.lastIndexOf(baselineTick);
      if (i < 0) {
        throw new SnapshotError(
          'missing-baseline',
          `snapshot ${tick} is a delta against tick ${baselineTick}, which this mirror does not hold ` +
            `(held: ${this.ticks.length === 0 ? 'none' : `${this.ticks[0]}..${this.latestTick}`})`,
        );
      }
      baseline = this.states[i];
      // A delta's lastInputSeq is relative to the one its baseline carried.
      lastInputSeq = this.seqs[i] + seqField;
      if (!Number.isSafeInteger(lastInputSeq)) throw new SnapshotError('malformed', 'lastInputSeq out of range');
    }

    // Copied with forEach: a Map's iterator would allocate an entry array per entity.
    const next = new Map<number, EntityState>();
    baseline.forEach((entity, id) => next.set(id, entity));
    // Velocity prediction first: every kept entity moves by its baseline velocity; the changes section
    // then carries residuals against these predicted values.
    if (baselineTick !== null && this.predicts) this.predict(baseline, next, tick - baselineTick);
    /** Ids the changes, enters or leaves sections named: each may appear once (enter + leave: kind change). */
    const touched = this.touched;
    touched.clear();
    const entered: number[] = [];
    const left: number[] = [];
    /** Ids entered while their baseline entity was still present: each must also leave (kind change). */
    let replaced: Map<number, boolean> | undefined;
    const events: { tick: number; event: GameEvent }[] = [];

    if (length > SECTION_CHANGES) this.readChanges(r, baseline, next, touched);
    if (length > SECTION_ENTERS) replaced = this.readEnters(r, baseline, next, touched, entered);
    if (length > SECTION_LEAVES) this.readLeaves(r, baseline, next, touched, left, replaced);
    if (length > SECTION_EVENTS) this.readEvents(r, tick, baselineTick, events);
    if (!r.atEnd) {
      throw new SnapshotError('malformed', `${bytes.length - r.pos} trailing bytes after the snapshot`);
    }
    if (replaced !== undefined) {
      for (const [id, resolved] of replaced) {
        if (!resolved) throw new SnapshotError('inconsistent', `entity ${id} entered while still present`);
      }
    }
    const changed: number[] = [];
    baseline.forEach((before, id) => {
      const now = next.get(id);
      if (now !== undefined && now !== before && replaced?.has(id) !== true) changed.push(id);
    });
    changed.sort((a, b) => a - b);

    // Valid: commit.
    if (baselineTick !== null) this.forgetBefore(baselineTick);
    this.ticks.push(tick);
    this.states.push(next);
    this.seqs.push(lastInputSeq);
    if (this.ticks.length > this.capacity) {
      this.ticks.shift();
      this.states.shift();
      this.seqs.shift();
    }
    this.rememberEvents(events);
    return {
      tick,
      baselineTick,
      lastInputSeq,
      lastInputTick,
      inputQueueDepth,
      entered,
      changed,
      left,
      events,
      state: next,
      bytes: bytes.length,
    };
  }

  /**
   * Drops the states older than `baselineTick`: the server's baseline for this client only moves forward
   * (it deltas against the newest tick the client acknowledged), so no later delta can name them. Keeps
   * the mirror to a round trip of states instead of historyTicks.
   */
  private forgetBefore(baselineTick: number): void {
    let drop = 0;
    while (drop < this.ticks.length && this.ticks[drop] < baselineTick) drop++;
    if (drop === 0) return;
    this.ticks.splice(0, drop);
    this.states.splice(0, drop);
    this.seqs.splice(0, drop);
  }

  /** Dead reckoning (format.ts predictValue): moves every baseline entity along its baseline velocity. */
  private predict(baseline: ReadonlyMap<number, EntityState>, next: Map<number, EntityState>, dt: number): void {
    baseline.forEach((before, id) => {
      const velocity = this.velocityOf[before.kind];
      if (velocity.length === 0) return;
      let values: FieldValue[] | null = null;
      for (let f = 0; f < velocity.length; f++) {
        const v = velocity[f];
        if (v < 0) continue;
        const base = before.values[f] as number;
        const predicted = predictValue(base, before.values[v] as number, dt);
        if (predicted === base) continue;
        values ??= before.values.slice();
        values[f] = predicted;
      }
      if (values !== null) next.set(id, { id, kind: before.kind, values });
    });
  }

  private readChanges(
    r: MsgpackReader,
    baseline: ReadonlyMap<number, EntityState>,
    next: Map<number, EntityState>,
    touched: Set<number>,
  ): void {
    const section = new SectionCounter('changes', r.readArrayHeader('changes section'));
    while (section.elements > 0) {
      const id = r.readInt('change id');
      const before = baseline.get(id);
      if (before === undefined) {
        throw new SnapshotError('inconsistent', `change of entity ${id}, absent from the baseline`);
      }
      if (touched.has(id)) throw new SnapshotError('inconsistent', `entity ${id} changed twice`);
      touched.add(id);
      const fields = this.schema.kinds[before.kind].fields;
      const mask = r.readUint('change mask', 0xffffffff);
      if (mask === 0 || mask >= 2 ** fields.length) {
        const message = `change mask ${mask} of entity ${id} does not fit its ${fields.length} fields`;
        throw new SnapshotError('malformed', message);
      }
      section.consume(2 + popcount(mask));
      // Start from the prediction (the baseline values where nothing is predicted). A predicted entity is
      // this apply's own new object: finished in place rather than copied again.
      const predicted = next.get(id) as EntityState;
      const values = predicted === before ? before.values.slice() : (predicted.values as FieldValue[]);
      let same = true;
      for (let f = 0; f < fields.length; f++) {
        if ((mask & (1 << f)) === 0) {
          if (values[f] !== before.values[f]) same = false;
          continue;
        }
        const field = fields[f];
        if (field.type === 'string') {
          values[f] = r.readString(`string field ${field.name} of entity ${id}`);
        } else {
          const value = r.readInt(`int field ${field.name} of entity ${id}`);
          // Delta: the difference from the baseline value, or from the prediction for a velocity field.
          values[f] = field.delta ? (values[f] as number) + value : value;
          if (!Number.isSafeInteger(values[f])) {
            const message = `delta of ${field.name} of entity ${id} leaves the safe integer range`;
            throw new SnapshotError('malformed', message);
          }
        }
        if (values[f] !== before.values[f]) same = false;
      }
      // A residual that cancels the prediction leaves the entity as it was: keep sharing the baseline object.
      next.set(id, same ? before : predicted === before ? { id, kind: before.kind, values } : predicted);
    }
  }

  private readEnters(
    r: MsgpackReader,
    baseline: ReadonlyMap<number, EntityState>,
    next: Map<number, EntityState>,
    touched: Set<number>,
    entered: number[],
  ): Map<number, boolean> | undefined {
    let replaced: Map<number, boolean> | undefined;
    const section = new SectionCounter('enters', r.readArrayHeader('enters section'));
    while (section.elements > 0) {
      const id = r.readInt('enter id');
      const kind = r.readUint('enter kind', MAX_KIND);
      const schema = this.schema.kinds[kind];
      if (schema === undefined) throw new SnapshotError('unknown-kind', `entity ${id} has unknown kind ${kind}`);
      if (touched.has(id)) throw new SnapshotError('inconsistent', `entity ${id} sent twice`);
      touched.add(id);
      if (baseline.has(id)) {
        // Only legal for an untouched baseline entity that the leaves section then drops (kind change).
        replaced ??= new Map();
        replaced.set(id, false);
      }
      section.consume(2 + schema.fields.length);
      const values: FieldValue[] = new Array<FieldValue>(schema.fields.length);
      for (let f = 0; f < schema.fields.length; f++) {
        const field = schema.fields[f];
        values[f] =
          field.type === 'string'
            ? r.readString(`string field ${field.name} of entity ${id}`)
            : r.readInt(`int field ${field.name} of entity ${id}`);
      }
      next.set(id, { id, kind, values });
      entered.push(id);
    }
    return replaced;
  }

  private readLeaves(
    r: MsgpackReader,
    baseline: ReadonlyMap<number, EntityState>,
    next: Map<number, EntityState>,
    touched: Set<number>,
    left: number[],
    replaced: Map<number, boolean> | undefined,
  ): void {
    const count = r.readArrayHeader('leaves section');
    for (let k = 0; k < count; k++) {
      const id = r.readInt('leave id');
      if (!baseline.has(id)) {
        throw new SnapshotError('inconsistent', `leave of entity ${id}, absent from the baseline`);
      }
      if (replaced?.get(id) === false) {
        replaced.set(id, true); // the entered entity stays, the baseline one is gone
      } else if (!touched.has(id)) {
        touched.add(id);
        next.delete(id);
      } else {
        throw new SnapshotError('inconsistent', `entity ${id} left after being changed or left`);
      }
      left.push(id);
    }
  }

  private readEvents(
    r: MsgpackReader,
    tick: number,
    baselineTick: number | null,
    events: { tick: number; event: GameEvent }[],
  ): void {
    const count = r.readArrayHeader('events section');
    if (count % 2 !== 0) throw new SnapshotError('malformed', `events section has an odd length ${count}`);
    // A delta carries the reliable events of (baseline, tick] and every event of its own commit; a full
    // snapshot the events of its own commit only. Either way a tick's events come all together (in the
    // snapshot of their commit) or as the same reliable subset each time, so de-duplication by tick is
    // exact: once a tick is delivered, later copies hold nothing new.
    const maxOffset = baselineTick === null ? tick : tick - baselineTick - 1;
    for (let k = 0; k < count; k += 2) {
      const eventTick = tick - r.readUint('event tick offset', maxOffset);
      const n = r.readArrayHeader('event');
      const event: FieldValue[] = new Array<FieldValue>(n);
      for (let v = 0; v < n; v++) event[v] = r.readValue('event value');
      if (!this.deliveredEventTicks.includes(eventTick)) events.push({ tick: eventTick, event });
    }
  }

  /** Records the ticks whose events were delivered and forgets those no held baseline can resend. */
  private rememberEvents(events: readonly { tick: number }[]): void {
    const oldestHeld = this.ticks[0];
    // A delta against baseline B carries events of ticks > B >= oldestHeld only.
    const kept = this.deliveredEventTicks.filter((t) => t > oldestHeld);
    for (const { tick } of events) if (tick > oldestHeld && !kept.includes(tick)) kept.push(tick);
    this.deliveredEventTicks = kept;
  }
}

/**
 * Counts down a flat section's elements by whole entities, so that a wrong field count is reported as
 * such instead of as a misread of whatever follows the section.
 */
class SectionCounter {
  constructor(
    private readonly name: string,
    public elements: number,
  ) {}

  consume(count: number): void {
    if (count > this.elements) {
      throw new SnapshotError('malformed', `${this.name} section ends in the middle of an entity`);
    }
    this.elements -= count;
  }
}
