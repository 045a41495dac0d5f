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

  it('keeps cells apart on both sides of the small-key range (2^14 cells from the origin)', () => {
    // Cell size 1: coordinates are cells. Entities straddle +-16384 on both axes, where keys change range.
    const edge = 2 ** 14;
    const coords = [-edge - 2, -edge - 1, -edge, -edge + 1, -1, 0, 1, edge - 2, edge - 1, edge, edge + 1, 2 ** 25];
    const views: EntityView[] = [];
    for (const x of coords) for (const y of coords) views.push({ id: views.length + 1, kind: 0, x, y, values: [] });
    const scanning = new InterestGrid(1, 1, 1, IS_GLOBAL, emptyStats(), Number.POSITIVE_INFINITY);
    const lookingUp = new InterestGrid(1, 1, 1, IS_GLOBAL, emptyStats(), 0);
    scanning.rebuild(views);
    lookingUp.rebuild(views);
    for (const x of coords) {
      for (const y of coords) {
        const list = lookingUp.listFor({ x, y });
        expect(list).toEqual(scanning.listFor({ x, y }));
        expect(list.ids).toContain(views.find((v) => v.x === x && v.y === y)!.id);
      }
    }
  });

  it('hands out the same list object while a cell does not change, and caches one entry per focus cell', () => {
    const stats = emptyStats();
    const grid = new InterestGrid(CELL, 1, 1, IS_GLOBAL, stats);
    const views: EntityView[] = [0, 1, 2, 3].map((i) => ({ id: i + 1, kind: i === 3 ? 2 : 0, x: i * 700, y: 0, values: [] }));
    const foci = [{ x: 0, y: 0 }, { x: 2500, y: 0 }, null];
    grid.rebuild(views);
    const first = foci.map((focus) => grid.listFor(focus));
    for (let tick = 0; tick < 100; tick++) {
      grid.rebuild(views.map((v) => ({ ...v }))); // new view objects, same entities: as a game's view() gives
      foci.forEach((focus, i) => expect(grid.listFor(focus)).toBe(first[i]));
      expect(grid.listFor(foci[0]!)).toBe(first[0]); // a second client in the cell
    }
    expect(grid.cachedCells).toBe(foci.length);
    // Built once: no entity changed cell since, so no tick scanned again.
    expect(stats.interestBuilt).toBe(foci.length);
    expect(stats.interestReused).toBe((foci.length + 1) * 100);
  });

  it('forgets the lists of cells no client focuses on any more, and builds one again when its cell comes back', () => {
    const stats = emptyStats();
    const grid = new InterestGrid(CELL, 1, 1, IS_GLOBAL, stats);
    const views: EntityView[] = [{ id: 1, kind: 0, x: 0, y: 0, values: [] }];
    const home = { x: 0, y: 0 };
    // A focus that walks across 150 cells, one per tick, while another client stays home.
    for (let tick = 0; tick < 150; tick++) {
      grid.rebuild(views);
      grid.listFor(home);
      grid.listFor({ x: tick * CELL, y: CELL * 7 });
    }
    expect(grid.cachedCells).toBeGreaterThan(1);
    expect(grid.cachedCells).toBeLessThan(151); // not every cell crossed
    for (let tick = 0; tick < 300; tick++) {
      grid.rebuild(views);
      expect(grid.listFor(home).ids).toEqual([1]);
    }
    // Only the cell still in focus is left; the walked cells were forgotten.
    expect(grid.cachedCells).toBe(1);
    const built = stats.interestBuilt;
    expect(grid.listFor({ x: 0, y: CELL * 7 }).ids).toEqual([]);
    expect(stats.interestBuilt).toBe(built + 1);
  });

  it('builds the lists again after an entity moves to another cell, enters or leaves, and only then', () => {
    const stats = emptyStats();
    const grid = new InterestGrid(CELL, 1, 1, IS_GLOBAL, stats);
    const at = (x: number): EntityView => ({ id: 1, kind: 0, x, y: 0, values: [] });
    const other: EntityView = { id: 2, kind: 0, x: 0, y: 0, values: [] };
    const focus = { x: 0, y: 0 };
    grid.rebuild([at(0), other]);
    expect(grid.listFor(focus).ids).toEqual([1, 2]);
    grid.rebuild([at(CELL / 2), other]); // moved within its cell
    expect(grid.listFor(focus).ids).toEqual([1, 2]);
    expect(stats.interestBuilt).toBe(1);
    grid.rebuild([at(CELL * 5), other]); // out of sight
    expect(grid.listFor(focus).ids).toEqual([2]);
    grid.rebuild([other]); // left
    expect(grid.listFor(focus).ids).toEqual([2]);
    grid.rebuild([other, { id: 3, kind: 0, x: 1, y: 1, values: [] }]); // entered
    const far = { x: CELL * 9, y: 0 };
    expect(grid.listFor(focus).ids).toEqual([2, 3]);
    expect(grid.listFor(far).ids).toEqual([]);
    grid.rebuild([other, { id: 3, kind: 2, x: 1, y: 1, values: [] }]); // same id and place, now of a global kind
    expect(grid.listFor(far).ids).toEqual([3]);
    expect(stats.interestBuilt).toBe(6);
  });
});
