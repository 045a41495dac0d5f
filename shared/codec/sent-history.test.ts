import { describe, expect, it } from 'vitest';
import { SentHistory } from './sent-history.js';

describe('sent history (per client)', () => {
  it('stays small for a client whose acknowledgements keep up, however long it plays', () => {
    const history = new SentHistory(64);
    for (let tick = 1; tick <= 10_000; tick++) {
      history.record(tick, [tick], tick);
      // Acknowledges the snapshot of 3 ticks ago (what a client ~100 ms away does at 30 Hz).
      if (tick > 3) history.pruneBefore(tick - 3);
    }
    expect(history.allocated).toBe(8);
    expect(history.idsAt(10_000)).toEqual([10_000]);
    expect(history.idsAt(9_997)).toEqual([9_997]);
    expect(history.idsAt(9_996)).toBeUndefined();
  });

  it('grows for a client that stops acknowledging, up to the ring and no further, keeping every record it can', () => {
    const history = new SentHistory(20);
    const lists = new Map<number, number[]>();
    for (let tick = 100; tick < 200; tick += 2) {
      const ids = [tick, tick + 1];
      lists.set(tick, ids);
      history.record(tick, ids, tick * 10);
      expect(history.allocated).toBeLessThanOrEqual(20);
    }
    expect(history.allocated).toBe(20);
    // The last 20 records, through two growths and a wrap: same lists (not copies), same seqs.
    for (let tick = 100; tick < 200; tick += 2) {
      const kept = tick >= 200 - 2 * 20;
      expect(history.idsAt(tick)).toBe(kept ? lists.get(tick) : undefined);
      expect(history.seqAt(tick)).toBe(kept ? tick * 10 : undefined);
      expect(history.idsAt(tick + 1)).toBeUndefined();
    }
    expect(history.latestTick).toBe(198);
    history.conflictSeq(198);
    expect(history.seqAt(198)).toBeNaN();
    history.clear();
    expect(history.latestTick).toBe(-1);
  });
});
