// A mirror of some entities only: what a load-testing bot reads of each snapshot (its own player and the
// match; or the players, not their scoreboard entries or the projectiles) when it does not look at the
// rest of the world. It reads every byte of every snapshot, as the full SnapshotMirror does, but keeps,
// predicts and checks only the entities of the ids and kinds it is given (decided when an entity enters:
// later changes and leaves follow what it kept); the others' values are skipped, never stored. A thousand
// bots in one process then do not walk a thousand copies of the world per tick (what the full mirror
// costs them is memory traffic, not decoding).
//
// What it returns is the full mirror's, restricted to the kept entities: the same ticks, baselines and
// input acknowledgement, entities equal in value (snapshot-mirror.equivalence.test.ts), and the same checks
// of everything it holds. What it gives up: game events (read, then dropped: `events` is always empty), the
// checks that need the whole world (a change or leave of an id it does not hold is taken for one it did not
// keep, whose values it skips), and the full mirror's slot order in one case (an id whose entity it did not
// keep changing into a kind it keeps is appended).

import { DEFAULT_HISTORY_TICKS, MAX_KIND, popcount, SECTION_CHANGES, SECTION_ENTERS, SECTION_EVENTS, SECTION_LEAVES } from './format.js';
import { MirrorBase } from './mirror-base.js';
import type { MsgpackReader } from './msgpack-reader.js';
import type { EntityState, ReplicationSchema } from './schema.js';
import { SnapshotError } from './snapshot-error.js';
import {
  consume,
  predictEntity,
  readChangedValues,
  readChangeMask,
  readEnteredValues,
  skipValues,
} from './snapshot-decoding.js';
import type { AppliedSnapshot } from './snapshot-mirror.js';

/** The entities a SightMirror keeps: these ids, and every entity of these kinds. */
export interface Sight {
  readonly ids?: readonly number[];
  readonly kinds?: readonly number[];
}

const NONE: readonly never[] = Object.freeze([]);

export class SightMirror extends MirrorBase<SightState> {
  private readonly keptIds: ReadonlySet<number>;
  private readonly keptKinds: ReadonlySet<number>;
  /** Scratch set of one apply(): the held or kept ids its sections named (each may appear once, enter + leave: kind change). */
  private readonly touched = new Set<number>();
  /** Scratch map of one apply(): held ids entered again (a kind change), true once their leave came. */
  private readonly replaced = new Map<number, boolean>();

  constructor(schema: ReplicationSchema, sight: Sight, historyTicks: number = DEFAULT_HISTORY_TICKS) {
    super(schema, historyTicks, SightState.EMPTY);
    this.keptIds = new Set(sight.ids);
    this.keptKinds = new Set(sight.kinds);
  }

  apply(bytes: Uint8Array): AppliedSnapshot | null {
    const start = this.begin(bytes);
    if (start === null) return null;
    const { r, baseline } = start;
    const { length, tick, baselineTick } = start.header;
    // The baseline's entities, moved by prediction; changes, enters and leaves then edit the list in place.
    const next = baseline.list.slice();
    if (baselineTick !== null) {
      for (let i = 0; i < next.length; i++) {
        const velocity = this.velocityOf[next[i].kind];
        if (velocity.length > 0) next[i] = predictEntity(velocity, next[i], tick - baselineTick) ?? next[i];
      }
    }
    if (this.touched.size > 0) this.touched.clear();
    if (this.replaced.size > 0) this.replaced.clear();
    if (length > SECTION_CHANGES) this.readChanges(r, baseline, next);
    // Changed: not the baseline's object (moved by prediction or changed), read while the list is still in
    // the baseline's order; an id that then leaves, or changes kind (an enter and a leave), is not a change.
    let changed: number[] | null = null;
    for (let i = 0; i < baseline.list.length; i++) if (next[i] !== baseline.list[i]) (changed ??= []).push(next[i].id);
    const entered = length > SECTION_ENTERS ? this.readEnters(r, baseline, next) : NONE;
    const left = length > SECTION_LEAVES ? this.readLeaves(r, baseline, next, entered) : NONE;
    if (length > SECTION_EVENTS) skipEvents(r, tick, baselineTick);
    if (!r.atEnd) throw new SnapshotError('malformed', `${bytes.length - r.pos} trailing bytes after the snapshot`);
    if (this.replaced.size > 0) {
      for (const [id, resolved] of this.replaced) {
        if (!resolved) throw new SnapshotError('inconsistent', `entity ${id} entered while still present`);
      }
    }
    if (changed !== null && left.length > 0) changed = changed.filter((id) => !left.includes(id));
    if (changed !== null && changed.length > 1) changed.sort((a, b) => a - b);
    const state = new SightState(next);

    return this.commit(start, state, entered, changed === null || changed.length === 0 ? NONE : changed, left, NONE, bytes.length);
  }

