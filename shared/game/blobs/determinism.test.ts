import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { EVT_ATE_PELLET, EVT_ATE_PLAYER, EVT_BOOST, EVT_RESPAWN } from './events.js';
import { blobsGame } from './index.js';
import { runScenario, type ScenarioOptions } from './test-support.js';

const TICKS = 3000;
// 16 bot brains: 12 from the start, the others joining later (joins are part of the input stream).
const JOINS: ScenarioOptions['joins'] = [
  ...Array.from({ length: 12 }, (_, i): [number, number] => [0, i + 1]),
  [10, 13],
  [100, 14],
  [500, 15],
  [1500, 16],
];
/** Two 3000-tick runs take 2-10 s here on a loaded 2-core machine. */
const HEAVY_TIMEOUT_MS = 60_000;
const BASE: ScenarioOptions = { seed: 20240611, brainSeed: 77, ticks: TICKS, joins: JOINS };

let base: number[] | null = null;
/** The reference run's hashes (computed once for the whole file). */
function baseHashes(): number[] {
  base ??= runScenario(BASE).hashes;
  return base;
}

function firstDifference(a: readonly number[], b: readonly number[]): number {
  return a.findIndex((h, i) => h !== b[i]);
}

describe('determinism', () => {
  it(`gives identical hashes every tick for ${TICKS} ticks of 16 bot brains (pellets, meals, boosts, respawns)`, () => {
    const counts = new Map<number, number>();
    const started = performance.now();
    const a = runScenario({
      ...BASE,
      onStep: (_w, _t, events) => {
        for (const e of events) counts.set(Number(e[0]), (counts.get(Number(e[0])) ?? 0) + 1);
      },
    });
    const elapsed = performance.now() - started;
    expect(a.hashes.length).toBe(TICKS);
    expect(firstDifference(a.hashes, baseHashes())).toBe(-1);
    // The stream really exercises the rules.
    expect(counts.get(EVT_ATE_PELLET) ?? 0).toBeGreaterThan(1000);
    expect(counts.get(EVT_ATE_PLAYER) ?? 0).toBeGreaterThan(0);
    expect(counts.get(EVT_BOOST) ?? 0).toBeGreaterThan(0);
    expect(counts.get(EVT_RESPAWN) ?? 0).toBeGreaterThan(0);
    console.info(
      `[blobs determinism] ${TICKS} ticks, 16 players, hash every tick: ${elapsed.toFixed(0)} ms; ` +
        `events: ${JSON.stringify(Object.fromEntries([...counts].sort((x, y) => x[0] - y[0])))}`,
    );
  }, HEAVY_TIMEOUT_MS);

  it('diverges with a different world seed', () => {
    const b = runScenario({ ...BASE, ticks: 5, seed: BASE.seed + 1 });
    expect(firstDifference(b.hashes, baseHashes())).toBe(0);
  });

  it('diverges after one changed input, and not before it', () => {
    const changedTick = 1000;
    const b = runScenario({
      ...BASE,
      ticks: changedTick + 10,
      mapInput: (tick, playerId, input) =>
        tick === changedTick && playerId === 2 ? { ...input, aim: (input.aim + 512) % 4096 } : input,
    });
    expect(firstDifference(b.hashes, baseHashes())).toBe(changedTick);
  });

  it('continues identically after serialize -> msgpack -> deserialize mid-run', () => {
    const b = runScenario({
      ...BASE,
      swapWorld: (world, tick) =>
        tick === 1000 || tick === 2222 ? blobsGame.deserialize(decode(encode(blobsGame.serialize(world)))) : world,
    });
    expect(firstDifference(b.hashes, baseHashes())).toBe(-1);
  }, HEAVY_TIMEOUT_MS);
});
