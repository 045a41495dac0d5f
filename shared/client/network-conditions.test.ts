import { describe, expect, it } from 'vitest';
import { NetworkConditions } from './network-conditions.js';
import { VirtualTime } from './virtual-time.test-support.js';

describe('NetworkConditions', () => {
  it('delivers at once when there is nothing to emulate', () => {
    const net = new NetworkConditions({ latencyMs: 0, jitterMs: 0, snapshotLoss: 0 });
    let delivered = 0;
    net.snapshotGate(new Uint8Array(10), () => delivered++);
    net.outgoingGate(() => delivered++);
    expect(delivered).toBe(2);
  });

  it('adds latency with jitter each way and never reorders', () => {
    const time = new VirtualTime();
    const net = new NetworkConditions({ latencyMs: 50, jitterMs: 20, snapshotLoss: 0, seed: 3 }, time);
    const arrivals: { i: number; sent: number; at: number }[] = [];
    for (let i = 0; i < 300; i++) {
      time.setTimeout(() => {
        const sent = time.now();
        net.snapshotGate(new Uint8Array(50), () => arrivals.push({ i, sent, at: time.now() }));
      }, i * 10);
    }
    time.runUntil(10_000);
    expect(arrivals.map((a) => a.i)).toEqual([...Array(300).keys()]);
    const delays = arrivals.map((a) => a.at - a.sent);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...delays)).toBeLessThanOrEqual(70 + 10); // +10: waiting behind a slower predecessor
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(48);
    expect(mean).toBeLessThan(58);
    // Uplink too, in order.
    const up: number[] = [];
    for (let i = 0; i < 50; i++) net.outgoingGate(() => up.push(i));
    time.runUntil(11_000);
    expect(up).toEqual([...Array(50).keys()]);
  });

  it('drops the configured share of snapshots, reproducibly', () => {
    const run = () => {
      const net = new NetworkConditions({ latencyMs: 0, jitterMs: 0, snapshotLoss: 0.05, seed: 9 });
      const got: number[] = [];
      for (let i = 0; i < 10_000; i++) net.snapshotGate(new Uint8Array(1), () => got.push(i));
      return { got, dropped: net.stats.snapshotsDropped };
    };
    const a = run();
    expect(a.dropped / 10_000).toBeGreaterThan(0.04);
    expect(a.dropped / 10_000).toBeLessThan(0.06);
    expect(run().got).toEqual(a.got);
  });

  it('caps bandwidth: messages queue behind each other at bytes / rate', () => {
    const time = new VirtualTime();
    const net = new NetworkConditions({ latencyMs: 10, jitterMs: 0, snapshotLoss: 0, bandwidthKbps: 80 }, time);
    const at: number[] = [];
    // 1000 bytes at 80 kbit/s = 100 ms each.
    for (let i = 0; i < 3; i++) net.snapshotGate(new Uint8Array(1000), () => at.push(time.now()));
    time.runUntil(1000);
    expect(at).toEqual([110, 210, 310]);
  });

  it('can change conditions on the fly and cancels everything on dispose', () => {
    const time = new VirtualTime();
    const net = new NetworkConditions({ latencyMs: 100, jitterMs: 0, snapshotLoss: 0 }, time);
    let delivered = 0;
    net.outgoingGate(() => delivered++);
    net.update({ latencyMs: 0 });
    net.outgoingGate(() => delivered++); // still behind the first one
    time.runUntil(50);
    expect(delivered).toBe(0);
    time.runUntil(100);
    expect(delivered).toBe(2);
    net.outgoingGate(() => delivered++);
    expect(delivered).toBe(3);
    net.update({ latencyMs: 100 });
    net.outgoingGate(() => delivered++);
    net.dispose();
    time.runUntil(1000);
    expect(delivered).toBe(3);
    expect(() => net.update({ snapshotLoss: 2 })).toThrow(RangeError);
  });
});
