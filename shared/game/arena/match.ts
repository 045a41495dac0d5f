// The match clock: MATCH_TICKS steps per match; at the end the standings are announced, scores reset,
// everyone respawns and the next match starts on the same tick.

import type { GameEvent } from '../../codec/schema.js';
import { MATCH_TICKS } from './constants.js';
import { EVT_MATCH_END, respawnEvent } from './events.js';
import { placeAtSpawn } from './spawn.js';
import type { ArenaPlayer, ArenaWorld } from './world.js';

/** Players by rank: score, then kills, then fewer deaths, then lower id (a total order: deterministic). */
export function rankPlayers(players: readonly ArenaPlayer[]): ArenaPlayer[] {
  return [...players].sort((a, b) => b.score - a.score || b.kills - a.kills || a.deaths - b.deaths || a.id - b.id);
}

function matchEndEvent(world: ArenaWorld): GameEvent {
  const ranked = rankPlayers(world.players);
  const event: (number | string)[] = [EVT_MATCH_END, world.matchNumber, ranked.length > 0 ? ranked[0].id : 0];
  for (const p of ranked) event.push(p.id, p.kills, p.deaths, p.score);
  return event;
}

/** Counts the match clock down one step; at zero, ends the match and starts the next one. */
export function tickMatchClock(world: ArenaWorld, events: GameEvent[]): void {
  world.matchTicksLeft -= 1;
  if (world.matchTicksLeft > 0) return;
  events.push(matchEndEvent(world));
  world.matchNumber += 1;
  world.matchTicksLeft = MATCH_TICKS;
  world.projectiles = [];
  // Everyone is taken off the map first, so each respawn in id order spreads away from those placed
  // before it rather than from where the previous match left people.
  for (const p of world.players) p.alive = false;
  for (const p of world.players) {
    p.kills = 0;
    p.deaths = 0;
    p.score = 0;
    placeAtSpawn(world, p);
    events.push(respawnEvent(p.id, p.x, p.y));
  }
}
