// Property tests of the rules: who eats what, where mass comes from and goes, pellets, world bounds.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GameEvent } from '../../codec/schema.js';
import {
  DECAY_THRESHOLD,
  EAT_GAIN_PERCENT,
  MAX_MASS,
  PELLET_COUNT,
  PELLET_MASS,
  PELLET_RESPAWN_TICKS,
  RESPAWN_TICKS,
  START_MASS,
  WORLD_SIZE,
} from './constants.js';
import { EVT_ATE_PELLET, EVT_ATE_PLAYER, EVT_BOOST, EVT_MATCH_END, EVT_RESPAWN } from './events.js';
import { blobsGame } from './index.js';
import { BLOB_KEY_BOOST } from './input.js';
import { blobRadius, decayMass, outweighs } from './mass.js';
import { TestBlobs, eventsOf, joinsAtStart, pelletsOnMap, runScenario, totalMass } from './test-support.js';
import type { BlobsWorld } from './world.js';

const MIDDLE = WORLD_SIZE / 2;

describe('eating players', () => {
  it('property: a blob eats another exactly when it is 1.25 x heavier, covers its centre and neither is protected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: -2500, max: 2500 }),
        fc.integer({ min: -2500, max: 2500 }),
        fc.integer({ min: 0, max: 3 }),
        (massA, massB, dx, dy, protectedBits) => {
          const game = new TestBlobs([[1, MIDDLE, MIDDLE, massA], [2, MIDDLE + dx, MIDDLE + dy, massB]], { pellets: false });
          game.player(1).protectTicks = protectedBits & 1 ? 10 : 0;
          game.player(2).protectTicks = protectedBits & 2 ? 10 : 0;
          const events = game.step();
          const d2 = dx * dx + dy * dy;
          const aEatsB = protectedBits === 0 && outweighs(massA, massB) && d2 < blobRadius(massA) ** 2;
          const bEatsA = protectedBits === 0 && outweighs(massB, massA) && d2 < blobRadius(massB) ** 2;
          const meals = eventsOf(events, EVT_ATE_PLAYER);
          if (aEatsB) {
            expect(meals).toEqual([[EVT_ATE_PLAYER, 1, 2, massB, MIDDLE + dx, MIDDLE + dy]]);
            const fed = Math.min(MAX_MASS, massA + Math.floor((massB * EAT_GAIN_PERCENT) / 100));
            expect(game.player(1).mass).toBe(decayMass(fed, 0)[0]); // fed, then this tick's decay
            expect(game.player(2)).toMatchObject({ alive: false, mass: 0, deaths: 1, respawnTicks: RESPAWN_TICKS });
            expect(game.player(1).eaten).toBe(1);
          } else if (bEatsA) {
            expect(meals.map((e) => [e[1], e[2]])).toEqual([[2, 1]]);
          } else {
            expect(meals).toEqual([]);
            expect(game.world.players.every((p) => p.alive)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the heaviest eats first: of two blobs able to eat a third, the heavier gets it; an eaten blob eats nothing', () => {
    // 3 (300) covers 2 (200), which covers 1 (100); 3 also covers 1.
    const game = new TestBlobs(
      [[1, MIDDLE, MIDDLE, 100], [2, MIDDLE + 100, MIDDLE, 200], [3, MIDDLE + 200, MIDDLE, 300]],
      { pellets: false },
    );
    const meals = eventsOf(game.step(), EVT_ATE_PLAYER).map((e) => [e[1], e[2]]);
    expect(meals).toEqual([[3, 1], [3, 2]]);
  });

  it('an eaten blob respawns after RESPAWN_TICKS at a safe spot with the start mass, protected', () => {
    const game = new TestBlobs([[1, MIDDLE, MIDDLE, 100], [2, MIDDLE + 10, MIDDLE, 20]], { pellets: false });
    game.step();
    expect(game.player(2).alive).toBe(false);
    expect(eventsOf(game.run(RESPAWN_TICKS - 1), EVT_RESPAWN)).toEqual([]);
    const respawn = eventsOf(game.step(), EVT_RESPAWN);
    const p2 = game.player(2);
    expect(respawn).toEqual([[EVT_RESPAWN, 2, p2.x, p2.y]]);
    expect(p2).toMatchObject({ alive: true, mass: START_MASS });
    expect(p2.protectTicks).toBeGreaterThan(0);
    // Far from the big blob: its edge is at least a few screens away.
    const d = Math.hypot(p2.x - game.player(1).x, p2.y - game.player(1).y);
    expect(d - blobRadius(game.player(1).mass)).toBeGreaterThan(2000);
  });
});

describe('eating pellets', () => {
  it('property: a blob eats exactly the pellets whose centre its circle covers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 1 << 30 }), (mass, seed) => {
        const game = new TestBlobs([[1, MIDDLE, MIDDLE, mass]], { seed });
        // Some pellets right around the blob, the rest where the seed put them.
        const r = blobRadius(mass);
        game.world.pellets.slice(0, 40).forEach((pellet, i) => {
          pellet.x = MIDDLE + ((i * 37) % (2 * r + 1)) - r;
          pellet.y = MIDDLE + ((i * 53) % (2 * r + 1)) - r;
        });
        const covered = game.world.pellets.flatMap((pellet, slot) =>
          (pellet.x - MIDDLE) ** 2 + (pellet.y - MIDDLE) ** 2 < r * r ? [slot] : [],
        );
        const events = game.step();
        expect(eventsOf(events, EVT_ATE_PELLET).map((e) => Number(e[2]) - 1000)).toEqual(covered);
        expect(game.player(1).pellets).toBe(covered.length);
        for (const slot of covered) expect(game.world.pellets[slot].respawnTicks).toBe(PELLET_RESPAWN_TICKS);
      }),
      { numRuns: 100 },
    );
  });

  it('an eaten pellet reappears elsewhere after PELLET_RESPAWN_TICKS', () => {
    const game = new TestBlobs([[1, MIDDLE, MIDDLE, START_MASS]]);
    const pellet = game.world.pellets[7];
    Object.assign(pellet, { x: MIDDLE + 5, y: MIDDLE });
    game.step();
    expect(pellet.respawnTicks).toBe(PELLET_RESPAWN_TICKS);
    game.player(1).x = 1000; // out of the way of wherever it reappears
    game.run(PELLET_RESPAWN_TICKS - 1);
    expect(pellet.respawnTicks).toBe(1);
    game.step();
    expect(pellet.respawnTicks).toBe(0);
    expect([pellet.x, pellet.y]).not.toEqual([MIDDLE + 5, MIDDLE]);
  });
});

