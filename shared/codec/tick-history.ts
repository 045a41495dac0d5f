// The server's ring of recently committed ticks: the entity values (the baselines deltas are computed
// against) and the game events of each, with the events pre-encoded once so they can be spliced into
// every snapshot that carries them.
//
// Why flat and recycled: a commit lives as long as the ring keeps it (a few hundred ms to ~2 s), long
// enough for V8 to promote whatever it holds to the old generation. Kept as the game's view objects (an object and a values array per entity, a
// Map, three typed arrays per commit) that was ~7 KB of old-generation garbage per room per snapshot,
// which made the committed heap grow to several times the live one. Each slot of the ring is one
// CommittedTick whose arrays are overwritten by the commit that evicts it: nothing per entity or per
// commit is allocated once the arrays have grown to the room's size.

import { MsgpackWriter } from './msgpack-writer.js';
import { indexOfSorted } from './sorted-index.js';
import type { EntityView, FieldValue, GameEvent } from './schema.js';

export interface TickEvent {
  readonly tick: number;
  readonly event: GameEvent;
}

/** One commit: entities sorted by id (index order is id order) with their values, and its events. */
export class CommittedTick {
  tick = -1;
  /** Commit sequence number: consecutive commits differ by 1 even when ticks skip. */
  seq = -1;
  /** Entities in this commit. */
  count = 0;
  /** By entity index (ascending id). */
  ids = new Float64Array(0);
  kinds = new Uint8Array(0);
  /** Entity i's field values are values[valueStart[i] .. valueStart[i + 1]). */
  valueStart = new Int32Array(1);
  /** Every entity's values, flat (a reused array: writing a small integer or a string allocates nothing). */
  readonly values: FieldValue[] = [];
  eventCount = 0;
  /** By event index: the tick it happened at. */
  eventTicks = new Float64Array(0);
  /** Each event's msgpack array, concatenated in eventWriter.bytes; event i spans eventEnds[i-1]..eventEnds[i]. */
  eventEnds = new Int32Array(0);
  /** 1 for an event of a reliable type (resent by later deltas until acknowledged), by event index. */
  eventReliable = new Uint8Array(0);
  /** How many events are reliable: what a later delta carries of this commit. */
  reliableCount = 0;
  readonly eventWriter = new MsgpackWriter(64);

  get eventBytes(): Uint8Array {
    return this.eventWriter.bytes;
  }

  /** Overwrites this slot with a new commit (views sorted by id, already checked against the schema). */
  fill(
    tick: number,
    seq: number,
    sortedViews: readonly EntityView[],
    events: readonly TickEvent[],
    isReliable: (event: GameEvent) => boolean,
  ): void {
    this.tick = tick;
    this.seq = seq;
    const n = sortedViews.length;
    if (this.ids.length < n) {
      // The three arrays share one buffer: every room keeps several commits, each ArrayBuffer costs an object.
      const size = Math.max(n, this.ids.length * 2);
      const buffer = new ArrayBuffer(8 * size + 4 * (size + 1) + size);
      this.ids = new Float64Array(buffer, 0, size);
      this.valueStart = new Int32Array(buffer, 8 * size, size + 1);
      this.kinds = new Uint8Array(buffer, 8 * size + 4 * (size + 1), size);
    }
    const values = this.values;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const view = sortedViews[i];
      this.ids[i] = view.id;
      this.kinds[i] = view.kind;
      this.valueStart[i] = at;
      const own = view.values;
      for (let f = 0; f < own.length; f++) values[at++] = own[f];
    }
    this.valueStart[n] = at;
    this.count = n;

