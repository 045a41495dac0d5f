// The integer direction table: for each of the AIM_STEPS aim angles, a unit vector scaled by DIR_SCALE
// and rounded. The simulation never calls Math.sin/cos (their last bits differ between JS engines, and
// the browser predicts with this same code); the table is built once with a Taylor series that uses only
// + - * /, which IEEE-754 rounds identically everywhere, and octant symmetry, which is exact on integers.

import { AIM_STEPS } from './units.js';

/** Fixed-point scale of direction vectors: 2^14, so |(DIR_X[a], DIR_Y[a])| is 16384 +- 1. */
export const DIR_SCALE = 16384;

const QUARTER_TURN = AIM_STEPS / 4;
const EIGHTH_TURN = AIM_STEPS / 8;

/** sin and cos for 0 <= theta <= pi/4 by Taylor series (the terms past x^17 are below 1e-17 there). */
function sinCosSmall(theta: number): [number, number] {
  const t2 = theta * theta;
  let sinTerm = theta;
  let cosTerm = 1;
  let sin = sinTerm;
  let cos = cosTerm;
  for (let k = 1; k <= 9; k++) {
    sinTerm = (-sinTerm * t2) / ((2 * k) * (2 * k + 1));
    cosTerm = (-cosTerm * t2) / ((2 * k - 1) * (2 * k));
    sin += sinTerm;
    cos += cosTerm;
  }
  return [sin, cos];
}

function buildTable(): { dx: Int16Array; dy: Int16Array } {
  // First quadrant from the first octant and its mirror image across 45 degrees.
  const firstOctantCos = new Int32Array(EIGHTH_TURN + 1);
  const firstOctantSin = new Int32Array(EIGHTH_TURN + 1);
  for (let k = 0; k <= EIGHTH_TURN; k++) {
    const [s, c] = sinCosSmall((k * Math.PI * 2) / AIM_STEPS);
    firstOctantCos[k] = Math.round(c * DIR_SCALE);
    firstOctantSin[k] = Math.round(s * DIR_SCALE);
  }
  const dx = new Int16Array(AIM_STEPS);
  const dy = new Int16Array(AIM_STEPS);
  for (let a = 0; a < AIM_STEPS; a++) {
    const quadrant = Math.floor(a / QUARTER_TURN);
    const r = a % QUARTER_TURN;
    let x: number;
    let y: number;
    if (r <= EIGHTH_TURN) {
      x = firstOctantCos[r];
      y = firstOctantSin[r];
    } else {
      x = firstOctantSin[QUARTER_TURN - r];
      y = firstOctantCos[QUARTER_TURN - r];
    }
    // Rotate by quadrant * 90 degrees: (x, y) -> (-y, x) per quarter turn.
    for (let q = 0; q < quadrant; q++) {
      const t = x;
      x = -y;
      y = t;
    }
    dx[a] = x;
    dy[a] = y;
  }
  return { dx, dy };
}

const TABLE = buildTable();

/** x component of aim step `aim`, scaled by DIR_SCALE. `aim` must be an integer in [0, AIM_STEPS). */
export function dirX(aim: number): number {
  return TABLE.dx[aim];
}

/** y component of aim step `aim`, scaled by DIR_SCALE. */
export function dirY(aim: number): number {
  return TABLE.dy[aim];
}

/**
 * The aim step pointing from the origin toward (dx, dy), for clients and bots turning a mouse position
 * into an input. Uses Math.atan2: that is fine here, because it only produces an input (inputs are
 * recorded), it never runs inside the simulation.
 */
export function aimFromVector(dx: number, dy: number): number {
  if (dx === 0 && dy === 0) return 0;
  const step = Math.round((Math.atan2(dy, dx) * AIM_STEPS) / (2 * Math.PI));
  return ((step % AIM_STEPS) + AIM_STEPS) % AIM_STEPS;
}

/** The aim angle in radians, for rendering (not used by the simulation). */
export function aimToRadians(aim: number): number {
  return (aim * 2 * Math.PI) / AIM_STEPS;
}
