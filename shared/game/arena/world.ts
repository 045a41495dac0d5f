// The arena world: plain mutable data, owned by the game functions. Players are kept sorted by id and
// projectiles in creation order, so every loop over them is in a deterministic order whatever the order
// of joins. All numbers are integers in simulation units (units.ts).

import { MAX_HEALTH, MAX_PLAYER_ID, MATCH_TICKS, MIN_PLAYER_ID, PROJECTILE_ID_BASE } from './constants.js';
import { checkNewPlayerId, findById, insertById } from '../player-list.js';
import type { HistoryFrame } from './lag-compensation.js';
import { createPrng, type PrngState } from '../prng.js';
import { placeAtSpawn } from './spawn.js';

export interface ArenaPlayer {
  readonly id: number;
  name: string;
  // Motion (see movement.ts).
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Current intent: held keys (KEY_* bits) and aim step, set by applyInput and kept until the next. */
  keys: number;
  aim: number;
  hp: number;
  alive: boolean;
  /** Ticks until each weapon may fire again (0 = ready). */
  primaryCooldown: number;
  secondaryCooldown: number;
  /** Fire keys accepted by applyInput for the coming step (cleared by the step). */
  fireRequest: number;
  /** The render tick the shooter reported with that request (lag compensation). */
  fireRenderTick: number;
  /** While dead: ticks until respawn. */
  respawnTicks: number;
  /** While alive: ticks of spawn protection left (no damage taken). */
  protectTicks: number;
  kills: number;
  deaths: number;
  score: number;
}

export interface ArenaProjectile {
  readonly id: number;
  readonly owner: number;
  x: number;
  y: number;
  readonly vx: number;
  readonly vy: number;
  /** Ticks of flight left before it fizzles. */
  ticksLeft: number;
}

export interface ArenaWorld {
  /** The last tick stepped (-1 before the first step). */
  tick: number;
  /** Seeded PRNG state (spawn choices). */
  rng: PrngState;
  /** 1 for the first match, +1 at each match end. */
  matchNumber: number;
  /** True between a match end and the next match (the world stands still). */
  intermission: boolean;
  /** Steps left in the current phase: the match, or the intermission while `intermission` is true. */
  phaseTicksLeft: number;
  /** The id the next projectile will try first. */
  nextProjectileId: number;
  /** Sorted by id. */
  players: ArenaPlayer[];
  /** In creation order. */
  projectiles: ArenaProjectile[];
  /** Hit circles of the last ticks, oldest first (lag-compensation.ts). */
  history: HistoryFrame[];
}

export function createArenaWorld(seed: number): ArenaWorld {
  return {
    tick: -1,
    rng: createPrng(seed),
    matchNumber: 1,
    intermission: false,
    phaseTicksLeft: MATCH_TICKS,
    nextProjectileId: PROJECTILE_ID_BASE,
    players: [],
    projectiles: [],
    history: [],
  };
}

export function findPlayer(world: ArenaWorld, playerId: number): ArenaPlayer | undefined {
  return findById(world.players, playerId);
}

/**
 * A new, living player at a spawn point chosen with the world's PRNG (during an intermission too: it
 * stands still with the others until the next match). Throws on a bad or taken id.
 */
export function addArenaPlayer(world: ArenaWorld, playerId: number, name: string): void {
  checkNewPlayerId('arena', world.players, playerId, MIN_PLAYER_ID, MAX_PLAYER_ID);
  const player: ArenaPlayer = {
    id: playerId,
    name,
    x: 0,
    y: 0,
    vx: 0,
    vy: 0,
    keys: 0,
    aim: 0,
    hp: MAX_HEALTH,
    alive: false,
    primaryCooldown: 0,
    secondaryCooldown: 0,
    fireRequest: 0,
    fireRenderTick: 0,
    respawnTicks: 0,
    protectTicks: 0,
    kills: 0,
    deaths: 0,
    score: 0,
  };
  insertById(world.players, player);
  placeAtSpawn(world, player);
}

/** Removes a player and its projectiles in flight (so a later player reusing the id is not credited). */
export function removeArenaPlayer(world: ArenaWorld, playerId: number): void {
  world.players = world.players.filter((p) => p.id !== playerId);
  world.projectiles = world.projectiles.filter((p) => p.owner !== playerId);
}
