// Blobs' plug-ins for the client netcode (shared/client/client-session.ts): how the local blob is
// predicted (the server's own per-blob tick, blob-tick.ts, with stepBlobMotion at its core) and how blobs
// and pellets are interpolated. The browser client builds its session with createBlobsSession.
//
// What the prediction cannot know, and what it costs:
// - Its own meals of pellets: it eats the pellets of the latest snapshot with the server's rule
//   (coversPellet), so the blob grows, and slows down, at once. A pellet that appeared or was eaten by
//   someone else since that snapshot is guessed wrong: a small correction.
// - Eating another blob, being eaten: not predicted (the server decides; a correction, or the end of
//   the prediction while dead).
// - The boost's and the decay's timers are not replicated (they would cost bytes on every tick of a
//   cooldown). The model remembers the timers of every state it predicted, by the server tick it stands
//   for and what its entity shows (position, velocity, mass, boosting), and an authoritative state it
//   predicted gets its timers back. A state it never predicted (a misprediction, the first one after a
//   join, a tick the server filled with the idle input) gets a guess: a boost that just started, or
//   none and no cooldown. A wrong guess costs a correction when the player boosts too early.

import { ClientSession, type ClientSessionOptions, type InterpolationModel, type PredictionModel } from '../../client/client-session.js';
import type { SessionNet } from '../../client/session-types.js';
import type { EntityState } from '../../codec/schema.js';
import { countDownBoost, moveBlob, settleBlob, startBoost, type BlobBody } from './blob-tick.js';
import { intField } from './bot-view.js';
import { BOOST_COOLDOWN_TICKS, BOOST_TICKS, MATCH_ENTITY_ID, PELLET_MASS } from './constants.js';
import { BLOB_KEY_BOOST, encodeBlobsInput, idleBlobsInput, type BlobsInput } from './input.js';
import { addMass, blobRadius } from './mass.js';
import { coversPellet } from './pellets.js';
import { px } from './units.js';
import {
  BLOB_FIELD,
  BLOB_FLAG_ALIVE,
  BLOB_FLAG_BOOSTING,
  KIND_BLOB,
  KIND_MATCH,
  KIND_PELLET,
  MATCH_FIELD,
  PELLET_FIELD,
  PHASE_INTERMISSION,
} from './view.js';

/** The local blob's predicted state: what its entity shows, plus the timers it does not. */
export interface BlobPrediction {
  /** The server tick this state stands for: the snapshot's, plus one per step predicted since. */
  readonly tick: number;
  readonly x: number;
  readonly y: number;
  readonly vx: number;
  readonly vy: number;
  readonly mass: number;
  readonly boostTicks: number;
  readonly boostCooldown: number;
  readonly decayCarry: number;
  /** Pellet entity ids eaten by this prediction since the authoritative state it started from. */
  readonly eaten: readonly number[];
}

type HiddenTimers = Pick<BlobPrediction, 'boostTicks' | 'boostCooldown' | 'decayCarry'>;

/** The session's latest authoritative state (NetClient's mirror): its tick and entities. */
export interface KnownWorld {
  readonly latestTick: number;
  readonly entities: ReadonlyMap<number, EntityState>;
}

/** What the prediction reads of the world around the blob: the pellets on the map, the match phase. */
interface Surroundings {
  readonly pellets: readonly { readonly id: number; readonly x: number; readonly y: number }[];
  readonly intermission: boolean;
}

/** Predicted states whose timers are remembered: a few seconds of ticks, far more than are ever pending. */
const REMEMBERED_STATES = 512;

function isAliveBlob(entity: EntityState): boolean {
  return entity.kind === KIND_BLOB && (intField(entity.values, BLOB_FIELD.flags) & BLOB_FLAG_ALIVE) !== 0;
}

function surroundingsOf(entities: ReadonlyMap<number, EntityState>): Surroundings {
  const pellets: { id: number; x: number; y: number }[] = [];
  for (const e of entities.values()) {
    if (e.kind === KIND_PELLET) pellets.push({ id: e.id, x: intField(e.values, PELLET_FIELD.x), y: intField(e.values, PELLET_FIELD.y) });
  }
  const match = entities.get(MATCH_ENTITY_ID);
  const intermission = match !== undefined && match.kind === KIND_MATCH && intField(match.values, MATCH_FIELD.phase) === PHASE_INTERMISSION;
  return { pellets, intermission };
}

/** A state's tick and the part of it its entity shows (the boost flag included), as a key. */
function stateKey(tick: number, x: number, y: number, vx: number, vy: number, mass: number, boosting: boolean): string {
  return `${tick}:${x},${y},${vx},${vy},${mass},${boosting ? 1 : 0}`;
}

/**
 * Prediction of the local blob. `known` returns the latest authoritative state (the session's mirror):
 * the tick of the entity being reconciled, the pellets the blob may eat and the match phase (the world
 * stands still in the intermission). One model per session: it remembers the timers of the states it
 * predicted (see the top of this file).
 */
