import { describe, expect, it } from 'vitest';
import { InputPacer } from './input-pacer.js';
import { NetworkConditions } from './network-conditions.js';
import { VirtualTime } from './virtual-time.test-support.js';

const TICK = 1000 / 30;

/**
 * The server's input queue as room.ts runs it (one input taken per tick, the idle input when empty,
 * the depth after taking reported back), fed by a pacer sending from a 60 fps loop over links with
 * the given latency and jitter each way.
 */
function simulate(latencyMs: number, jitterMs: number, seconds: number, seed = 1) {
  const time = new VirtualTime();
  const up = new NetworkConditions({ latencyMs, jitterMs, snapshotLoss: 0, seed }, time);
  const down = new NetworkConditions({ latencyMs, jitterMs, snapshotLoss: 0, seed: seed + 1 }, time);
  const pacer = new InputPacer({ tickMs: TICK });
  let queue = 0;
  let maxDepth = 0;
  let idle = 0;
  let ticks = 0;
  let depthSum = 0;
  const warmup = 5000;
  pacer.setJitter(jitterMs * 0.6);
  time.every(16, () => {
    const n = pacer.due(time.now());
    for (let i = 0; i < n; i++) up.outgoingGate(() => queue++);
  });
  time.every(TICK, () => {
    const starved = queue === 0;
    if (!starved) queue--;
    const depth = queue;
    const measured = time.now() > warmup;
    if (measured) {
      ticks++;
      if (starved) idle++;
      depthSum += depth;
      maxDepth = Math.max(maxDepth, depth);
    }
    down.snapshotGate(new Uint8Array(1), () => pacer.onQueueReport({ inputQueueDepth: depth, idleTicks: starved ? 1 : 0 }, time.now()));
  }, 7);
  time.runUntil(warmup + seconds * 1000);
  return { idleRate: idle / ticks, meanDepth: depthSum / ticks, maxDepth, adjust: pacer.adjust };
}

describe('InputPacer', () => {
  for (const [latency, jitter] of [
    [0, 0],
    [25, 5],
    [50, 20],
    [100, 20],
    [200, 30],
  ] as const) {
    it(`keeps the server queue short and fed at ${latency} ms +- ${jitter} ms each way`, () => {
      const r = simulate(latency, jitter, 60);
      expect(r.idleRate).toBeLessThan(0.01);
      expect(r.meanDepth).toBeGreaterThan(0.3);
      expect(r.meanDepth).toBeLessThan(2.5);
      expect(r.maxDepth).toBeLessThan(8); // room.ts drops the oldest input beyond 8
      expect(Math.abs(r.adjust)).toBeLessThanOrEqual(0.05);
    });
  }

  it('sends two inputs at once to start, then one per interval, and skips a long stall', () => {
    const pacer = new InputPacer({ tickMs: 30 });
    expect(pacer.due(0)).toBe(2);
    expect(pacer.due(10)).toBe(0);
    expect(pacer.due(30)).toBe(1);
    expect(pacer.phase(45)).toBeCloseTo(0.5, 5);
    expect(pacer.due(1000)).toBe(3); // caught up by at most 3, then resynchronized
    expect(pacer.due(1010)).toBe(0);
    expect(pacer.due(1030)).toBe(1);
  });

  it('slows down when the queue is deep and speeds up when it runs dry, by at most 5%', () => {
    const pacer = new InputPacer({ tickMs: TICK });
    for (let i = 0; i < 100; i++) pacer.onQueueReport({ inputQueueDepth: 6, idleTicks: 0 }, i * TICK);
    expect(pacer.adjust).toBe(0.05);
    expect(pacer.intervalMs).toBeCloseTo(TICK * 1.05, 6);
    for (let i = 100; i < 300; i++) pacer.onQueueReport({ inputQueueDepth: 0, idleTicks: 1 }, i * TICK);
    expect(pacer.adjust).toBe(-0.05);
    expect(pacer.targetDepth).toBeGreaterThan(1.5); // idle ticks raised the target
  });
});
