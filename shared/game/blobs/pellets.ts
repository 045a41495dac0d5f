// Food: PELLET_COUNT server-owned pellets in fixed slots. A blob eats every pellet whose centre its
// circle covers; an eaten pellet leaves the map and reappears at a random spot PELLET_RESPAWN_TICKS
// later, so the count stays near PELLET_COUNT.

import type { GameEvent } from '../../codec/schema.js';
import { nextInt } from '../prng.js';
import { PELLET_ID_BASE, PELLET_MARGIN, PELLET_MASS, PELLET_RESPAWN_TICKS, WORLD_SIZE } from './constants.js';
import { atePelletEvent } from './events.js';
import { addMass, blobRadius } from './mass.js';
import type { BlobsPellet, BlobsWorld } from './world.js';

/** Moves a pellet to a random spot of the world (PELLET_MARGIN from the border) and puts it on the map. */
function placePellet(world: BlobsWorld, pellet: BlobsPellet): void {
  const span = WORLD_SIZE - 2 * PELLET_MARGIN + 1;
  pellet.x = PELLET_MARGIN + nextInt(world.rng, span);
  pellet.y = PELLET_MARGIN + nextInt(world.rng, span);
  pellet.respawnTicks = 0;
}

/** Puts every pellet at a fresh random spot (a new world, a new match). */
export function scatterPellets(world: BlobsWorld): void {
  for (const pellet of world.pellets) placePellet(world, pellet);
}

/** Counts down eaten pellets; those whose delay ends reappear at a random spot. */
export function respawnPellets(world: BlobsWorld): void {
  for (const pellet of world.pellets) {
    if (pellet.respawnTicks === 0) continue;
    pellet.respawnTicks -= 1;
    if (pellet.respawnTicks === 0) placePellet(world, pellet);
  }
}

/**
 * Whether a blob centred at (bx, by) with radius `r` eats a pellet at (x, y): the pellet's centre is
 * strictly inside the circle. (A client predicting its own blob eats the pellets it knows with this.)
 */
export function coversPellet(bx: number, by: number, r: number, x: number, y: number): boolean {
  const dx = x - bx;
  if (dx >= r || dx <= -r) return false;
  const dy = y - by;
  return dx * dx + dy * dy < r * r;
}

/**
 * Living blobs, in id order, eat the pellets on the map whose centre is strictly inside their circle
 * (a pellet under two blobs goes to the lower id). Each pellet is worth PELLET_MASS.
 */
export function eatPellets(world: BlobsWorld, events: GameEvent[]): void {
  const pellets = world.pellets;
  for (const p of world.players) {
    if (!p.alive) continue;
    const r = blobRadius(p.mass);
    for (let slot = 0; slot < pellets.length; slot++) {
      const pellet = pellets[slot];
      if (pellet.respawnTicks !== 0 || !coversPellet(p.x, p.y, r, pellet.x, pellet.y)) continue;
      pellet.respawnTicks = PELLET_RESPAWN_TICKS;
      p.mass = addMass(p.mass, PELLET_MASS);
      p.pellets += 1;
      events.push(atePelletEvent(p.id, PELLET_ID_BASE + slot));
    }
  }
}
