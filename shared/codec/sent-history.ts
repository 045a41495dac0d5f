// Per client: which entity ids each snapshot sent to it contained, and the lastInputSeq its header
// carried, so that a delta against whichever snapshot it acknowledges knows what the client holds.
// Bounded by the tick ring (older records can no longer be baselines) and pruned below the
// acknowledged baseline. The buffers start small and grow (up to the ring's size) only for a client
// whose acknowledgements lag: a client on time holds a few records, and so does its memory.

const NONE: readonly number[] = [];
/** Records a new client has room for before its buffers grow. */
const INITIAL_CAPACITY = 8;

export class SentHistory {
  /**
   * Per slot, the tick (at 2 * slot) and the lastInputSeq sent with it (at 2 * slot + 1; NaN once two
   * encodings of the tick disagreed, see conflictSeq): one array, not two, as every client has one.
   * Ticks ascend from `head` for `size` entries (circular, `capacity` slots).
   */
  private records: Float64Array;
  private idLists: (readonly number[])[];
  private capacity: number;
  private head = 0;
  private size = 0;

  /** `maxRecords`: the most records kept (the tick ring's size: older ones can no longer be baselines). */
  constructor(private readonly maxRecords: number) {
    this.capacity = Math.min(maxRecords, INITIAL_CAPACITY);
    this.records = new Float64Array(2 * this.capacity);
    this.idLists = new Array<readonly number[]>(this.capacity).fill(NONE);
  }

  /** Slots allocated (grows up to maxRecords while acknowledgements lag; for tests). */
  get allocated(): number {
    return this.capacity;
  }

  /** The oldest tick recorded (the acknowledged baseline, or the first sent after it), -1 when none. */
  get oldestTick(): number {
    return this.size === 0 ? -1 : this.records[2 * this.head];
  }

  get latestTick(): number {
    return this.size === 0 ? -1 : this.records[2 * ((this.head + this.size - 1) % this.capacity)];
  }

  /** Records the ids (ascending; the list is kept, not copied) and lastInputSeq sent for `tick` (> latestTick). */
  record(tick: number, ids: readonly number[], lastInputSeq: number): void {
    if (this.size === this.capacity) {
      if (this.capacity < this.maxRecords) this.grow();
      else this.dropOldest();
    }
    const slot = (this.head + this.size) % this.capacity;
    this.records[2 * slot] = tick;
    this.records[2 * slot + 1] = lastInputSeq;
    this.idLists[slot] = ids;
    this.size++;
  }

  idsAt(tick: number): readonly number[] | undefined {
    const slot = this.slotOf(tick);
    return slot < 0 ? undefined : this.idLists[slot];
  }

  /** The lastInputSeq sent with `tick`: undefined if not recorded, NaN if its encodings disagreed. */
  seqAt(tick: number): number | undefined {
    const slot = this.slotOf(tick);
    return slot < 0 ? undefined : this.records[2 * slot + 1];
  }

  /**
   * The latest tick was encoded again with another lastInputSeq: the client may apply either copy, so
   * the server no longer knows which seq it holds for that tick, and the tick must not become a baseline.
   */
  conflictSeq(tick: number): void {
    const slot = this.slotOf(tick);
    if (slot >= 0) this.records[2 * slot + 1] = NaN;
  }

  /** Forgets every record older than `tick`. */
  pruneBefore(tick: number): void {
    while (this.size > 0 && this.records[2 * this.head] < tick) this.dropOldest();
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
      const t = this.records[2 * slot];
      if (t === tick) return slot;
      if (t < tick) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Doubles the buffers (at most to maxRecords), unrolling the circle so that head is 0. */
  private grow(): void {
    const capacity = Math.min(this.maxRecords, this.capacity * 2);
    const records = new Float64Array(2 * capacity);
    const idLists = new Array<readonly number[]>(capacity).fill(NONE);
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % this.capacity;
      records[2 * i] = this.records[2 * slot];
      records[2 * i + 1] = this.records[2 * slot + 1];
      idLists[i] = this.idLists[slot];
    }
    this.records = records;
    this.idLists = idLists;
    this.capacity = capacity;
    this.head = 0;
  }

  private dropOldest(): void {
    this.idLists[this.head] = NONE;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }
}
