// Counters of the replicator's work, for tests and metrics. All are cumulative since construction.

export interface ReplicatorStats {
  /** Entity enter encodings done / served from the per-tick cache. */
  enterEncoded: number;
  enterReused: number;
  /** Per-(baseline, tick) entity comparisons+encodings done / served from the cache (unchanged ones included). */
  changeEncoded: number;
  changeReused: number;
  /** Interest lists built / reused (one per distinct focus cell per tick). */
  interestBuilt: number;
  interestReused: number;
  fullSnapshots: number;
  deltaSnapshots: number;
  /** Total bytes returned by encodeFor. */
  snapshotBytes: number;
}

export function emptyStats(): ReplicatorStats {
  return {
    enterEncoded: 0,
    enterReused: 0,
    changeEncoded: 0,
    changeReused: 0,
    interestBuilt: 0,
    interestReused: 0,
    fullSnapshots: 0,
    deltaSnapshots: 0,
    snapshotBytes: 0,
  };
}
