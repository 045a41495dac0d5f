// The geometry of a virtual stick, without the DOM: the finger's offset turned into a vector of length at
// most 1, the dead zone, and the 8 compass directions. Screen axes: x to the right, y down (as the games'
// scene px, so a stick vector can be handed to their aimFromVector as it is).

/** Where the stick points: |v| is 0 at its centre and 1 at its rim (and beyond: clamped). */
export interface StickVector {
  readonly x: number;
  readonly y: number;
}

export const STICK_CENTRE: StickVector = { x: 0, y: 0 };

/** The finger `dx`, `dy` px from the stick's centre, as a share of the stick's throw `radiusPx`, clamped to the rim. */
export function stickVector(dx: number, dy: number, radiusPx: number): StickVector {
  const length = Math.hypot(dx, dy);
  if (length === 0 || !(radiusPx > 0)) return STICK_CENTRE;
  const scale = 1 / Math.max(length, radiusPx);
  return { x: dx * scale, y: dy * scale };
}

/** Pushed further than `deadZone` (a share of the full throw): a resting thumb's wobble stays inside. */
export function beyondDeadZone(v: StickVector, deadZone: number): boolean {
  return Math.hypot(v.x, v.y) > deadZone;
}

/**
 * Which of the 8 directions the stick points to, each the middle of a 45-degree sector: 0 right, then
 * clockwise on screen (1 down-right, 2 down, ... 6 up, 7 up-right); null inside the dead zone.
 */
export function octant(v: StickVector, deadZone: number): number | null {
  if (!beyondDeadZone(v, deadZone)) return null;
  const sector = Math.round(Math.atan2(v.y, v.x) / (Math.PI / 4));
  return ((sector % 8) + 8) % 8;
}
