// Recordings made before the break between matches existed (arena rules version 1) still verify across
// their match ends. The fixtures were recorded by the builds of that time (fixtures/README.md): format 3
// per-match files and a whole-room file (commit 24294b9), and a format 2 whole-room file (commit 8ebaff1),
// each of a room with short matches (cut to MATCH ticks by the wrapper below, as they were recorded).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRecording, type Recording } from '../../recording/reader.js';
import { ReplaySimulator } from '../../recording/simulator.js';
import { verifyRecording } from '../../recording/verify.js';
import type { GameDefinition } from '../game-definition.js';
import { EVT_MATCH_END } from './events.js';
import { arenaGame } from './index.js';
import type { ArenaInput } from './input.js';
import type { ArenaWorld } from './world.js';

/** The fixtures' match length, and their rooms' last tick. */
const MATCH = 90;
const LAST_TICK = 300;

/**
 * The arena with matches of `MATCH` ticks: the clock starts at MATCH and is cut back to it after every step,
 * exactly as when the fixtures were recorded; applied to the older rules too (replays of them use those).
 */
function shortMatches(game: GameDefinition<ArenaWorld, ArenaInput>): GameDefinition<ArenaWorld, ArenaInput> {
  const older = game.olderRules;
  return {
    ...game,
    createWorld: (seed) => ({ ...game.createWorld(seed), phaseTicksLeft: MATCH }),
    step: (world, tick) => {
      const events = game.step(world, tick);
      world.phaseTicksLeft = Math.min(world.phaseTicksLeft, MATCH);
      return events;
    },
    ...(older ? { olderRules: Object.fromEntries(Object.entries(older).map(([version, rules]) => [version, shortMatches(rules)])) } : {}),
  };
}

const shortArena = shortMatches(arenaGame);

async function fixture(name: string): Promise<Recording> {
  return readRecording(new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url))));
}

/** The ticks on which the re-simulation ends a match. */
function matchEndTicks(recording: Recording, game: GameDefinition<ArenaWorld, ArenaInput>): number[] {
  const sim = new ReplaySimulator(recording, game);
  const ends: number[] = [];
  for (let step = sim.step(); step; step = sim.step()) if (step.events.some((e) => e[0] === EVT_MATCH_END)) ends.push(step.tick);
  return ends;
}

const FILES: readonly { name: string; version: number; from: number; to: number; ends: number[] }[] = [
  { name: 'arena-v3-match-1.rec', version: 3, from: 0, to: 90, ends: [90] },
  { name: 'arena-v3-match-2.rec', version: 3, from: 90, to: 180, ends: [180] },
  { name: 'arena-v3-match-3.rec', version: 3, from: 180, to: 270, ends: [270] },
  { name: 'arena-v3-match-4.rec', version: 3, from: 270, to: LAST_TICK, ends: [] },
  { name: 'arena-v3-room.rec', version: 3, from: 0, to: LAST_TICK, ends: [90, 180, 270] },
  { name: 'arena-v2-room.rec', version: 2, from: 0, to: LAST_TICK, ends: [90, 180, 270] },
];

describe('arena recordings of rules version 1 (before the break between matches)', () => {
  it.each(FILES)('$name verifies across its match ends with the rules it was made with', async ({ name, version, from, to, ends }) => {
    const recording = await fixture(name);
    expect(recording).toMatchObject({ version, complete: true, lastTick: to });
    expect(recording.header).toMatchObject({ game: 'arena', rulesVersion: 1, startTick: from });
    const result = await verifyRecording(recording, shortArena);
    expect(result, JSON.stringify(result.divergence ?? result.error)).toMatchObject({ ok: true, complete: true, lastTick: to });
    expect(result.keyframesChecked).toBeGreaterThan(0);
    expect(new ReplaySimulator(recording, shortArena).rules.rulesVersion).toBe(1);
    expect(matchEndTicks(recording, shortArena)).toEqual(ends);
  });

  it('the current rules (with the break) would not reproduce them past the first match end', async () => {
    expect(arenaGame.rulesVersion).toBe(2);
    // This build's rules passed off as version 1: the match-end tick then starts a break instead of the next match.
    const { olderRules: _older, ...current } = shortArena;
    const breakAsVersion1 = { ...current, rulesVersion: 1 };
    for (const name of ['arena-v3-room.rec', 'arena-v2-room.rec']) {
      const result = await verifyRecording(await fixture(name), breakAsVersion1);
      expect(result.ok).toBe(false);
      expect(result.divergence).toMatchObject({ kind: 'events', tick: 90 });
    }
  });

  it('the per-match files are the whole-room file cut at its match ends: the same final state at each cut', async () => {
    const room = new ReplaySimulator(await fixture('arena-v3-room.rec'), shortArena);
    for (const { name, to } of FILES.slice(0, 4)) {
      const match = new ReplaySimulator(await fixture(name), shortArena);
      match.seek(to);
      room.seek(to);
      expect(match.hash(), name).toBe(room.hash());
    }
  });
});
