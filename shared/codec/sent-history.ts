// Per client: which entity ids each snapshot sent to it contained, so that a delta against whichever
// snapshot it acknowledges knows what the client holds. Bounded by the tick ring (older records can no
// longer be baselines) and pruned below the acknowledged baseline.

const NONE: readonly number[] = [];

export class SentHistory {
  /** Ticks ascending, stored from `head` for `size` entries (circular). */
  private readonly ticks: Float64Array;
  private readonly idLists: (readonly number[])[];
  private head = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.ticks = new Float64Array(capacity);
    this.idLists = new Array<readonly number[]>(capacity).fill(NONE);
  }

  get latestTick(): number {
    return this.size === 0 ? -1 : this.ticks[(this.head + this.size - 1) % this.capacity];
  }

  /** Records the ids (ascending; the list is kept, not copied) sent for `tick` (> latestTick). */
  record(tick: number, ids: readonly number[]): void {
    if (this.size === this.capacity) this.dropOldest();
    const slot = (this.head + this.size) % this.capacity;
    this.ticks[slot] = tick;
    this.idLists[slot] = ids;
    this.size++;
  }

  idsAt(tick: number): readonly number[] | undefined {
    // Binary search over the circular, ascending ticks.
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const slot = (this.head + mid) % this.capacity;
      const t = this.ticks[slot];
      if (t === tick) return this.idLists[slot];
      if (t < tick) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Forgets every record older than `tick`. */
  pruneBefore(tick: number): void {
    while (this.size > 0 && this.ticks[this.head] < tick) this.dropOldest();
  }

  clear(): void {
    while (this.size > 0) this.dropOldest();
  }

  private dropOldest(): void {
    this.idLists[this.head] = NONE;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }
}
