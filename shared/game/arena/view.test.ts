import { describe, expect, it } from 'vitest';
import type { EntityView } from '../../codec/schema.js';
import { MATCH_ENTITY_ID, MATCH_TICKS, PLAYER_INFO_ID_BASE, RESPAWN_TICKS, RIFLE_DAMAGE } from './constants.js';
import { arenaGame } from './index.js';
import { KEY_FIRE_PRIMARY, KEY_FIRE_SECONDARY, KEY_RIGHT } from './input.js';
import { TestArena } from './test-support.js';
import {
  ARENA_SCHEMA,
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PLAYER_INFO,
  KIND_PROJECTILE,
  MATCH_FIELD,
  PHASE_PLAYING,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PLAYER_FLAG_PROTECTED,
  PLAYER_INFO_FIELD,
  PROJECTILE_FIELD,
} from './view.js';

function changedFields(before: EntityView | undefined, after: EntityView | undefined): string[] {
  if (!before || !after) throw new Error('entity missing');
  const fields = ARENA_SCHEMA.kinds[after.kind].fields;
  return after.values.flatMap((v, i) => (v === before.values[i] ? [] : [fields[i].name]));
}

const byId = (views: readonly EntityView[], id: number): EntityView | undefined => views.find((e) => e.id === id);

describe('schema', () => {
  it('is indexed by kind, with field index constants matching the field names', () => {
    ARENA_SCHEMA.kinds.forEach((k, i) => expect(k.kind).toBe(i));
    const check = (kind: number, table: Record<string, number>): void => {
      for (const [name, index] of Object.entries(table)) expect(ARENA_SCHEMA.kinds[kind].fields[index].name).toBe(name);
      expect(Object.keys(table).length).toBe(ARENA_SCHEMA.kinds[kind].fields.length);
    };
    check(KIND_PLAYER, PLAYER_FIELD);
    check(KIND_PLAYER_INFO, PLAYER_INFO_FIELD);
    check(KIND_PROJECTILE, PROJECTILE_FIELD);
    check(KIND_MATCH, MATCH_FIELD);
    expect(ARENA_SCHEMA.kinds.filter((k) => k.global).map((k) => k.name)).toEqual(['playerInfo', 'match']);
  });
});

describe('view', () => {
  it('has unique ids across kinds and values matching the schema', () => {
    const arena = new TestArena([[1, 450, 800], [2, 1000, 800], [255, 700, 480]]);
    arena.step({ 1: { keys: KEY_FIRE_SECONDARY, aim: 0 } });
    const views = arenaGame.view(arena.world);
    expect(new Set(views.map((v) => v.id)).size).toBe(views.length);
    expect(views.map((v) => v.kind).sort()).toEqual([0, 0, 0, 1, 1, 1, 2, 3]);
    for (const v of views) {
      const fields = ARENA_SCHEMA.kinds[v.kind].fields;
      expect(v.values.length).toBe(fields.length);
      v.values.forEach((value, i) => expect(typeof value).toBe(fields[i].type === 'int' ? 'number' : 'string'));
    }
    expect(byId(views, PLAYER_INFO_ID_BASE + 255)?.values).toEqual([255, 'p255', 0, 0, 0]);
    expect(byId(views, MATCH_ENTITY_ID)?.values).toEqual([1, PHASE_PLAYING, 0 + MATCH_TICKS - 1, MATCH_TICKS]);
  });

  it('a player running at constant velocity changes only x and y; an idle one changes nothing', () => {
    const arena = new TestArena([[1, 450, 800], [2, 1000, 480]]);
    arena.run(10, { 1: { keys: KEY_RIGHT } }); // reach top speed
    for (let i = 0; i < 20; i++) {
      const before = arenaGame.view(arena.world);
      arena.step({ 1: { keys: KEY_RIGHT } });
      const after = arenaGame.view(arena.world);
      expect(changedFields(byId(before, 1), byId(after, 1))).toEqual(['x']);
      const dx = Number(byId(after, 1)?.values[PLAYER_FIELD.x]) - Number(byId(before, 1)?.values[PLAYER_FIELD.x]);
      expect(dx).toBe(30); // a one-byte msgpack fixint as a delta
      expect(changedFields(byId(before, 2), byId(after, 2))).toEqual([]);
      for (const id of [PLAYER_INFO_ID_BASE + 1, PLAYER_INFO_ID_BASE + 2, MATCH_ENTITY_ID]) {
        expect(changedFields(byId(before, id), byId(after, id))).toEqual([]);
      }
    }
  });

  it('a dead player stays put with a constant respawn tick, then comes back', () => {
    const arena = new TestArena([[1, 450, 800], [2, 1000, 800]]);
    arena.player(2).hp = RIFLE_DAMAGE;
    const deathTick = arena.tick;
    arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: 0 } });
    const dead = byId(arenaGame.view(arena.world), 2);
    expect(dead?.values[PLAYER_FIELD.flags]).toBe(0);
    expect(dead?.values[PLAYER_FIELD.respawnTick]).toBe(deathTick + RESPAWN_TICKS);
    expect(arenaGame.focusOf(arena.world, 2)).toEqual({ x: dead?.x, y: dead?.y });
    for (let i = 0; i < RESPAWN_TICKS - 1; i++) {
      arena.step();
      expect(changedFields(dead, byId(arenaGame.view(arena.world), 2))).toEqual([]);
    }
    arena.step();
    const back = byId(arenaGame.view(arena.world), 2);
    expect(back?.values[PLAYER_FIELD.flags]).toBe(PLAYER_FLAG_ALIVE | PLAYER_FLAG_PROTECTED);
    expect(back?.values[PLAYER_FIELD.respawnTick]).toBe(0);
    expect(back?.values[PLAYER_FIELD.hp]).toBe(100);
  });

  it('focusOf is null for an unknown player; scores list everyone', () => {
    const arena = new TestArena([[1, 450, 800], [2, 1000, 800]]);
    expect(arenaGame.focusOf(arena.world, 3)).toBeNull();
    expect(arenaGame.scoreColumns.map((c) => c.key)).toEqual(['score', 'kills', 'deaths']);
    expect(arenaGame.scores(arena.world)).toEqual([
      { playerId: 1, name: 'p1', values: { score: 0, kills: 0, deaths: 0 } },
      { playerId: 2, name: 'p2', values: { score: 0, kills: 0, deaths: 0 } },
    ]);
  });
});
