// Blob movement: one tick of steering toward the aim at the blob's speed, on integers only.
//
// This is THE movement function: the server's step applies it to every living blob, and a client
// predicting its own blob can apply it to the last authoritative motion and mass plus its pending
// inputs. The velocity is always the last step's displacement (x(t) = x(t-1) + vx(t), the wall
// clamp included), which is what the codec's dead reckoning assumes: a blob steering a constant way at
// its top speed costs no bytes.

import { DIR_SCALE, dirX, dirY } from '../arena/directions.js';
import { toUnits } from '../arena/units.js';
import { ACCELERATION, BOOST_SPEED_PERCENT, WORLD_SIZE } from './constants.js';
import { BLOB_KEY_MOVE } from './input.js';
import { blobRadius, blobSpeed } from './mass.js';

/** A blob's motion state, in integer units (centre) and units per tick (velocity). */
export interface BlobMotion {
  readonly x: number;
  readonly y: number;
  readonly vx: number;
  readonly vy: number;
}

/** Moves `v` toward `target` by at most ACCELERATION. */
function approach(v: number, target: number): number {
  return v < target ? Math.min(v + ACCELERATION, target) : Math.max(v - ACCELERATION, target);
}

/** A centre coordinate moved to at least `radius` inside the world. */
export function insideWorld(coordinate: number, radius: number): number {
  return coordinate < radius ? radius : coordinate > WORLD_SIZE - radius ? WORLD_SIZE - radius : coordinate;
}

/**
 * One tick of a blob of `mass` holding `keys` and steering toward `aim`. The target velocity is the
 * aim direction at the blob's speed, or zero without the move key; the velocity approaches it by
 * ACCELERATION per axis. While `boosting` the velocity is the aim direction at BOOST_SPEED_PERCENT of
 * the speed, move key or not (the burst), and eases back afterwards. The centre stays at least a
 * radius inside the world: a blob presses against the border.
 */
export function stepBlobMotion(
  motion: BlobMotion,
  keys: number,
  aim: number,
  mass: number,
  boosting: boolean,
): BlobMotion {
  let tx = 0;
  let ty = 0;
  if (boosting || (keys & BLOB_KEY_MOVE) !== 0) {
    const speed = boosting ? Math.floor((blobSpeed(mass) * BOOST_SPEED_PERCENT) / 100) : blobSpeed(mass);
    tx = toUnits((dirX(aim) * speed) / DIR_SCALE);
    ty = toUnits((dirY(aim) * speed) / DIR_SCALE);
  }
  const wantX = boosting ? tx : approach(motion.vx, tx);
  const wantY = boosting ? ty : approach(motion.vy, ty);
  const r = blobRadius(mass);
  const x = insideWorld(motion.x + wantX, r);
  const y = insideWorld(motion.y + wantY, r);
  return { x, y, vx: x - motion.x, vy: y - motion.y };
}
