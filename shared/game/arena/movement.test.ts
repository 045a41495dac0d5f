import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrng, nextInt } from '../prng.js';
import { ACCELERATION, MAX_SPEED, MAX_SPEED_DIAGONAL } from './constants.js';
import { arenaGame } from './index.js';
import { KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_UP, MOVE_KEYS } from './input.js';
import { ARENA_MAP } from './map.js';
import { isPlayerPositionBlocked, stepMotion, type PlayerMotion } from './movement.js';
import { TestArena } from './test-support.js';
import { px } from './units.js';
import { PLAYER_FIELD, motionFromEntity } from './view.js';

const at = (xPx: number, yPx: number): PlayerMotion => ({ x: px(xPx), y: px(yPx), vx: 0, vy: 0 });

function run(m: PlayerMotion, keys: number, ticks: number): PlayerMotion {
  for (let i = 0; i < ticks; i++) m = stepMotion(m, keys);
  return m;
}

describe('stepMotion', () => {
  it('accelerates to top speed, then keeps it exactly (constant velocity)', () => {
    let m = at(450, 800);
    const speeds: number[] = [];
    for (let i = 0; i < 8; i++) {
      m = stepMotion(m, KEY_RIGHT);
      speeds.push(m.vx);
    }
    expect(speeds).toEqual([5, 10, 15, 20, 25, 30, 30, 30]);
    expect(ACCELERATION).toBe(5);
    expect(m.vy).toBe(0);
  });

  it('is not faster diagonally', () => {
    const m = run(at(450, 800), KEY_RIGHT | KEY_DOWN, 10);
    expect([m.vx, m.vy]).toEqual([MAX_SPEED_DIAGONAL, MAX_SPEED_DIAGONAL]);
    expect(Math.hypot(m.vx, m.vy)).toBeLessThanOrEqual(MAX_SPEED);
  });

  it('glides to a stop with friction when the keys are released', () => {
    let m = run(at(450, 800), KEY_RIGHT, 10);
    const x0 = m.x;
    m = run(m, 0, 10);
    expect(m.vx).toBe(0);
    expect(m.x).toBeGreaterThan(x0);
  });

  it('cancels opposite keys', () => {
    const m = run(at(450, 800), KEY_LEFT | KEY_RIGHT | KEY_UP | KEY_DOWN, 5);
    expect(m).toEqual(at(450, 800));
  });

  it('stops flush against a wall and slides along it', () => {
    // Running right into the central block (left face at x = 1136 px) while also moving down.
    let m = at(1000, 790);
    m = run(m, KEY_RIGHT, 40);
    expect(m.x).toBe(px(1136) - px(16));
    expect(m.vx).toBe(0);
    const y0 = m.y;
    m = run(m, KEY_RIGHT | KEY_DOWN, 3);
    expect(m.x).toBe(px(1136) - px(16));
    expect(m.y).toBeGreaterThan(y0); // slides down the face
  });

  it('never tunnels, even from an absurd speed', () => {
    const m = stepMotion({ x: px(1000), y: px(800), vx: 5000, vy: 0 }, KEY_RIGHT);
    expect(m.x).toBe(px(1136) - px(16));
    expect(m.vx).toBe(0);
  });

  it('property: never ends inside a wall or outside the map, state stays integer', () => {
    const segment = fc.record({ keys: fc.integer({ min: 0, max: MOVE_KEYS }), ticks: fc.integer({ min: 1, max: 40 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: ARENA_MAP.spawns.length - 1 }),
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: -200, max: 200 }),
        fc.array(segment, { maxLength: 40 }),
        (spawnIndex, vx, vy, segments) => {
          const spawn = ARENA_MAP.spawns[spawnIndex];
          let m: PlayerMotion = { x: spawn.x, y: spawn.y, vx, vy };
          for (const { keys, ticks } of segments) {
            for (let i = 0; i < ticks; i++) {
              m = stepMotion(m, keys);
              if (isPlayerPositionBlocked(m.x, m.y)) return false;
              if (![m.x, m.y, m.vx, m.vy].every(Number.isSafeInteger)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('prediction', () => {
  it('predicted motion (stepMotion from the replicated entity) equals the authoritative one, tick for tick', () => {
    const world = arenaGame.createWorld(99);
    arenaGame.addPlayer(world, 7, 'solo');
    const entity = () => arenaGame.view(world).find((e) => e.id === 7);
    let predicted = motionFromEntity(entity()?.values ?? []);
    const rng = createPrng(5);
    let keys = 0;
    for (let tick = 0; tick < 2000; tick++) {
      if (nextInt(rng, 8) === 0) keys = nextInt(rng, MOVE_KEYS + 1);
      const aim = nextInt(rng, 4096);
      arenaGame.applyInput(world, 7, { keys, aim }, { tick, renderTick: tick });
      arenaGame.step(world, tick);
      predicted = stepMotion(predicted, keys);
      const values = entity()?.values ?? [];
      expect(motionFromEntity(values)).toEqual(predicted);
      expect(values[PLAYER_FIELD.aim]).toBe(aim);
    }
  });

  it('step moves every living player with stepMotion (several players, shooting around them)', () => {
    const arena = new TestArena([[1, 450, 800], [2, 1000, 800], [3, 700, 480]]);
    const rng = createPrng(11);
    for (let i = 0; i < 300; i++) {
      const inputs: Record<number, { keys: number; aim: number }> = {};
      const expected = new Map<number, PlayerMotion>();
      for (const p of arena.world.players) {
        inputs[p.id] = { keys: nextInt(rng, 64), aim: nextInt(rng, 4096) };
        if (p.alive) expected.set(p.id, stepMotion(p, inputs[p.id].keys));
      }
      arena.step(inputs);
      for (const [id, m] of expected) {
        const p = arena.player(id);
        if (p.alive) expect({ x: p.x, y: p.y, vx: p.vx, vy: p.vy }).toEqual(m);
      }
    }
  });

  it('rejects entity values that are not integers', () => {
    expect(() => motionFromEntity([1, 'x', 0, 0])).toThrow(/y/);
    expect(() => motionFromEntity([1, 2, 0.5, 0])).toThrow(/vx/);
  });
});
