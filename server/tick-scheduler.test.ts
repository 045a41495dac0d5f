import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickScheduler, type TickReport } from './tick-scheduler.js';

// Fake timers make time deterministic; `stall` adds to the clock as if a tick blocked the event loop.
let stall = 0;
const now = () => performance.now() + stall;

beforeEach(() => {
  stall = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => vi.useRealTimers());

describe('TickScheduler', () => {
  it('runs exactly tickRate ticks per second without accumulating drift', () => {
    const ticks: number[] = [];
    const scheduler = new TickScheduler({ tickRate: 30, now }, (t) => ticks.push(t));
    scheduler.start();
    vi.advanceTimersByTime(10_000);
    scheduler.stop();
    // Ticks 0..300 are due within [0, 10000] ms: a 33.33 ms period rounded by setTimeout never drifts.
    expect(ticks.length).toBe(301);
    expect(ticks.at(-1)).toBe(300);
  });

  it('catches up after a stall by running the missed ticks and reports their lateness', () => {
    const reports: TickReport[] = [];
    const scheduler = new TickScheduler(
      { tickRate: 30, now },
      (t) => {
        if (t === 10) stall += 100; // tick 10 blocks for 100 ms (3 periods)
      },
      (r) => reports.push(r),
    );
    scheduler.start();
    vi.advanceTimersByTime(1000);
    scheduler.stop();
    expect(reports.length).toBe(31 + 3); // the 100 ms stall moved the clock 3 ticks forward
    const late = reports.filter((r) => r.latenessMs > 30);
    expect(late.length).toBeGreaterThanOrEqual(2);
    expect(reports[10]!.durationMs).toBeCloseTo(100, 0);
    expect(scheduler.dropped).toBe(0);
  });

  it('marks the ticks of a catch-up stale, all but the last one', () => {
    const runs: [number, boolean][] = [];
    const scheduler = new TickScheduler({ tickRate: 30, now }, (t, stale) => {
      runs.push([t, stale]);
      if (t === 10) stall += 100; // 3 periods: ticks 11-13 are due at once when tick 10 returns
    });
    scheduler.start();
    vi.advanceTimersByTime(1000);
    scheduler.stop();
    expect(runs.filter(([, stale]) => stale).map(([t]) => t)).toEqual([11, 12]);
    expect(runs.slice(0, 10).every(([, stale]) => !stale)).toBe(true);
  });

  it('never marks the last tick a run may take stale, however far behind: every run sends a snapshot', () => {
    const runs: [number, boolean][] = [];
    const scheduler = new TickScheduler({ tickRate: 30, maxCatchUpTicks: 5, now }, (t, stale) => {
      runs.push([t, stale]);
      if (t === 3) stall += 1000; // 30 ticks behind: a catch-up of 5, then the rest dropped
    });
    scheduler.start();
    vi.advanceTimersByTime(500);
    scheduler.stop();
    const stale = runs.filter(([, s]) => s).map(([t]) => t);
    // The run that stalled on tick 3 takes 5 ticks (3-7): 4-6 are stale, 7 is the last it may take.
    expect(stale).toEqual([4, 5, 6]);
    expect(runs.find(([t]) => t === 7)).toEqual([7, false]);
    expect(scheduler.dropped).toBeGreaterThan(20);
  });

  it('skips ahead instead of spiralling when far behind, and counts dropped ticks', () => {
    const ticks: number[] = [];
    const scheduler = new TickScheduler({ tickRate: 30, maxCatchUpTicks: 5, now }, (t) => {
      ticks.push(t);
      if (t === 3) stall += 1000; // a 1-second freeze: 30 ticks behind
    });
    scheduler.start();
    vi.advanceTimersByTime(500);
    scheduler.stop();
    expect(scheduler.dropped).toBeGreaterThan(20);
    // Tick numbers stay monotonic and the scheduler keeps running afterwards.
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
    expect(ticks.length).toBeGreaterThan(10);
  });
});
