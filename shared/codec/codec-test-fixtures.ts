// Test-only helpers for the codec tests: a schema of its own (independent of any game), view builders,
// and an independent model of what a client should see.

import type { EntityState, EntityView, FieldValue, ReplicationSchema } from './schema.js';

export const KIND = { player: 0, projectile: 1, match: 2, wide: 3 } as const;

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
      // Ten fields, so masks above 127 (two-byte masks) are exercised.
      kind: KIND.wide,
      name: 'wide',
      fields: Array.from({ length: 10 }, (_, i) => ({
        name: `f${i}`,
        type: i % 4 === 3 ? ('string' as const) : ('int' as const),
        delta: i % 2 === 0 && i % 4 !== 3,
      })),
    },
  ],
};

export function view(id: number, kind: number, x: number, y: number, values: readonly FieldValue[]): EntityView {
  return { id, kind, x, y, values };
}

export function player(id: number, x: number, y: number, hp = 100, name = `p${id}`, score = 0): EntityView {
  return view(id, KIND.player, x, y, [x, y, hp, name, score]);
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
