// Blobs eating blobs: a blob eats another when it is at least 1.25 x heavier (mass.ts outweighs) and
// its circle covers the other's centre. Spawn-protected blobs neither eat players nor get eaten.

import type { GameEvent } from '../../codec/schema.js';
import { EAT_GAIN_PERCENT, RESPAWN_TICKS } from './constants.js';
import { atePlayerEvent } from './events.js';
import { addMass, blobRadius, outweighs } from './mass.js';
import type { BlobsPlayer, BlobsWorld } from './world.js';

/** Whether `eater` may eat `prey` now: both alive and unprotected, heavy enough, covering its centre. */
function canEat(eater: BlobsPlayer, prey: BlobsPlayer): boolean {
  if (eater === prey || !eater.alive || !prey.alive || eater.protectTicks > 0 || prey.protectTicks > 0) return false;
  if (!outweighs(eater.mass, prey.mass)) return false;
  const r = blobRadius(eater.mass);
  const dx = prey.x - eater.x;
  const dy = prey.y - eater.y;
  return dx * dx + dy * dy < r * r;
}

/** Takes a blob off the map until it respawns. */
function kill(prey: BlobsPlayer): void {
  prey.alive = false;
  prey.mass = 0;
  prey.decayCarry = 0;
  prey.vx = 0;
  prey.vy = 0;
  prey.respawnTicks = RESPAWN_TICKS;
  prey.protectTicks = 0;
  prey.boostTicks = 0;
  prey.boostRequest = 0;
  prey.deaths += 1;
}

/**
 * Every possible meal of this tick, the heaviest eaters first (then lower id), each trying its prey in
 * id order with its mass as it grows. A blob eaten earlier in the tick eats nothing, so of two blobs
 * that could eat a third the heavier one gets it, and chains resolve from the top.
 */
export function eatPlayers(world: BlobsWorld, events: GameEvent[]): void {
  const eaters = world.players.filter((p) => p.alive && p.protectTicks === 0);
  if (eaters.length < 2) return;
  eaters.sort((a, b) => b.mass - a.mass || a.id - b.id);
  for (const eater of eaters) {
    for (const prey of world.players) {
      if (!canEat(eater, prey)) continue;
      const eatenMass = prey.mass;
      events.push(atePlayerEvent(eater.id, prey.id, eatenMass, prey.x, prey.y));
      eater.mass = addMass(eater.mass, Math.floor((eatenMass * EAT_GAIN_PERCENT) / 100));
      eater.eaten += 1;
      kill(prey);
    }
  }
}
