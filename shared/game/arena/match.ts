// The match clock: MATCH_TICKS steps of play; at the end the standings are announced and the world
// stands still for a break of `breakTicks` (INTERMISSION_TICKS; rockets gone, nobody moves, fires or
// respawns; the finished match's scores stay on the scoreboard); then the next match starts with the
// scores reset and everyone respawned. With a break of zero ticks (rules version 1, before the break
// existed) the next match starts on the tick the previous one ends.

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

/**
 * Ends the match: the standings, then the intermission of `breakTicks`, or at once the next match when
 * there is no break. Velocities are zeroed so that nothing drifts (clients predict positions from them),
 * rockets in flight are gone and fire requests dropped (the next match's respawns zero them too).
 */
function endMatch(world: ArenaWorld, events: GameEvent[], breakTicks: number): void {
  events.push(matchEndEvent(world));
  world.projectiles = [];
  for (const p of world.players) {
    p.vx = 0;
    p.vy = 0;
    p.fireRequest = 0;
  }
  if (breakTicks === 0) {
    startMatch(world, events);
    return;
  }
  world.intermission = true;
  world.matchTicksLeft = breakTicks;
}

/** Starts the next match: scores reset, everyone respawns (the dead too). */
function startMatch(world: ArenaWorld, events: GameEvent[]): void {
  world.matchNumber += 1;
  world.intermission = false;
  world.matchTicksLeft = MATCH_TICKS;
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

/**
 * Counts the current phase down one step; at zero, ends the match (followed by a break of `breakTicks`)
 * or, at the end of the break, starts the next one.
 */
export function tickMatchClock(world: ArenaWorld, events: GameEvent[], breakTicks: number): void {
  world.matchTicksLeft -= 1;
  if (world.matchTicksLeft > 0) return;
  if (world.intermission) startMatch(world, events);
  else endMatch(world, events, breakTicks);
}
