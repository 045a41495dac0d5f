// The blobs world: plain mutable data, owned by the game functions. Players are kept sorted by id and
// pellets in fixed slots, so every loop over them is in a deterministic order whatever the order of
// joins. All numbers are integers in simulation units (units.ts).

import { createPrng, type PrngState } from '../prng.js';
import { MATCH_TICKS, MAX_PLAYER_ID, MIN_PLAYER_ID, PELLET_COUNT } from './constants.js';
import { checkNewPlayerId, findById, insertById } from '../player-list.js';
import { scatterPellets } from './pellets.js';
import { placeAtSpawn } from './spawn.js';

export interface BlobsPlayer {
  readonly id: number;
  name: string;
  // Motion (motion.ts): the centre and its change per tick.
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Current intent: held keys (BLOB_KEY_* bits) and aim step, set by applyInput and kept until the next. */
  keys: number;
  aim: number;
  /** 0 while dead (waiting to respawn). */
  mass: number;
  /** Decay not yet taken, in 1/DECAY_DIVISOR units of mass (mass.ts decayMass). */
  decayCarry: number;
  alive: boolean;
  /** While dead: ticks until respawn. */
  respawnTicks: number;
  /** While alive: ticks of spawn protection left (cannot eat or be eaten by players). */
  protectTicks: number;
  /** Ticks of boosted speed left. */
  boostTicks: number;
  /** Ticks until the next boost may start. */
  boostCooldown: number;
  /** 1 when the last input asked for a boost; judged (mass, cooldown) and cleared by the step. */
  boostRequest: number;
  // This match's score columns (standings.ts).
  /** The highest mass reached. */
  best: number;
  /** Players eaten. */
  eaten: number;
  /** Pellets eaten. */
  pellets: number;
  /** Times eaten. */
  deaths: number;
}

/** One pellet slot; its entity id is PELLET_ID_BASE + slot, its colour slot % PELLET_COLOURS. */
export interface BlobsPellet {
  x: number;
  y: number;
  /** 0 while the pellet is on the map; after it is eaten, ticks until it reappears elsewhere. */
  respawnTicks: number;
}

export interface BlobsWorld {
  /** The last tick stepped (-1 before the first step). */
  tick: number;
  /** Seeded PRNG state (pellet and spawn positions). */
  rng: PrngState;
  /** 1 for the first match, +1 at each match end. */
  matchNumber: number;
  /** True between a match end and the next match (the world stands still). */
  intermission: boolean;
  /** Steps left in the current phase (match or intermission). */
  phaseTicksLeft: number;
  /** Sorted by id. */
  players: BlobsPlayer[];
  /** PELLET_COUNT slots. */
  pellets: BlobsPellet[];
}

export function createBlobsWorld(seed: number): BlobsWorld {
  const world: BlobsWorld = {
    tick: -1,
    rng: createPrng(seed),
    matchNumber: 1,
    intermission: false,
    phaseTicksLeft: MATCH_TICKS,
    players: [],
    pellets: Array.from({ length: PELLET_COUNT }, () => ({ x: 0, y: 0, respawnTicks: 0 })),
  };
  scatterPellets(world);
  return world;
}

export function findPlayer(world: BlobsWorld, playerId: number): BlobsPlayer | undefined {
  return findById(world.players, playerId);
}

/**
 * A new, living blob with the start mass at a safe spot chosen with the world's PRNG (during an
 * intermission too: it stands still with the others until the next match). Throws on a bad or taken id.
 */
export function addBlobsPlayer(world: BlobsWorld, playerId: number, name: string): void {
  checkNewPlayerId('blobs', world.players, playerId, MIN_PLAYER_ID, MAX_PLAYER_ID);
  const player: BlobsPlayer = {
    id: playerId,
    name,
    x: 0,
    y: 0,
    vx: 0,
    vy: 0,
    keys: 0,
    aim: 0,
    mass: 0,
    decayCarry: 0,
    alive: false,
    respawnTicks: 0,
    protectTicks: 0,
    boostTicks: 0,
    boostCooldown: 0,
    boostRequest: 0,
    best: 0,
    eaten: 0,
    pellets: 0,
    deaths: 0,
  };
  insertById(world.players, player);
  placeAtSpawn(world, player);
}

export function removeBlobsPlayer(world: BlobsWorld, playerId: number): void {
  world.players = world.players.filter((p) => p.id !== playerId);
}
