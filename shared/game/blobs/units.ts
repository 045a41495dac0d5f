// Units of the blobs simulation. Every piece of world state is an integer in these units.
//
// - Distance: 1 unit = 1/4 pixel, the arena's scale, so a client renders both games the same way
//   (px = units / 4). A small blob's per-tick step (at most 40 units per axis, 100 while boosting)
//   stays a one- or two-byte msgpack integer.
// - Time: 1 tick = 1/30 s (BLOBS_TICK_RATE). Speeds are units per tick, durations in ticks.
// - Mass: an integer; a pellet is worth PELLET_MASS. Radius and speed are integer functions of it
//   (mass.ts).
// - Angles: the arena's AIM_STEPS and its integer direction table (../arena/directions.ts).

export const BLOBS_TICK_RATE = 30;
export const BLOBS_UNITS_PER_PX = 4;

/** A length in pixels as world units. */
export function px(pixels: number): number {
  return Math.round(pixels * BLOBS_UNITS_PER_PX);
}

/** A duration in seconds as ticks at BLOBS_TICK_RATE. */
export function seconds(s: number): number {
  return Math.round(s * BLOBS_TICK_RATE);
}
