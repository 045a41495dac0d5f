import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AIM_STEPS } from '../arena/units.js';
import {
  ACCELERATION,
  BOOST_COOLDOWN_TICKS,
  BOOST_MIN_MASS,
  BOOST_SPEED_PERCENT,
  BOOST_TICKS,
  START_MASS,
  WORLD_SIZE,
} from './constants.js';
import { EVT_BOOST } from './events.js';
import { BLOB_KEY_BOOST, BLOB_KEY_MOVE } from './input.js';
import { blobRadius, blobSpeed, boostCost } from './mass.js';
import { stepBlobMotion } from './motion.js';
import { TestBlobs, eventsOf } from './test-support.js';

const MIDDLE = WORLD_SIZE / 2;
const RIGHT = 0;
const DOWN = AIM_STEPS / 4;

describe('movement', () => {
  it('reaches the blob speed for its mass, then moves in a straight line x(T) = x(B) + vx * (T - B)', () => {
    for (const mass of [START_MASS, 100, 1000]) {
      const game = new TestBlobs([[1, 3000, MIDDLE, mass]], { pellets: false });
      const p = game.player(1);
      const speed = blobSpeed(mass);
      game.run(Math.ceil(speed / ACCELERATION), { 1: { keys: BLOB_KEY_MOVE, aim: RIGHT } });
      expect([p.vx, p.vy]).toEqual([speed, 0]);
      const [x0, vx0] = [p.x, p.vx];
      for (let dt = 1; dt <= 20; dt++) {
        game.step({ 1: { keys: BLOB_KEY_MOVE, aim: RIGHT } });
        expect(p.x).toBe(x0 + vx0 * dt);
      }
    }
  });

  it('glides to a stop without the move key', () => {
    const game = new TestBlobs([[1, 3000, MIDDLE, START_MASS]], { pellets: false });
    game.run(10, { 1: { keys: BLOB_KEY_MOVE, aim: DOWN } });
    expect(game.player(1).vy).toBe(blobSpeed(START_MASS));
    game.run(Math.ceil(blobSpeed(START_MASS) / ACCELERATION), { 1: { keys: 0 } });
    expect([game.player(1).vx, game.player(1).vy]).toEqual([0, 0]);
  });

  it('property: the centre stays a radius inside the world and vx, vy are the step actually taken', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: WORLD_SIZE }),
        fc.integer({ min: 0, max: WORLD_SIZE }),
        fc.integer({ min: -120, max: 120 }),
        fc.integer({ min: -120, max: 120 }),
        fc.integer({ min: 1, max: 10000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: AIM_STEPS - 1 }),
        fc.boolean(),
        (x, y, vx, vy, mass, keys, aim, boosting) => {
          const m = stepBlobMotion({ x, y, vx, vy }, keys, aim, mass, boosting);
          const r = blobRadius(mass);
          expect(m.x).toBeGreaterThanOrEqual(r);
          expect(m.x).toBeLessThanOrEqual(WORLD_SIZE - r);
          expect(m.y).toBeGreaterThanOrEqual(r);
          expect(m.y).toBeLessThanOrEqual(WORLD_SIZE - r);
          expect([m.x - x, m.y - y]).toEqual([m.vx, m.vy]);
          expect([m.x, m.y, m.vx, m.vy].every(Number.isSafeInteger)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('presses against the border instead of leaving the world', () => {
    const game = new TestBlobs([[1, 1000, MIDDLE, START_MASS]], { pellets: false });
    game.run(60, { 1: { keys: BLOB_KEY_MOVE, aim: AIM_STEPS / 2 } }); // left
    expect(game.player(1).x).toBe(blobRadius(START_MASS));
    expect(game.player(1).vx).toBe(0);
  });
});

describe('boost', () => {
  it('costs a tenth of the mass for BOOST_TICKS of 2.5 x speed, then eases back; cools down before the next', () => {
    const mass = 50;
    const game = new TestBlobs([[1, 3000, MIDDLE, mass]], { pellets: false });
    const p = game.player(1);
    game.run(10, { 1: { keys: BLOB_KEY_MOVE, aim: RIGHT } });
    const events = game.step({ 1: { keys: BLOB_KEY_MOVE | BLOB_KEY_BOOST, aim: RIGHT } });
    expect(eventsOf(events, EVT_BOOST)).toEqual([[EVT_BOOST, 1, boostCost(mass)]]);
    expect(p.mass).toBe(mass - boostCost(mass));
    const burst = Math.floor((blobSpeed(p.mass) * BOOST_SPEED_PERCENT) / 100);
    expect(p.vx).toBe(burst);
    // Held boost: no second boost during the cooldown, the burst lasts BOOST_TICKS.
    const held = game.run(BOOST_TICKS - 1, { 1: { keys: BLOB_KEY_MOVE | BLOB_KEY_BOOST, aim: RIGHT } });
    expect(eventsOf(held, EVT_BOOST)).toEqual([]);
    expect(p.vx).toBe(burst);
    game.step({ 1: { keys: BLOB_KEY_MOVE, aim: RIGHT } });
    expect(p.vx).toBe(burst - ACCELERATION);
    const later = game.run(BOOST_COOLDOWN_TICKS, { 1: { keys: BLOB_KEY_MOVE | BLOB_KEY_BOOST, aim: RIGHT } });
    expect(eventsOf(later, EVT_BOOST)).toHaveLength(1);
  });

  it('needs BOOST_MIN_MASS', () => {
    const game = new TestBlobs([[1, 3000, MIDDLE, BOOST_MIN_MASS - 1], [2, 9000, MIDDLE, BOOST_MIN_MASS]], { pellets: false });
    const events = game.step({ 1: { keys: BLOB_KEY_MOVE | BLOB_KEY_BOOST }, 2: { keys: BLOB_KEY_MOVE | BLOB_KEY_BOOST } });
    expect(eventsOf(events, EVT_BOOST).map((e) => e[1])).toEqual([2]);
    expect(game.player(1).mass).toBe(BOOST_MIN_MASS - 1);
  });

  it('is a burst in the aim direction even without the move key, and is never repeated by an idle input', () => {
    const game = new TestBlobs([[1, 3000, MIDDLE, 40]], { pellets: false });
    game.step({ 1: { keys: BLOB_KEY_BOOST, aim: DOWN } });
    expect(game.player(1).vy).toBe(Math.floor((blobSpeed(36) * BOOST_SPEED_PERCENT) / 100));
    // No input for a long time: the idle input repeats the last one without its boost key.
    expect(eventsOf(game.run(BOOST_COOLDOWN_TICKS * 2), EVT_BOOST)).toEqual([]);
  });
});
