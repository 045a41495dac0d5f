// Test-only helpers for the codec tests: a schema of its own (independent of any game), view builders,
// and an independent model of what a client should see.

import type { EntityState, EntityView, FieldValue, ReplicationSchema } from './schema.js';

export const KIND = { player: 0, projectile: 1, match: 2, wide: 3, mover: 4 } as const;

/** Event type codes of the test schema: codes 1 and 2 are reliable, every other code is sent once. */
export const EVT = { reliable: 1, alsoReliable: 2, cosmetic: 9 } as const;

export const testSchema: ReplicationSchema = {
  kinds: [
    {
      kind: KIND.player,
      name: 'player',
      fields: [
        { name: 'x', type: 'int', delta: true },
        { name: 'y', type: 'int', delta: true },
        { name: 'hp', type: 'int' },
        { name: 'name', type: 'string' },
        { name: 'score', type: 'int' },
      ],
    },
    {
      kind: KIND.projectile,
      name: 'projectile',
      fields: [
        { name: 'x', type: 'int', delta: true },
        { name: 'y', type: 'int', delta: true },
        { name: 'owner', type: 'int' },
      ],
    },
    {
      kind: KIND.match,
      name: 'match',
      global: true,
      fields: [
        { name: 'clock', type: 'int' },
        { name: 'phase', type: 'string' },
      ],
    },
    {
      // Ten fields, so masks above 127 (two-byte masks) are exercised. Velocity prediction with odd
      // layouts: f0 moves by f2 (itself delta-coded), f4 by f1 (before it), f8 by f0 (itself predicted).
      kind: KIND.wide,
      name: 'wide',
      fields: Array.from({ length: 10 }, (_, i) => ({
        name: `f${i}`,
        type: i % 4 === 3 ? ('string' as const) : ('int' as const),
        delta: i % 2 === 0 && i % 4 !== 3,
        ...(i === 0 ? { velocity: 'f2' } : i === 4 ? { velocity: 'f1' } : i === 8 ? { velocity: 'f0' } : {}),
      })),
    },
    {
      // A moving body: x and y are velocity-predicted from vx and vy (dead reckoning).
      kind: KIND.mover,
      name: 'mover',
      fields: [
        { name: 'x', type: 'int', delta: true, velocity: 'vx' },
        { name: 'y', type: 'int', delta: true, velocity: 'vy' },
        { name: 'vx', type: 'int' },
        { name: 'vy', type: 'int' },
        { name: 'hp', type: 'int' },
      ],
    },
  ],
  reliableEvents: [EVT.reliable, EVT.alsoReliable],
};

export function view(id: number, kind: number, x: number, y: number, values: readonly FieldValue[]): EntityView {
  return { id, kind, x, y, values };
}

export function player(id: number, x: number, y: number, hp = 100, name = `p${id}`, score = 0): EntityView {
  return view(id, KIND.player, x, y, [x, y, hp, name, score]);
}

/** A mover at (x, y) with velocity (vx, vy); its interest position is its replicated position. */
export function mover(id: number, x: number, y: number, vx = 0, vy = 0, hp = 100): EntityView {
  return view(id, KIND.mover, x, y, [x, y, vx, vy, hp]);
}

const LIMIT = 2n ** 52n;

/**
 * An independent model of velocity prediction (BigInt, so it cannot share a rounding mistake with the
 * codec's float arithmetic): base + velocity * dt, unless that or the step leaves (-2^52, 2^52).
 */
export function modelPredict(base: number, velocity: number, dt: number): number {
  const step = BigInt(velocity) * BigInt(dt);
  const predicted = BigInt(base) + step;
  const inRange = (n: bigint) => n < LIMIT && n > -LIMIT;
  return inRange(step) && inRange(predicted) ? Number(predicted) : base;
}

/** What the schema expects each field of `entity` to be `dt` ticks later: its prediction, or its value. */
export function expectedValues(schema: ReplicationSchema, entity: EntityState, dt: number): FieldValue[] {
  const fields = schema.kinds[entity.kind].fields;
  return entity.values.map((value, f) => {
    const velocity = fields[f].velocity;
    if (velocity === undefined) return value;
    const v = fields.findIndex((field) => field.name === velocity);
    return modelPredict(value as number, entity.values[v] as number, dt);
  });
}

/** The entity moved `dt` ticks along its velocities (the same object when nothing moves). */
export function coast(schema: ReplicationSchema, entity: EntityView, dt: number): EntityView {
  const values = expectedValues(schema, entity, dt);
  if (values.every((v, f) => v === entity.values[f])) return entity;
  return { ...entity, values };
}

export function matchClock(id: number, clock: number, phase = 'live'): EntityView {
  return view(id, KIND.match, 0, 0, [clock, phase]);
}

/**
 * The model of interest without hysteresis: globals, plus entities whose cell is within `rings` cells of
 * the focus cell on both axes.
 */
export function visible(
  schema: ReplicationSchema,
  views: readonly EntityView[],
  focus: { x: number; y: number } | null,
  cellSize: number,
  rings = 1,
): Map<number, EntityState> {
  const out = new Map<number, EntityState>();
  for (const v of views) {
    let seen = schema.kinds[v.kind].global === true;
    if (!seen && focus !== null) {
      const dx = Math.floor(v.x / cellSize) - Math.floor(focus.x / cellSize);
      const dy = Math.floor(v.y / cellSize) - Math.floor(focus.y / cellSize);
      seen = Math.abs(dx) <= rings && Math.abs(dy) <= rings;
    }
    if (seen) out.set(v.id, { id: v.id, kind: v.kind, values: v.values });
  }
  return out;
}

/** A map of states as plain sorted tuples, for toEqual comparisons with readable diffs. */
export function plain(state: ReadonlyMap<number, EntityState>): [number, number, FieldValue[]][] {
  return [...state.values()]
    .sort((a, b) => a.id - b.id)
    .map((e) => [e.id, e.kind, [...e.values]]);
}