    const m = events.length;
    if (this.eventTicks.length < m) {
      const size = Math.max(m, this.eventTicks.length * 2);
      const buffer = new ArrayBuffer(8 * size + 4 * size + size);
      this.eventTicks = new Float64Array(buffer, 0, size);
      this.eventEnds = new Int32Array(buffer, 8 * size, size);
      this.eventReliable = new Uint8Array(buffer, 12 * size, size);
    }
    const writer = this.eventWriter;
    writer.reset();
    let reliableCount = 0;
    for (let i = 0; i < m; i++) {
      const { tick: eventTick, event } = events[i];
      this.eventTicks[i] = eventTick;
      const reliable = isReliable(event);
      this.eventReliable[i] = reliable ? 1 : 0;
      if (reliable) reliableCount++;
      writer.writeArrayHeader(event.length);
      for (let k = 0; k < event.length; k++) writer.writeValue(event[k]);
      this.eventEnds[i] = writer.pos;
    }
    this.eventCount = m;
    this.reliableCount = reliableCount;
  }

  /** The index of entity `id`, or -1 (binary search: ids ascend). */
  indexOf(id: number): number {
    return indexOfSorted(this.ids, this.count, id);
  }
}

/**
 * Ring of the last `capacity` commits, looked up by tick or sequence number. Commit `seq` lives in slot
 * `seq % capacity`; resize() changes the capacity (the replicator sizes it to how far behind its clients
 * acknowledge), keeping the newest commits that fit.
 */
export class TickHistory {
  private ring: CommittedTick[] = [];
  private nextSeq = 0;
  /** Sequence number of the oldest commit held (commits firstSeq..nextSeq-1 are in the ring). */
  private firstSeq = 0;

  constructor(private size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('capacity must be an integer >= 1');
  }

  /** How many commits the ring holds once full. */
  get capacity(): number {
    return this.size;
  }

  get latest(): CommittedTick | undefined {
    return this.nextSeq === 0 ? undefined : this.ring[(this.nextSeq - 1) % this.size];
  }

  /** The commit the next push() evicts (the oldest, once the ring is full), else undefined. */
  get evictedByNextPush(): CommittedTick | undefined {
    return this.nextSeq - this.firstSeq < this.size ? undefined : this.ring[this.firstSeq % this.size];
  }

  /** The sequence number the next committed tick will get. */
  get seqOfNext(): number {
    return this.nextSeq;
  }

  /**
   * Records the next commit in the slot of the oldest (which it evicts) and returns it. Ticks must
   * increase from one commit to the next (the caller checks).
   */
  push(tick: number, sortedViews: readonly EntityView[], events: readonly TickEvent[], isReliable: (event: GameEvent) => boolean): CommittedTick {
    const seq = this.nextSeq;
    const slot = seq % this.size;
    let committed = this.ring[slot];
    if (committed === undefined) {
      committed = new CommittedTick();
      this.ring[slot] = committed;
    }
    committed.fill(tick, seq, sortedViews, events, isReliable);
    this.nextSeq = seq + 1;
    this.firstSeq = Math.max(this.firstSeq, this.nextSeq - this.size);
    return committed;
  }

  /**
   * Holds up to `capacity` commits from now on. Growing keeps every commit; shrinking keeps the newest
   * `capacity` and lets the older ones (and their slots' arrays) go.
   */
  resize(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer >= 1');
    const ring: CommittedTick[] = [];
    const first = Math.max(this.firstSeq, this.nextSeq - capacity);
    for (let seq = first; seq < this.nextSeq; seq++) ring[seq % capacity] = this.ring[seq % this.size];
    this.ring = ring;
    this.size = capacity;
    this.firstSeq = first;
  }

  /** The commit of `tick`, if it is still in the ring (binary search: ticks ascend with seq). */
  get(tick: number): CommittedTick | undefined {
    let lo = this.firstSeq;
    let hi = this.nextSeq - 1;
    while (lo <= hi) {
      const mid = lo + ((hi - lo) >>> 1);
      const committed = this.ring[mid % this.size];
      if (committed.tick === tick) return committed;
      if (committed.tick < tick) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The commit with sequence number `seq`, if still in the ring. */
  bySeq(seq: number): CommittedTick | undefined {
    if (seq < this.firstSeq || seq >= this.nextSeq) return undefined;
    return this.ring[seq % this.size];
  }
}
