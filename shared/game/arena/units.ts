// Units of the arena simulation. Every piece of world state is an integer in these units.
//
// - Distance: 1 unit = 1/4 pixel (UNITS_PER_PX). The client renders at px = units / 4. A quarter pixel is
//   invisible on screen, and it keeps a running player's per-tick position change (at most 30 units per
//   axis) inside msgpack's one-byte fixint range (-32..127), so a delta-coded x or y costs one byte.
// - Time: 1 tick = 1/30 s (ARENA_TICK_RATE). Speeds are units per tick, accelerations units per tick per
//   tick, durations in ticks. All tuning constants assume this rate.
// - Angles: AIM_STEPS steps per full turn; step 0 points to +x (screen right), angles grow toward +y
//   (screen down, i.e. clockwise on screen). Directions come from an integer table (directions.ts).

export const ARENA_TICK_RATE = 30;
export const UNITS_PER_PX = 4;
export const AIM_STEPS = 4096;

/** Converts a length in pixels (an integer number of px in all our constants) to world units. */
export function px(pixels: number): number {
  return Math.round(pixels * UNITS_PER_PX);
}

/**
 * Quantizes a computed value to whole units: rounds half up, and turns -0 into 0 (Math.round(-0.4) is
 * -0, which msgpack would encode as a float and deep-equality would tell apart from 0).
 */
export function toUnits(value: number): number {
  return Math.round(value) + 0;
}

/** Converts world units to pixels for rendering (fractional: a unit is a quarter pixel). */
export function unitsToPx(units: number): number {
  return units / UNITS_PER_PX;
}

/** Converts a duration in seconds to ticks at ARENA_TICK_RATE. */
export function seconds(s: number): number {
  return Math.round(s * ARENA_TICK_RATE);
}
