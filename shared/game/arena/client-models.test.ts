import { describe, expect, it } from 'vitest';
import { arenaInterpolation, arenaPrediction } from './client-models.js';
import { arenaGame } from './index.js';
import { KEY_DOWN, KEY_FIRE_PRIMARY, KEY_RIGHT, idleArenaInput } from './input.js';
import { stepMotion } from './movement.js';
import { AIM_STEPS } from './units.js';
import {
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PLAYER_INFO,
  KIND_PROJECTILE,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PROJECTILE_FIELD,
  viewArena,
} from './view.js';

function world() {
  const w = arenaGame.createWorld(3);
  arenaGame.addPlayer(w, 1, 'a');
  return w;
}

describe('arenaPrediction', () => {
  it('predicts with the server step: a player entity stepped on the client equals the server view after the step', () => {
    const w = world();
    let tick = 0;
    for (const keys of [KEY_RIGHT, KEY_RIGHT, KEY_RIGHT | KEY_DOWN, KEY_DOWN, 0, KEY_RIGHT | KEY_FIRE_PRIMARY]) {
      const before = viewArena(w).find((v) => v.id === 1)!;
      const state = arenaPrediction.fromEntity(before)!;
      arenaGame.applyInput(w, 1, { keys, aim: 0 }, { tick, renderTick: tick });
      arenaGame.step(w, tick++);
      const after = viewArena(w).find((v) => v.id === 1)!;
      const predicted = arenaPrediction.step(state, { keys, aim: 0 });
      expect(arenaPrediction.toEntity(before, predicted).values.slice(0, 4)).toEqual(after.values.slice(0, 4));
      expect(arenaPrediction.equals!(predicted, arenaPrediction.fromEntity(after)!)).toBe(true);
    }
  });

  it('does not predict the dead or other kinds, and repeats movement keys (not fire) on idle ticks', () => {
    const alive = { id: 1, kind: KIND_PLAYER, values: [100, 200, 1, 2, 0, 100, PLAYER_FLAG_ALIVE, 0] };
    const dead = { id: 1, kind: KIND_PLAYER, values: [100, 200, 0, 0, 0, 0, 0, 99] };
    expect(arenaPrediction.fromEntity(alive)).toEqual({ x: 100, y: 200, vx: 1, vy: 2 });
    expect(arenaPrediction.fromEntity(dead)).toBeNull();
    expect(arenaPrediction.fromEntity({ id: 1000, kind: KIND_PROJECTILE, values: [1, 2, 3, 4, 1] })).toBeNull();
    expect(arenaPrediction.idleInput!({ keys: KEY_RIGHT | KEY_FIRE_PRIMARY, aim: 7 })).toEqual(idleArenaInput({ keys: KEY_RIGHT | KEY_FIRE_PRIMARY, aim: 7 }));
    expect(arenaPrediction.position({ x: 5, y: 6, vx: 0, vy: 0 })).toEqual({ x: 5, y: 6 });
    expect(arenaPrediction.step({ x: 400, y: 400, vx: 0, vy: 0 }, { keys: KEY_RIGHT, aim: 0 })).toEqual(stepMotion({ x: 400, y: 400, vx: 0, vy: 0 }, KEY_RIGHT));
  });
});

describe('arenaInterpolation', () => {
  it('blends player and rocket positions and the aim angle, nothing else', () => {
    expect(arenaInterpolation.lerpFields(KIND_PLAYER)).toEqual([PLAYER_FIELD.x, PLAYER_FIELD.y]);
    expect(arenaInterpolation.lerpFields(KIND_PROJECTILE)).toEqual([PROJECTILE_FIELD.x, PROJECTILE_FIELD.y]);
    expect(arenaInterpolation.lerpFields(KIND_PLAYER_INFO)).toEqual([]);
    expect(arenaInterpolation.angleFields(KIND_PLAYER)).toEqual([{ index: PLAYER_FIELD.aim, steps: AIM_STEPS }]);
    expect(arenaInterpolation.positionFields(KIND_MATCH)).toBeNull();
    expect(arenaInterpolation.positionFields(KIND_PROJECTILE)).toEqual({ x: PROJECTILE_FIELD.x, y: PROJECTILE_FIELD.y });
  });

  it('flags a respawn as a discontinuity, and nothing else', () => {
    const at = (flags: number) => ({ id: 1, kind: KIND_PLAYER, values: [0, 0, 0, 0, 0, 100, flags, 0] });
    expect(arenaInterpolation.discontinuous!(at(0), at(PLAYER_FLAG_ALIVE))).toBe(true);
    expect(arenaInterpolation.discontinuous!(at(PLAYER_FLAG_ALIVE), at(0))).toBe(false);
    expect(arenaInterpolation.discontinuous!(at(PLAYER_FLAG_ALIVE), at(PLAYER_FLAG_ALIVE))).toBe(false);
    // Faster than anything moves between two snapshots, slower than a spawn hop.
    expect(arenaInterpolation.teleportDistance).toBeGreaterThan(67 * 3);
  });
});
