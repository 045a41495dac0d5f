// The arena's plug-ins for the client netcode (shared/client/client-session.ts): how its local player is
// predicted (the very stepMotion the server runs, and the match clock's breaks) and how its entities are
// interpolated. The Phaser client and the bots both build their session with createArenaSession.

import { ClientSession, type ClientSessionOptions, type InterpolationModel, type PredictionModel } from '../../client/client-session.js';
import type { SessionNet } from '../../client/session-types.js';
import type { EntityState } from '../../codec/schema.js';
import { MATCH_ENTITY_ID } from './constants.js';
import { encodeArenaInput, idleArenaInput, type ArenaInput } from './input.js';
import { stepMotion, type PlayerMotion } from './movement.js';
import { AIM_STEPS, px } from './units.js';
import {
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PROJECTILE,
  MATCH_FIELD,
  PHASE_INTERMISSION,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PROJECTILE_FIELD,
  motionFromEntity,
} from './view.js';

function isAlivePlayer(entity: EntityState): boolean {
  if (entity.kind !== KIND_PLAYER) return false;
  const flags = entity.values[PLAYER_FIELD.flags];
  return typeof flags === 'number' && (flags & PLAYER_FLAG_ALIVE) !== 0;
}

/**
 * The motion part of the prediction: the local player's position and velocity stepped by stepMotion
 * with the held movement keys. Motion depends on nothing but the player's own inputs and the static
 * walls (players do not block each other, nothing knocks back), so a correct prediction is exact while
 * a match is played. It knows nothing of the match clock: createArenaPrediction adds that.
 */
export const arenaPrediction: PredictionModel<PlayerMotion, ArenaInput> = {
  fromEntity(entity) {
    return isAlivePlayer(entity) ? motionFromEntity(entity.values) : null;
  },
  step(state, input) {
    return stepMotion(state, input.keys);
  },
  position(state) {
    return { x: state.x, y: state.y };
  },
  toEntity(entity, state) {
    const values = entity.values.slice();
    values[PLAYER_FIELD.x] = state.x;
    values[PLAYER_FIELD.y] = state.y;
    values[PLAYER_FIELD.vx] = state.vx;
    values[PLAYER_FIELD.vy] = state.vy;
    return { id: entity.id, kind: entity.kind, values };
  },
  idleInput: idleArenaInput,
  equals(a, b) {
    return a.x === b.x && a.y === b.y && a.vx === b.vx && a.vy === b.vy;
  },
};

/** The session's latest authoritative state (NetClient's mirror): its tick and entities. */
export interface KnownWorld {
  readonly latestTick: number;
  readonly entities: ReadonlyMap<number, EntityState>;
}

/**
 * The match clock as a snapshot shows it: in the intermission, or playing until `endTick` (the match's
 * last step, after which everyone stands still); null when there is no match entity.
 */
function matchClock(entities: ReadonlyMap<number, EntityState>): { intermission: boolean; endTick: number } | null {
  const match = entities.get(MATCH_ENTITY_ID);
  if (!match || match.kind !== KIND_MATCH) return null;
  const phase = match.values[MATCH_FIELD.phase];
  const endTick = match.values[MATCH_FIELD.endTick];
  if (typeof phase !== 'number' || typeof endTick !== 'number') return null;
  return { intermission: phase === PHASE_INTERMISSION, endTick };
}

/**
 * Prediction of the local player across the match clock (`known`: the session's mirror). While a match
 * is played, arenaPrediction's motion, step by step up to the match's last tick; that step ends with the
 * player at rest (the server zeroes every velocity at a match end) and the steps after it stand still,
 * so inputs sent before the client learns of the end do not slide the player. During the intermission
 * nothing is predicted (fromEntity is null): the player stands where the server has it, and the respawn
 * that ends the break, at a spawn point the server draws, comes from the snapshot that shows it instead
 * of being counted as a misprediction.
 *
 * The state stays the plain motion; the server tick each state stands for (the snapshot's, plus one per
 * step predicted since) is kept beside it, by identity: the predictor only ever steps states this model
 * made. One model per session.
 */
export function createArenaPrediction(known: () => KnownWorld): PredictionModel<PlayerMotion, ArenaInput> {
  const ticks = new WeakMap<PlayerMotion, number>();
  const at = (state: PlayerMotion, tick: number): PlayerMotion => {
    ticks.set(state, tick);
    return state;
  };
  return {
    fromEntity(entity) {
      const world = known();
      if (matchClock(world.entities)?.intermission) return null;
      const motion = arenaPrediction.fromEntity(entity);
      // The session reconciles the entity of the snapshot it just applied: the mirror's latest.
      return motion === null ? null : at(motion, world.latestTick);
    },
    step(state, input) {
      const world = known();
      const tick = (ticks.get(state) ?? world.latestTick) + 1;
      const clock = matchClock(world.entities);
      if (clock !== null && (clock.intermission || tick > clock.endTick)) return at({ ...state }, tick);
      const m = stepMotion(state, input.keys);
      return at(clock !== null && tick === clock.endTick ? { x: m.x, y: m.y, vx: 0, vy: 0 } : m, tick);
    },
    position: arenaPrediction.position,
    toEntity: arenaPrediction.toEntity,
    idleInput: arenaPrediction.idleInput,
    equals: arenaPrediction.equals,
  };
}

const POSITION = { x: PLAYER_FIELD.x, y: PLAYER_FIELD.y } as const;
const PROJECTILE_POSITION = { x: PROJECTILE_FIELD.x, y: PROJECTILE_FIELD.y } as const;
const PLAYER_LERP = [PLAYER_FIELD.x, PLAYER_FIELD.y] as const;
const PROJECTILE_LERP = [PROJECTILE_FIELD.x, PROJECTILE_FIELD.y] as const;
const PLAYER_ANGLES = [{ index: PLAYER_FIELD.aim, steps: AIM_STEPS }] as const;

/**
 * Interpolation of arena entities: player and rocket positions blend, a player's aim turns the short way
 * round, everything else (health, flags, scores) switches at the newer snapshot. A player that comes
 * back to life snaps to its spawn point, as does anything that moved farther than 80 px between two
 * snapshots (a rocket covers 17 px per tick, a player at most 7.5).
 */
export const arenaInterpolation: InterpolationModel = {
  lerpFields(kind) {
    if (kind === KIND_PLAYER) return PLAYER_LERP;
    if (kind === KIND_PROJECTILE) return PROJECTILE_LERP;
    return [];
  },
  angleFields(kind) {
    return kind === KIND_PLAYER ? PLAYER_ANGLES : [];
  },
  teleportDistance: px(80),
  positionFields(kind) {
    if (kind === KIND_PLAYER) return POSITION;
    if (kind === KIND_PROJECTILE) return PROJECTILE_POSITION;
    return null;
  },
  discontinuous(older, newer) {
    return older.kind === KIND_PLAYER && isAlivePlayer(newer) && !isAlivePlayer(older);
  },
};

/** A ClientSession for the arena (options override the defaults). */
export function createArenaSession(
  net: SessionNet,
  options: Partial<ClientSessionOptions<PlayerMotion, ArenaInput>> = {},
): ClientSession<PlayerMotion, ArenaInput> {
  return new ClientSession(net, {
    prediction: createArenaPrediction(() => net.mirror),
    interpolation: arenaInterpolation,
    encodeInput: encodeArenaInput,
    initialInput: { keys: 0, aim: 0 },
    ...options,
  });
}
