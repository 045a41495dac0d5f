import { describe, expect, it } from 'vitest';
import { interpolationDelayMs } from './interpolation-delay.js';
import { RenderClock } from './render-clock.js';

const TICK = 1000 / 30;

describe('RenderClock', () => {
  it('starts on the target, then follows it at real-time speed', () => {
    const c = new RenderClock({ tickMs: TICK });
    expect(c.advance(0, 10)).toBe(10);
    for (let t = 16; t <= 1000; t += 16) c.advance(t, 10 + t / TICK);
    expect(c.current!).toBeCloseTo(10 + 992 / TICK, 6);
  });

  it('closes a gap by warping at most 10%, monotonically and without overshoot', () => {
    const c = new RenderClock({ tickMs: TICK });
    c.advance(0, 0);
    let previous = 0;
    let t = 0;
    // The target jumps 2 ticks back (the delay grew): the clock slows down instead of jumping.
    for (; t < 3000; t += 16) {
      const target = (t + 16) / TICK - 2;
      const rt = c.advance(t + 16, target);
      const step = rt - previous;
      expect(step).toBeGreaterThanOrEqual((16 / TICK) * 0.9 - 1e-9);
      expect(step).toBeLessThanOrEqual((16 / TICK) * 1.1 + 1e-9);
      expect(rt).toBeGreaterThanOrEqual(target - 2.0001);
      previous = rt;
    }
    expect(previous - ((t) / TICK - 2)).toBeCloseTo(0, 2);
  });

  it('snaps across gaps beyond snapTicks, and restarts after reset', () => {
    const c = new RenderClock({ tickMs: TICK, snapTicks: 4 });
    c.advance(0, 0);
    expect(c.advance(16, 100)).toBe(100);
    c.reset();
    expect(c.current).toBeNull();
    expect(c.advance(32, 5)).toBe(5);
  });
});

describe('interpolationDelayMs', () => {
  const bounds = { minMs: TICK, maxMs: 400 };
  it('is two snapshot intervals plus the jitter margin on a clean link', () => {
    expect(interpolationDelayMs({ snapshotIntervalMs: TICK, jitterMs: 0, latenessMs: 0, loss: 0 }, bounds)).toBeCloseTo(2 * TICK, 6);
    expect(interpolationDelayMs({ snapshotIntervalMs: TICK, jitterMs: 5, latenessMs: 3, loss: 0 }, bounds)).toBeCloseTo(2 * TICK + 10, 6);
    expect(interpolationDelayMs({ snapshotIntervalMs: TICK, jitterMs: 5, latenessMs: 30, loss: 0 }, bounds)).toBeCloseTo(2 * TICK + 30, 6);
  });

  it('adds an interval per ~5% loss (two at most) and stays within bounds', () => {
    expect(interpolationDelayMs({ snapshotIntervalMs: TICK, jitterMs: 0, latenessMs: 0, loss: 0.05 }, bounds)).toBeCloseTo(3 * TICK, 6);
    expect(interpolationDelayMs({ snapshotIntervalMs: TICK, jitterMs: 0, latenessMs: 0, loss: 0.5 }, bounds)).toBeCloseTo(4 * TICK, 6);
    expect(interpolationDelayMs({ snapshotIntervalMs: TICK, jitterMs: 500, latenessMs: 0, loss: 0 }, bounds)).toBe(400);
    expect(interpolationDelayMs({ snapshotIntervalMs: 10, jitterMs: 0, latenessMs: 0, loss: 0 }, bounds)).toBeCloseTo(TICK, 6);
  });
});

describe('RenderClock ceiling', () => {
  it('waits at the ceiling when snapshots stop, then catches up without jumping', () => {
    const c = new RenderClock({ tickMs: TICK });
    c.advance(0, 10, 20);
    // Snapshots stop at tick 12 (ceiling 15) while the target keeps running for 300 ms.
    let t = 0;
    let previous = 10;
    for (; t < 300; t += 16) {
      const rt = c.advance(t + 16, 10 + (t + 16) / TICK, 15);
      expect(rt).toBeLessThanOrEqual(15);
      expect(rt).toBeGreaterThanOrEqual(previous);
      previous = rt;
    }
    expect(previous).toBe(15);
    // Data flows again: the clock resumes from 15 and closes the gap at most 10% faster than real time.
    for (; t < 10_000; t += 16) {
      const target = 10 + (t + 16) / TICK;
      const rt = c.advance(t + 16, target, target + 5);
      expect(rt - previous).toBeLessThanOrEqual((16 / TICK) * 1.1 + 1e-9);
      expect(rt - previous).toBeGreaterThanOrEqual(0);
      previous = rt;
    }
    expect(previous).toBeCloseTo(10 + t / TICK, 3);
  });
});
