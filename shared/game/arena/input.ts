// The arena's input: which keys are held and where the mouse points. On the wire it is the tuple
// [keys, aim]: two small integers, 3-5 bytes of msgpack.

import { AIM_STEPS } from './units.js';

export const KEY_UP = 1;
export const KEY_DOWN = 2;
export const KEY_LEFT = 4;
export const KEY_RIGHT = 8;
export const KEY_FIRE_PRIMARY = 16;
export const KEY_FIRE_SECONDARY = 32;

export const MOVE_KEYS = KEY_UP | KEY_DOWN | KEY_LEFT | KEY_RIGHT;
/** The eight movement directions as key masks, clockwise from up (bots and tests pick from these). */
export const DIRECTION_KEYS: readonly number[] = [
  KEY_UP,
  KEY_UP | KEY_RIGHT,
  KEY_RIGHT,
  KEY_DOWN | KEY_RIGHT,
  KEY_DOWN,
  KEY_DOWN | KEY_LEFT,
  KEY_LEFT,
  KEY_UP | KEY_LEFT,
];
export const FIRE_KEYS = KEY_FIRE_PRIMARY | KEY_FIRE_SECONDARY;
export const ALL_KEYS = MOVE_KEYS | FIRE_KEYS;

export interface ArenaInput {
  /** Bitmask of KEY_* flags. */
  readonly keys: number;
  /** Aim angle step in [0, AIM_STEPS): 0 = screen right, AIM_STEPS / 4 = screen down. */
  readonly aim: number;
}

/** The wire form of an input. */
export type ArenaInputWire = readonly [keys: number, aim: number];

/**
 * Validates an untrusted wire payload: exactly [keys, aim], two safe integers, keys using only known
 * bits, aim in [0, AIM_STEPS). Anything else (other types, floats, NaN, out of range, extra or missing
 * elements, holes) is null.
 */
export function parseArenaInput(raw: unknown): ArenaInput | null {
  if (!Array.isArray(raw) || raw.length !== 2) return null;
  const keys: unknown = raw[0];
  const aim: unknown = raw[1];
  // The range test comes first: `&` truncates to 32 bits, so 2^32 + 1 alone would pass the bit test.
  if (typeof keys !== 'number' || !Number.isSafeInteger(keys) || keys < 0 || keys > ALL_KEYS) return null;
  if ((keys & ~ALL_KEYS) !== 0) return null;
  if (typeof aim !== 'number' || !Number.isSafeInteger(aim) || aim < 0 || aim >= AIM_STEPS) return null;
  // `| 0` turns a -0 into 0, so equal inputs are identical numbers.
  return { keys: keys | 0, aim: aim | 0 };
}

/** The wire tuple for an input (what a client sends and parseArenaInput accepts). */
export function encodeArenaInput(input: ArenaInput): ArenaInputWire {
  return [input.keys, input.aim];
}

/** The leaves of an input in key order, for the recorder (GameDefinition.packInput). */
export function packArenaInput(input: ArenaInput, out: Float64Array, at: number): number {
  out[at] = input.keys;
  out[at + 1] = input.aim;
  return 2;
}

/** The input for a tick the player sent nothing: keep moving and aiming the same way, never fire. */
export function idleArenaInput(previous: ArenaInput | null): ArenaInput {
  if (previous === null) return { keys: 0, aim: 0 };
  return { keys: previous.keys & MOVE_KEYS, aim: previous.aim };
}
