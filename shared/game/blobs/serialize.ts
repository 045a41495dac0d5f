// Serialization of a blobs world to a plain msgpack-encodable object (keyframes, reconnect-safe
// snapshots), its validating inverse, and the state hash computed over that same representation (so the
// hash covers exactly what a keyframe restores, in one fixed order).
//
// Format 'blobs/1': an object with fixed keys; players are tuples and pellets one flat number array
// (3 numbers a slot), so a keyframe of 1000 pellets and 16 players is ~8 KB instead of ~25 KB with
// named fields. Layouts:
//   player:  [id, name, x, y, vx, vy, keys, aim, mass, decayCarry, alive(0|1), respawnTicks,
//             protectTicks, boostTicks, boostCooldown, boostRequest(0|1), best, eaten, pellets, deaths]
//   pellets: [x, y, respawnTicks, x, y, respawnTicks, ...]   (slot order)

import { ShapeError, readArray, readBit, readInt, readRecord, readString } from '../arena/validate.js';
import { AIM_STEPS } from '../arena/units.js';
import { FNV_OFFSET_BASIS, hashValue, type HashableValue } from '../hash.js';
import { isPrngState } from '../prng.js';
import {
  BOOST_COOLDOWN_TICKS,
  BOOST_TICKS,
  DECAY_DIVISOR,
  INTERMISSION_TICKS,
  MATCH_TICKS,
  MAX_MASS,
  MAX_PLAYER_ID,
  MIN_PLAYER_ID,
  PELLET_COUNT,
  PELLET_RESPAWN_TICKS,
  RESPAWN_TICKS,
  SPAWN_PROTECTION_TICKS,
  WORLD_SIZE,
} from './constants.js';
import { BLOB_ALL_KEYS } from './input.js';
import type { BlobsPellet, BlobsPlayer, BlobsWorld } from './world.js';

export const BLOBS_FORMAT = 'blobs/1';

type PlayerTuple = [
  id: number, name: string, x: number, y: number, vx: number, vy: number, keys: number, aim: number,
  mass: number, decayCarry: number, alive: number, respawnTicks: number, protectTicks: number,
  boostTicks: number, boostCooldown: number, boostRequest: number, best: number, eaten: number,
  pellets: number, deaths: number,
];

export interface SerializedBlobsWorld {
  format: typeof BLOBS_FORMAT;
  tick: number;
  rng: number[];
  matchNumber: number;
  intermission: number;
  phaseTicksLeft: number;
  players: PlayerTuple[];
  pellets: number[];
}

const PLAYER_TUPLE_LENGTH = 20;
const PELLET_LENGTH = 3;
const MAX_NAME_LENGTH = 256;
const I32 = 2147483647;

function playerTuple(p: BlobsPlayer): PlayerTuple {
  return [
    p.id, p.name, p.x, p.y, p.vx, p.vy, p.keys, p.aim, p.mass, p.decayCarry, p.alive ? 1 : 0, p.respawnTicks,
    p.protectTicks, p.boostTicks, p.boostCooldown, p.boostRequest, p.best, p.eaten, p.pellets, p.deaths,
  ];
}

export function serializeBlobsWorld(world: BlobsWorld): SerializedBlobsWorld {
  const pellets: number[] = new Array<number>(world.pellets.length * PELLET_LENGTH);
  world.pellets.forEach((pellet, slot) => {
    pellets[slot * PELLET_LENGTH] = pellet.x;
    pellets[slot * PELLET_LENGTH + 1] = pellet.y;
    pellets[slot * PELLET_LENGTH + 2] = pellet.respawnTicks;
  });
  return {
    format: BLOBS_FORMAT,
    tick: world.tick,
    rng: [...world.rng],
    matchNumber: world.matchNumber,
    intermission: world.intermission ? 1 : 0,
    phaseTicksLeft: world.phaseTicksLeft,
    players: world.players.map(playerTuple),
    pellets,
  };
}

/** FNV-1a over the serialized form, fields in a fixed order (never object key order). */
export function hashBlobsWorld(world: BlobsWorld): number {
  const s = serializeBlobsWorld(world);
  const ordered: HashableValue[] = [
    s.format, s.tick, s.rng, s.matchNumber, s.intermission, s.phaseTicksLeft, s.players, s.pellets,
  ];
  return hashValue(FNV_OFFSET_BASIS, ordered);
}

// ---- deserialization ----

