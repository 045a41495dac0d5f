// Constants of the snapshot byte format (docs/SNAPSHOT-SPEC.md) and the codec's defaults. The encoder
// (replicator.ts) and the decoder (snapshot-mirror.ts) both read them from here, so the two cannot drift.

/**
 * Version of the byte format and of its decoding rules (docs/SNAPSHOT-SPEC.md). 2: velocity-predicted
 * delta fields, lastInputSeq of a delta relative to its baseline's, events sent once unless reliable.
 */
export const SNAPSHOT_FORMAT_VERSION = 2;

/**
 * A snapshot is one msgpack array. Its first HEADER_LENGTH elements are the header:
 *   0 tick
 *   1 baseline: nil for a full snapshot, else `tick - baselineTick` (one byte when the ack is < 128 ticks old)
 *   2 lastInputSeq: absolute in a full snapshot, `lastInputSeq - baseline's lastInputSeq` in a delta
 *   3 `tick - lastInputTick` (signed; small for a player whose inputs arrive on time)
 *   4 inputQueueDepth
 * The sections follow at these indices, and trailing empty sections are omitted (a tick where nothing
 * changed is the header alone).
 */
export const HEADER_LENGTH = 5;

/** Flat [id, mask, value x popcount(mask), ...] of entities the client keeps. */
export const SECTION_CHANGES = 5;
/** Flat [id, kind, value x fieldCount(kind), ...] of entities new to the client. */
export const SECTION_ENTERS = 6;
/** Flat [id, ...] of entities the client must drop. */
export const SECTION_LEAVES = 7;
/** Flat [tick - eventTick, event, ...]; each event is an array of ints and strings. */
export const SECTION_EVENTS = 8;
export const MAX_SNAPSHOT_LENGTH = 9;

/** The change mask is one unsigned 32-bit msgpack int; keeping bit 31 unused keeps it a positive smi. */
export const MAX_FIELDS = 31;
/** Kind ids are positive fixints so an enter's kind costs one byte. */
export const MAX_KIND = 127;
/**
 * Values of `delta: true` fields must satisfy |v| < DELTA_VALUE_LIMIT, so that a difference of two of them
 * is still a safe integer and `baseline + difference` reconstructs the value exactly on the client.
 */
export const DELTA_VALUE_LIMIT = 2 ** 52;

/**
 * The value a velocity-predicted delta field is expected to have `dt` ticks after a baseline where it was
 * `base` with velocity `velocity` (docs/SNAPSHOT-SPEC.md, "Velocity prediction"). Both ends call this with
 * the baseline's values, so they agree bit for bit. Integer math throughout: when the prediction would
 * leave (-DELTA_VALUE_LIMIT, DELTA_VALUE_LIMIT) it is not made (the result is `base`), which keeps every
 * product and sum exact and every residual `value - predicted` a safe integer.
 */
export function predictValue(base: number, velocity: number, dt: number): number {
  if (velocity === 0 || dt === 0) return base;
  const step = velocity * dt;
  const predicted = base + step;
  return Math.abs(step) < DELTA_VALUE_LIMIT && Math.abs(predicted) < DELTA_VALUE_LIMIT ? predicted : base;
}

export const DEFAULT_HISTORY_TICKS = 64;
export const DEFAULT_HYSTERESIS_CELLS = 1;

/** Number of set bits of a 32-bit mask (= number of values that follow it in a change). */
export function popcount(mask: number): number {
  let m = mask - ((mask >>> 1) & 0x55555555);
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
