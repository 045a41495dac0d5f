// The blobs game events: tuples [code, ...payload], all integers. step() returns them in the order they
// happened within the tick. Positions are in units (px = units / 4).

import type { GameEvent } from '../../codec/schema.js';

/** [EVT_ATE_PELLET, playerId, pelletEntityId]: a blob ate a pellet (a pop effect; the pellet leaves). */
export const EVT_ATE_PELLET = 1;
/**
 * [EVT_ATE_PLAYER, eaterId, eatenId, eatenMass, x, y]: a blob ate another at (x, y), the eaten blob's
 * centre; the eater gained EAT_GAIN_PERCENT of eatenMass (rounded down).
 */
export const EVT_ATE_PLAYER = 2;
/** [EVT_RESPAWN, playerId, x, y]: a blob (re)appeared with the start mass (a teleport: do not interpolate). */
export const EVT_RESPAWN = 3;
/** [EVT_BOOST, playerId, cost]: a blob started a boost, paying `cost` mass. */
export const EVT_BOOST = 4;
/**
 * [EVT_MATCH_END, matchNumber, winnerId | 0, then for each player by rank: playerId, mass, best, eaten,
 * pellets]: the match clock ran out; the intermission starts (standings.ts ranks).
 */
export const EVT_MATCH_END = 5;

/**
 * The event types delivered reliably (BLOBS_SCHEMA.reliableEvents), resent until acknowledged: who ate
 * whom (the feed; the state only has counts) and the final standings (scores reset at the next match).
 * Pellet pops, respawn flashes and boost puffs are effects whose lasting result is replicated state
 * (the pellet leaving, the alive flag and position, the boosting flag): sent once, lost with their
 * snapshot.
 */
export const RELIABLE_EVENTS: readonly number[] = [EVT_ATE_PLAYER, EVT_MATCH_END];

export function atePelletEvent(player: number, pellet: number): GameEvent {
  return [EVT_ATE_PELLET, player, pellet];
}

export function atePlayerEvent(eater: number, eaten: number, eatenMass: number, x: number, y: number): GameEvent {
  return [EVT_ATE_PLAYER, eater, eaten, eatenMass, x, y];
}

export function respawnEvent(player: number, x: number, y: number): GameEvent {
  return [EVT_RESPAWN, player, x, y];
}

export function boostEvent(player: number, cost: number): GameEvent {
  return [EVT_BOOST, player, cost];
}

/** Names of the blobs' event codes (GameDefinition.eventNames). */
export const BLOBS_EVENT_NAMES: Readonly<Record<number, string>> = {
  [EVT_ATE_PELLET]: 'ate_pellet',
  [EVT_ATE_PLAYER]: 'ate_player',
  [EVT_RESPAWN]: 'respawn',
  [EVT_BOOST]: 'boost',
  [EVT_MATCH_END]: 'match_end',
};