export function createBlobsPrediction(known: () => KnownWorld): PredictionModel<BlobPrediction, BlobsInput> {
  const timers = new Map<string, HiddenTimers>();
  // One snapshot's entities are read once, however many steps run on them.
  const surroundings = new WeakMap<ReadonlyMap<number, EntityState>, Surroundings>();

  const around = (): Surroundings => {
    const entities = known().entities;
    let s = surroundings.get(entities);
    if (s === undefined) {
      s = surroundingsOf(entities);
      surroundings.set(entities, s);
    }
    return s;
  };

  const remember = (s: BlobPrediction): void => {
    const key = stateKey(s.tick, s.x, s.y, s.vx, s.vy, s.mass, s.boostTicks > 0);
    timers.delete(key); // re-inserted as the newest
    timers.set(key, { boostTicks: s.boostTicks, boostCooldown: s.boostCooldown, decayCarry: s.decayCarry });
    if (timers.size > REMEMBERED_STATES) timers.delete(timers.keys().next().value as string);
  };

  return {
    fromEntity(entity) {
      if (!isAliveBlob(entity)) return null;
      // The session reconciles the entity of the snapshot it just applied: the mirror's latest.
      const tick = known().latestTick;
      const v = entity.values;
      const x = intField(v, BLOB_FIELD.x);
      const y = intField(v, BLOB_FIELD.y);
      const vx = intField(v, BLOB_FIELD.vx);
      const vy = intField(v, BLOB_FIELD.vy);
      const mass = intField(v, BLOB_FIELD.mass);
      const boosting = (intField(v, BLOB_FIELD.flags) & BLOB_FLAG_BOOSTING) !== 0;
      const guess: HiddenTimers = boosting
        ? { boostTicks: BOOST_TICKS - 1, boostCooldown: BOOST_COOLDOWN_TICKS - 1, decayCarry: 0 }
        : { boostTicks: 0, boostCooldown: 0, decayCarry: 0 };
      return { tick, x, y, vx, vy, mass, ...(timers.get(stateKey(tick, x, y, vx, vy, mass, boosting)) ?? guess), eaten: [] };
    },

    step(state, input) {
      const world = around();
      if (world.intermission) {
        const still = { ...state, tick: state.tick + 1 };
        remember(still);
        return still;
      }
      const b: BlobBody = {
        x: state.x,
        y: state.y,
        vx: state.vx,
        vy: state.vy,
        keys: input.keys,
        aim: input.aim,
        mass: state.mass,
        decayCarry: state.decayCarry,
        boostTicks: state.boostTicks,
        boostCooldown: state.boostCooldown,
        boostRequest: (input.keys & BLOB_KEY_BOOST) !== 0 ? 1 : 0,
      };
      // The server's order for one blob: boost, move, eat pellets, settle, timers.
      startBoost(b);
      moveBlob(b);
      let eaten = state.eaten;
      const r = blobRadius(b.mass);
      for (const p of world.pellets) {
        if (!coversPellet(b.x, b.y, r, p.x, p.y) || eaten.includes(p.id)) continue;
        eaten = [...eaten, p.id];
        b.mass = addMass(b.mass, PELLET_MASS);
      }
      settleBlob(b);
      countDownBoost(b);
      const next: BlobPrediction = {
        tick: state.tick + 1,
        x: b.x,
        y: b.y,
        vx: b.vx,
        vy: b.vy,
        mass: b.mass,
        boostTicks: b.boostTicks,
        boostCooldown: b.boostCooldown,
        decayCarry: b.decayCarry,
        eaten,
      };
      remember(next);
      return next;
    },

    position(state) {
      return { x: state.x, y: state.y };
    },

    toEntity(entity, state) {
      const values = entity.values.slice();
      values[BLOB_FIELD.x] = state.x;
      values[BLOB_FIELD.y] = state.y;
      values[BLOB_FIELD.vx] = state.vx;
      values[BLOB_FIELD.vy] = state.vy;
      values[BLOB_FIELD.mass] = state.mass;
      const flags = intField(entity.values, BLOB_FIELD.flags) & ~BLOB_FLAG_BOOSTING;
      values[BLOB_FIELD.flags] = flags | (state.boostTicks > 0 ? BLOB_FLAG_BOOSTING : 0);
      return { id: entity.id, kind: entity.kind, values };
    },

    idleInput: idleBlobsInput,

    /** What the entity shows (the tick and timers are the model's own, the pellets eaten are in the mass). */
    equals(a, b) {
      return a.x === b.x && a.y === b.y && a.vx === b.vx && a.vy === b.vy && a.mass === b.mass && a.boostTicks > 0 === b.boostTicks > 0;
    },
  };
}

const BLOB_LERP = [BLOB_FIELD.x, BLOB_FIELD.y, BLOB_FIELD.mass] as const;
const BLOB_POSITION = { x: BLOB_FIELD.x, y: BLOB_FIELD.y } as const;

/**
 * Interpolation of blobs entities: a blob's position and mass blend (it glides and grows smoothly),
 * everything else switches at the newer snapshot. Pellets never move: no blending, no tracking. A blob
 * that comes back to life snaps to its spawn spot, as does one that moved farther than 150 px between two
 * snapshots (a boosting small blob covers 25 px per tick; a new match's respawn is farther).
 */
export const blobsInterpolation: InterpolationModel = {
  lerpFields(kind) {
    return kind === KIND_BLOB ? BLOB_LERP : [];
  },
  angleFields() {
    return [];
  },
  teleportDistance: px(150),
  positionFields(kind) {
    return kind === KIND_BLOB ? BLOB_POSITION : null;
  },
  discontinuous(older, newer) {
    return older.kind === KIND_BLOB && isAliveBlob(newer) && !isAliveBlob(older);
  },
};

/** A ClientSession for blobs on `net` (options override the defaults). */
export function createBlobsSession(
  net: SessionNet,
  options: Partial<ClientSessionOptions<BlobPrediction, BlobsInput>> = {},
): ClientSession<BlobPrediction, BlobsInput> {
  return new ClientSession(net, {
    prediction: createBlobsPrediction(() => net.mirror),
    interpolation: blobsInterpolation,
    encodeInput: encodeBlobsInput,
    initialInput: idleBlobsInput(null),
    ...options,
  });
}
