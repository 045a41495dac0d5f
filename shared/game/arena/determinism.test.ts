import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVT_KILL, EVT_LAUNCH, EVT_RESPAWN, EVT_SHOT } from './events.js';
import { arenaGame } from './index.js';
import { isPlayerPositionBlocked } from './movement.js';
import { runScenario, type ScenarioOptions } from './test-support.js';

const TICKS = 3000;
// Four bots: two from the start, one at tick 10, one at tick 50 (joins are part of the input stream).
const JOINS: ScenarioOptions['joins'] = [[0, 1], [0, 2], [10, 3], [50, 4]];
const BASE: ScenarioOptions = { seed: 20240611, inputSeed: 77, ticks: TICKS, joins: JOINS };

function firstDifference(a: readonly number[], b: readonly number[]): number {
  return a.findIndex((h, i) => h !== b[i]);
}

describe('determinism', () => {
  it(`gives identical hashes every tick for ${TICKS} ticks of a bot match (fights, deaths, respawns)`, () => {
    const counts = new Map<number, number>();
    const started = performance.now();
    const a = runScenario({
      ...BASE,
      onStep: (_w, _t, events) => {
        for (const e of events) counts.set(Number(e[0]), (counts.get(Number(e[0])) ?? 0) + 1);
      },
    });
    const b = runScenario(BASE);
    const elapsed = performance.now() - started;
    expect(a.hashes.length).toBe(TICKS);
    expect(firstDifference(a.hashes, b.hashes)).toBe(-1);
    // The stream really exercises the rules.
    expect(counts.get(EVT_SHOT) ?? 0).toBeGreaterThan(100);
    expect(counts.get(EVT_LAUNCH) ?? 0).toBeGreaterThan(20);
    expect(counts.get(EVT_KILL) ?? 0).toBeGreaterThan(5);
    expect(counts.get(EVT_RESPAWN) ?? 0).toBeGreaterThan(5);
    console.info(
      `[arena determinism] 2 x ${TICKS} ticks, 4 players, hash every tick: ${elapsed.toFixed(0)} ms; ` +
        `events: ${JSON.stringify(Object.fromEntries([...counts].sort((x, y) => x[0] - y[0])))}`,
    );
  });

  it('diverges with a different world seed', () => {
    const a = runScenario(BASE);
    const b = runScenario({ ...BASE, seed: BASE.seed + 1 });
    expect(firstDifference(a.hashes, b.hashes)).toBeGreaterThanOrEqual(0);
  });

  it('diverges after one changed input, and not before it', () => {
    const changedTick = 1000;
    const a = runScenario(BASE);
    const b = runScenario({
      ...BASE,
      mapInput: (tick, playerId, input) =>
        tick === changedTick && playerId === 2 ? { ...input, aim: (input.aim + 1) % 4096 } : input,
    });
    expect(firstDifference(a.hashes, b.hashes)).toBe(changedTick);
  });

  it('continues identically after serialize -> msgpack -> deserialize mid-run', () => {
    const a = runScenario(BASE);
    const b = runScenario({
      ...BASE,
      swapWorld: (world, tick) =>
        tick === 1500 || tick === 2222 ? arenaGame.deserialize(decode(encode(arenaGame.serialize(world)))) : world,
    });
    expect(firstDifference(a.hashes, b.hashes)).toBe(-1);
  });

  it('property: all state is integer after every step, and nobody is ever inside a wall', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer({ min: 1, max: 6 }), (seed, inputSeed, players) => {
        const joins: [number, number][] = Array.from({ length: players }, (_, i) => [i * 7, i * 3 + 1]);
        runScenario({
          seed,
          inputSeed,
          ticks: 150,
          joins,
          onStep: (world) => {
            expect(nonIntegers(arenaGame.serialize(world))).toEqual([]);
            for (const p of world.players) expect(isPlayerPositionBlocked(p.x, p.y)).toBe(false);
          },
        });
      }),
      { numRuns: 25 },
    );
  });
});

/** Paths of every number in a serialized world that is not a safe integer. */
function nonIntegers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonIntegers(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => nonIntegers(v, `${path}.${k}`));
  }
  return [];
}