/**
 * Where the mass of the living blobs comes from and goes on one tick, by the rules: pellets eaten
 * (PELLET_MASS each), respawns (START_MASS each), meals (the eater gains EAT_GAIN_PERCENT of the prey,
 * the prey's whole mass leaves it), boosts (their cost), and decay (at most 1 per blob, only from
 * blobs above DECAY_THRESHOLD).
 */
function checkLedger(before: number, world: BlobsWorld, events: readonly GameEvent[]): { decayed: number } {
  let expected = before;
  for (const e of events) {
    const code = e[0];
    if (code === EVT_ATE_PELLET) expected += PELLET_MASS;
    else if (code === EVT_RESPAWN) expected += START_MASS;
    else if (code === EVT_BOOST) expected -= Number(e[2]);
    else if (code === EVT_ATE_PLAYER) expected += Math.floor((Number(e[3]) * EAT_GAIN_PERCENT) / 100) - Number(e[3]);
  }
  const decayed = expected - totalMass(world);
  const decaying = world.players.filter((p) => p.alive && p.mass >= DECAY_THRESHOLD).length;
  expect(decayed).toBeGreaterThanOrEqual(0);
  expect(decayed).toBeLessThanOrEqual(decaying);
  return { decayed };
}

describe('bot matches (property)', () => {
  it('mass is conserved by the rules; pellets stay between bounds; everything stays in the world, integer', () => {
    const seen = { meals: 0, boosts: 0, decayed: 0 };
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.integer({ min: START_MASS, max: 600 }), { minLength: 3, maxLength: 16 }),
        (seed, brainSeed, masses) => {
          let before = 0;
          const eatenAt: number[] = [];
          runScenario({
            seed,
            brainSeed,
            ticks: 450,
            joins: joinsAtStart(masses.length),
            noHashes: true,
            // Blobs of all sizes from the start, unprotected, so that meals, boosts and decay happen; for sure
            // at least once each: 1 sits on 2 and outweighs it, 3 boosts on the next tick.
            swapWorld: (world, tick) => {
              if (tick !== 1) return world;
              world.players.forEach((p, i) => Object.assign(p, { mass: masses[i], best: masses[i], protectTicks: 0 }));
              const [p1, p2, p3] = world.players;
              p1.mass = p1.best = Math.max(p1.mass, 150, Math.ceil((p2.mass * 5) / 4));
              Object.assign(p2, { x: p1.x, y: p1.y });
              p3.mass = p3.best = Math.max(p3.mass, 20);
              return world;
            },
            mapInput: (tick, playerId, input) => (tick === 2 && playerId === 3 ? { ...input, keys: input.keys | BLOB_KEY_BOOST } : input),
            beforeStep: (world) => {
              before = totalMass(world);
            },
            onStep: (world, tick, events) => {
              expect(world.players.every((p) => p.mass < MAX_MASS)).toBe(true); // the cap never cut a gain here
              seen.decayed += checkLedger(before, world, events).decayed;
              seen.meals += eventsOf(events, EVT_ATE_PLAYER).length;
              seen.boosts += eventsOf(events, EVT_BOOST).length;
              // Pellets: every slot is on the map or waiting; waiting ones were eaten in the last delay.
              for (let i = eventsOf(events, EVT_ATE_PELLET).length; i > 0; i--) eatenAt.push(tick);
              while (eatenAt.length > 0 && eatenAt[0] <= tick - PELLET_RESPAWN_TICKS) eatenAt.shift();
              expect(world.pellets).toHaveLength(PELLET_COUNT);
              expect(pelletsOnMap(world)).toBe(PELLET_COUNT - eatenAt.length);
              expect(world.pellets.every((pellet) => inRange(pellet.x, 0, WORLD_SIZE) && inRange(pellet.y, 0, WORLD_SIZE))).toBe(true);
              const outside = world.players.filter((p) => {
                const r = blobRadius(p.mass);
                return p.alive && !(inRange(p.x, r, WORLD_SIZE - r) && inRange(p.y, r, WORLD_SIZE - r));
              });
              expect(outside).toEqual([]);
              const state = blobsGame.serialize(world);
              if (!allSafeIntegers(state)) expect(nonIntegers(state)).toEqual([]);
            },
          });
        },
      ),
      { numRuns: 6 },
    );
    // The runs exercised every flow of the ledger.
    expect(seen.meals).toBeGreaterThan(0);
    expect(seen.boosts).toBeGreaterThan(0);
    expect(seen.decayed).toBeGreaterThan(0);
  });

  it('nothing moves or happens in the intermission; the next match restarts everyone with the start mass and fresh pellets', () => {
    let intermissionTicks = 0;
    let wasIntermission = false;
    runScenario({
      seed: 3,
      brainSeed: 3,
      ticks: 400,
      joins: joinsAtStart(8),
      noHashes: true,
      swapWorld: (world, tick) => {
        if (tick === 0) world.phaseTicksLeft = 200;
        return world;
      },
      beforeStep: (world) => {
        wasIntermission = world.intermission;
      },
      onStep: (world, _tick, events) => {
        if (world.intermission) intermissionTicks++;
        if (wasIntermission && world.intermission) {
          expect(world.players.every((p) => p.vx === 0 && p.vy === 0)).toBe(true);
          expect(events.filter((e) => e[0] !== EVT_MATCH_END)).toEqual([]);
        }
        if (world.matchNumber === 2 && eventsOf(events, EVT_RESPAWN).length === 8) {
          expect(world.players.map((p) => [p.mass, p.best, p.eaten, p.pellets, p.deaths])).toEqual(
            new Array(8).fill([START_MASS, START_MASS, 0, 0, 0]),
          );
          expect(pelletsOnMap(world)).toBe(PELLET_COUNT);
        }
      },
    });
    expect(intermissionTicks).toBeGreaterThan(100);
  });
});

function inRange(v: number, lo: number, hi: number): boolean {
  return v >= lo && v <= hi;
}

/** Whether every number in a serialized world is a safe integer (and not -0). */
function allSafeIntegers(value: unknown): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(allSafeIntegers);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(allSafeIntegers);
  return true;
}

/** Paths of every number in a serialized world that is not a safe integer (to name them on failure). */
function nonIntegers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonIntegers(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => nonIntegers(v, `${path}.${k}`));
  }
  return [];
}
