import { describe, expect, it } from 'vitest';
import { EVT, matchClock, player } from './codec-test-fixtures.js';
import type { EntityView, GameEvent } from './schema.js';
import { TickHistory, type CommittedTick } from './tick-history.js';

const everyEventReliable = (): boolean => true;
const onlyReliableCode = (event: GameEvent): boolean => event[0] === EVT.reliable;

function world(tick: number): EntityView[] {
  return [player(1, tick, 2 * tick, 100 - tick), player(2, -tick, 7), matchClock(9, tick)];
}

function valuesOf(committed: CommittedTick, index: number): unknown[] {
  return committed.values.slice(committed.valueStart[index], committed.valueStart[index + 1]);
}

describe('tick history', () => {
  it('recycles its slots: however many commits, it holds `capacity` of them and allocates no more', () => {
    const capacity = 8;
    const history = new TickHistory(capacity);
    const slots = new Set<CommittedTick>();
    for (let tick = 1; tick <= capacity * 5; tick++) slots.add(history.push(tick, world(tick), [], everyEventReliable));
    expect(slots.size).toBe(capacity);
    // The arrays of a slot stop growing once they fit the room: commits of the same size reuse them.
    const latest = history.latest!;
    const arrays = [latest.ids, latest.kinds, latest.valueStart, latest.values, latest.eventTicks];
    for (let tick = capacity * 5 + 1; tick <= capacity * 6; tick++) history.push(tick, world(tick), [], everyEventReliable);
    const after = [latest.ids, latest.kinds, latest.valueStart, latest.values, latest.eventTicks];
    after.forEach((array, i) => expect(array).toBe(arrays[i]));
  });

  it('finds exactly the ticks still in the ring, with their own values, when ticks skip', () => {
    const history = new TickHistory(4);
    for (let tick = 3; tick <= 30; tick += 3) history.push(tick, world(tick), [], everyEventReliable);
    for (let tick = 0; tick <= 33; tick++) {
      const committed = history.get(tick);
      if (tick % 3 !== 0 || tick < 21 || tick > 30) {
        expect(committed, `tick ${tick}`).toBeUndefined();
        continue;
      }
      expect(committed!.tick).toBe(tick);
      expect(history.bySeq(committed!.seq)).toBe(committed);
      expect([...committed!.ids.subarray(0, committed!.count)]).toEqual([1, 2, 9]);
      expect(valuesOf(committed!, 0)).toEqual(world(tick)[0].values);
      expect(valuesOf(committed!, 2)).toEqual(world(tick)[2].values);
      expect(committed!.indexOf(2)).toBe(1);
      expect(committed!.indexOf(3)).toBe(-1);
    }
    expect(history.bySeq(5)).toBeUndefined(); // evicted
  });

  it('keeps a copy: what the game does with its views and events afterwards changes nothing', () => {
    const history = new TickHistory(2);
    const views = world(1);
    const events = [{ tick: 1, event: [EVT.reliable, 5, 'x'] as GameEvent }, { tick: 1, event: [EVT.cosmetic, 6] as GameEvent }];
    const committed = history.push(1, views, events, onlyReliableCode);
    const bytes = committed.eventBytes.slice(0, committed.eventEnds[1]);
    (views[0].values as number[])[0] = 12345;
    views.length = 0;
    events.length = 0;
    expect(valuesOf(committed, 0)).toEqual(world(1)[0].values);
    expect(committed.count).toBe(3);
    expect(committed.eventCount).toBe(2);
    expect(committed.reliableCount).toBe(1);
    expect(committed.eventBytes.slice(0, committed.eventEnds[1])).toEqual(bytes);
  });
});

describe('tick history resized', () => {
  /** What the ring answers for every tick and seq around the `pushed` commits (tick = 10 * (seq + 1)). */
  function held(history: TickHistory, pushed: number): number[] {
    const found: number[] = [];
    for (let seq = -1; seq <= pushed; seq++) {
      const bySeq = history.bySeq(seq);
      const byTick = history.get(10 * (seq + 1));
      expect(byTick).toBe(bySeq);
      if (bySeq === undefined) continue;
      expect(bySeq.seq).toBe(seq);
      expect(valuesOf(bySeq, 0)).toEqual(world(10 * (seq + 1))[0].values);
      found.push(seq);
    }
    return found;
  }
  const push = (history: TickHistory, seq: number) => history.push(10 * (seq + 1), world(10 * (seq + 1)), [], everyEventReliable);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('grown, keeps every commit and then fills the new slots before evicting', () => {
    const history = new TickHistory(4);
    for (let seq = 0; seq < 10; seq++) push(history, seq);
    expect(held(history, 10)).toEqual(range(6, 9));
    expect(history.evictedByNextPush?.seq).toBe(6);
    history.resize(8);
    expect(history.capacity).toBe(8);
    expect(held(history, 10)).toEqual(range(6, 9));
    expect(history.evictedByNextPush).toBeUndefined();
    for (let seq = 10; seq < 14; seq++) push(history, seq);
    expect(held(history, 14)).toEqual(range(6, 13));
    expect(history.evictedByNextPush?.seq).toBe(6);
    push(history, 14);
    expect(held(history, 15)).toEqual(range(7, 14));
  });

  it('shrunk, keeps the newest commits that fit', () => {
    const history = new TickHistory(8);
    for (let seq = 0; seq < 13; seq++) push(history, seq);
    history.resize(3);
    expect(held(history, 13)).toEqual(range(10, 12));
    expect(history.evictedByNextPush?.seq).toBe(10);
    push(history, 13);
    expect(held(history, 14)).toEqual(range(11, 13));
    // Before the ring is full, shrinking keeps what there is.
    const young = new TickHistory(8);
    for (let seq = 0; seq < 2; seq++) push(young, seq);
    young.resize(4);
    expect(held(young, 2)).toEqual([0, 1]);
    expect(young.evictedByNextPush).toBeUndefined();
  });
});
