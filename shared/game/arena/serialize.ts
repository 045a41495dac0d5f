// Serialization of an arena world to a plain msgpack-encodable object (keyframes, reconnect-safe
// snapshots), its validating inverse, and the state hash computed over that same representation (so the
// hash covers exactly what a keyframe restores, in one fixed order).
//
// Format 'arena/1': an object with fixed keys; players, projectiles and history frames are tuples (a
// keyframe of 16 players is ~1 KB instead of ~4 KB with named fields). Tuple layouts:
//   player:     [id, name, x, y, vx, vy, keys, aim, hp, alive(0|1), primaryCooldown, secondaryCooldown,
//                fireRequest, fireRenderTick, respawnTicks, protectTicks, kills, deaths, score]
//   projectile: [id, owner, x, y, vx, vy, ticksLeft]
//   history:    [tick, [id, x, y, r, alive(0|1), id, x, ...]]   (one frame; circles flattened)
// `intermission: true` is written only during the break between two matches: a world in play is written
// exactly as before the break existed, so keyframes, checkpoint digests and hashes of recordings made
// then still match, and their keyframes (no such key) load as a match in play.

import { FNV_OFFSET_BASIS, hashValue, type HashableValue } from '../hash.js';
import { isPrngState } from '../prng.js';
import {
  INTERMISSION_TICKS,
  MATCH_TICKS,
  MAX_HEALTH,
  MAX_PLAYER_ID,
  MIN_PLAYER_ID,
  PROJECTILE_ID_BASE,
  PROJECTILE_ID_SPAN,
} from './constants.js';
import { ALL_KEYS, FIRE_KEYS } from './input.js';
import { LAG_COMPENSATION_TICKS, type HistoryFrame, type HitCircle } from './lag-compensation.js';
import { ARENA_MAP } from './map.js';
import { AIM_STEPS } from './units.js';
import { fail, readArray, readBit, readInt, readRecord, readString } from './validate.js';
import type { ArenaPlayer, ArenaProjectile, ArenaWorld } from './world.js';

export const ARENA_FORMAT = 'arena/1';

type PlayerTuple = [
  id: number, name: string, x: number, y: number, vx: number, vy: number, keys: number, aim: number,
  hp: number, alive: number, primaryCooldown: number, secondaryCooldown: number, fireRequest: number,
  fireRenderTick: number, respawnTicks: number, protectTicks: number, kills: number, deaths: number, score: number,
];
type ProjectileTuple = [id: number, owner: number, x: number, y: number, vx: number, vy: number, ticksLeft: number];
type FrameTuple = [tick: number, circles: number[]];

export interface SerializedArenaWorld {
  format: typeof ARENA_FORMAT;
  tick: number;
  rng: number[];
  matchNumber: number;
  /** Present (true) only during the intermission. */
  intermission?: true;
  /** The world's phaseTicksLeft: steps left in the current phase (the match, or the intermission). */
  matchTicksLeft: number;
  nextProjectileId: number;
  players: PlayerTuple[];
  projectiles: ProjectileTuple[];
  history: FrameTuple[];
}

const PLAYER_TUPLE_LENGTH = 19;
const PROJECTILE_TUPLE_LENGTH = 7;
const CIRCLE_LENGTH = 5;
const MAX_NAME_LENGTH = 256;
const MAX_PROJECTILES = 4096;
const I32 = 2147483647;
const SPEED_LIMIT = 65535;
const TIMER_LIMIT = 65535;

function playerTuple(p: ArenaPlayer): PlayerTuple {
  return [
    p.id, p.name, p.x, p.y, p.vx, p.vy, p.keys, p.aim, p.hp, p.alive ? 1 : 0, p.primaryCooldown,
    p.secondaryCooldown, p.fireRequest, p.fireRenderTick, p.respawnTicks, p.protectTicks, p.kills, p.deaths, p.score,
  ];
}

function frameTuple(frame: HistoryFrame): FrameTuple {
  const flat: number[] = [];
  for (const c of frame.circles) flat.push(c.id, c.x, c.y, c.r, c.alive ? 1 : 0);
  return [frame.tick, flat];
}

