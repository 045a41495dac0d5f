// The server's ring of recently committed ticks: the world view (the baselines deltas are computed
// against) and the game events of each, with the events pre-encoded once so they can be spliced into
// every snapshot that carries them.

import { MsgpackWriter } from './msgpack-writer.js';
import type { EntityView, GameEvent } from './schema.js';

export interface TickEvent {
  readonly tick: number;
  readonly event: GameEvent;
}

export class CommittedTick {
  /** Entities sorted by id, so index order is id order. */
  readonly views: readonly EntityView[];
  readonly indexById: ReadonlyMap<number, number>;
  readonly events: readonly TickEvent[];
  /** Each event's msgpack array, concatenated; event i spans eventEnds[i-1]..eventEnds[i]. */
  readonly eventBytes: Uint8Array;
  readonly eventEnds: Int32Array;
  /** 1 for an event of a reliable type (resent by later deltas until acknowledged), by event index. */
  readonly eventReliable: Uint8Array;
  /** How many events are reliable: what a later delta carries of this commit. */
  readonly reliableCount: number;

  constructor(
    readonly tick: number,
    /** Commit sequence number: consecutive commits differ by 1 even when ticks skip. */
    readonly seq: number,
    sortedViews: readonly EntityView[],
    events: readonly TickEvent[],
    writer: MsgpackWriter,
    isReliable: (event: GameEvent) => boolean,
  ) {
    this.views = sortedViews;
    const indexById = new Map<number, number>();
    for (let i = 0; i < sortedViews.length; i++) indexById.set(sortedViews[i].id, i);
    this.indexById = indexById;
    this.events = events;
    this.eventEnds = new Int32Array(events.length);
    this.eventReliable = new Uint8Array(events.length);
    let reliableCount = 0;
    writer.reset();
    for (let i = 0; i < events.length; i++) {
      const event = events[i].event;
      if (isReliable(event)) {
        this.eventReliable[i] = 1;
        reliableCount++;
      }
      writer.writeArrayHeader(event.length);
      for (const value of event) writer.writeValue(value);
      this.eventEnds[i] = writer.pos;
    }
    this.eventBytes = writer.toBytes();
    this.reliableCount = reliableCount;
  }
}

/** Fixed-capacity ring of the last `capacity` commits, looked up by tick. */
export class TickHistory {
  private readonly ring: (CommittedTick | undefined)[];
  private readonly byTick = new Map<number, CommittedTick>();
  private nextSeq = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<CommittedTick | undefined>(capacity).fill(undefined);
  }

  get latest(): CommittedTick | undefined {
    return this.nextSeq === 0 ? undefined : this.ring[(this.nextSeq - 1) % this.capacity];
  }

  /** The sequence number the next committed tick will get. */
  get seqOfNext(): number {
    return this.nextSeq;
  }

  push(committed: CommittedTick): void {
    const slot = committed.seq % this.capacity;
    const evicted = this.ring[slot];
    if (evicted !== undefined) this.byTick.delete(evicted.tick);
    this.ring[slot] = committed;
    this.byTick.set(committed.tick, committed);
    this.nextSeq = committed.seq + 1;
  }

  /** The commit of `tick`, if it is still in the ring. */
  get(tick: number): CommittedTick | undefined {
    return this.byTick.get(tick);
  }

  /** The commit with sequence number `seq`, if still in the ring. */
  bySeq(seq: number): CommittedTick | undefined {
    if (seq < 0 || seq >= this.nextSeq || seq < this.nextSeq - this.capacity) return undefined;
    return this.ring[seq % this.capacity];
  }
}
