// Smooth motion between two consecutive recorded ticks: players and rockets are drawn at a fraction of
// the way from tick n to tick n + 1 (positions linearly, the aim along the shorter arc). Everything else
// (health, flags, scores) is tick n's. A player that died, respawned or teleported is not interpolated.

import type { EntityState, EntityView, FieldValue } from '../../../shared/codec/schema.js';
import {
  AIM_STEPS,
  KIND_PLAYER,
  KIND_PROJECTILE,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PROJECTILE_FIELD,
  UNITS_PER_PX,
} from '../../../shared/game/arena/index.js';

/** Farther than this in one tick (units) is a teleport (a respawn), not motion: ~16x a runner's step. */
const TELEPORT_UNITS = 128 * UNITS_PER_PX;

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function num(values: readonly FieldValue[], i: number): number {
  const v = values[i];
  return typeof v === 'number' ? v : 0;
}

/** Aim steps from `a` toward `b` the short way round, in [0, AIM_STEPS). */
export function lerpAim(a: number, b: number, t: number): number {
  let d = (b - a) % AIM_STEPS;
  if (d > AIM_STEPS / 2) d -= AIM_STEPS;
  if (d < -AIM_STEPS / 2) d += AIM_STEPS;
  return (((a + d * t) % AIM_STEPS) + AIM_STEPS) % AIM_STEPS;
}

/**
 * The entities to draw at `alpha` (0..1) of the way from `a` (tick n) to `b` (tick n + 1). With alpha 0
 * or no `b`, exactly `a`'s entities (the same objects).
 */
export function interpolateEntities(a: readonly EntityView[], b: readonly EntityView[] | null, alpha: number): EntityState[] {
  if (!b || alpha <= 0) return [...a];
  const t = Math.min(1, alpha);
  const next = new Map<number, EntityView>();
  for (const e of b) next.set(e.id, e);
  return a.map((e): EntityState => {
    const n = next.get(e.id);
    if (!n || n.kind !== e.kind) return e;
    const v = e.values;
    const w = n.values;
    if (e.kind === KIND_PLAYER) {
      const aliveA = (num(v, PLAYER_FIELD.flags) & PLAYER_FLAG_ALIVE) !== 0;
      const aliveB = (num(w, PLAYER_FIELD.flags) & PLAYER_FLAG_ALIVE) !== 0;
      const dx = num(w, PLAYER_FIELD.x) - num(v, PLAYER_FIELD.x);
      const dy = num(w, PLAYER_FIELD.y) - num(v, PLAYER_FIELD.y);
      if (!aliveA || !aliveB || Math.abs(dx) > TELEPORT_UNITS || Math.abs(dy) > TELEPORT_UNITS) return e;
      const values = [...v];
      values[PLAYER_FIELD.x] = lerp(num(v, PLAYER_FIELD.x), num(w, PLAYER_FIELD.x), t);
      values[PLAYER_FIELD.y] = lerp(num(v, PLAYER_FIELD.y), num(w, PLAYER_FIELD.y), t);
      values[PLAYER_FIELD.aim] = lerpAim(num(v, PLAYER_FIELD.aim), num(w, PLAYER_FIELD.aim), t);
      return { id: e.id, kind: e.kind, values };
    }
    if (e.kind === KIND_PROJECTILE) {
      const values = [...v];
      values[PROJECTILE_FIELD.x] = lerp(num(v, PROJECTILE_FIELD.x), num(w, PROJECTILE_FIELD.x), t);
      values[PROJECTILE_FIELD.y] = lerp(num(v, PROJECTILE_FIELD.y), num(w, PROJECTILE_FIELD.y), t);
      return { id: e.id, kind: e.kind, values };
    }
    return e;
  });
}
