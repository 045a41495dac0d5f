// Reads the replicated arena entities (field values in schema order) into what the scene draws, in scene px
// (1 px = UNITS_PER_PX world units). Pure functions, no DOM or Phaser: unit-tested in node.

import type { EntityState } from '../../../../shared/codec/schema.js';
import {
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PLAYER_INFO,
  KIND_PROJECTILE,
  MATCH_FIELD,
  PHASE_INTERMISSION,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PLAYER_FLAG_PROTECTED,
  PLAYER_INFO_FIELD,
  PROJECTILE_FIELD,
} from '../../../../shared/game/arena/view.js';
import { PLAYER_INFO_ID_BASE } from '../../../../shared/game/arena/constants.js';
import { AIM_STEPS, UNITS_PER_PX } from '../../../../shared/game/arena/units.js';
import { num, str } from '../entity-fields.js';

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

export interface MatchView {
  readonly matchNumber: number;
  /** The break after match `matchNumber`: `endTick` is when the next match starts. */
  readonly intermission: boolean;
  /** The tick the current phase (the match, or the break) ends at. */
  readonly endTick: number;
  readonly durationTicks: number;
}

export interface WorldView {
  readonly players: readonly PlayerView[];
  readonly projectiles: readonly ProjectileView[];
  readonly match: MatchView | null;
}

/** Radians of an aim step; `aim` may be fractional (an interpolated value). */
export function aimRadians(aim: number): number {
  return (aim / AIM_STEPS) * Math.PI * 2;
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

/** The world to draw; `localId`'s player is marked local. */
export function readWorld(entities: ReadonlyMap<number, EntityState>, localId: number): WorldView {
  const players: PlayerView[] = [];
  const projectiles: ProjectileView[] = [];
  let match: MatchView | null = null;
  for (const e of entities.values()) {
    if (e.kind === KIND_PLAYER) {
      players.push(readPlayer(e, playerName(entities, e.id), e.id === localId));
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
        intermission: num(v, MATCH_FIELD.phase) === PHASE_INTERMISSION,
        endTick: num(v, MATCH_FIELD.endTick),
        durationTicks: num(v, MATCH_FIELD.durationTicks),
      };
    }
  }
  players.sort((a, b) => a.id - b.id);
  return { players, projectiles, match };
}

/** Where a player entity is, in scene px. */
export function playerPositionPx(e: EntityState): { x: number; y: number } {
  return { x: num(e.values, PLAYER_FIELD.x) / UNITS_PER_PX, y: num(e.values, PLAYER_FIELD.y) / UNITS_PER_PX };
}
