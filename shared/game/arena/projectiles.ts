// Rockets: spawned at the shooter, flying in a straight line at constant integer velocity, swept
// against walls and players every tick (so they never skip through a thin wall or a player), exploding
// with a direct hit and a small line-of-sight splash. Fully simulated on the server (no lag compensation).

import type { GameEvent } from '../../codec/schema.js';
import { applyDamage } from './combat.js';
import {
  PLAYER_RADIUS,
  PROJECTILE_ID_BASE,
  PROJECTILE_ID_SPAN,
  ROCKET_DIRECT_DAMAGE,
  ROCKET_LIFETIME_TICKS,
  ROCKET_RADIUS,
  ROCKET_SELF_DAMAGE_DIVISOR,
  ROCKET_SPEED,
  ROCKET_SPLASH_DAMAGE,
  ROCKET_SPLASH_RADIUS,
  WEAPON_ROCKET,
} from './constants.js';
import { DIR_SCALE, dirX, dirY } from './directions.js';
import { explodeEvent, launchEvent } from './events.js';
import { firstWallHit, segmentEntersCircle } from './geometry.js';
import { ARENA_MAP } from './map.js';
import { toUnits } from './units.js';
import type { ArenaPlayer, ArenaProjectile, ArenaWorld } from './world.js';

/** The next free projectile id, cycling through the projectile id range (skips ids still in flight). */
function allocateProjectileId(world: ArenaWorld): number {
  const end = PROJECTILE_ID_BASE + PROJECTILE_ID_SPAN;
  let id = world.nextProjectileId;
  while (world.projectiles.some((p) => p.id === id)) id = id + 1 === end ? PROJECTILE_ID_BASE : id + 1;
  world.nextProjectileId = id + 1 === end ? PROJECTILE_ID_BASE : id + 1;
  return id;
}

/** Launches a rocket from the shooter's centre along its aim. It moves for the first time this tick. */
export function launchRocket(world: ArenaWorld, shooter: ArenaPlayer, events: GameEvent[]): void {
  const rocket: ArenaProjectile = {
    id: allocateProjectileId(world),
    owner: shooter.id,
    x: shooter.x,
    y: shooter.y,
    vx: toUnits((dirX(shooter.aim) * ROCKET_SPEED) / DIR_SCALE),
    vy: toUnits((dirY(shooter.aim) * ROCKET_SPEED) / DIR_SCALE),
    ticksLeft: ROCKET_LIFETIME_TICKS,
  };
  world.projectiles.push(rocket);
  events.push(launchEvent(shooter.id, rocket.id, rocket.x, rocket.y));
}

/** True when a wall blocks the straight line between two points (splash does not go through walls). */
function lineBlocked(x0: number, y0: number, x1: number, y1: number): boolean {
  return firstWallHit(x0, y0, x1 - x0, y1 - y0, ARENA_MAP.walls, 0) !== null;
}

/**
 * Splash damage for a player whose centre is `distance` units from the blast: full at the edge of its
 * hit circle, falling linearly to 0 at ROCKET_SPLASH_RADIUS beyond it.
 */
function splashDamage(distance: number): number {
  const gap = Math.max(0, distance - PLAYER_RADIUS);
  if (gap >= ROCKET_SPLASH_RADIUS) return 0;
  return Math.floor((ROCKET_SPLASH_DAMAGE * (ROCKET_SPLASH_RADIUS - gap)) / ROCKET_SPLASH_RADIUS);
}

function explode(world: ArenaWorld, rocket: ArenaProjectile, x: number, y: number, direct: ArenaPlayer | null, events: GameEvent[]): void {
  events.push(explodeEvent(rocket.id, rocket.owner, x, y, direct ? direct.id : 0));
  if (direct) applyDamage(world, direct, rocket.owner, ROCKET_DIRECT_DAMAGE, WEAPON_ROCKET, events);
  for (const p of world.players) {
    if (!p.alive || p === direct) continue;
    const dx = p.x - x;
    const dy = p.y - y;
    let damage = splashDamage(Math.sqrt(dx * dx + dy * dy));
    if (p.id === rocket.owner) damage = Math.floor(damage / ROCKET_SELF_DAMAGE_DIVISOR);
    if (damage > 0 && !lineBlocked(x, y, p.x, p.y)) applyDamage(world, p, rocket.owner, damage, WEAPON_ROCKET, events);
  }
}

/**
 * Moves every rocket one tick along its velocity. The move is swept: the first wall (grown by the
 * rocket's radius) or living non-owner player circle (grown likewise) on the segment stops it, and it
 * explodes there. A rocket that hits nothing for ROCKET_LIFETIME_TICKS fizzles out silently.
 */
export function stepProjectiles(world: ArenaWorld, events: GameEvent[]): void {
  const survivors: ArenaProjectile[] = [];
  for (const rocket of world.projectiles) {
    const { x, y, vx, vy } = rocket;
    let best = firstWallHit(x, y, vx, vy, ARENA_MAP.walls, ROCKET_RADIUS) ?? 2;
    let direct: ArenaPlayer | null = null;
    for (const p of world.players) {
      if (!p.alive || p.id === rocket.owner) continue;
      const t = segmentEntersCircle(x, y, vx, vy, p.x, p.y, PLAYER_RADIUS + ROCKET_RADIUS);
      if (t !== null && t < best) {
        best = t;
        direct = p;
      }
    }
    if (best <= 1) {
      explode(world, rocket, toUnits(x + vx * best), toUnits(y + vy * best), direct, events);
      continue;
    }
    rocket.x = x + vx;
    rocket.y = y + vy;
    rocket.ticksLeft -= 1;
    if (rocket.ticksLeft > 0) survivors.push(rocket);
  }
  world.projectiles = survivors;
}
