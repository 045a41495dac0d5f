// The entity state a SnapshotMirror hands out: an immutable ReadonlyMap<id, EntityState> built for the
// mirror's hot path. A JS Map would have to be copied entry by entry for every snapshot (a new hash table
// per snapshot: most of apply's time and allocation); here a state is an array of entity slots plus a
// layout (which id is in which slot, and an id-sorted index) that every state with the same ids shares,
// so a snapshot without enters or leaves costs one array copy. Iteration follows insertion order exactly
// as the Map the mirror used to build did: the baseline's order, dropped ids removed, new ids appended.

import type { EntityState } from './schema.js';
import { indexOfSorted } from './sorted-index.js';

/** Which id each slot holds (insertion order) and an index by id. Immutable; shared between states. */
export class EntityLayout {
  static readonly EMPTY = new EntityLayout([], [], []);

  private constructor(
    /** Slot s holds id ids[s]. */
    readonly ids: readonly number[],
    /** The ids ascending... */
    readonly sortedIds: readonly number[],
    /** ...and the slot of each. */
    readonly sortedSlots: readonly number[],
  ) {}

  get size(): number {
    return this.ids.length;
  }

  /** The slot of `id`, or -1 (binary search; anything that is not one of the ids is absent, NaN included). */
  slotOf(id: number): number {
    const k = indexOfSorted(this.sortedIds, this.sortedIds.length, id);
    return k < 0 ? -1 : this.sortedSlots[k];
  }

  /**
   * The state whose entities are `kept` (one per slot of this layout; undefined: the id left) followed by
   * `added` (ids new to this layout, distinct), in that order.
   */
  static compose(base: EntityLayout, kept: readonly (EntityState | undefined)[], added: readonly EntityState[]): MirrorState {
    const ids: number[] = [];
    const slots: EntityState[] = [];
    /** New slot of each base slot, -1 where the id left. */
    const moved = new Array<number>(kept.length);
    for (let s = 0; s < kept.length; s++) {
      const entity = kept[s];
      if (entity === undefined) {
        moved[s] = -1;
        continue;
      }
      moved[s] = slots.length;
      ids.push(base.ids[s]);
      slots.push(entity);
    }
    const firstAdded = slots.length;
    for (const entity of added) {
      ids.push(entity.id);
      slots.push(entity);
    }
    // The id index: the base's (already sorted, minus what left) merged with the added ids sorted.
    const addedOrder = added.map((_, k) => firstAdded + k).sort((a, b) => ids[a] - ids[b]);
    const sortedIds: number[] = [];
    const sortedSlots: number[] = [];
    let j = 0;
    for (let k = 0; k < base.sortedSlots.length; k++) {
      const slot = moved[base.sortedSlots[k]];
      if (slot < 0) continue;
      const id = base.sortedIds[k];
      while (j < addedOrder.length && ids[addedOrder[j]] < id) {
        sortedIds.push(ids[addedOrder[j]]);
        sortedSlots.push(addedOrder[j++]);
      }
      sortedIds.push(id);
      sortedSlots.push(slot);
    }
    for (; j < addedOrder.length; j++) {
      sortedIds.push(ids[addedOrder[j]]);
      sortedSlots.push(addedOrder[j]);
    }
    return new MirrorState(new EntityLayout(ids, sortedIds, sortedSlots), slots);
  }
}

/** One received tick's entities. Nothing changes it once built: older states are the baselines of later ones. */
export class MirrorState implements ReadonlyMap<number, EntityState> {
  static readonly EMPTY = new MirrorState(EntityLayout.EMPTY, []);

  constructor(
    readonly layout: EntityLayout,
    /** The entity of each slot of `layout`. */
    readonly slots: readonly EntityState[],
  ) {}

  get size(): number {
    return this.slots.length;
  }

  get(id: number): EntityState | undefined {
    const slot = this.layout.slotOf(id);
    return slot < 0 ? undefined : this.slots[slot];
  }

  has(id: number): boolean {
    return this.layout.slotOf(id) >= 0;
  }

  forEach(callback: (entity: EntityState, id: number, map: ReadonlyMap<number, EntityState>) => void, thisArg?: unknown): void {
    const { ids } = this.layout;
    for (let s = 0; s < ids.length; s++) callback.call(thisArg, this.slots[s], ids[s], this);
  }

  values(): MapIterator<EntityState> {
    return this.slots.values();
  }

  keys(): MapIterator<number> {
    return this.layout.ids.values();
  }

  *entries(): MapIterator<[number, EntityState]> {
    const { ids } = this.layout;
    for (let s = 0; s < ids.length; s++) yield [ids[s], this.slots[s]];
  }

  [Symbol.iterator](): MapIterator<[number, EntityState]> {
    return this.entries();
  }
}