function ownField(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The arena's readers name the arena in their messages; this world is a blobs world. */
function fail(path: string, problem: string): never {
  throw new ShapeError(`blobs world: ${path} ${problem}`);
}

function readPlayer(value: unknown, path: string): BlobsPlayer {
  const t = readArray(value, path, PLAYER_TUPLE_LENGTH, PLAYER_TUPLE_LENGTH);
  const at = (i: number, name: string): string => `${path}[${i}] (${name})`;
  const keys = readInt(t[6], at(6, 'keys'), 0, BLOB_ALL_KEYS);
  if ((keys & ~BLOB_ALL_KEYS) !== 0) fail(at(6, 'keys'), 'has unknown key bits');
  const alive = readBit(t[10], at(10, 'alive'));
  const mass = readInt(t[8], at(8, 'mass'), 0, MAX_MASS);
  if (alive !== mass > 0) fail(at(8, 'mass'), alive ? 'must be positive for a living blob' : 'must be 0 for a dead blob');
  return {
    id: readInt(t[0], at(0, 'id'), MIN_PLAYER_ID, MAX_PLAYER_ID),
    name: readString(t[1], at(1, 'name'), MAX_NAME_LENGTH),
    x: readInt(t[2], at(2, 'x'), 0, WORLD_SIZE),
    y: readInt(t[3], at(3, 'y'), 0, WORLD_SIZE),
    vx: readInt(t[4], at(4, 'vx'), -WORLD_SIZE, WORLD_SIZE),
    vy: readInt(t[5], at(5, 'vy'), -WORLD_SIZE, WORLD_SIZE),
    keys,
    aim: readInt(t[7], at(7, 'aim'), 0, AIM_STEPS - 1),
    mass,
    decayCarry: readInt(t[9], at(9, 'decayCarry'), 0, DECAY_DIVISOR - 1),
    alive,
    respawnTicks: readInt(t[11], at(11, 'respawnTicks'), 0, RESPAWN_TICKS),
    protectTicks: readInt(t[12], at(12, 'protectTicks'), 0, SPAWN_PROTECTION_TICKS),
    boostTicks: readInt(t[13], at(13, 'boostTicks'), 0, BOOST_TICKS),
    boostCooldown: readInt(t[14], at(14, 'boostCooldown'), 0, BOOST_COOLDOWN_TICKS),
    boostRequest: readInt(t[15], at(15, 'boostRequest'), 0, 1),
    best: readInt(t[16], at(16, 'best'), 0, MAX_MASS),
    eaten: readInt(t[17], at(17, 'eaten'), 0, I32),
    pellets: readInt(t[18], at(18, 'pellets'), 0, I32),
    deaths: readInt(t[19], at(19, 'deaths'), 0, I32),
  };
}

function readPellets(value: unknown): BlobsPellet[] {
  const flat = readArray(value, 'pellets', PELLET_COUNT * PELLET_LENGTH, PELLET_COUNT * PELLET_LENGTH);
  const pellets: BlobsPellet[] = [];
  for (let slot = 0; slot < PELLET_COUNT; slot++) {
    const i = slot * PELLET_LENGTH;
    pellets.push({
      x: readInt(flat[i], `pellets[${i}] (x of slot ${slot})`, 0, WORLD_SIZE),
      y: readInt(flat[i + 1], `pellets[${i + 1}] (y of slot ${slot})`, 0, WORLD_SIZE),
      respawnTicks: readInt(flat[i + 2], `pellets[${i + 2}] (respawnTicks of slot ${slot})`, 0, PELLET_RESPAWN_TICKS),
    });
  }
  return pellets;
}

function readWorld(data: unknown): BlobsWorld {
  const record = readRecord(data, 'root');
  if (ownField(record, 'format') !== BLOBS_FORMAT) fail('format', `must be '${BLOBS_FORMAT}'`);
  const rng = ownField(record, 'rng');
  if (!isPrngState(rng)) fail('rng', 'must be 4 unsigned 32-bit integers');

  const players = readArray(ownField(record, 'players'), 'players', MAX_PLAYER_ID).map((p, i) => readPlayer(p, `players[${i}]`));
  for (let i = 1; i < players.length; i++) {
    if (players[i].id <= players[i - 1].id) fail(`players[${i}]`, 'player ids must be strictly increasing');
  }
  const intermission = readBit(ownField(record, 'intermission'), 'intermission');
  return {
    tick: readInt(ownField(record, 'tick'), 'tick', -1, Number.MAX_SAFE_INTEGER),
    rng: [rng[0], rng[1], rng[2], rng[3]],
    matchNumber: readInt(ownField(record, 'matchNumber'), 'matchNumber', 1, Number.MAX_SAFE_INTEGER),
    intermission,
    phaseTicksLeft: readInt(ownField(record, 'phaseTicksLeft'), 'phaseTicksLeft', 1, intermission ? INTERMISSION_TICKS : MATCH_TICKS),
    players,
    pellets: readPellets(ownField(record, 'pellets')),
  };
}

/** Inverse of serializeBlobsWorld; throws a ShapeError naming the first invalid field. */
export function deserializeBlobsWorld(data: unknown): BlobsWorld {
  try {
    return readWorld(data);
  } catch (error) {
    // The shared readers (../arena/validate.ts) label their messages "arena world:".
    if (error instanceof ShapeError) throw new ShapeError(error.message.replace(/^arena world: /, 'blobs world: '));
    throw error;
  }
}
