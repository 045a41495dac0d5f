// Applying inputs and advancing the world by one fixed step.

import type { GameEvent } from '../../codec/schema.js';
import { toUnits } from '../arena/units.js';
import { BOOST_COOLDOWN_TICKS, BOOST_MIN_MASS, BOOST_TICKS } from './constants.js';
import { eatPlayers } from './eating.js';
import { boostEvent, respawnEvent } from './events.js';
import { BLOB_KEY_BOOST, type BlobsInput } from './input.js';
import { blobRadius, boostCost, decayMass } from './mass.js';
import { tickMatchClock } from './match.js';
import { insideWorld, stepBlobMotion } from './motion.js';
import { eatPellets, respawnPellets } from './pellets.js';
import { placeAtSpawn } from './spawn.js';
import { findPlayer, type BlobsPlayer, type BlobsWorld } from './world.js';

/**
 * Sets a player's intent for the coming step: held keys and aim (kept until the next input) and a
 * boost request (judged by the step). Unknown players are ignored (an input can race a leave). The
 * input context is not needed: nothing is judged in the past (lagCompensationTicks is 0).
 */
export function applyBlobsInput(world: BlobsWorld, playerId: number, input: BlobsInput): void {
  const player = findPlayer(world, playerId);
  if (!player) return;
  player.keys = input.keys;
  player.aim = input.aim;
  player.boostRequest = (input.keys & BLOB_KEY_BOOST) !== 0 ? 1 : 0;
}

/** Starts a requested boost if the blob is ready: heavy enough and off cooldown. It pays with mass. */
function startBoost(p: BlobsPlayer, events: GameEvent[]): void {
  const requested = p.boostRequest === 1;
  p.boostRequest = 0;
  if (!requested || p.boostCooldown > 0 || p.mass < BOOST_MIN_MASS) return;
  const cost = boostCost(p.mass);
  p.mass -= cost;
  p.boostTicks = BOOST_TICKS;
  p.boostCooldown = BOOST_COOLDOWN_TICKS;
  events.push(boostEvent(p.id, cost));
}

/**
 * A blob that grew against the border this tick is pushed back inside by its new radius; the push is
 * part of this tick's step, so vx, vy stay the step actually taken (the codec's dead reckoning).
 */
function pushInside(p: BlobsPlayer): void {
  const r = blobRadius(p.mass);
  const x = insideWorld(p.x, r);
  const y = insideWorld(p.y, r);
  p.vx += x - p.x;
  p.vy += y - p.y;
  p.x = x;
  p.y = y;
}

/**
 * One fixed step. During the intermission only the match clock runs. Otherwise, in this order:
 *  1. respawns whose countdown ends (blobs eaten on earlier ticks), and pellets whose delay ends;
 *  2. requested boosts start (paid with mass);
 *  3. living blobs move (stepBlobMotion: the very function clients can predict with);
 *  4. blobs eat the pellets they cover, then blobs eat blobs (eating.ts);
 *  5. decay, best mass, a blob grown against the border pushed back inside, and the per-player timers
 *     (protection, boost, cooldown) count down;
 *  6. the match clock counts down (and may end the match or start the next);
 *  7. quantization guard.
 */
export function stepBlobs(world: BlobsWorld, tick: number): GameEvent[] {
  const events: GameEvent[] = [];
  world.tick = tick;
  if (world.intermission) {
    tickMatchClock(world, events);
    return events;
  }

  for (const p of world.players) {
    if (p.alive) continue;
    p.respawnTicks -= 1;
    if (p.respawnTicks > 0) continue;
    placeAtSpawn(world, p);
    events.push(respawnEvent(p.id, p.x, p.y));
  }
  respawnPellets(world);

  for (const p of world.players) {
    if (!p.alive) continue;
    startBoost(p, events);
    const m = stepBlobMotion(p, p.keys, p.aim, p.mass, p.boostTicks > 0);
    p.x = m.x;
    p.y = m.y;
    p.vx = m.vx;
    p.vy = m.vy;
  }

  eatPellets(world, events);
  eatPlayers(world, events);

  for (const p of world.players) {
    if (p.alive) {
      [p.mass, p.decayCarry] = decayMass(p.mass, p.decayCarry);
      if (p.mass > p.best) p.best = p.mass;
      pushInside(p);
    }
    if (p.protectTicks > 0) p.protectTicks -= 1;
    if (p.boostTicks > 0) p.boostTicks -= 1;
    if (p.boostCooldown > 0) p.boostCooldown -= 1;
  }

  tickMatchClock(world, events);
  quantize(world);
  return events;
}

/**
 * Every rule above computes with integers (or rounds where a fraction appears), so this changes
 * nothing today. It is the guard that keeps the "integer state at the end of each step" invariant if a
 * future rule introduces a fraction.
 */
function quantize(world: BlobsWorld): void {
  for (const p of world.players) {
    p.x = toUnits(p.x);
    p.y = toUnits(p.y);
    p.vx = toUnits(p.vx);
    p.vy = toUnits(p.vy);
  }
}
