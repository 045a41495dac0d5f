// The rifle: an instant trace from the shooter, stopped by the first wall or player on its way,
// judged against the targets as the shooter saw them (lag-compensation.ts).

import type { GameEvent } from '../../codec/schema.js';
import { applyDamage } from './combat.js';
import { RIFLE_DAMAGE, RIFLE_RANGE, WEAPON_RIFLE } from './constants.js';
import { DIR_SCALE, dirX, dirY } from './directions.js';
import { shotEvent } from './events.js';
import { firstWallHit, segmentEntersCircle } from './geometry.js';
import { hitCirclesAt } from './lag-compensation.js';
import { ARENA_MAP } from './map.js';
import { toUnits } from './units.js';
import { findPlayer, type ArenaPlayer, type ArenaWorld } from './world.js';

export interface TraceResult {
  /** End of the tracer, rounded to units. */
  readonly x1: number;
  readonly y1: number;
  /** The player hit, 0 for none. */
  readonly hitId: number;
}

/**
 * Traces a shot from (ox, oy) along aim step `aim` for RIFLE_RANGE, against the walls and the hit
 * circles seen at `renderTick`. Ties (two circles entered at the same point) go to the lower id.
 */
export function traceShot(world: ArenaWorld, shooterId: number, ox: number, oy: number, aim: number, renderTick: number): TraceResult {
  const dx = (dirX(aim) * RIFLE_RANGE) / DIR_SCALE;
  const dy = (dirY(aim) * RIFLE_RANGE) / DIR_SCALE;
  let best = firstWallHit(ox, oy, dx, dy, ARENA_MAP.walls, 0) ?? 1;
  let hitId = 0;
  for (const circle of hitCirclesAt(world, renderTick)) {
    if (circle.id === shooterId || !circle.alive) continue;
    if (!findPlayer(world, circle.id)?.alive) continue;
    const t = segmentEntersCircle(ox, oy, dx, dy, circle.x, circle.y, circle.r);
    if (t !== null && t < best) {
      best = t;
      hitId = circle.id;
    }
  }
  return { x1: toUnits(ox + dx * best), y1: toUnits(oy + dy * best), hitId };
}

/** Fires the rifle: emits the tracer, then damages the player hit (if it is not spawn-protected). */
export function fireRifle(world: ArenaWorld, shooter: ArenaPlayer, renderTick: number, events: GameEvent[]): void {
  const { x1, y1, hitId } = traceShot(world, shooter.id, shooter.x, shooter.y, shooter.aim, renderTick);
  events.push(shotEvent(shooter.id, shooter.x, shooter.y, x1, y1, hitId));
  const target = hitId === 0 ? undefined : findPlayer(world, hitId);
  if (target) applyDamage(world, target, shooter.id, RIFLE_DAMAGE, WEAPON_RIFLE, events);
}