export function serializeArenaWorld(world: ArenaWorld): SerializedArenaWorld {
  return {
    format: ARENA_FORMAT,
    tick: world.tick,
    rng: [...world.rng],
    matchNumber: world.matchNumber,
    ...(world.intermission ? { intermission: true as const } : {}),
    matchTicksLeft: world.phaseTicksLeft,
    nextProjectileId: world.nextProjectileId,
    players: world.players.map(playerTuple),
    projectiles: world.projectiles.map((r) => [r.id, r.owner, r.x, r.y, r.vx, r.vy, r.ticksLeft]),
    history: world.history.map(frameTuple),
  };
}

/**
 * FNV-1a over the serialized form, fields in a fixed order (never object key order); the intermission
 * flag comes last and only when set (a world in play hashes as it did before the flag existed).
 */
export function hashArenaWorld(world: ArenaWorld): number {
  const s = serializeArenaWorld(world);
  const ordered: HashableValue[] = [
    s.format, s.tick, s.rng, s.matchNumber, s.matchTicksLeft, s.nextProjectileId, s.players, s.projectiles, s.history,
  ];
  if (s.intermission) ordered.push(1);
  return hashValue(FNV_OFFSET_BASIS, ordered);
}

// ---- deserialization ----

function ownField(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function readPlayer(value: unknown, path: string): ArenaPlayer {
  const t = readArray(value, path, PLAYER_TUPLE_LENGTH, PLAYER_TUPLE_LENGTH);
  const at = (i: number, name: string): string => `${path}[${i}] (${name})`;
  const keys = readInt(t[6], at(6, 'keys'), 0, ALL_KEYS);
  if ((keys & ~ALL_KEYS) !== 0) fail(at(6, 'keys'), 'has unknown key bits');
  const fireRequest = readInt(t[12], at(12, 'fireRequest'), 0, FIRE_KEYS);
  if ((fireRequest & ~FIRE_KEYS) !== 0) fail(at(12, 'fireRequest'), 'has non-fire bits');
  return {
    id: readInt(t[0], at(0, 'id'), MIN_PLAYER_ID, MAX_PLAYER_ID),
    name: readString(t[1], at(1, 'name'), MAX_NAME_LENGTH),
    x: readInt(t[2], at(2, 'x'), 0, ARENA_MAP.width),
    y: readInt(t[3], at(3, 'y'), 0, ARENA_MAP.height),
    vx: readInt(t[4], at(4, 'vx'), -SPEED_LIMIT, SPEED_LIMIT),
    vy: readInt(t[5], at(5, 'vy'), -SPEED_LIMIT, SPEED_LIMIT),
    keys,
    aim: readInt(t[7], at(7, 'aim'), 0, AIM_STEPS - 1),
    hp: readInt(t[8], at(8, 'hp'), 0, MAX_HEALTH),
    alive: readBit(t[9], at(9, 'alive')),
    primaryCooldown: readInt(t[10], at(10, 'primaryCooldown'), 0, TIMER_LIMIT),
    secondaryCooldown: readInt(t[11], at(11, 'secondaryCooldown'), 0, TIMER_LIMIT),
    fireRequest,
    fireRenderTick: readInt(t[13], at(13, 'fireRenderTick'), -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    respawnTicks: readInt(t[14], at(14, 'respawnTicks'), 0, TIMER_LIMIT),
    protectTicks: readInt(t[15], at(15, 'protectTicks'), 0, TIMER_LIMIT),
    kills: readInt(t[16], at(16, 'kills'), 0, I32),
    deaths: readInt(t[17], at(17, 'deaths'), 0, I32),
    score: readInt(t[18], at(18, 'score'), -I32, I32),
  };
}

function readProjectile(value: unknown, path: string): ArenaProjectile {
  const t = readArray(value, path, PROJECTILE_TUPLE_LENGTH, PROJECTILE_TUPLE_LENGTH);
  const at = (i: number, name: string): string => `${path}[${i}] (${name})`;
  return {
    id: readInt(t[0], at(0, 'id'), PROJECTILE_ID_BASE, PROJECTILE_ID_BASE + PROJECTILE_ID_SPAN - 1),
    owner: readInt(t[1], at(1, 'owner'), MIN_PLAYER_ID, MAX_PLAYER_ID),
    x: readInt(t[2], at(2, 'x'), 0, ARENA_MAP.width),
    y: readInt(t[3], at(3, 'y'), 0, ARENA_MAP.height),
    vx: readInt(t[4], at(4, 'vx'), -SPEED_LIMIT, SPEED_LIMIT),
    vy: readInt(t[5], at(5, 'vy'), -SPEED_LIMIT, SPEED_LIMIT),
    ticksLeft: readInt(t[6], at(6, 'ticksLeft'), 1, TIMER_LIMIT),
  };
}

function readFrame(value: unknown, path: string): HistoryFrame {
  const t = readArray(value, path, 2, 2);
  const tick = readInt(t[0], `${path}[0] (tick)`, -1, Number.MAX_SAFE_INTEGER);
  const flat = readArray(t[1], `${path}[1] (circles)`, MAX_PLAYER_ID * CIRCLE_LENGTH);
  if (flat.length % CIRCLE_LENGTH !== 0) fail(`${path}[1] (circles)`, `length must be a multiple of ${CIRCLE_LENGTH}`);
  const circles: HitCircle[] = [];
  for (let i = 0; i < flat.length; i += CIRCLE_LENGTH) {
    const at = `${path}[1][${i}..${i + CIRCLE_LENGTH - 1}]`;
    circles.push({
      id: readInt(flat[i], `${at} (id)`, MIN_PLAYER_ID, MAX_PLAYER_ID),
      x: readInt(flat[i + 1], `${at} (x)`, 0, ARENA_MAP.width),
      y: readInt(flat[i + 2], `${at} (y)`, 0, ARENA_MAP.height),
      r: readInt(flat[i + 3], `${at} (r)`, 0, ARENA_MAP.width),
      alive: readBit(flat[i + 4], `${at} (alive)`),
    });
  }
  return { tick, circles };
}

function requireIncreasing(values: readonly number[], path: string, what: string): void {
  for (let i = 1; i < values.length; i++) {
    if (values[i] <= values[i - 1]) fail(`${path}[${i}]`, `${what} must be strictly increasing`);
  }
}

/** Inverse of serializeArenaWorld; throws a ShapeError naming the first invalid field. */
export function deserializeArenaWorld(data: unknown): ArenaWorld {
  const record = readRecord(data, 'root');
  if (ownField(record, 'format') !== ARENA_FORMAT) fail('format', `must be '${ARENA_FORMAT}'`);
  const rng = ownField(record, 'rng');
  if (!isPrngState(rng)) fail('rng', 'must be 4 unsigned 32-bit integers');

  const players = readArray(ownField(record, 'players'), 'players', MAX_PLAYER_ID).map((p, i) => readPlayer(p, `players[${i}]`));
  requireIncreasing(players.map((p) => p.id), 'players', 'player ids');

  const projectiles = readArray(ownField(record, 'projectiles'), 'projectiles', MAX_PROJECTILES).map((p, i) =>
    readProjectile(p, `projectiles[${i}]`),
  );
  const projectileIds = new Set(projectiles.map((p) => p.id));
  if (projectileIds.size !== projectiles.length) fail('projectiles', 'ids must be unique');

  const history = readArray(ownField(record, 'history'), 'history', LAG_COMPENSATION_TICKS).map((f, i) =>
    readFrame(f, `history[${i}]`),
  );
  requireIncreasing(history.map((f) => f.tick), 'history', 'frame ticks');

  // Absent: a match in play (also every keyframe written before the intermission existed).
  const flag = ownField(record, 'intermission');
  if (flag !== undefined && flag !== true) fail('intermission', 'must be true when present');
  const intermission = flag === true;

  return {
    tick: readInt(ownField(record, 'tick'), 'tick', -1, Number.MAX_SAFE_INTEGER),
    rng: [rng[0], rng[1], rng[2], rng[3]],
    matchNumber: readInt(ownField(record, 'matchNumber'), 'matchNumber', 1, Number.MAX_SAFE_INTEGER),
    intermission,
    phaseTicksLeft: readInt(ownField(record, 'matchTicksLeft'), 'matchTicksLeft', 1, intermission ? INTERMISSION_TICKS : MATCH_TICKS),
    nextProjectileId: readInt(
      ownField(record, 'nextProjectileId'),
      'nextProjectileId',
      PROJECTILE_ID_BASE,
      PROJECTILE_ID_BASE + PROJECTILE_ID_SPAN - 1,
    ),
    players,
    projectiles,
    history,
  };
}
