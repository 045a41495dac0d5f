// Reads the replicated blobs entities (field values in schema order) into what the scene draws, in scene
// px (1 px = BLOBS_UNITS_PER_PX world units). Pure functions, no DOM or Phaser: unit-tested in node.

import type { EntityState } from '../../../../shared/codec/schema.js';
import {
  BLOB_FIELD,
  BLOB_FLAG_ALIVE,
  BLOB_FLAG_BOOSTING,
  BLOB_FLAG_PROTECTED,
  BLOBS_UNITS_PER_PX,
  KIND_BLOB,
  KIND_MATCH,
  KIND_PELLET,
  KIND_PLAYER_INFO,
  MATCH_FIELD,
  PELLET_FIELD,
  PHASE_INTERMISSION,
  PLAYER_INFO_FIELD,
  PLAYER_INFO_ID_BASE,
  RADIUS_SQ_PER_MASS,
} from '../../../../shared/game/blobs/index.js';
// Reading a field value, whatever the game: the arena module's helpers.
import { num, str } from '../entity-fields.js';

export interface BlobView {
  readonly id: number;
  /** Centre in scene px (fractional while interpolated). */
  readonly x: number;
  readonly y: number;
  /** Velocity: scene px per tick. */
  readonly vx: number;
  readonly vy: number;
  /** Mass, fractional while interpolated (it grows smoothly); 0 while dead. */
  readonly mass: number;
  /** Radius in scene px, from the (interpolated) mass as the rules size blobs. */
  readonly radius: number;
  readonly alive: boolean;
  readonly protected: boolean;
  readonly boosting: boolean;
  /** The tick it respawns at (0 while alive). */
  readonly respawnTick: number;
  readonly name: string;
  readonly local: boolean;
}

export interface PelletView {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  /** Index into the scene's pellet palette. */
  readonly colour: number;
}

export interface MatchView {
  readonly matchNumber: number;
  readonly intermission: boolean;
  /** The tick the current phase (match or intermission) ends at. */
  readonly endTick: number;
}

export interface BlobsWorldView {
  /** Every blob, dead ones too, ascending id (the scene draws the living ones by size). */
  readonly blobs: readonly BlobView[];
  readonly pellets: readonly PelletView[];
  readonly match: MatchView | null;
}

/**
 * A blob's radius in scene px: the rules' 40 * sqrt(mass) units (mass.ts blobRadius) without rounding,
 * so that an interpolated mass grows the circle smoothly.
 */
export function radiusPx(mass: number): number {
  return Math.sqrt(Math.max(0, mass) * RADIUS_SQ_PER_MASS) / BLOBS_UNITS_PER_PX;
}

export function playerName(entities: ReadonlyMap<number, EntityState>, playerId: number): string {
  const info = entities.get(PLAYER_INFO_ID_BASE + playerId);
  return info && info.kind === KIND_PLAYER_INFO ? str(info.values, PLAYER_INFO_FIELD.name) : `#${playerId}`;
}

export function readBlob(e: EntityState, name: string, local: boolean): BlobView {
  const v = e.values;
  const flags = Math.round(num(v, BLOB_FIELD.flags));
  const alive = (flags & BLOB_FLAG_ALIVE) !== 0;
  const mass = alive ? num(v, BLOB_FIELD.mass) : 0;
  return {
    id: e.id,
    x: num(v, BLOB_FIELD.x) / BLOBS_UNITS_PER_PX,
    y: num(v, BLOB_FIELD.y) / BLOBS_UNITS_PER_PX,
    vx: num(v, BLOB_FIELD.vx) / BLOBS_UNITS_PER_PX,
    vy: num(v, BLOB_FIELD.vy) / BLOBS_UNITS_PER_PX,
    mass,
    radius: radiusPx(mass),
    alive,
    protected: (flags & BLOB_FLAG_PROTECTED) !== 0,
    boosting: (flags & BLOB_FLAG_BOOSTING) !== 0,
    respawnTick: Math.round(num(v, BLOB_FIELD.respawnTick)),
    name,
    local,
  };
}

/** The world to draw; `localId`'s blob is marked local. */
export function readWorld(entities: ReadonlyMap<number, EntityState>, localId: number): BlobsWorldView {
  const blobs: BlobView[] = [];
  const pellets: PelletView[] = [];
  let match: MatchView | null = null;
  for (const e of entities.values()) {
    if (e.kind === KIND_PELLET) {
      const v = e.values;
      pellets.push({ id: e.id, x: num(v, PELLET_FIELD.x) / BLOBS_UNITS_PER_PX, y: num(v, PELLET_FIELD.y) / BLOBS_UNITS_PER_PX, colour: num(v, PELLET_FIELD.colour) });
    } else if (e.kind === KIND_BLOB) {
      blobs.push(readBlob(e, playerName(entities, e.id), e.id === localId));
    } else if (e.kind === KIND_MATCH) {
      const v = e.values;
      match = { matchNumber: num(v, MATCH_FIELD.matchNumber), intermission: num(v, MATCH_FIELD.phase) === PHASE_INTERMISSION, endTick: num(v, MATCH_FIELD.endTick) };
    }
  }
  blobs.sort((a, b) => a.id - b.id);
  return { blobs, pellets, match };
}

/** Where a blob entity is, in scene px, and its radius. */
export function blobPositionPx(e: EntityState): { x: number; y: number; radius: number } {
  return {
    x: num(e.values, BLOB_FIELD.x) / BLOBS_UNITS_PER_PX,
    y: num(e.values, BLOB_FIELD.y) / BLOBS_UNITS_PER_PX,
    radius: radiusPx(num(e.values, BLOB_FIELD.mass)),
  };
}
