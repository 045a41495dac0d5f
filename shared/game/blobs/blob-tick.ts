// One blob's own part of a tick: starting a boost, moving, decaying and being pushed back inside the
// border. The server's step (step.ts) runs these for every living blob, around the eating that involves
// other blobs; a client predicting its own blob (client-models.ts) runs the very same functions on a copy
// of its blob's state, so that the two cannot drift apart.

import { BOOST_COOLDOWN_TICKS, BOOST_MIN_MASS, BOOST_TICKS } from './constants.js';
import { blobRadius, boostCost, decayMass } from './mass.js';
import { insideWorld, stepBlobMotion } from './motion.js';

/** What one blob's own part of a tick reads and changes (a BlobsPlayer is one). */
export interface BlobBody {
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Held BLOB_KEY_* bits and aim step (the last input). */
  keys: number;
  aim: number;
  mass: number;
  /** Decay not yet taken (mass.ts decayMass). */
  decayCarry: number;
  boostTicks: number;
  boostCooldown: number;
  /** 1 when the last input asked for a boost; judged and cleared by startBoost. */
  boostRequest: number;
}

/**
 * Starts a requested boost if the blob is ready: heavy enough and off cooldown. It pays with mass.
 * Returns the mass paid (0: no boost started). Clears the request either way.
 */
export function startBoost(b: BlobBody): number {
  const requested = b.boostRequest === 1;
  b.boostRequest = 0;
  if (!requested || b.boostCooldown > 0 || b.mass < BOOST_MIN_MASS) return 0;
  const cost = boostCost(b.mass);
  b.mass -= cost;
  b.boostTicks = BOOST_TICKS;
  b.boostCooldown = BOOST_COOLDOWN_TICKS;
  return cost;
}

/** Moves a living blob one tick along its intent (stepBlobMotion: the movement function). */
export function moveBlob(b: BlobBody): void {
  const m = stepBlobMotion(b, b.keys, b.aim, b.mass, b.boostTicks > 0);
  b.x = m.x;
  b.y = m.y;
  b.vx = m.vx;
  b.vy = m.vy;
}

/**
 * After eating: a living blob decays, and one that grew against the border this tick is pushed back
 * inside by its new radius. The push is part of this tick's step, so vx, vy stay the step actually taken
 * (the codec's dead reckoning).
 */
export function settleBlob(b: BlobBody): void {
  [b.mass, b.decayCarry] = decayMass(b.mass, b.decayCarry);
  const r = blobRadius(b.mass);
  const x = insideWorld(b.x, r);
  const y = insideWorld(b.y, r);
  b.vx += x - b.x;
  b.vy += y - b.y;
  b.x = x;
  b.y = y;
}

/** The boost's timers count down at the end of every tick (a dead blob's cooldown too). */
export function countDownBoost(b: Pick<BlobBody, 'boostTicks' | 'boostCooldown'>): void {
  if (b.boostTicks > 0) b.boostTicks -= 1;
  if (b.boostCooldown > 0) b.boostCooldown -= 1;
}
