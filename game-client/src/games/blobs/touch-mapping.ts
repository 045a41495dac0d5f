// Blobs' stick as its input: the blob heads where the stick points while it is pushed past the dead zone,
// and rests inside it (as the mouse resting on the blob). Pure: unit-tested.

import { aimFromVector } from '../../../../shared/game/blobs/index.js';
import { beyondDeadZone, type StickVector } from '../../touch/stick-math.js';

/** Share of the throw a thumb may rest in: the blob stops there. */
export const STEER_DEAD_ZONE = 0.2;

/** The aim step to head for, or null to stop. */
export function steerAim(v: StickVector): number | null {
  return beyondDeadZone(v, STEER_DEAD_ZONE) ? aimFromVector(v.x, v.y) : null;
}
