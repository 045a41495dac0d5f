// The arena's twin sticks as its input: the left stick moves in 8 directions (the same KEY_* bits as
// WASD), the right stick aims and fires the rifle while pushed past its dead zone. Pure: unit-tested.

import { aimFromVector } from '../../../../shared/game/arena/directions.js';
import { KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_UP } from '../../../../shared/game/arena/input.js';
import { beyondDeadZone, octant, type StickVector } from '../../touch/stick-math.js';

/** Share of the throw a thumb may rest in without moving: a quarter (about 14 px on a 56 px stick). */
export const MOVE_DEAD_ZONE = 0.25;
/** Share of the throw past which the right stick aims and fires; inside it the aim stays where it was. */
export const AIM_DEAD_ZONE = 0.3;

/** The movement keys of each octant (stick-math.ts: 0 right, clockwise on screen, y down). */
const OCTANT_KEYS: readonly number[] = [
  KEY_RIGHT,
  KEY_RIGHT | KEY_DOWN,
  KEY_DOWN,
  KEY_DOWN | KEY_LEFT,
  KEY_LEFT,
  KEY_LEFT | KEY_UP,
  KEY_UP,
  KEY_UP | KEY_RIGHT,
];

/** The KEY_* movement bits the move stick holds (0 inside the dead zone). */
export function moveKeys(v: StickVector): number {
  const o = octant(v, MOVE_DEAD_ZONE);
  return o === null ? 0 : OCTANT_KEYS[o];
}

/** The aim step the aim stick points at, or null inside its dead zone (then it neither aims nor fires). */
export function stickAim(v: StickVector): number | null {
  return beyondDeadZone(v, AIM_DEAD_ZONE) ? aimFromVector(v.x, v.y) : null;
}
