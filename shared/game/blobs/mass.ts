// What mass means: radius, speed, who may eat whom, decay and boost cost. Integer functions only (the
// square root is an exact integer square root), so every engine computes the same sizes.

import {
  BOOST_COST_DIVISOR,
  DECAY_DIVISOR,
  DECAY_THRESHOLD,
  EAT_RATIO_DEN,
  EAT_RATIO_NUM,
  MAX_MASS,
  RADIUS_SQ_PER_MASS,
  SPEED_K,
  SPEED_MIN,
  SPEED_R0,
} from './constants.js';

/**
 * floor(sqrt(n)) for a safe integer n >= 0. Math.sqrt gives the start; the two corrections make the
 * result exact whatever the last bit of Math.sqrt, so it cannot differ between engines.
 */
export function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r -= 1;
  while ((r + 1) * (r + 1) <= n) r += 1;
  return r;
}

/** Radius in units of a blob of `mass`: 40 * sqrt(mass), rounded down. */
export function blobRadius(mass: number): number {
  return isqrt(mass * RADIUS_SQ_PER_MASS);
}

/** Top speed in units per tick of a blob of `mass` (not boosting); never increases with mass. */
export function blobSpeed(mass: number): number {
  return SPEED_MIN + Math.floor(SPEED_K / (blobRadius(mass) + SPEED_R0));
}

/** Whether a blob of mass `eater` is heavy enough to eat one of mass `prey` (at least 1.25 x). */
export function outweighs(eater: number, prey: number): boolean {
  return eater * EAT_RATIO_DEN >= prey * EAT_RATIO_NUM;
}

/** What boosting costs a blob of `mass`. */
export function boostCost(mass: number): number {
  return Math.floor(mass / BOOST_COST_DIVISOR);
}

/** `mass` plus `gain`, capped at MAX_MASS. */
export function addMass(mass: number, gain: number): number {
  return Math.min(MAX_MASS, mass + gain);
}

/**
 * One tick of decay as fixed-point arithmetic: the excess over DECAY_THRESHOLD is added to `carry`
 * (a remainder in 1/DECAY_DIVISOR units of mass) and each whole DECAY_DIVISOR costs one mass. Returns
 * the new [mass, carry]; a blob at or below the threshold keeps its carry.
 */
export function decayMass(mass: number, carry: number): [mass: number, carry: number] {
  if (mass <= DECAY_THRESHOLD) return [mass, carry];
  let c = carry + (mass - DECAY_THRESHOLD);
  let m = mass;
  while (c >= DECAY_DIVISOR && m > DECAY_THRESHOLD) {
    c -= DECAY_DIVISOR;
    m -= 1;
  }
  return [m, c];
}