  private readChanges(r: MsgpackReader, baseline: SightState, next: EntityState[]): void {
    let elements = r.readArrayHeader('changes section');
    while (elements > 0) {
      const id = r.readInt('change id');
      // Changes come before enters and leaves: the list is still in the baseline's order.
      const at = indexOfId(baseline.list, id);
      if (at < 0) {
        // Not kept: only its mask says how many values follow.
        const mask = r.readUint('change mask', 0xffffffff);
        elements = consume('changes', elements, 2 + popcount(mask));
        skipValues(r, popcount(mask), 'change value');
        continue;
      }
      if (this.touched.has(id)) throw new SnapshotError('inconsistent', `entity ${id} changed twice`);
      this.touched.add(id);
      const before = baseline.list[at];
      const fields = this.schema.kinds[before.kind].fields;
      const mask = readChangeMask(r, fields, id);
      elements = consume('changes', elements, 2 + popcount(mask));
      // Start from the prediction (the baseline's values where nothing is predicted).
      const values = next[at].values.slice();
      const same = readChangedValues(r, fields, this.fieldNames[before.kind], id, mask, before, values);
      next[at] = same ? before : { id, kind: before.kind, values };
    }
  }

  /** Enters: a kept one is added, or replaces the held entity of its id (a kind change, which `replaced` notes). */
  private readEnters(r: MsgpackReader, baseline: SightState, next: EntityState[]): readonly number[] {
    let elements = r.readArrayHeader('enters section');
    let entered: number[] | null = null;
    while (elements > 0) {
      const id = r.readInt('enter id');
      const kind = r.readUint('enter kind', MAX_KIND);
      const schema = this.schema.kinds[kind];
      if (schema === undefined) throw new SnapshotError('unknown-kind', `entity ${id} has unknown kind ${kind}`);
      const kept = this.keptIds.has(id) || this.keptKinds.has(kind);
      const held = baseline.has(id);
      if (kept || held) {
        if (this.touched.has(id)) throw new SnapshotError('inconsistent', `entity ${id} sent twice`);
        this.touched.add(id);
      }
      // Only legal for a held entity that the leaves section then drops (kind change).
      if (held) this.replaced.set(id, false);
      elements = consume('enters', elements, 2 + schema.fields.length);
      if (!kept) {
        skipValues(r, schema.fields.length, 'enter value');
        continue;
      }
      const entity: EntityState = { id, kind, values: readEnteredValues(r, schema.fields, this.fieldNames[kind], id) };
      // A kind change keeps the id where it was (as Map.set of a present key does); a new id is appended.
      if (held) next[indexOfId(next, id)] = entity;
      else next.push(entity);
      (entered ??= []).push(id);
    }
    return entered ?? NONE;
  }

  private readLeaves(r: MsgpackReader, baseline: SightState, next: EntityState[], entered: readonly number[]): readonly number[] {
    const count = r.readArrayHeader('leaves section');
    let left: number[] | null = null;
    for (let k = 0; k < count; k++) {
      const id = r.readInt('leave id');
      if (!baseline.has(id)) continue; // not held
      if (this.replaced.get(id) === false) {
        // A kind change: the old entity goes; the new one stays if it was kept (it took the old one's place).
        this.replaced.set(id, true);
        if (!entered.includes(id)) next.splice(indexOfId(next, id), 1);
      } else if (!this.touched.has(id)) {
        this.touched.add(id);
        next.splice(indexOfId(next, id), 1);
      } else {
        throw new SnapshotError('inconsistent', `entity ${id} left after being changed or left`);
      }
      (left ??= []).push(id);
    }
    return left ?? NONE;
  }
}

/** The events section, read (as SnapshotMirror checks it) and dropped: [tick offset, [values...]] pairs. */
function skipEvents(r: MsgpackReader, tick: number, baselineTick: number | null): void {
  const count = r.readArrayHeader('events section');
  if (count % 2 !== 0) throw new SnapshotError('malformed', `events section has an odd length ${count}`);
  const maxOffset = baselineTick === null ? tick : tick - baselineTick - 1;
  for (let k = 0; k < count; k += 2) {
    r.readUint('event tick offset', maxOffset);
    skipValues(r, r.readArrayHeader('event'), 'event value');
  }
}

/** The index of entity `id` in `list`, or -1: a few entities, searched in order. */
function indexOfId(list: readonly EntityState[], id: number): number {
  for (let i = 0; i < list.length; i++) if (list[i].id === id) return i;
  return -1;
}

/** The kept entities at one tick, in arrival order: a few, so a list rather than a hash table. Immutable. */
class SightState implements ReadonlyMap<number, EntityState> {
  static readonly EMPTY = new SightState([]);

  constructor(readonly list: readonly EntityState[]) {}

  get size(): number {
    return this.list.length;
  }

  get(id: number): EntityState | undefined {
    const i = indexOfId(this.list, id);
    return i < 0 ? undefined : this.list[i];
  }

  has(id: number): boolean {
    return indexOfId(this.list, id) >= 0;
  }

  forEach(callback: (entity: EntityState, id: number, map: ReadonlyMap<number, EntityState>) => void, thisArg?: unknown): void {
    for (const entity of this.list) callback.call(thisArg, entity, entity.id, this);
  }

  values(): MapIterator<EntityState> {
    return this.list.values();
  }

  *keys(): MapIterator<number> {
    for (const entity of this.list) yield entity.id;
  }

  *entries(): MapIterator<[number, EntityState]> {
    for (const entity of this.list) yield [entity.id, entity];
  }

  [Symbol.iterator](): MapIterator<[number, EntityState]> {
    return this.entries();
  }
}
