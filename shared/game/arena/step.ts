// Applying inputs and advancing the world by one fixed step.

import type { GameEvent } from '../../codec/schema.js';
import type { InputContext } from '../game-definition.js';
import { respawnEvent } from './events.js';
import type { ArenaInput } from './input.js';
import { recordHistory } from './lag-compensation.js';
import { tickMatchPhase, type MatchRules } from '../match-phase.js';
import { stepMotion } from './movement.js';
import { stepProjectiles } from './projectiles.js';
import { placeAtSpawn } from './spawn.js';
import { toUnits } from './units.js';
import { acceptedFireKeys, fireWeapons, tickCooldowns } from './weapons.js';
import { findPlayer, type ArenaWorld } from './world.js';

/**
 * Sets a player's intent for the coming step: held keys and aim (kept until the next input), and the
 * fire requests whose weapon is ready, with the render tick the shot is judged at (none during the
 * intermission: nobody fires then). Unknown players are ignored (an input can race a leave).
 */
export function applyArenaInput(world: ArenaWorld, playerId: number, input: ArenaInput, ctx: InputContext): void {
  const player = findPlayer(world, playerId);
  if (!player) return;
  player.keys = input.keys;
  player.aim = input.aim;
  player.fireRequest = world.intermission ? 0 : acceptedFireKeys(player, input.keys);
  player.fireRenderTick = ctx.renderTick;
}

/**
 * One fixed step, with the match clock of `matches` (match.ts: a break of INTERMISSION_TICKS between two
 * matches, or none for rules version 1). During the intermission only the match clock runs (it may start the next
 * match) and the hit circles are recorded. Otherwise, in this order:
 *  1. respawns whose countdown ends (deaths of earlier ticks);
 *  2. weapons fire (rifle traces judged at each shooter's render tick, rockets launched);
 *  3. living players move (stepMotion: the very function clients predict with);
 *  4. rockets fly, explode, damage;
 *  5. per-player timers (cooldowns, spawn protection) count down;
 *  6. the match clock counts down (and may end the match; without a break, start the next one);
 *  7. quantization guard, then this tick's hit circles are recorded for lag compensation.
 */
export function stepArena(world: ArenaWorld, tick: number, matches: MatchRules<ArenaWorld>): GameEvent[] {
  const events: GameEvent[] = [];
  world.tick = tick;
  if (world.intermission) {
    tickMatchPhase(world, events, matches);
    recordHistory(world);
    return events;
  }

  for (const p of world.players) {
    if (p.alive) continue;
    p.respawnTicks -= 1;
    if (p.respawnTicks > 0) continue;
    placeAtSpawn(world, p);
    events.push(respawnEvent(p.id, p.x, p.y));
  }

  fireWeapons(world, events);

  for (const p of world.players) {
    if (!p.alive) continue;
    const m = stepMotion(p, p.keys);
    p.x = m.x;
    p.y = m.y;
    p.vx = m.vx;
    p.vy = m.vy;
  }

  stepProjectiles(world, events);

  for (const p of world.players) {
    tickCooldowns(p);
    if (p.protectTicks > 0) p.protectTicks -= 1;
  }

  tickMatchPhase(world, events, matches);
  quantize(world);
  recordHistory(world);
  return events;
}

/**
 * Every rule above computes positions and velocities with integer arithmetic (or rounds where a
 * fraction appears), so this changes nothing today. It is the guard that keeps the "integer state at
 * the end of each step" invariant if a future rule introduces a fraction.
 */
function quantize(world: ArenaWorld): void {
  for (const p of world.players) {
    p.x = toUnits(p.x);
    p.y = toUnits(p.y);
    p.vx = toUnits(p.vx);
    p.vy = toUnits(p.vy);
  }
  for (const r of world.projectiles) {
    r.x = toUnits(r.x);
    r.y = toUnits(r.y);
  }
}
