// Spawn point choice: far from living enemies, with a seeded random pick among the best few so
// respawns are not predictable to the spawn-camper.

import { nextInt } from '../prng.js';
import { MAX_HEALTH, SPAWN_CANDIDATES, SPAWN_PROTECTION_TICKS } from './constants.js';
import { ARENA_MAP, type SpawnPoint } from './map.js';
import type { ArenaPlayer, ArenaWorld } from './world.js';

/**
 * Ranks the spawn points by the squared distance to the nearest living enemy (farthest first; ties
 * keep map order) and draws one of the top SPAWN_CANDIDATES with the world's PRNG. With no living
 * enemy every spawn point is equally likely.
 */
export function chooseSpawn(world: ArenaWorld, playerId: number): SpawnPoint {
  const spawns = ARENA_MAP.spawns;
  const enemies = world.players.filter((p) => p.alive && p.id !== playerId);
  if (enemies.length === 0) return spawns[nextInt(world.rng, spawns.length)];
  const ranked = spawns.map((spawn, index) => {
    let nearest = Number.MAX_SAFE_INTEGER;
    for (const e of enemies) {
      const dx = e.x - spawn.x;
      const dy = e.y - spawn.y;
      nearest = Math.min(nearest, dx * dx + dy * dy);
    }
    return { spawn, index, nearest };
  });
  ranked.sort((a, b) => b.nearest - a.nearest || a.index - b.index);
  const pool = Math.min(SPAWN_CANDIDATES, ranked.length);
  return ranked[nextInt(world.rng, pool)].spawn;
}

/** Brings a player (back) to life at a chosen spawn point, at rest, full health, protected. */
export function placeAtSpawn(world: ArenaWorld, player: ArenaPlayer): void {
  const spawn = chooseSpawn(world, player.id);
  player.x = spawn.x;
  player.y = spawn.y;
  player.vx = 0;
  player.vy = 0;
  player.hp = MAX_HEALTH;
  player.alive = true;
  player.respawnTicks = 0;
  player.protectTicks = SPAWN_PROTECTION_TICKS;
  player.primaryCooldown = 0;
  player.secondaryCooldown = 0;
  player.fireRequest = 0;
}
