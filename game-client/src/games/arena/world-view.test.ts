import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../../shared/codec/schema.js';
import { MATCH_ENTITY_ID, PLAYER_INFO_ID_BASE } from '../../../../shared/game/arena/constants.js';
import {
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PLAYER_INFO,
  KIND_PROJECTILE,
  PHASE_INTERMISSION,
  PHASE_PLAYING,
  PLAYER_FLAG_ALIVE,
  PLAYER_FLAG_PROTECTED,
} from '../../../../shared/game/arena/view.js';
import { AIM_STEPS } from '../../../../shared/game/arena/units.js';
import { arenaScoreboard } from './scoreboard.js';
import { readWorld } from './world-view.js';

function player(id: number, x: number, y: number, hp = 100, flags = PLAYER_FLAG_ALIVE, aim = 0): EntityState {
  return { id, kind: KIND_PLAYER, values: [x, y, 0, 0, aim, hp, flags, 0] };
}
function info(id: number, name: string, kills: number, deaths: number, score: number): EntityState {
  return { id: PLAYER_INFO_ID_BASE + id, kind: KIND_PLAYER_INFO, values: [id, name, kills, deaths, score] };
}

describe('readWorld', () => {
  const entities = new Map<number, EntityState>(
    [
      player(1, 400, 800, 60, PLAYER_FLAG_ALIVE | PLAYER_FLAG_PROTECTED, AIM_STEPS / 4),
      player(2, 1000, 1000, 0, 0),
      info(1, 'Ann', 2, 1, 2),
      info(2, 'Ben', 3, 0, 3),
      { id: 1000, kind: KIND_PROJECTILE, values: [40, 80, 67, 0, 2] },
      { id: MATCH_ENTITY_ID, kind: KIND_MATCH, values: [2, PHASE_PLAYING, 9000, 9000] },
    ].map((e) => [e.id, e]),
  );

  it('converts units to px, reads flags, names and aim', () => {
    const w = readWorld(entities, 1);
    expect(w.players).toHaveLength(2);
    const [ann, ben] = w.players;
    expect(ann).toMatchObject({ id: 1, name: 'Ann', x: 100, y: 200, hp: 60, alive: true, protected: true, local: true });
    expect(ann.aim).toBeCloseTo(Math.PI / 2);
    expect(ben).toMatchObject({ id: 2, name: 'Ben', alive: false, local: false });
    expect(w.projectiles).toEqual([{ id: 1000, x: 10, y: 20, vx: 67 / 4, vy: 0, owner: 2 }]);
    expect(w.match).toEqual({ matchNumber: 2, intermission: false, endTick: 9000, durationTicks: 9000 });
    const breakTime = new Map(entities).set(MATCH_ENTITY_ID, { id: MATCH_ENTITY_ID, kind: KIND_MATCH, values: [2, PHASE_INTERMISSION, 9240, 240] });
    expect(readWorld(breakTime, 1).match).toEqual({ matchNumber: 2, intermission: true, endTick: 9240, durationTicks: 240 });
  });

  it('reads the scoreboard like the server ranks a match: score, kills, fewer deaths, lower id', () => {
    const rows = arenaScoreboard.read(entities);
    expect(rows.map((s) => s.name)).toEqual(['Ben', 'Ann']);
    expect(rows[1]).toEqual({ playerId: 1, name: 'Ann', values: { score: 2, kills: 2, deaths: 1 } });
    expect(arenaScoreboard.summary(rows[1]!)).toBe('score 2 · 2K/1D');
  });
});
