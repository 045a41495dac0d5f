// Pure 2D intersection tests used by movement and weapons. Intervals are open: touching a wall's face
// is not overlapping it (a player may stand flush against a wall, a shot may graze an edge).
// Only + - * / and Math.sqrt are used: IEEE-754 rounds them identically in every engine, so even the
// fractional intermediate results are the same on the server and in the browser.

import type { Wall } from './map.js';

/** True when the square of half-size `half` centred on (cx, cy) overlaps the wall's interior. */
export function squareOverlapsWall(cx: number, cy: number, half: number, wall: Wall): boolean {
  return cx + half > wall.x && cx - half < wall.x + wall.w && cy + half > wall.y && cy - half < wall.y + wall.h;
}

/**
 * Where the segment from (ox, oy) to (ox + dx, oy + dy) enters the wall grown by `pad` on every side,
 * as a fraction t in [0, 1] of the segment (0 when it starts inside); null when it does not enter it.
 * (Slab method; growing the box by the moving circle's radius approximates the circle by a square, which
 * is what the walls' owners see on screen anyway.)
 */
export function segmentEntersWall(
  ox: number,
  oy: number,
  dx: number,
  dy: number,
  wall: Wall,
  pad: number,
): number | null {
  let tMin = 0;
  let tMax = 1;
  const minX = wall.x - pad;
  const maxX = wall.x + wall.w + pad;
  const minY = wall.y - pad;
  const maxY = wall.y + wall.h + pad;
  if (dx === 0) {
    if (ox <= minX || ox >= maxX) return null;
  } else {
    let t1 = (minX - ox) / dx;
    let t2 = (maxX - ox) / dx;
    if (t1 > t2) [t1, t2] = [t2, t1];
    if (t1 > tMin) tMin = t1;
    if (t2 < tMax) tMax = t2;
  }
  if (dy === 0) {
    if (oy <= minY || oy >= maxY) return null;
  } else {
    let t1 = (minY - oy) / dy;
    let t2 = (maxY - oy) / dy;
    if (t1 > t2) [t1, t2] = [t2, t1];
    if (t1 > tMin) tMin = t1;
    if (t2 < tMax) tMax = t2;
  }
  return tMin < tMax ? tMin : null;
}

/** The first wall entry along the segment (smallest t), or null when the segment is clear. */
export function firstWallHit(
  ox: number,
  oy: number,
  dx: number,
  dy: number,
  walls: readonly Wall[],
  pad: number,
): number | null {
  let best: number | null = null;
  for (const wall of walls) {
    const t = segmentEntersWall(ox, oy, dx, dy, wall, pad);
    if (t !== null && (best === null || t < best)) best = t;
  }
  return best;
}

/**
 * Where the segment from (ox, oy) to (ox + dx, oy + dy) enters the circle of radius r at (cx, cy), as a
 * fraction t in [0, 1] (0 when it starts inside); null when it misses or only grazes it.
 */
export function segmentEntersCircle(
  ox: number,
  oy: number,
  dx: number,
  dy: number,
  cx: number,
  cy: number,
  r: number,
): number | null {
  const fx = ox - cx;
  const fy = oy - cy;
  const c = fx * fx + fy * fy - r * r;
  if (c < 0) return 0;
  const a = dx * dx + dy * dy;
  if (a === 0) return null;
  const b = fx * dx + fy * dy; // half of the quadratic's b
  if (b >= 0) return null; // moving away from (or tangent to) the centre
  const disc = b * b - a * c;
  if (disc <= 0) return null;
  const t = (-b - Math.sqrt(disc)) / a;
  return t <= 1 ? t : null;
}
