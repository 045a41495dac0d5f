import { describe, expect, it } from 'vitest';
import { ServerClock } from './clock-sync.js';
import { RttTracker } from './rtt-tracker.js';

const TICK = 1000 / 30;

describe('ServerClock', () => {
  it('maps local time to the arrival tick through the least delayed snapshot, and adds the one-way delay', () => {
    const clock = new ServerClock({ tickMs: TICK });
    expect(clock.arrivalTick(0)).toBeNull();
    // Server tick n at 1000 + n * TICK (local clock), arriving 40..60 ms later.
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647);
    let last = 0;
    for (let n = 0; n < 300; n++) {
      last = 1000 + n * TICK + 40 + rnd() * 20;
      clock.onSnapshot(n, last);
    }
    const now = last + 5;
    const expected = (now - 1000 - 40) / TICK;
    expect(clock.arrivalTick(now)!).toBeGreaterThan(expected - 0.1);
    expect(clock.arrivalTick(now)!).toBeLessThanOrEqual(expected + 0.001);
    // The 95th percentile lateness is close to the 20 ms spread.
    expect(clock.latenessMs(0.95)).toBeGreaterThan(15);
    expect(clock.latenessMs(0.95)).toBeLessThan(21);
    clock.onRttSample(100, now);
    clock.onRttSample(80, now);
    expect(clock.oneWayMs(now)).toBe(40);
    expect(clock.serverTick(now)! - clock.arrivalTick(now)!).toBeCloseTo(40 / TICK, 6);
    expect(clock.rttMs).toBeCloseTo(100 + (80 - 100) / 8, 6);
    clock.reset();
    expect(clock.serverTick(now)).toBeNull();
  });
});

describe('RttTracker', () => {
  it('measures send-to-ack minus the server-side hold', () => {
    const rtt = new RttTracker(TICK);
    rtt.onSent(1, 0);
    rtt.onSent(2, 33);
    // Input 2 was applied on tick 10 with one more queued behind it: held ~1.5 ticks.
    const sample = rtt.onAck({ tick: 10, lastInputSeq: 2, lastInputTick: 10, inputQueueDepth: 1 }, 233);
    expect(sample).toBeCloseTo(200 - 1.5 * TICK, 6);
    // Already acknowledged, or unknown: no sample.
    expect(rtt.onAck({ tick: 11, lastInputSeq: 2, lastInputTick: 10, inputQueueDepth: 0 }, 260)).toBeNull();
    expect(rtt.onAck({ tick: 12, lastInputSeq: 7, lastInputTick: 12, inputQueueDepth: 0 }, 300)).toBeNull();
  });

  it('subtracts the ticks between application and the snapshot, and never goes negative', () => {
    const rtt = new RttTracker(TICK);
    rtt.onSent(5, 1000);
    const sample = rtt.onAck({ tick: 13, lastInputSeq: 5, lastInputTick: 10, inputQueueDepth: 2 }, 1000 + 200);
    expect(sample).toBeCloseTo(200 - 3.5 * TICK, 6);
    rtt.onSent(6, 2000);
    expect(rtt.onAck({ tick: 14, lastInputSeq: 6, lastInputTick: 14, inputQueueDepth: 5 }, 2001)).toBe(0);
  });
});
