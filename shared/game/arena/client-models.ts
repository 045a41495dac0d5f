// The arena's plug-ins for the client netcode (shared/client/client-session.ts): how its local player is
// predicted (the very stepMotion the server runs) and how its entities are interpolated. The Phaser
// client and the bots both build their session with createArenaSession.

import { ClientSession, type ClientSessionOptions, type InterpolationModel, type PredictionModel } from '../../client/client-session.js';
import type { SessionNet } from '../../client/session-types.js';
import type { EntityState } from '../../codec/schema.js';
import { encodeArenaInput, idleArenaInput, type ArenaInput } from './input.js';
import { stepMotion, type PlayerMotion } from './movement.js';
import { AIM_STEPS, px } from './units.js';
import { KIND_PLAYER, KIND_PROJECTILE, PLAYER_FIELD, PLAYER_FLAG_ALIVE, PROJECTILE_FIELD, motionFromEntity } from './view.js';

function isAlivePlayer(entity: EntityState): boolean {
  if (entity.kind !== KIND_PLAYER) return false;
  const flags = entity.values[PLAYER_FIELD.flags];
  return typeof flags === 'number' && (flags & PLAYER_FLAG_ALIVE) !== 0;
}

/**
 * Prediction of the local player: its motion (position and velocity) stepped by stepMotion with the
 * held movement keys. Motion depends on nothing but the player's own inputs and the static walls
 * (players do not block each other, nothing knocks back), so a correct prediction is exact.
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
    prediction: arenaPrediction,
    interpolation: arenaInterpolation,
    encodeInput: encodeArenaInput,
    initialInput: { keys: 0, aim: 0 },
    ...options,
  });
}
