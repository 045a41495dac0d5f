import { describe, expect, it } from 'vitest';
import type { GameEvent } from '../../../../shared/codec/schema.js';
import { EVT_ATE_PLAYER, EVT_MATCH_END, MATCH_TICKS, blobsGame } from '../../../../shared/game/blobs/index.js';
import { joinsAtStart, runScenario } from '../../../../shared/game/blobs/test-support.js';
import { EventsEncoder, storedEventTest, type RecordEntry } from '../../../../shared/recording/index.js';
import { blobsTimeline } from './timeline.js';

/** A bot match of blobs through one match end, its stored events packed as a recording's ticks record. */
function recordedMatch(): { entries: RecordEntry[]; events: { tick: number; event: GameEvent }[] } {
  const ticks = MATCH_TICKS + 60;
  const stored = storedEventTest({ storedEvents: blobsGame.schema.reliableEvents ?? null });
  const encoder = new EventsEncoder();
  encoder.reset(0);
  const events: { tick: number; event: GameEvent }[] = [];
  runScenario({
    seed: 11,
    brainSeed: 3,
    ticks,
    joins: joinsAtStart(8),
    noHashes: true,
    onStep: (_world, tick, tickEvents) => {
      encoder.encodeTick(tick, tickEvents, stored);
      for (const event of tickEvents) if (stored(event)) events.push({ tick, event });
    },
  });
  const record = { type: 'ticks', from: 0, count: ticks, inputs: new Uint8Array(0), events: encoder.finish(), eventDigests: new Uint8Array(0), checkpoints: [] } as const;
  return { entries: [{ offset: 0, size: 0, record }], events };
}

describe('the blobs replay timeline', () => {
  it('marks every blob eaten and the match end at their ticks, in words, with the names given', () => {
    const { entries, events } = recordedMatch();
    const nameOf = (id: number) => `bot${id}`;
    const { marks, summary } = blobsTimeline({ entries }, nameOf);
    const eaten = events.filter((e) => e.event[0] === EVT_ATE_PLAYER);
    const ends = events.filter((e) => e.event[0] === EVT_MATCH_END);
    expect(eaten.length).toBeGreaterThan(1);
    expect(ends.map((e) => e.tick)).toEqual([MATCH_TICKS - 1]);
    expect(marks.map((m) => m.tick)).toEqual(events.map((e) => e.tick));
    marks.forEach((m, i) => {
      const e = events[i]!.event;
      if (e[0] === EVT_ATE_PLAYER) expect(m.text).toBe(`bot${e[1]} ate bot${e[2]} (mass ${e[3]})`);
      else expect(m.text).toBe(`match 1 over: bot${e[2]} wins with mass ${e[4]}`);
    });
    expect(summary).toBe(`${eaten.length} blobs eaten · 1 match end`);
  });
});
