// The reference game: a top-down arena shooter as a pure, deterministic GameDefinition.
// Everything a server, client, bot or replay tool needs is exported from here.

import type { GameDefinition } from '../game-definition.js';
import { ARENA_GAME_NAME, ARENA_INTEREST_RADIUS, ARENA_MAX_PLAYERS, INTERMISSION_TICKS } from './constants.js';
import { ARENA_BOT_BEHAVIOURS, createArenaBot } from './bot-brain.js';
import { ARENA_MAP } from './map.js';
import { LAG_COMPENSATION_TICKS } from './lag-compensation.js';
import { ARENA_TICK_RATE } from './units.js';
import { ARENA_EVENT_NAMES, EVT_MATCH_END } from './events.js';
import { arenaMatchEndScores } from './match-end-scores.js';
import { arenaMatchRules } from './match.js';
import { encodeArenaInput, idleArenaInput, packArenaInput, parseArenaInput, type ArenaInput } from './input.js';
import { deserializeArenaWorld, hashArenaWorld, serializeArenaWorld } from './serialize.js';
import { applyArenaInput, stepArena } from './step.js';
import { ARENA_SCHEMA, ARENA_SCORE_COLUMNS, arenaFocusOf, arenaScores, viewArena } from './view.js';
import { addArenaPlayer, createArenaWorld, removeArenaPlayer, type ArenaWorld } from './world.js';

/**
 * The arena's rules as version `rulesVersion`, whose matches are separated by a break of `breakTicks`: the
 * versions differ in that length only.
 */
function arenaRules(rulesVersion: number, breakTicks: number): GameDefinition<ArenaWorld, ArenaInput> {
  const matches = arenaMatchRules(breakTicks);
  return {
    name: ARENA_GAME_NAME,
    rulesVersion,
    title: 'Arena',
    mapName: ARENA_MAP.name,
    schema: ARENA_SCHEMA,
    maxPlayers: ARENA_MAX_PLAYERS,
    tickRate: ARENA_TICK_RATE,
    lagCompensationTicks: LAG_COMPENSATION_TICKS,
    interestRadius: ARENA_INTEREST_RADIUS,
    createWorld: createArenaWorld,
    addPlayer: addArenaPlayer,
    removePlayer: removeArenaPlayer,
    parseInput: parseArenaInput,
    encodeInput: encodeArenaInput,
    idleInput: idleArenaInput,
    packInput: packArenaInput,
    applyInput: applyArenaInput,
    step: (world, tick) => stepArena(world, tick, matches),
    view: viewArena,
    focusOf: arenaFocusOf,
    scoreColumns: ARENA_SCORE_COLUMNS,
    eventNames: ARENA_EVENT_NAMES,
    scores: arenaScores,
    matchEndEvent: EVT_MATCH_END,
    matchEndScores: arenaMatchEndScores,
    createBot: createArenaBot,
    botBehaviours: ARENA_BOT_BEHAVIOURS,
    hash: hashArenaWorld,
    serialize: serializeArenaWorld,
    deserialize: deserializeArenaWorld,
  };
}

/**
 * Rules version 2: an INTERMISSION_TICKS break between matches. Version 1 had none (the next match started
 * on the tick the previous one ended); recordings made with it replay with those rules.
 */
export const arenaGame: GameDefinition<ArenaWorld, ArenaInput> = {
  ...arenaRules(2, INTERMISSION_TICKS),
  olderRules: { 1: arenaRules(1, 0) },
};

export * from './constants.js';
export * from './units.js';
export { DIR_SCALE, aimFromVector, aimToRadians, dirX, dirY } from './directions.js';
export * from './events.js';
export * from './input.js';
export { LAG_COMPENSATION_TICKS, type HistoryFrame, type HitCircle } from './lag-compensation.js';
export { ARENA_MAP, type ArenaMap, type SpawnPoint, type Wall } from './map.js';
export { isPlayerPositionBlocked, stepMotion, type PlayerMotion } from './movement.js';
export { ARENA_FORMAT, type SerializedArenaWorld } from './serialize.js';
export {
  ARENA_SCHEMA,
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PLAYER_INFO,
  KIND_PROJECTILE,
  MATCH_FIELD,
  PHASE_INTERMISSION,
  PHASE_PLAYING,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PLAYER_FLAG_PROTECTED,
  PLAYER_INFO_FIELD,
  PROJECTILE_FIELD,
  motionFromEntity,
} from './view.js';
export type { ArenaPlayer, ArenaProjectile, ArenaWorld } from './world.js';
