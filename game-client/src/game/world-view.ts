// Reads the replicated arena entities (field values in schema order) into what the client draws and the
// HUD shows. Pure functions, no DOM or Phaser: unit-tested in node.

import type { EntityState, FieldValue } from '../../../shared/codec/schema.js';
import {
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PLAYER_INFO,
  KIND_PROJECTILE,
  MATCH_FIELD,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PLAYER_FLAG_PROTECTED,
  PLAYER_INFO_FIELD,
  PROJECTILE_FIELD,
} from '../../../shared/game/arena/view.js';
import { PLAYER_INFO_ID_BASE } from '../../../shared/game/arena/constants.js';
import { AIM_STEPS, UNITS_PER_PX } from '../../../shared/game/arena/units.js';

export interface PlayerView {
  readonly id: number;
  /** Position in px (fractional while interpolated). */
  readonly x: number;
  readonly y: number;
  /** Aim in radians (0 = screen right, clockwise). */
  readonly aim: number;
  readonly hp: number;
  readonly alive: boolean;
  readonly protected: boolean;
  /** Tick the player respawns at (0 while alive). */
  readonly respawnTick: number;
  readonly name: string;
  readonly local: boolean;
}

export interface ProjectileView {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly vx: number;
  readonly vy: number;
  readonly owner: number;
}

export interface ScoreLine {
  readonly playerId: number;
  readonly name: string;
  readonly kills: number;
  readonly deaths: number;
  readonly score: number;
}

export interface MatchView {
  readonly matchNumber: number;
  readonly endTick: number;
  readonly durationTicks: number;
}

export interface WorldView {
  readonly players: readonly PlayerView[];
  readonly projectiles: readonly ProjectileView[];
  /** Ranked like the server ranks a match: score, kills, fewer deaths, lower id. */
  readonly scores: readonly ScoreLine[];
  readonly match: MatchView | null;
}

function num(values: readonly FieldValue[], i: number): number {
  const v = values[i];
  return typeof v === 'number' ? v : 0;
}

function str(values: readonly FieldValue[], i: number): string {
  const v = values[i];
  return typeof v === 'string' ? v : String(v ?? '');
}

/** Radians of an aim step; `aim` may be fractional (an interpolated value). */
export function aimRadians(aim: number): number {
  return (aim / AIM_STEPS) * Math.PI * 2;
}

export function readScores(entities: ReadonlyMap<number, EntityState>): ScoreLine[] {
  const scores: ScoreLine[] = [];
  for (const e of entities.values()) {
    if (e.kind !== KIND_PLAYER_INFO) continue;
    const v = e.values;
    scores.push({
      playerId: num(v, PLAYER_INFO_FIELD.playerId),
      name: str(v, PLAYER_INFO_FIELD.name),
      kills: num(v, PLAYER_INFO_FIELD.kills),
      deaths: num(v, PLAYER_INFO_FIELD.deaths),
      score: num(v, PLAYER_INFO_FIELD.score),
    });
  }
  return scores.sort((a, b) => b.score - a.score || b.kills - a.kills || a.deaths - b.deaths || a.playerId - b.playerId);
}

export function playerName(entities: ReadonlyMap<number, EntityState>, playerId: number): string {
  const info = entities.get(PLAYER_INFO_ID_BASE + playerId);
  return info && info.kind === KIND_PLAYER_INFO ? str(info.values, PLAYER_INFO_FIELD.name) : `#${playerId}`;
}

export function readPlayer(e: EntityState, name: string, local: boolean): PlayerView {
  const v = e.values;
  const flags = Math.round(num(v, PLAYER_FIELD.flags));
  return {
    id: e.id,
    x: num(v, PLAYER_FIELD.x) / UNITS_PER_PX,
    y: num(v, PLAYER_FIELD.y) / UNITS_PER_PX,
    aim: aimRadians(num(v, PLAYER_FIELD.aim)),
    hp: Math.max(0, Math.round(num(v, PLAYER_FIELD.hp))),
    alive: (flags & PLAYER_FLAG_ALIVE) !== 0,
    protected: (flags & PLAYER_FLAG_PROTECTED) !== 0,
    respawnTick: Math.round(num(v, PLAYER_FIELD.respawnTick)),
    name,
    local,
  };
}

/**
 * The world to draw. `local` (the predicted local player) replaces the local id's entry of `entities`
 * when given.
 */
export function readWorld(
  entities: ReadonlyMap<number, EntityState>,
  localId: number,
  local: EntityState | null = null,
): WorldView {
  const players: PlayerView[] = [];
  const projectiles: ProjectileView[] = [];
  let match: MatchView | null = null;
  let sawLocal = false;
  for (const e of entities.values()) {
    if (e.kind === KIND_PLAYER) {
      const isLocal = e.id === localId;
      if (isLocal) sawLocal = true;
      players.push(readPlayer(isLocal && local ? local : e, playerName(entities, e.id), isLocal));
    } else if (e.kind === KIND_PROJECTILE) {
      const v = e.values;
      projectiles.push({
        id: e.id,
        x: num(v, PROJECTILE_FIELD.x) / UNITS_PER_PX,
        y: num(v, PROJECTILE_FIELD.y) / UNITS_PER_PX,
        vx: num(v, PROJECTILE_FIELD.vx) / UNITS_PER_PX,
        vy: num(v, PROJECTILE_FIELD.vy) / UNITS_PER_PX,
        owner: Math.round(num(v, PROJECTILE_FIELD.owner)),
      });
    } else if (e.kind === KIND_MATCH) {
      const v = e.values;
      match = {
        matchNumber: num(v, MATCH_FIELD.matchNumber),
        endTick: num(v, MATCH_FIELD.endTick),
        durationTicks: num(v, MATCH_FIELD.durationTicks),
      };
    }
  }
  if (!sawLocal && local && local.kind === KIND_PLAYER) {
    players.push(readPlayer(local, playerName(entities, local.id), true));
  }
  players.sort((a, b) => a.id - b.id);
  return { players, projectiles, scores: readScores(entities), match };
}

/** "m:ss" of a tick count at `tickRate` (never negative). */
export function formatClock(ticks: number, tickRate: number): string {
  const total = Math.max(0, Math.ceil(ticks / tickRate));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** Distinct, readable colors; the local player always gets ACCENT. */
export const LOCAL_COLOR = 0x38e8c6;
const PALETTE = [0xff6b6b, 0xffa94d, 0xb197fc, 0x4dabf7, 0xffd43b, 0xf783ac, 0xa9e34b, 0xe9ecef];

export function playerColor(playerId: number, localId: number): number {
  if (playerId === localId) return LOCAL_COLOR;
  return PALETTE[(((playerId - 1) % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
