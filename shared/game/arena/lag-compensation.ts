// Lag compensation: the world remembers where every player's hit circle was on each of the last
// LAG_COMPENSATION_TICKS ticks, inside its own state (so keyframes carry it and re-simulation of a
// recording reproduces every judgement).
//
// THE RULE. A client renders other players in the past: on its screen they stand where the snapshot of
// tick `renderTick` put them. A rifle shot fired with `renderTick` R during tick T is traced against the
// hit circles recorded at the end of tick R (the newest frame at or before R), i.e. exactly what the
// shooter saw. R is clamped to the kept history: never older than the oldest frame (T -
// LAG_COMPENSATION_TICKS), never newer than the latest (T - 1, which equals the current positions
// before this tick's movement). A target is hittable only if it was alive in that frame AND is still
// alive now (the dead do not take damage; a just-respawned player was not where the shooter saw it).
// Walls do not move, so they are traced as they are. The shooter itself fires from its current
// position (it predicts itself, so that is where it saw itself). Rockets are not compensated: they are
// simulated on the server as they fly.
//
// For clients: renderTick is an integer; a client interpolating between two snapshots should send its
// render time rounded to the nearest tick (at most half a tick of motion, 15 units, off the target's
// 64-unit radius).

import { PLAYER_RADIUS } from './constants.js';
import type { ArenaWorld } from './world.js';

/** 8 ticks = 267 ms at 30 Hz (Overwatch keeps 250 ms): the most a shot is judged in the past. */
export const LAG_COMPENSATION_TICKS = 8;

/** One player's hit volume at one tick. */
export interface HitCircle {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly r: number;
  readonly alive: boolean;
}

/** The hit circles of all players at the end of one tick, in player id order. */
export interface HistoryFrame {
  readonly tick: number;
  readonly circles: readonly HitCircle[];
}

/** A frame as recordHistory refills it: only this file writes to frames (readers get them read-only). */
type RecycledFrame = { tick: number; circles: { -readonly [K in keyof HitCircle]: HitCircle[K] }[] };

function currentCircles(world: ArenaWorld): HitCircle[] {
  return world.players.map((p) => ({ id: p.id, x: p.x, y: p.y, r: PLAYER_RADIUS, alive: p.alive }));
}

/**
 * Appends the frame of tick `world.tick` (end of step) and drops frames beyond the cap. A frame lives
 * LAG_COMPENSATION_TICKS ticks, long enough for V8 to promote it to the old generation, where a new frame
 * per tick would pile up as garbage until the next full collection (it grew the heap with every room):
 * the frame that falls out of the window is refilled in place instead, circle objects included.
 */
export function recordHistory(world: ArenaWorld): void {
  // Every frame is a plain object made here or by deserializeArenaWorld: writable under its read-only type.
  const history = world.history as RecycledFrame[];
  while (history.length > LAG_COMPENSATION_TICKS) history.shift();
  const frame = history.length === LAG_COMPENSATION_TICKS ? history.shift()! : { tick: 0, circles: [] };
  frame.tick = world.tick;
  const circles = frame.circles;
  const players = world.players;
  for (let i = 0; i < players.length; i++) {
    const p = players[i];
    const circle = circles[i];
    if (circle === undefined) circles.push({ id: p.id, x: p.x, y: p.y, r: PLAYER_RADIUS, alive: p.alive });
    else {
      circle.id = p.id;
      circle.x = p.x;
      circle.y = p.y;
      circle.r = PLAYER_RADIUS;
      circle.alive = p.alive;
    }
  }
  circles.length = players.length;
  history.push(frame);
}

/**
 * The hit circles as a shooter rendering tick `renderTick` saw them (see THE RULE above): the newest
 * kept frame at or before renderTick, clamped to the oldest kept frame; the current positions when no
 * history exists yet.
 */
export function hitCirclesAt(world: ArenaWorld, renderTick: number): readonly HitCircle[] {
  const history = world.history;
  if (history.length === 0) return currentCircles(world);
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].tick <= renderTick) return history[i].circles;
  }
  return history[0].circles;
}
