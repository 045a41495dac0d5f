// Per client: which entity ids each snapshot sent to it contained, and the lastInputSeq its header
// carried, so that a delta against whichever snapshot it acknowledges knows what the client holds.
// Bounded by the tick ring (older records can no longer be baselines) and pruned below the
// acknowledged baseline.

const NONE: readonly number[] = [];

export class SentHistory {
  /** Ticks ascending, stored from `head` for `size` entries (circular). */
  private readonly ticks: Float64Array;
  private readonly idLists: (readonly number[])[];
  /** lastInputSeq sent with each tick; NaN once two encodings of the tick disagreed (see conflictSeq). */
  private readonly seqs: Float64Array;
  private head = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.ticks = new Float64Array(capacity);
    this.idLists = new Array<readonly number[]>(capacity).fill(NONE);
    this.seqs = new Float64Array(capacity);
  }

  get latestTick(): number {
    return this.size === 0 ? -1 : this.ticks[(this.head + this.size - 1) % this.capacity];
  }

  /** Records the ids (ascending; the list is kept, not copied) and lastInputSeq sent for `tick` (> latestTick). */
  record(tick: number, ids: readonly number[], lastInputSeq: number): void {
    if (this.size === this.capacity) this.dropOldest();
    const slot = (this.head + this.size) % this.capacity;
    this.ticks[slot] = tick;
    this.idLists[slot] = ids;
    this.seqs[slot] = lastInputSeq;
    this.size++;
  }

  idsAt(tick: number): readonly number[] | undefined {
    const slot = this.slotOf(tick);
    return slot < 0 ? undefined : this.idLists[slot];
  }

  /** The lastInputSeq sent with `tick`: undefined if not recorded, NaN if its encodings disagreed. */
  seqAt(tick: number): number | undefined {
    const slot = this.slotOf(tick);
    return slot < 0 ? undefined : this.seqs[slot];
  }

  /**
   * The latest tick was encoded again with another lastInputSeq: the client may apply either copy, so
   * the server no longer knows which seq it holds for that tick, and the tick must not become a baseline.
   */
  conflictSeq(tick: number): void {
    const slot = this.slotOf(tick);
    if (slot >= 0) this.seqs[slot] = NaN;
  }

  /** Forgets every record older than `tick`. */
  pruneBefore(tick: number): void {
    while (this.size > 0 && this.ticks[this.head] < tick) this.dropOldest();
  }

  clear(): void {
    while (this.size > 0) this.dropOldest();
  }

  /** Binary search over the circular, ascending ticks; -1 when absent. */
  private slotOf(tick: number): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const slot = (this.head + mid) % this.capacity;
      const t = this.ticks[slot];
      if (t === tick) return slot;
      if (t < tick) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private dropOldest(): void {
    this.idLists[this.head] = NONE;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }
}
