// Game events wait until the render clock reaches their tick, so an explosion or a kill-feed line shows
// up when the entities involved are drawn where it happened (remote entities are drawn in the past).

import type { GameEvent } from '../codec/schema.js';

export interface TimedEvent {
  readonly tick: number;
  readonly event: GameEvent;
}

export class EventTimeline {
  private queue: TimedEvent[] = [];

  constructor(private readonly capacity = 4096) {}

  get size(): number {
    return this.queue.length;
  }

  /** Adds events (any order); ties keep arrival order. */
  push(events: readonly TimedEvent[]): void {
    for (const e of events) {
      let i = this.queue.length;
      while (i > 0 && this.queue[i - 1].tick > e.tick) i--;
      this.queue.splice(i, 0, e);
    }
    if (this.queue.length > this.capacity) this.queue.splice(0, this.queue.length - this.capacity);
  }

  /** Removes and returns the events whose tick is <= renderTick, oldest first. */
  release(renderTick: number): TimedEvent[] {
    let n = 0;
    while (n < this.queue.length && this.queue[n].tick <= renderTick) n++;
    return n === 0 ? [] : this.queue.splice(0, n);
  }

  clear(): void {
    this.queue = [];
  }
}
