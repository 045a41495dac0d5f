// What blobs replicates, and the read-only views of the world (focus).
//
// Budget: only what a client needs, and only what changes when something happens. A blob steering a
// constant way at its speed changes x and y only, exactly by vx and vy per tick, which the codec
// predicts (x/y name vx/vy as their velocity): it costs nothing. Pellets never move: a pellet costs its
// enter when it comes into view and its leave when it goes out of view or is eaten, nothing in between.
// Countdowns are sent as the absolute tick they end at (constant while they run).

import type { EntityView, ReplicationSchema } from '../../codec/schema.js';
import { matchEntityView, matchKindSchema } from '../match-phase.js';
import {
  INTERMISSION_TICKS,
  MATCH_ENTITY_ID,
  MATCH_TICKS,
  PELLET_COLOURS,
  PELLET_ID_BASE,
  PLAYER_COLOURS,
  PLAYER_INFO_ID_BASE,
} from './constants.js';
import { RELIABLE_EVENTS } from './events.js';
import { findPlayer, type BlobsPellet, type BlobsPlayer, type BlobsWorld } from './world.js';

export const KIND_BLOB = 0;
export const KIND_PLAYER_INFO = 1;
export const KIND_PELLET = 2;
export const KIND_MATCH = 3;

/** Field indexes of a blob entity (kind 0, id = playerId). Positions in units, px = units / 4. */
export const BLOB_FIELD = { x: 0, y: 1, vx: 2, vy: 3, mass: 4, flags: 5, colour: 6, respawnTick: 7 } as const;
/** Bits of the blob `flags` field. */
export const BLOB_FLAG_ALIVE = 1;
export const BLOB_FLAG_PROTECTED = 2;
export const BLOB_FLAG_BOOSTING = 4;

/** Field indexes of a playerInfo entity (kind 1, global, id = PLAYER_INFO_ID_BASE + playerId). */
export const PLAYER_INFO_FIELD = { playerId: 0, name: 1, mass: 2, best: 3, eaten: 4, pellets: 5, deaths: 6 } as const;

/** Field indexes of a pellet entity (kind 2, id = PELLET_ID_BASE + slot). */
export const PELLET_FIELD = { x: 0, y: 1, colour: 2 } as const;

/** The match entity (kind KIND_MATCH, global, id MATCH_ENTITY_ID): the shared match clock's (../match-phase.ts). */
export { MATCH_FIELD, PHASE_INTERMISSION, PHASE_PLAYING } from '../match-phase.js';

export const BLOBS_SCHEMA: ReplicationSchema = {
  kinds: [
    {
      kind: KIND_BLOB,
      name: 'blob',
      fields: [
        { name: 'x', type: 'int', delta: true, velocity: 'vx' },
        { name: 'y', type: 'int', delta: true, velocity: 'vy' },
        { name: 'vx', type: 'int' },
        { name: 'vy', type: 'int' },
        /** Delta-coded: it changes by a pellet's worth (one byte) where the absolute value needs 2-3. */
        { name: 'mass', type: 'int', delta: true },
        { name: 'flags', type: 'int' },
        /** Index into the client's PLAYER_COLOURS palette; never changes. */
        { name: 'colour', type: 'int' },
        /** The tick a dead blob respawns at (0 while alive). */
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
        /** The leaderboard column (a blob out of view still ranks); 0 while dead. */
        { name: 'mass', type: 'int', delta: true },
        { name: 'best', type: 'int', delta: true },
        { name: 'eaten', type: 'int' },
        { name: 'pellets', type: 'int', delta: true },
        { name: 'deaths', type: 'int' },
      ],
    },
    {
      kind: KIND_PELLET,
      name: 'pellet',
      fields: [
        { name: 'x', type: 'int' },
        { name: 'y', type: 'int' },
        /** Index into the client's PELLET_COLOURS palette. */
        { name: 'colour', type: 'int' },
      ],
    },
    matchKindSchema(KIND_MATCH),
  ],
  /** The eating feed and match results; pellet pops, respawns and boosts are sent once (events.ts). */
  reliableEvents: RELIABLE_EVENTS,
};

/**
 * Each pellet's view, reused while the pellet stays where it is: a room's thousand pellets would
 * otherwise be a thousand new objects per snapshot tick for values that almost never change. A pellet
 * only changes by being placed anew (x, y), which makes a new view.
 */
const pelletViews = new WeakMap<BlobsPellet, EntityView>();

function pelletView(pellet: BlobsPellet, slot: number): EntityView {
  const cached = pelletViews.get(pellet);
  if (cached !== undefined && cached.x === pellet.x && cached.y === pellet.y && cached.id === PELLET_ID_BASE + slot) return cached;
  const view: EntityView = {
    id: PELLET_ID_BASE + slot,
    kind: KIND_PELLET,
    x: pellet.x,
    y: pellet.y,
    values: [pellet.x, pellet.y, slot % PELLET_COLOURS],
  };
  pelletViews.set(pellet, view);
  return view;
}

function blobFlags(p: BlobsPlayer): number {
  if (!p.alive) return 0;
  return BLOB_FLAG_ALIVE | (p.protectTicks > 0 ? BLOB_FLAG_PROTECTED : 0) | (p.boostTicks > 0 ? BLOB_FLAG_BOOSTING : 0);
}

/**
 * The replicated entities in ascending id order (the codec then needs no sort): blobs, their score
 * lines, the match clock, the pellets on the map.
 */
export function viewBlobs(world: BlobsWorld): EntityView[] {
  const out: EntityView[] = [];
  for (const p of world.players) {
    const respawnTick = p.alive ? 0 : world.tick + p.respawnTicks;
    out.push({
      id: p.id,
      kind: KIND_BLOB,
      x: p.x,
      y: p.y,
      values: [p.x, p.y, p.vx, p.vy, p.mass, blobFlags(p), p.id % PLAYER_COLOURS, respawnTick],
    });
  }
  for (const p of world.players) {
    out.push({
      id: PLAYER_INFO_ID_BASE + p.id,
      kind: KIND_PLAYER_INFO,
      x: 0,
      y: 0,
      values: [p.id, p.name, p.mass, p.best, p.eaten, p.pellets, p.deaths],
    });
  }
  out.push(matchEntityView(MATCH_ENTITY_ID, KIND_MATCH, world, { matchTicks: MATCH_TICKS, breakTicks: INTERMISSION_TICKS }));
  const pellets = world.pellets;
  for (let slot = 0; slot < pellets.length; slot++) {
    const pellet = pellets[slot];
    if (pellet.respawnTicks === 0) out.push(pelletView(pellet, slot));
  }
  return out;
}

/**
 * Where a player's interest area is centred: its blob's centre, or while it waits to respawn the spot
 * where it was eaten (a blob keeps its centre when eaten), so that its client goes on showing that part
 * of the world (the blob that ate it, the pellets) and its own dead blob with the respawn tick. Null for
 * an unknown player.
 */
export function blobsFocusOf(world: BlobsWorld, playerId: number): { x: number; y: number } | null {
  const p = findPlayer(world, playerId);
  return p ? { x: p.x, y: p.y } : null;
}
