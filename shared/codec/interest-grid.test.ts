// The interest grid builds the same lists by scanning every entity (small rooms) as by looking up the
// cells around the focus (large worlds).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InterestGrid } from './interest-grid.js';
import { emptyStats } from './replicator-stats.js';
import type { EntityView } from './schema.js';

const CELL = 1000;
// Kind 0: a player, kind 1: a projectile, kind 2: global (a scoreboard).
const IS_GLOBAL = [false, false, true];

const viewsArb = fc
  .array(fc.record({ kind: fc.integer({ min: 0, max: 2 }), x: fc.integer({ min: -3000, max: 9000 }), y: fc.integer({ min: -3000, max: 9000 }) }), { maxLength: 200 })
  .map((list) => list.map((v, i): EntityView => ({ id: i * 3 + 1, kind: v.kind, x: v.x, y: v.y, values: [] })));

describe('InterestGrid', () => {
  it('lists the same entities, ids ascending, whether it scans them or looks up cells', () => {
    fc.assert(
      fc.property(
        viewsArb,
        fc.array(fc.option(fc.record({ x: fc.integer({ min: -4000, max: 10_000 }), y: fc.integer({ min: -4000, max: 10_000 }) }), { nil: null }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 2 }),
        (views, foci, rings) => {
          const scanning = new InterestGrid(CELL, rings, 1, IS_GLOBAL, emptyStats(), Number.POSITIVE_INFINITY);
          const lookingUp = new InterestGrid(CELL, rings, 1, IS_GLOBAL, emptyStats(), 0);
          scanning.rebuild(views);
          lookingUp.rebuild(views);
          for (const focus of foci) {
            const a = scanning.listFor(focus);
            const b = lookingUp.listFor(focus);
            expect(a).toEqual(b);
            expect([...a.ids].sort((p, q) => p - q)).toEqual(a.ids);
            expect(a.indices.map((i) => views[i]!.id)).toEqual(a.ids);
            // Every global entity is listed, whatever the focus.
            for (const [i, v] of views.entries()) if (IS_GLOBAL[v.kind]) expect(a.indices).toContain(i);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
