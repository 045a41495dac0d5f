// Where a blob (re)appears: the safest of a few random spots, the one farthest from the other living
// blobs' circles, so nobody spawns inside or next to a big blob. The draw uses the world's PRNG, so
// respawns are not predictable to a camper and replay identically.

import { nextInt } from '../prng.js';
import { SPAWN_CANDIDATES, SPAWN_MARGIN, SPAWN_PROTECTION_TICKS, START_MASS, WORLD_SIZE } from './constants.js';
import { blobRadius } from './mass.js';
import type { BlobsPlayer, BlobsWorld } from './world.js';

/**
 * Draws SPAWN_CANDIDATES spots and returns the first of those with the largest clearance: the smallest,
 * over the other living blobs, of d^2 - r^2 (d: distance from the spot to the blob's centre, r: its
 * radius). That is negative inside a circle and grows with the distance to it, like the distance to
 * the edge, but is exact on integers. With nobody else alive it is the first spot.
 */
function chooseSpawn(world: BlobsWorld, playerId: number): { x: number; y: number } {
  const span = WORLD_SIZE - 2 * SPAWN_MARGIN + 1;
  let best = { x: 0, y: 0 };
  let bestClearance = -Infinity;
  for (let i = 0; i < SPAWN_CANDIDATES; i++) {
    const x = SPAWN_MARGIN + nextInt(world.rng, span);
    const y = SPAWN_MARGIN + nextInt(world.rng, span);
    let clearance = Number.MAX_SAFE_INTEGER;
    for (const other of world.players) {
      if (!other.alive || other.id === playerId) continue;
      const dx = other.x - x;
      const dy = other.y - y;
      const r = blobRadius(other.mass);
      clearance = Math.min(clearance, dx * dx + dy * dy - r * r);
    }
    if (clearance > bestClearance) {
      bestClearance = clearance;
      best = { x, y };
    }
  }
  return best;
}

/** Brings a blob (back) to life at a safe spot, at rest, with the start mass, protected. */
export function placeAtSpawn(world: BlobsWorld, player: BlobsPlayer): void {
  const spot = chooseSpawn(world, player.id);
  player.x = spot.x;
  player.y = spot.y;
  player.vx = 0;
  player.vy = 0;
  player.mass = START_MASS;
  player.decayCarry = 0;
  player.alive = true;
  player.respawnTicks = 0;
  player.protectTicks = SPAWN_PROTECTION_TICKS;
  player.boostTicks = 0;
  player.boostCooldown = 0;
  player.boostRequest = 0;
  player.best = Math.max(player.best, START_MASS);
}
