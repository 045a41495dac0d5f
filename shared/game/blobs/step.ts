// Applying inputs and advancing the world by one fixed step.

import type { GameEvent } from '../../codec/schema.js';
import { toUnits } from '../arena/units.js';
import { countDownBoost, moveBlob, settleBlob, startBoost } from './blob-tick.js';
import { eatPlayers } from './eating.js';
import { boostEvent, respawnEvent } from './events.js';
import { BLOB_KEY_BOOST, type BlobsInput } from './input.js';
import { tickMatchPhase } from '../match-phase.js';
import { BLOBS_MATCHES } from './match.js';
import { eatPellets, respawnPellets } from './pellets.js';
import { placeAtSpawn } from './spawn.js';
import { findPlayer, type BlobsWorld } from './world.js';

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

/**
 * One fixed step. During the intermission only the match clock runs. Otherwise, in this order:
 *  1. respawns whose countdown ends (blobs eaten on earlier ticks), and pellets whose delay ends;
 *  2. requested boosts start (paid with mass);
 *  3. living blobs move (blob-tick.ts: the very functions a client predicts its own blob with);
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
    tickMatchPhase(world, events, BLOBS_MATCHES);
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
    const cost = startBoost(p);
    if (cost > 0) events.push(boostEvent(p.id, cost));
    moveBlob(p);
  }

  eatPellets(world, events);
  eatPlayers(world, events);

  for (const p of world.players) {
    if (p.alive) {
      settleBlob(p);
      if (p.mass > p.best) p.best = p.mass;
    }
    if (p.protectTicks > 0) p.protectTicks -= 1;
    countDownBoost(p);
  }

  tickMatchPhase(world, events, BLOBS_MATCHES);
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
