import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../../shared/codec/schema.js';
import {
  BLOB_FLAG_ALIVE,
  BLOB_FLAG_BOOSTING,
  BLOB_FLAG_PROTECTED,
  BLOBS_INTEREST_RADIUS,
  KIND_BLOB,
  KIND_MATCH,
  KIND_PELLET,
  KIND_PLAYER_INFO,
  MATCH_ENTITY_ID,
  PHASE_INTERMISSION,
  PLAYER_INFO_ID_BASE,
  START_MASS,
  blobRadius,
} from '../../../../shared/game/blobs/index.js';
import { zoomFor } from './camera-zoom.js';
import { blobsScoreboard } from './scoreboard.js';
import { radiusPx, readWorld } from './world-view.js';

function blob(id: number, x: number, y: number, mass: number, flags = BLOB_FLAG_ALIVE, respawnTick = 0): EntityState {
  return { id, kind: KIND_BLOB, values: [x, y, 8, -4, mass, flags, id % 12, respawnTick] };
}
function info(id: number, name: string, mass: number, best: number, eaten: number, pellets: number): EntityState {
  return { id: PLAYER_INFO_ID_BASE + id, kind: KIND_PLAYER_INFO, values: [id, name, mass, best, eaten, pellets, 0] };
}

describe('readWorld', () => {
  const entities = new Map<number, EntityState>(
    [
      blob(2, 4000, 8000, 100, BLOB_FLAG_ALIVE | BLOB_FLAG_PROTECTED | BLOB_FLAG_BOOSTING),
      blob(1, 400, 800, 0, 0, 350),
      info(1, 'Ann', 0, 40, 1, 30),
      info(2, 'Ben', 100, 100, 0, 90),
      { id: 1003, kind: KIND_PELLET, values: [40, 80, 3] },
      { id: MATCH_ENTITY_ID, kind: KIND_MATCH, values: [2, PHASE_INTERMISSION, 9000, 150] },
    ].map((e) => [e.id, e]),
  );

  it('converts units to px, sizes blobs by mass, reads flags, names, pellets and the match', () => {
    const w = readWorld(entities, 1);
    expect(w.blobs.map((b) => b.id)).toEqual([1, 2]);
    const [ann, ben] = w.blobs;
    expect(ann).toMatchObject({ id: 1, name: 'Ann', alive: false, mass: 0, radius: 0, respawnTick: 350, local: true });
    expect(ben).toMatchObject({ id: 2, name: 'Ben', x: 1000, y: 2000, vx: 2, vy: -1, mass: 100, radius: 100, alive: true, protected: true, boosting: true, local: false });
    expect(w.pellets).toEqual([{ id: 1003, x: 10, y: 20, colour: 3 }]);
    expect(w.match).toEqual({ matchNumber: 2, intermission: true, endTick: 9000 });
  });

  it('sizes a blob as the rules do (their radius is rounded down to a unit), smoothly in between', () => {
    for (const mass of [START_MASS, 11, 57, 100, 999]) expect(radiusPx(mass) * 4 - blobRadius(mass)).toBeLessThan(1);
    expect(radiusPx(10.5)).toBeGreaterThan(radiusPx(10));
    expect(radiusPx(10.5)).toBeLessThan(radiusPx(11));
  });

  it('reads the scoreboard like the server ranks a match: mass, best, eaten, pellets, then lower id', () => {
    const more = new Map(entities);
    for (const e of [info(3, 'Cy', 100, 100, 0, 90), info(4, 'Di', 100, 120, 0, 1)]) more.set(e.id, e);
    const rows = blobsScoreboard.read(more);
    expect(rows.map((r) => r.name)).toEqual(['Di', 'Ben', 'Cy', 'Ann']);
    expect(rows[3]).toEqual({ playerId: 1, name: 'Ann', values: { mass: 0, best: 40, eaten: 1, pellets: 30 } });
    expect(blobsScoreboard.columns.map((c) => c.key)).toEqual(['mass', 'best', 'eaten', 'pellets']);
    expect(blobsScoreboard.summary(rows[3]!)).toBe('mass 0 · best 40');
  });
});

describe('the camera zoom', () => {
  it('zooms out as the blob grows, never wider than what the server sends', () => {
    const start = radiusPx(START_MASS);
    expect(zoomFor(start, 1280, 720)).toBe(1);
    expect(zoomFor(radiusPx(100), 1280, 720)).toBeLessThan(0.8);
    expect(zoomFor(radiusPx(1000), 1280, 720)).toBeLessThan(zoomFor(radiusPx(100), 1280, 720));
    // At any size, the view's half-width stays within the interest square's half side (px).
    for (const [w, h] of [[1280, 720], [1920, 1080], [800, 1200]] as const) {
      const zoom = zoomFor(radiusPx(5000), w, h);
      expect(Math.max(w, h) / 2 / zoom).toBeLessThan(BLOBS_INTEREST_RADIUS / 4);
    }
  });
});
