// The blobs input: whether the blob moves, whether it boosts, and where it steers. It has the arena's
// shape, { keys, aim } and on the wire the tuple [keys, aim] (3-5 bytes of msgpack), so the arena's
// validation, wire tuple and recorder packing are reused; only the key bits differ.

import { encodeArenaInput, packArenaInput, parseArenaInput } from '../arena/input.js';

/** Steer toward `aim` (without it the blob glides to a stop). */
export const BLOB_KEY_MOVE = 1;
/** Start a boost when it is ready (mass and cooldown allow: step.ts). */
export const BLOB_KEY_BOOST = 2;
export const BLOB_ALL_KEYS = BLOB_KEY_MOVE | BLOB_KEY_BOOST;

export interface BlobsInput {
  /** Bitmask of BLOB_KEY_* flags. */
  readonly keys: number;
  /** Steering angle step in [0, AIM_STEPS): 0 = screen right, AIM_STEPS / 4 = screen down. */
  readonly aim: number;
}

/** The wire form of an input. */
export type BlobsInputWire = readonly [keys: number, aim: number];

/**
 * Validates an untrusted wire payload: exactly [keys, aim], two safe integers, keys using only the
 * BLOB_KEY_* bits, aim in [0, AIM_STEPS). Anything else is null (the arena's checks: types, floats,
 * NaN, -0, ranges, extra or missing elements, holes; then the narrower key mask).
 */
export function parseBlobsInput(raw: unknown): BlobsInput | null {
  const input = parseArenaInput(raw);
  return input !== null && (input.keys & ~BLOB_ALL_KEYS) === 0 ? input : null;
}

/** The wire tuple for an input (what a client sends and parseBlobsInput accepts). */
export const encodeBlobsInput: (input: BlobsInput) => BlobsInputWire = encodeArenaInput;

/** The leaves of an input in key order, for the recorder (GameDefinition.packInput). */
export const packBlobsInput: (input: BlobsInput, out: Float64Array, at: number) => number = packArenaInput;

/** The input for a tick the player sent nothing: keep steering the same way, never boost. */
export function idleBlobsInput(previous: BlobsInput | null): BlobsInput {
  if (previous === null) return { keys: 0, aim: 0 };
  return { keys: previous.keys & BLOB_KEY_MOVE, aim: previous.aim };
}
