// Merging what several bots processes measured: percentiles come from the pooled samples (never from
// averaging each process's percentiles), totals are summed, per-bot rates are over bot-seconds, and a
// saturated bots process is flagged.

import { describe, expect, it } from 'vitest';
import { failedPart, mergeParts, type LoadPart } from './load-results.js';
import type { LoadOptions } from './load-run.js';
import { boundedSample, percentiles, pooledPercentiles, pooledStddev, stddev } from './percentiles.js';

const OPTIONS: LoadOptions = {
  url: 'http://127.0.0.1:1',
  rooms: null,
  botsPerRoom: null,
  bots: 4,
  rampPerSec: 50,
  durationSec: 10,
  game: 'arena',
  behaviour: 'wander',
  latencyMs: 0,
  jitterMs: 0,
  loss: 0,
  light: true,
  naive: false,
  seed: 1,
};

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

function part(overrides: Partial<LoadPart>): LoadPart {
  return {
    ...failedPart(0, 'none'),
    requested: 2,
    connected: 2,
    failed: 0,
    durationSec: 10,
    inputsSent: 600,
    inputsDue: 600,
    cpuPercent: 40,
    ...overrides,
  };
}

describe('pooled percentiles', () => {
  it('equal to the percentiles of all the samples together', () => {
    const a = range(1, 100);
    const b = range(1001, 300);
    const pooled = pooledPercentiles([{ values: a, weight: 1 }, { values: b, weight: 1 }]);
    expect(pooled).toEqual(percentiles([...a, ...b]));
    // Not the mean of each part's median (51 and 1151 would give 601).
    expect(pooled.p50).toBe(1101);
    expect(pooled.count).toBe(400);
    expect(pooledStddev([{ values: a, weight: 1 }, { values: b, weight: 1 }])).toBeCloseTo(stddev([...a, ...b]), 9);
  });

  it('a bounded sample stands for every value it was drawn from', () => {
    const values = range(0, 10_000);
    const sample = boundedSample(values, 1000);
    expect(sample.values).toHaveLength(1000);
    expect(new Set(sample.values).size).toBe(1000);
    expect(sample.weight).toBe(10);
    // A small exact part weighs as much as its own count against the big one's 10,000.
    const pooled = pooledPercentiles([sample, { values: range(20_000, 10), weight: 1 }]);
    expect(pooled.count).toBe(10_010);
    expect(pooled.max).toBe(20_009);
    // A uniform draw: its median lands near the middle of what it stands for.
    expect(pooled.p50).toBeGreaterThan(4000);
    expect(pooled.p50).toBeLessThan(6000);
    expect(boundedSample(range(0, 5), 1000)).toEqual({ values: range(0, 5), weight: 1 });
  });
});

describe('mergeParts', () => {
  it('sums totals, pools samples and rates per bot-second', () => {
    const a = part({ rtt: { values: range(1, 100), weight: 1 }, bytesIn: 20_000, decodeErrors: 1, failures: { TIMEOUT: 1 }, failed: 1, requested: 3 });
    const b = part({ rtt: { values: range(1001, 300), weight: 1 }, bytesIn: 60_000, connected: 6, requested: 6, disconnects: 2 });
    const report = mergeParts(OPTIONS, [a, b]);
    expect(report.requested).toBe(9);
    expect(report.connected).toBe(8);
    expect(report.failed).toBe(1);
    expect(report.failures).toEqual({ TIMEOUT: 1 });
    expect(report.decodeErrors).toBe(1);
    expect(report.disconnects).toBe(2);
    expect(report.rttMs).toEqual(percentiles([...range(1, 100), ...range(1001, 300)]));
    expect(report.generator.parts.map((g) => g.rttMs.count)).toEqual([100, 300]);
    // 80,000 bytes over 8 bots x 10 s.
    expect(report.bytesInPerSec).toBe(1000);
    expect(report.generator.processes).toBe(2);
    expect(report.generator.saturated).toBe(false);
    expect(report.generator.warning).toBeNull();
  });

  it('flags a bots process near a full core, or one that sent too few inputs', () => {
    const busy = mergeParts(OPTIONS, [part({}), part({ cpuPercent: 97 })]);
    expect(busy.generator.saturated).toBe(true);
    expect(busy.generator.parts.map((g) => g.saturated)).toEqual([false, true]);
    expect(busy.generator.warning).toContain('1 of 2 bots processes were saturated');
    const late = mergeParts(OPTIONS, [part({ inputsSent: 540 })]);
    expect(late.generator.saturated).toBe(true);
    expect(late.generator.warning).toContain('90 % of inputs sent');
    expect(late.inputsPerSec).toBe(27);
    expect(late.inputsDuePerSec).toBe(30);
  });

  it('counts every bot of a process that gave no results as failed', () => {
    const report = mergeParts(OPTIONS, [part({}), failedPart(5, 'bots worker exited (SIGKILL)')]);
    expect(report.requested).toBe(7);
    expect(report.failed).toBe(5);
    expect(report.failures).toEqual({ 'bots worker exited (SIGKILL)': 5 });
    expect(report.generator.parts[1]!.cpuPercent).toBeNull();
    expect(report.generator.saturated).toBe(false);
  });
});
