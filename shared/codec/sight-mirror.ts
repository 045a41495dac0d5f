// A mirror of a few entities only: what a load-testing bot reads of each snapshot (its own player, the
// match) when it does not look at the rest of the world. It reads every byte of every snapshot, as the
// full SnapshotMirror does, but keeps, predicts and checks only the entities whose ids it is given: the
// others' values are skipped, never stored. A thousand bots in one process then do not walk a thousand
// copies of the world per tick (what the full mirror costs them is memory traffic, not decoding).
//
// What it returns is the full mirror's, restricted to the kept ids: the same ticks, baselines and input
// acknowledgement, entities equal in value (snapshot-mirror.equivalence.test.ts). What it gives up: game
// events (skipped, `events` is always empty), and the consistency checks that need the whole world (a
// change or leave of an id the baseline never had is not noticed unless the id is kept).

import { DEFAULT_HISTORY_TICKS, MAX_KIND, popcount, SECTION_CHANGES, SECTION_ENTERS, SECTION_EVENTS, SECTION_LEAVES } from './format.js';
import { MsgpackReader } from './msgpack-reader.js';
import { checkSchema, velocityIndices } from './schema-check.js';
import type { EntityState, ReplicationSchema } from './schema.js';
import { SnapshotError } from './snapshot-error.js';
import {
  consume,
  fieldNames,
  predictEntity,
  readChangedValues,
  readChangeMask,
  readEnteredValues,
  readHeader,
  skipValues,
} from './snapshot-decoding.js';
import type { AppliedSnapshot, SnapshotApplier } from './snapshot-mirror.js';

const NONE: readonly never[] = Object.freeze([]);
const EMPTY: ReadonlyMap<number, EntityState> = new Map();

export class SightMirror implements SnapshotApplier {
  private readonly velocityOf: readonly Int8Array[];
  private readonly fieldNames: readonly (readonly string[])[];
  /** Received ticks ascending, the kept entities at each and the lastInputSeq each carried. */
  private readonly ticks: number[] = [];
  private readonly states: Map<number, EntityState>[] = [];
  private readonly seqs: number[] = [];

  constructor(
    private readonly schema: ReplicationSchema,
    /** The ids it keeps. */
    private readonly kept: ReadonlySet<number>,
    private readonly historyTicks: number = DEFAULT_HISTORY_TICKS,
  ) {
    checkSchema(schema);
    if (!Number.isInteger(historyTicks) || historyTicks < 1) throw new RangeError('historyTicks must be >= 1');
    this.velocityOf = velocityIndices(schema);
    this.fieldNames = fieldNames(schema.kinds);
  }

  get latestTick(): number {
    return this.ticks.length === 0 ? -1 : this.ticks[this.ticks.length - 1];
  }

  /** The kept entities at latestTick. */
  get entities(): ReadonlyMap<number, EntityState> {
    return this.states.length === 0 ? EMPTY : this.states[this.states.length - 1];
  }

  stateAt(tick: number): ReadonlyMap<number, EntityState> | undefined {
    const i = this.ticks.lastIndexOf(tick);
    return i < 0 ? undefined : this.states[i];
  }

  apply(bytes: Uint8Array): AppliedSnapshot | null {
    const r = new MsgpackReader(bytes);
    const { length, tick, baselineTick, seqField, lastInputTick, inputQueueDepth } = readHeader(r);
    if (tick <= this.latestTick) return null;
    let baseline = EMPTY;
    let lastInputSeq = seqField;
    if (baselineTick !== null) {
      const i = this.ticks.lastIndexOf(baselineTick);
      if (i < 0) throw new SnapshotError('missing-baseline', `snapshot ${tick} is a delta against tick ${baselineTick}, which this mirror does not hold`);
      baseline = this.states[i];
      lastInputSeq = this.seqs[i] + seqField;
      if (!Number.isSafeInteger(lastInputSeq)) throw new SnapshotError('malformed', 'lastInputSeq out of range');
    }
    const next = new Map<number, EntityState>();
    const changed: number[] = [];
    for (const [id, before] of baseline) {
      const velocity = this.velocityOf[before.kind];
      const predicted = baselineTick !== null && velocity.length > 0 ? predictEntity(velocity, before, tick - baselineTick) : null;
      next.set(id, predicted ?? before);
    }
    if (length > SECTION_CHANGES) this.readChanges(r, baseline, next);
    const entered = length > SECTION_ENTERS ? this.readEnters(r, next) : NONE;
    const left = length > SECTION_LEAVES ? this.readLeaves(r, baseline, next, entered) : NONE;
    if (length > SECTION_EVENTS) skipEvents(r);
    if (!r.atEnd) throw new SnapshotError('malformed', `${bytes.length - r.pos} trailing bytes after the snapshot`);
    // Changed: kept from the baseline (a kind change is an enter and a leave, not a change), not the same object.
    for (const [id, before] of baseline) {
      const now = next.get(id);
      if (now !== undefined && now !== before && !entered.includes(id)) changed.push(id);
    }
    changed.sort((a, b) => a - b);

    if (baselineTick !== null) {
      while (this.ticks.length > 0 && this.ticks[0] < baselineTick) this.forgetOldest();
    }
    this.ticks.push(tick);
    this.states.push(next);
    this.seqs.push(lastInputSeq);
    if (this.ticks.length > this.historyTicks) this.forgetOldest();
    return {
      tick,
      baselineTick,
      lastInputSeq,
      lastInputTick,
      inputQueueDepth,
      entered,
      changed: changed.length === 0 ? NONE : changed,
      left,
      events: NONE,
      state: next,
      bytes: bytes.length,
    };
  }

