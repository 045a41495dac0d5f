// How far behind the snapshot stream to draw remote entities: long enough that the next snapshot has
// nearly always arrived when it is needed, short enough that what the player shoots at is recent.
//
// Two snapshot intervals (one for the spacing of snapshots, one to ride out a single lost snapshot, as
// Source's 100 ms at 20 snapshots/s does), one more interval per 5% of measured loss (pro rata, up to two more:
// Fiedler's "3x the send interval survives two lost packets"), plus a jitter margin: the larger of
// twice the RFC 3550 jitter and the 95th percentile of how late snapshots arrive behind the fastest
// one. Clamped to [min, max].

export interface DelayInputs {
  readonly snapshotIntervalMs: number;
  readonly jitterMs: number;
  /** 95th percentile lateness behind the fastest arrival, ms. */
  readonly latenessMs: number;
  /** Measured snapshot loss, 0..1. */
  readonly loss: number;
}

export interface DelayBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

export function interpolationDelayMs(m: DelayInputs, bounds: DelayBounds): number {
  const lossSlots = Math.min(2, m.loss * 20);
  const margin = Math.max(2 * m.jitterMs, m.latenessMs);
  const delay = (2 + lossSlots) * m.snapshotIntervalMs + margin;
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, delay));
}
