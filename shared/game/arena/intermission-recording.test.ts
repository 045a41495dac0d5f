// Recordings across the break between two matches: a recording spanning a match end, the intermission and
// the next match's start re-simulates and verifies (keyframes taken during the break included), and
// recordings of play made before the break existed (format 2 files, keyframes without the flag) still do.

import { beforeAll, describe, expect, it } from 'vitest';
import { PRELUDE_BYTES, type KeyframeRecord, type RecordingRecord } from '../../recording/format.js';
import { readRecording } from '../../recording/reader.js';
import { ReplaySimulator } from '../../recording/simulator.js';
import { simulateRecording } from '../../recording/test-support.js';
import { verifyRecording } from '../../recording/verify.js';
import { concatBytes, encodePrelude, encodeRecording } from '../../recording/writer.js';
import type { GameDefinition } from '../game-definition.js';
import { INTERMISSION_TICKS, MATCH_TICKS } from './constants.js';
import { EVT_MATCH_END, EVT_RESPAWN } from './events.js';
import { arenaGame } from './index.js';
import type { ArenaInput } from './input.js';
import type { ArenaWorld } from './world.js';

const game = arenaGame as GameDefinition<ArenaWorld, ArenaInput> as unknown as GameDefinition<unknown, unknown>;
/** The first match's last tick (ticks are stepped from 1), and the tick the second match starts on. */
const END_TICK = MATCH_TICKS;
const START_TICK = END_TICK + INTERMISSION_TICKS;
const TICKS = START_TICK + 60;

let records: RecordingRecord[];

beforeAll(() => {
  // 3 bots fighting through a whole match, the break and the next match's first 2 s: about 0.5 s here.
  records = simulateRecording({ ticks: TICKS, players: ['ann', 'bob', 'cy'], keyframeEvery: 90 });
});

function keyframes(): KeyframeRecord[] {
  return records.filter((r): r is KeyframeRecord => r.type === 'keyframe');
}

describe('recordings across the intermission', () => {
  it('a recording spanning a match end, the break and the next match verifies, keyframes of the break included', async () => {
    const recording = await readRecording(await encodeRecording(records));
    const result = await verifyRecording(recording, game);
    expect(result, JSON.stringify(result.divergence ?? result.error)).toMatchObject({ ok: true, complete: true, lastTick: TICKS });
    const during = keyframes().filter((k) => (k.state as { intermission?: boolean }).intermission === true);
    expect(during.map((k) => k.tick)).toEqual(keyframes().map((k) => k.tick).filter((t) => t >= END_TICK && t < START_TICK));
    expect(during.length).toBeGreaterThan(0);
    expect(result.keyframesChecked).toBe(keyframes().length);

    // The replay shows the end on END_TICK, everyone back on START_TICK, and seeks into the break.
    const sim = new ReplaySimulator(recording, game);
    const ends: number[] = [];
    const respawnsAtStart: number[] = [];
    for (let step = sim.step(); step; step = sim.step()) {
      if (step.events.some((e) => e[0] === EVT_MATCH_END)) ends.push(step.tick);
      if (step.tick === START_TICK) respawnsAtStart.push(...step.events.filter((e) => e[0] === EVT_RESPAWN).map((e) => Number(e[1])));
    }
    expect(ends).toEqual([END_TICK]);
    expect(respawnsAtStart).toEqual([1, 2, 3]);
    sim.seek(END_TICK + 100);
    expect((sim.world as ArenaWorld).intermission).toBe(true);
    sim.seek(START_TICK + 1);
    expect(sim.world as ArenaWorld).toMatchObject({ intermission: false, matchNumber: 2 });
  }, 30_000);

  it('a recording of play from before the break existed (format 2, keyframes without the flag) replays and verifies', async () => {
    // The first 18 s of the match (up to a keyframe, where a batch of ticks ends), as a version 2 file: no
    // score columns in the header.
    const cut = 540;
    const old = records
      .filter((r) => (r.type === 'ticks' ? r.from + r.count - 1 <= cut : r.type !== 'end' && (r.type !== 'keyframe' || r.tick <= cut)))
      .map((r) => {
        if (r.type !== 'header') return r;
        const { scoreColumns: _columns, ...header } = r;
        return header;
      }) as RecordingRecord[];
    const world = new ReplaySimulator(await readRecording(await encodeRecording(records)), game);
    world.seek(cut);
    old.push({ type: 'end', tick: cut, endTime: 0, reason: 'disposed', hash: world.hash(), scores: [], players: [] });
    const bytes = await encodeRecording(old);
    const v2 = await readRecording(concatBytes([encodePrelude(2), bytes.subarray(PRELUDE_BYTES)]));
    expect(v2.version).toBe(2);
    // Its keyframes are the old layout: no intermission key at all.
    const stored = v2.entries.map((e) => e.record).filter((r): r is KeyframeRecord => r.type === 'keyframe');
    expect(stored.length).toBeGreaterThan(0);
    for (const k of stored) expect(Object.keys(k.state as object)).not.toContain('intermission');
    const result = await verifyRecording(v2, game);
    expect(result, JSON.stringify(result.divergence ?? result.error)).toMatchObject({ ok: true, complete: true, lastTick: cut });
    // Seeking restores such a keyframe as a match in play.
    const sim = new ReplaySimulator(v2, game);
    sim.seek(stored.at(-1)!.tick);
    expect((sim.world as ArenaWorld).intermission).toBe(false);
  }, 30_000);
});
