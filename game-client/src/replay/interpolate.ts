// Smooth motion between two consecutive recorded ticks, for any game: the fields its InterpolationModel
// names (positions linearly, angles along the shorter arc) are drawn a fraction of the way from tick n to
// tick n + 1; every other field (health, flags, scores) is tick n's, as are entities the model says jumped
// (a respawn, anything farther than its teleport distance).

import type { InterpolationModel } from '../../../shared/client/session-types.js';
import type { EntityState, EntityView, FieldValue } from '../../../shared/codec/schema.js';

function num(v: FieldValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

/** `steps`-per-turn angle from `a` toward `b` the short way round, in [0, steps). */
export function lerpAngle(a: number, b: number, t: number, steps: number): number {
  let d = (b - a) % steps;
  if (d > steps / 2) d -= steps;
  if (d < -steps / 2) d += steps;
  return (((a + d * t) % steps) + steps) % steps;
}

function jumped(model: InterpolationModel, a: EntityState, b: EntityState): boolean {
  if (model.discontinuous?.(a, b)) return true;
  const pos = model.positionFields(a.kind);
  if (pos === null) return false;
  const dx = num(b.values[pos.x]) - num(a.values[pos.x]);
  const dy = num(b.values[pos.y]) - num(a.values[pos.y]);
  return dx * dx + dy * dy > model.teleportDistance * model.teleportDistance;
}

/**
 * The entities to draw at `alpha` (0..1) of the way from `a` (tick n) to `b` (tick n + 1). With alpha 0
 * or no `b`, exactly `a`'s entities (the same objects).
 */
export function interpolateEntities(
  a: readonly EntityView[],
  b: readonly EntityView[] | null,
  alpha: number,
  model: InterpolationModel,
): EntityState[] {
  if (!b || alpha <= 0) return [...a];
  const t = Math.min(1, alpha);
  const next = new Map<number, EntityView>();
  for (const e of b) next.set(e.id, e);
  return a.map((e): EntityState => {
    const n = next.get(e.id);
    const lerp = model.lerpFields(e.kind);
    const angles = model.angleFields(e.kind);
    if (!n || n.kind !== e.kind || (lerp.length === 0 && angles.length === 0) || jumped(model, e, n)) return e;
    const values = [...e.values];
    for (const f of lerp) values[f] = num(e.values[f]) + (num(n.values[f]) - num(e.values[f])) * t;
    for (const { index, steps } of angles) values[index] = lerpAngle(num(e.values[index]), num(n.values[index]), t, steps);
    return { id: e.id, kind: e.kind, values };
  });
}
