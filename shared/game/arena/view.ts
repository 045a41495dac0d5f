// What the arena replicates, and the read-only views of the world (focus, scores, prediction input).
//
// Budget: only what a client needs and only what changes when something happens. A player or rocket
// moving at constant velocity changes x and y only, exactly by vx and vy per tick, which the codec
// predicts (x/y name vx/vy as their velocity): it costs nothing; an idle player changes nothing. Countdowns are sent as the absolute tick they end at (constant while they
// run) instead of per-tick counters; cooldowns are not sent at all.

import type { EntityView, FieldValue, ReplicationSchema } from '../../codec/schema.js';
import type { PlayerScore, ScoreColumn } from '../game-definition.js';
import { matchEntityView, matchKindSchema } from '../match-phase.js';
import { INTERMISSION_TICKS, MATCH_ENTITY_ID, MATCH_TICKS, PLAYER_INFO_ID_BASE } from './constants.js';
import { RELIABLE_EVENTS } from './events.js';
import type { PlayerMotion } from './movement.js';
import { findPlayer, type ArenaWorld } from './world.js';

export const KIND_PLAYER = 0;
export const KIND_PLAYER_INFO = 1;
export const KIND_PROJECTILE = 2;
export const KIND_MATCH = 3;

/** Field indexes of a player entity (kind 0, id = playerId). Positions in units, px = units / 4. */
export const PLAYER_FIELD = { x: 0, y: 1, vx: 2, vy: 3, aim: 4, hp: 5, flags: 6, respawnTick: 7 } as const;
/** Bits of the player `flags` field. */
export const PLAYER_FLAG_ALIVE = 1;
export const PLAYER_FLAG_PROTECTED = 2;

/** Field indexes of a playerInfo entity (kind 1, global, id = PLAYER_INFO_ID_BASE + playerId). */
export const PLAYER_INFO_FIELD = { playerId: 0, name: 1, kills: 2, deaths: 3, score: 4 } as const;

/** Field indexes of a projectile entity (kind 2, id in [1000, 61000)). */
export const PROJECTILE_FIELD = { x: 0, y: 1, vx: 2, vy: 3, owner: 4 } as const;

/** The match entity (kind KIND_MATCH, global, id MATCH_ENTITY_ID): the shared match clock's (../match-phase.ts). */
export { MATCH_FIELD, PHASE_INTERMISSION, PHASE_PLAYING } from '../match-phase.js';

export const ARENA_SCHEMA: ReplicationSchema = {
  kinds: [
    {
      kind: KIND_PLAYER,
      name: 'player',
      fields: [
        { name: 'x', type: 'int', delta: true, velocity: 'vx' },
        { name: 'y', type: 'int', delta: true, velocity: 'vy' },
        { name: 'vx', type: 'int' },
        { name: 'vy', type: 'int' },
        /** Delta-coded: a tracking aim moves a few steps per tick (1-2 bytes) where the angle is 3. */
        { name: 'aim', type: 'int', delta: true },
        { name: 'hp', type: 'int' },
        { name: 'flags', type: 'int' },
        /** The tick a dead player respawns at (0 while alive). */
        { name: 'respawnTick', type: 'int' },
      ],
    },
    {
      kind: KIND_PLAYER_INFO,
      name: 'playerInfo',
      global: true,
      fields: [
        { name: 'playerId', type: 'int' },
        { name: 'name', type: 'string' },
        { name: 'kills', type: 'int' },
        { name: 'deaths', type: 'int' },
        { name: 'score', type: 'int' },
      ],
    },
    {
      kind: KIND_PROJECTILE,
      name: 'projectile',
      fields: [
        { name: 'x', type: 'int', delta: true, velocity: 'vx' },
        { name: 'y', type: 'int', delta: true, velocity: 'vy' },
        { name: 'vx', type: 'int' },
        { name: 'vy', type: 'int' },
        { name: 'owner', type: 'int' },
      ],
    },
    matchKindSchema(KIND_MATCH),
  ],
  /** Kill feed and match results; tracers, hits, spawns, launches and blasts are sent once (events.ts). */
  reliableEvents: RELIABLE_EVENTS,
};

/** The replicated entities: players (id order), their score lines, rockets (creation order), the match. */
export function viewArena(world: ArenaWorld): EntityView[] {
  const out: EntityView[] = [];
  const phaseEndTick = world.tick + world.phaseTicksLeft;
  for (const p of world.players) {
    const flags = (p.alive ? PLAYER_FLAG_ALIVE : 0) | (p.alive && p.protectTicks > 0 ? PLAYER_FLAG_PROTECTED : 0);
    // The dead wait out the intermission and respawn with everyone when the next match starts.
    const respawnTick = p.alive ? 0 : world.intermission ? phaseEndTick : world.tick + p.respawnTicks;
    out.push({ id: p.id, kind: KIND_PLAYER, x: p.x, y: p.y, values: [p.x, p.y, p.vx, p.vy, p.aim, p.hp, flags, respawnTick] });
  }
  for (const p of world.players) {
    out.push({
      id: PLAYER_INFO_ID_BASE + p.id,
      kind: KIND_PLAYER_INFO,
      x: 0,
      y: 0,
      values: [p.id, p.name, p.kills, p.deaths, p.score],
    });
  }
  for (const r of world.projectiles) {
    out.push({ id: r.id, kind: KIND_PROJECTILE, x: r.x, y: r.y, values: [r.x, r.y, r.vx, r.vy, r.owner] });
  }
  out.push(matchEntityView(MATCH_ENTITY_ID, KIND_MATCH, world, { matchTicks: MATCH_TICKS, breakTicks: INTERMISSION_TICKS }));
  return out;
}

/** Where a player's interest area is centred: where it stands, or where it fell while it waits to respawn. */
export function arenaFocusOf(world: ArenaWorld, playerId: number): { x: number; y: number } | null {
  const p = findPlayer(world, playerId);
  return p ? { x: p.x, y: p.y } : null;
}

export const ARENA_SCORE_COLUMNS: readonly ScoreColumn[] = [
  { key: 'score', label: 'Score' },
  { key: 'kills', label: 'Kills' },
  { key: 'deaths', label: 'Deaths' },
];

/** Best first: score, then fewer deaths, then seat order. */
export function arenaScores(world: ArenaWorld): PlayerScore[] {
  return world.players
    .map((p, seat) => ({ seat, score: { playerId: p.id, name: p.name, values: { score: p.score, kills: p.kills, deaths: p.deaths } } }))
    .sort((a, b) => b.score.values.score - a.score.values.score || a.score.values.deaths - b.score.values.deaths || a.seat - b.seat)
    .map((s) => s.score);
}

function intField(values: readonly FieldValue[], index: number, name: string): number {
  const v = values[index];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`arena: player entity field ${name} is not an integer`);
  return v;
}

/** The motion of a replicated player entity (its field values), the starting point of prediction. */
export function motionFromEntity(values: readonly FieldValue[]): PlayerMotion {
  return {
    x: intField(values, PLAYER_FIELD.x, 'x'),
    y: intField(values, PLAYER_FIELD.y, 'y'),
    vx: intField(values, PLAYER_FIELD.vx, 'vx'),
    vy: intField(values, PLAYER_FIELD.vy, 'vy'),
  };
}
