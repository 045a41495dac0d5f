// How far the blobs camera zooms out: wider as the blob grows (a big blob needs to see what is coming),
// but never wider than what the server sends (the interest area), or pellets and blobs would pop in and
// out at the screen's edges. Pure functions: unit-tested in node.

import { BLOBS_INTEREST_RADIUS, BLOBS_UNITS_PER_PX, START_MASS } from '../../../../shared/game/blobs/index.js';
import { radiusPx } from './world-view.js';

const START_RADIUS_PX = radiusPx(START_MASS);
/** Zoom ∝ radius^-GROWTH: 0.78 at mass 100 (r 100 px), 0.6 at mass 1000 (r 316 px). */
const GROWTH = 0.22;
/**
 * The server sends at least the square of half-side BLOBS_INTEREST_RADIUS around the blob (the interest
 * grid's block of cells); the view keeps a margin inside it for what is about to enter.
 */
const SEEN_HALF_SIDE_PX = (BLOBS_INTEREST_RADIUS / BLOBS_UNITS_PER_PX) * 0.95;

/** The zoom for a blob of `radius` scene px in a `width` x `height` px view. */
export function zoomFor(radius: number, width: number, height: number): number {
  const byGrowth = Math.pow(START_RADIUS_PX / Math.max(radius, START_RADIUS_PX), GROWTH);
  const widest = Math.max(width, height) / 2 / SEEN_HALF_SIDE_PX;
  return Math.max(byGrowth, widest);
}

/** `current` eased toward `target` over `dtMs`: about 63 % of the way every `timeMs` (frame-rate independent). */
export function ease(current: number, target: number, dtMs: number, timeMs: number): number {
  return current + (target - current) * (1 - Math.exp(-Math.max(0, dtMs) / timeMs));
}
