// Player movement: one tick of acceleration, friction and wall collision, on integers only.
//
// This is THE movement function: the server's step applies it to every living player, and a client
// predicting its own player applies it to the last authoritative motion plus its pending inputs. It
// depends only on the player's own motion, its keys and the static walls (players do not block each
// other), so prediction and authority agree bit for bit.

import { ACCELERATION, FRICTION, MAX_SPEED, MAX_SPEED_DIAGONAL, PLAYER_RADIUS } from './constants.js';
import { squareOverlapsWall } from './geometry.js';
import { KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_UP } from './input.js';
import { ARENA_MAP, type ArenaMap, type Wall } from './map.js';

/** A player's motion state, in integer units (position) and units per tick (velocity). */
export interface PlayerMotion {
  readonly x: number;
  readonly y: number;
  readonly vx: number;
  readonly vy: number;
}

/**
 * Moves velocity `v` toward `target` by at most one tick's worth of acceleration or friction:
 * speeding up uses ACCELERATION, slowing down (key released, or a lower diagonal cap) uses FRICTION,
 * and pushing against the current direction uses both (braking plus thrust, so turning is snappy).
 * Linear rates on integers reach the target exactly (no fixed-point creep).
 */
function approach(v: number, target: number): number {
  if (v === target) return v;
  let rate: number;
  if (target === 0) rate = FRICTION;
  else if (v !== 0 && v > 0 !== target > 0) rate = ACCELERATION + FRICTION;
  else rate = Math.abs(target) > Math.abs(v) ? ACCELERATION : FRICTION;
  return v < target ? Math.min(v + rate, target) : Math.max(v - rate, target);
}

/**
 * Whether the last sweepX/sweepY call was stopped by a wall or the map border. A module variable rather
 * than a returned [position, blocked] tuple: stepMotion runs for every player every tick on the server,
 * and the tuples (and the iterator objects their destructuring creates) were most of a tick's garbage.
 */
let sweepBlocked = false;

/**
 * Moves along x by dx from x, stopping flush against the first wall in the way (a swept test over the
 * whole move, so no speed can tunnel through a wall). Returns the new x; sweepBlocked tells whether a
 * wall or the map border stopped the move.
 */
function sweepX(x: number, y: number, dx: number, walls: readonly Wall[], width: number): number {
  const r = PLAYER_RADIUS;
  let nx = x + dx;
  let blocked = false;
  for (let i = 0; i < walls.length; i++) {
    const w = walls[i];
    if (y + r <= w.y || y - r >= w.y + w.h) continue; // not level with this wall
    if (dx > 0) {
      const stop = w.x - r;
      if (stop >= x && stop < nx) {
        nx = stop;
        blocked = true;
      }
    } else {
      const stop = w.x + w.w + r;
      if (stop <= x && stop > nx) {
        nx = stop;
        blocked = true;
      }
    }
  }
  if (nx < r) {
    nx = r;
    blocked = true;
  }
  if (nx > width - r) {
    nx = width - r;
    blocked = true;
  }
  sweepBlocked = blocked;
  return nx;
}

/** sweepX for the y axis. */
function sweepY(x: number, y: number, dy: number, walls: readonly Wall[], height: number): number {
  const r = PLAYER_RADIUS;
  let ny = y + dy;
  let blocked = false;
  for (let i = 0; i < walls.length; i++) {
    const w = walls[i];
    if (x + r <= w.x || x - r >= w.x + w.w) continue;
    if (dy > 0) {
      const stop = w.y - r;
      if (stop >= y && stop < ny) {
        ny = stop;
        blocked = true;
      }
    } else {
      const stop = w.y + w.h + r;
      if (stop <= y && stop > ny) {
        ny = stop;
        blocked = true;
      }
    }
  }
  if (ny < r) {
    ny = r;
    blocked = true;
  }
  if (ny > height - r) {
    ny = height - r;
    blocked = true;
  }
  sweepBlocked = blocked;
  return ny;
}

/**
 * One tick of movement for keys `keys` (only the movement bits matter): velocity update, then the x move
 * and the y move, each swept against the walls. Moving the axes separately makes a player slide along a
 * wall it runs into diagonally: the blocked axis stops (its velocity drops to 0), the other carries on.
 * Pure; the result is integer because every input and constant is.
 */
export function stepMotion(m: PlayerMotion, keys: number, map: ArenaMap = ARENA_MAP): PlayerMotion {
  const ix = (keys & KEY_RIGHT ? 1 : 0) - (keys & KEY_LEFT ? 1 : 0);
  const iy = (keys & KEY_DOWN ? 1 : 0) - (keys & KEY_UP ? 1 : 0);
  const cap = ix !== 0 && iy !== 0 ? MAX_SPEED_DIAGONAL : MAX_SPEED;
  let vx = approach(m.vx, ix * cap);
  let vy = approach(m.vy, iy * cap);
  let x = m.x;
  if (vx !== 0) {
    x = sweepX(m.x, m.y, vx, map.walls, map.width);
    if (sweepBlocked) vx = 0;
  }
  let y = m.y;
  if (vy !== 0) {
    y = sweepY(x, m.y, vy, map.walls, map.height);
    if (sweepBlocked) vy = 0;
  }
  return { x, y, vx, vy };
}

/** True when a player standing at (x, y) would overlap a wall or leave the map (spawn checks, tests). */
export function isPlayerPositionBlocked(x: number, y: number, map: ArenaMap = ARENA_MAP): boolean {
  const r = PLAYER_RADIUS;
  if (x < r || y < r || x > map.width - r || y > map.height - r) return true;
  return map.walls.some((wall) => squareOverlapsWall(x, y, r, wall));
}
