import { describe, expect, it } from 'vitest';
import type { EntityView } from '../../codec/schema.js';
import {
  MATCH_ENTITY_ID,
  MATCH_TICKS,
  PELLET_COLOURS,
  PELLET_COUNT,
  PELLET_ID_BASE,
  PLAYER_INFO_ID_BASE,
  RESPAWN_TICKS,
  WORLD_SIZE,
} from './constants.js';
import { blobsGame } from './index.js';
import { BLOB_KEY_MOVE } from './input.js';
import { TestBlobs } from './test-support.js';
import {
  BLOBS_SCHEMA,
  BLOB_FIELD,
  BLOB_FLAG_ALIVE,
  BLOB_FLAG_BOOSTING,
  BLOB_FLAG_PROTECTED,
  KIND_BLOB,
  KIND_MATCH,
  KIND_PELLET,
  KIND_PLAYER_INFO,
  MATCH_FIELD,
  PELLET_FIELD,
  PLAYER_INFO_FIELD,
} from './view.js';

const MIDDLE = WORLD_SIZE / 2;
const byId = (views: readonly EntityView[], id: number): EntityView | undefined => views.find((e) => e.id === id);

function changedFields(before: EntityView | undefined, after: EntityView | undefined): string[] {
  if (!before || !after) throw new Error('entity missing');
  const fields = BLOBS_SCHEMA.kinds[after.kind].fields;
  return after.values.flatMap((v, i) => (v === before.values[i] ? [] : [fields[i].name]));
}

describe('schema', () => {
  it('is indexed by kind, with field index constants matching the field names', () => {
    BLOBS_SCHEMA.kinds.forEach((k, i) => expect(k.kind).toBe(i));
    const check = (kind: number, table: Record<string, number>): void => {
      for (const [name, index] of Object.entries(table)) expect(BLOBS_SCHEMA.kinds[kind].fields[index].name).toBe(name);
      expect(Object.keys(table).length).toBe(BLOBS_SCHEMA.kinds[kind].fields.length);
    };
    check(KIND_BLOB, BLOB_FIELD);
    check(KIND_PLAYER_INFO, PLAYER_INFO_FIELD);
    check(KIND_PELLET, PELLET_FIELD);
    check(KIND_MATCH, MATCH_FIELD);
    expect(BLOBS_SCHEMA.kinds.filter((k) => k.global).map((k) => k.name)).toEqual(['playerInfo', 'match']);
  });
});

describe('view', () => {
  it('has unique ids in ascending order across kinds, values matching the schema, every pellet on the map', () => {
    const game = new TestBlobs([[1, MIDDLE, MIDDLE, 30], [255, 3000, 3000, 12]]);
    game.step();
    const views = blobsGame.view(game.world);
    expect(views.map((v) => v.id)).toEqual([...views.map((v) => v.id)].sort((a, b) => a - b));
    expect(new Set(views.map((v) => v.id)).size).toBe(views.length);
    const pellets = views.filter((v) => v.kind === KIND_PELLET);
    expect(pellets.length).toBe(game.world.pellets.filter((p) => p.respawnTicks === 0).length);
    expect(pellets.length).toBeGreaterThan(PELLET_COUNT - 5);
    for (const v of views) {
      const fields = BLOBS_SCHEMA.kinds[v.kind].fields;
      expect(v.values.length).toBe(fields.length);
      v.values.forEach((value, i) => expect(typeof value).toBe(fields[i].type === 'int' ? 'number' : 'string'));
    }
    const p255 = game.player(255);
    expect(byId(views, PLAYER_INFO_ID_BASE + 255)?.values).toEqual([255, 'p255', p255.mass, p255.best, 0, p255.pellets, 0]);
    expect(byId(views, MATCH_ENTITY_ID)?.values).toEqual([1, 0, MATCH_TICKS - 1, MATCH_TICKS]);
    const slot = game.world.pellets.findIndex((p) => p.respawnTicks === 0);
    const pellet = game.world.pellets[slot];
    expect(byId(views, PELLET_ID_BASE + slot)).toMatchObject({
      kind: KIND_PELLET,
      x: pellet.x,
      y: pellet.y,
      values: [pellet.x, pellet.y, slot % PELLET_COLOURS],
    });
  });

  it('a blob steering one way at its speed changes only x and y; an idle one and the pellets change nothing', () => {
    const game = new TestBlobs([[1, 3000, MIDDLE, 10], [2, 15000, MIDDLE, 10]], { pellets: false });
    game.run(10, { 1: { keys: BLOB_KEY_MOVE, aim: 0 } });
    const before = blobsGame.view(game.world);
    game.step({ 1: { keys: BLOB_KEY_MOVE, aim: 0 } });
    const after = blobsGame.view(game.world);
    expect(changedFields(byId(before, 1), byId(after, 1))).toEqual(['x']); // heading right: y stays
    expect(changedFields(byId(before, 2), byId(after, 2))).toEqual([]);
    expect(changedFields(byId(before, MATCH_ENTITY_ID), byId(after, MATCH_ENTITY_ID))).toEqual([]);
  });

  it('reuses a pellet view while the pellet stays put, and makes a new one when it is placed anew', () => {
    const game = new TestBlobs([[1, 3000, 3000, 10]]);
    const slot = game.world.pellets.findIndex((p) => Math.abs(p.x - 3000) > 2000);
    const first = byId(blobsGame.view(game.world), PELLET_ID_BASE + slot);
    expect(byId(blobsGame.view(game.world), PELLET_ID_BASE + slot)).toBe(first);
    game.world.pellets[slot].x += 1;
    const moved = byId(blobsGame.view(game.world), PELLET_ID_BASE + slot);
    expect(moved).not.toBe(first);
    expect(moved?.values[PELLET_FIELD.x]).toBe(game.world.pellets[slot].x);
  });

  it('flags: alive, protected after a spawn, boosting; a dead blob has its respawn tick and no focus', () => {
    const game = new TestBlobs([[1, MIDDLE, MIDDLE, 100], [2, MIDDLE + 10, MIDDLE, 20]], { pellets: false });
    const flags = (id: number): number => Number(byId(blobsGame.view(game.world), id)?.values[BLOB_FIELD.flags]);
    expect(flags(1)).toBe(BLOB_FLAG_ALIVE);
    game.player(1).boostTicks = 3;
    game.player(2).protectTicks = 1; // not eaten on this step, it wears off
    expect(flags(1)).toBe(BLOB_FLAG_ALIVE | BLOB_FLAG_BOOSTING);
    expect(flags(2)).toBe(BLOB_FLAG_ALIVE | BLOB_FLAG_PROTECTED);
    expect(blobsGame.focusOf(game.world, 2)).toEqual({ x: MIDDLE + 10, y: MIDDLE });
    game.step();
    expect(game.player(2).alive).toBe(true);
    game.step();
    expect(game.player(2).alive).toBe(false);
    const dead = byId(blobsGame.view(game.world), 2);
    expect(dead?.values[BLOB_FIELD.flags]).toBe(0);
    expect(dead?.values[BLOB_FIELD.mass]).toBe(0);
    expect(dead?.values[BLOB_FIELD.respawnTick]).toBe(game.tick - 1 + RESPAWN_TICKS);
    // Its client keeps seeing where it was eaten while it waits to respawn.
    expect(blobsGame.focusOf(game.world, 2)).toEqual({ x: game.player(2).x, y: game.player(2).y });
    expect(blobsGame.focusOf(game.world, 99)).toBeNull();
  });
});
