// Blobs' matches on the shared match clock (../match-phase.ts): MATCH_TICKS steps of play; at the end the
// standings are announced and the world stands still for INTERMISSION_TICKS (results on screen); then the
// next match starts with fresh pellets, every blob back to the start mass at a new safe spot and the
// scores reset.

import type { GameEvent } from '../../codec/schema.js';
import { INTERMISSION_TICKS, MATCH_TICKS } from './constants.js';
import type { MatchRules } from '../match-phase.js';
import { EVT_MATCH_END, respawnEvent } from './events.js';
import { scatterPellets } from './pellets.js';
import { placeAtSpawn } from './spawn.js';
import { rankBlobs } from './standings.js';
import type { BlobsWorld } from './world.js';

function matchEndEvent(world: BlobsWorld): GameEvent {
  const ranked = rankBlobs(world.players);
  const event: number[] = [EVT_MATCH_END, world.matchNumber, ranked.length > 0 ? ranked[0].id : 0];
  for (const p of ranked) event.push(p.id, p.mass, p.best, p.eaten, p.pellets);
  return event;
}

/** Ends the match: the standings; every blob comes to rest for the break. */
function endMatch(world: BlobsWorld, events: GameEvent[]): void {
  events.push(matchEndEvent(world));
  for (const p of world.players) {
    p.vx = 0;
    p.vy = 0;
    p.boostTicks = 0;
    p.boostRequest = 0;
  }
}

/** Starts the next match: new pellets, scores reset, everyone respawns (spread in id order). */
function startMatch(world: BlobsWorld, events: GameEvent[]): void {
  scatterPellets(world);
  // Everyone leaves the map first, so each respawn spreads away from those placed before it rather
  // than from where the previous match left people.
  for (const p of world.players) p.alive = false;
  for (const p of world.players) {
    p.best = 0;
    p.eaten = 0;
    p.pellets = 0;
    p.deaths = 0;
    placeAtSpawn(world, p);
    events.push(respawnEvent(p.id, p.x, p.y));
  }
}

/** Blobs' match clock (../match-phase.ts): MATCH_TICKS of play, then INTERMISSION_TICKS of rest. */
export const BLOBS_MATCHES: MatchRules<BlobsWorld> = { matchTicks: MATCH_TICKS, breakTicks: INTERMISSION_TICKS, endMatch, startMatch };