  private forgetOldest(): void {
    this.ticks.shift();
    this.states.shift();
    this.seqs.shift();
  }

  private readChanges(r: MsgpackReader, baseline: ReadonlyMap<number, EntityState>, next: Map<number, EntityState>): void {
    let elements = r.readArrayHeader('changes section');
    while (elements > 0) {
      const id = r.readInt('change id');
      if (!this.kept.has(id)) {
        // Not kept: only its mask says how many values follow.
        const mask = r.readUint('change mask', 0xffffffff);
        elements = consume('changes', elements, 2 + popcount(mask));
        skipValues(r, popcount(mask), 'change value');
        continue;
      }
      const before = baseline.get(id);
      if (before === undefined) throw new SnapshotError('inconsistent', `change of entity ${id}, absent from the baseline`);
      const fields = this.schema.kinds[before.kind].fields;
      const mask = readChangeMask(r, fields, id);
      elements = consume('changes', elements, 2 + popcount(mask));
      // Start from the prediction (the baseline's values where nothing is predicted).
      const values = (next.get(id) as EntityState).values.slice();
      const same = readChangedValues(r, fields, this.fieldNames[before.kind], id, mask, before, values);
      next.set(id, same ? before : { id, kind: before.kind, values });
    }
  }

  private readEnters(r: MsgpackReader, next: Map<number, EntityState>): readonly number[] {
    let elements = r.readArrayHeader('enters section');
    let entered: number[] | null = null;
    while (elements > 0) {
      const id = r.readInt('enter id');
      const kind = r.readUint('enter kind', MAX_KIND);
      const schema = this.schema.kinds[kind];
      if (schema === undefined) throw new SnapshotError('unknown-kind', `entity ${id} has unknown kind ${kind}`);
      elements = consume('enters', elements, 2 + schema.fields.length);
      if (!this.kept.has(id)) {
        skipValues(r, schema.fields.length, 'enter value');
        continue;
      }
      next.set(id, { id, kind, values: readEnteredValues(r, schema.fields, this.fieldNames[kind], id) });
      (entered ??= []).push(id);
    }
    return entered ?? NONE;
  }

  private readLeaves(r: MsgpackReader, baseline: ReadonlyMap<number, EntityState>, next: Map<number, EntityState>, entered: readonly number[]): readonly number[] {
    const count = r.readArrayHeader('leaves section');
    let left: number[] | null = null;
    for (let k = 0; k < count; k++) {
      const id = r.readInt('leave id');
      if (!this.kept.has(id)) continue;
      if (!baseline.has(id)) throw new SnapshotError('inconsistent', `leave of entity ${id}, absent from the baseline`);
      // A kind change enters the new entity and leaves the old one: the entered one stays.
      if (!entered.includes(id)) next.delete(id);
      (left ??= []).push(id);
    }
    return left ?? NONE;
  }
}

/** The events section, read and dropped: [tick offset, [values...]] pairs. */
function skipEvents(r: MsgpackReader): void {
  const count = r.readArrayHeader('events section');
  if (count % 2 !== 0) throw new SnapshotError('malformed', `events section has an odd length ${count}`);
  for (let k = 0; k < count; k += 2) {
    r.readUint('event tick offset');
    skipValues(r, r.readArrayHeader('event'), 'event value');
  }
}
