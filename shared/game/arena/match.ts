// The arena's matches on the shared match clock (../match-phase.ts): MATCH_TICKS steps of play; at the end
// the standings are announced and the world stands still for the break (INTERMISSION_TICKS; rockets gone,
// nobody moves, fires or respawns; the finished match's scores stay on the scoreboard); then the next
// match starts with the scores reset and everyone respawned. With a break of zero ticks (rules version 1,
// before the break existed) the next match starts on the tick the previous one ends.

import type { GameEvent } from '../../codec/schema.js';
import { MATCH_TICKS } from './constants.js';
import { type MatchRules } from '../match-phase.js';
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

/** Ends the match: the standings; rockets in flight are gone, nobody drifts (clients predict from velocities). */
function endMatch(world: ArenaWorld, events: GameEvent[]): void {
  events.push(matchEndEvent(world));
  world.projectiles = [];
  for (const p of world.players) {
    p.vx = 0;
    p.vy = 0;
    p.fireRequest = 0;
  }
}

/** Starts the next match: scores reset, everyone respawns (the dead too). */
function startMatch(world: ArenaWorld, events: GameEvent[]): void {
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

/** The arena's match clock with a break of `breakTicks` between matches (0: rules version 1). */
export function arenaMatchRules(breakTicks: number): MatchRules<ArenaWorld> {
  return { matchTicks: MATCH_TICKS, breakTicks, endMatch, startMatch };
}
