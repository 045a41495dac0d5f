import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RecentQuantiles } from './recent-quantiles.js';

function setup(capacity?: number) {
  let now = 0;
  const registry = new Registry();
  const metric = new RecentQuantiles({
    name: 'test_recent_seconds',
    help: 'test',
    percentiles: [0, 0.5, 0.99, 1],
    maxAgeSeconds: 10,
    registers: [registry],
    now: () => now,
    ...(capacity === undefined ? {} : { capacity }),
  });
  return { metric, registry, advance: (ms: number) => (now += ms) };
}

const quantiles = (metric: RecentQuantiles) =>
  Object.fromEntries(metric.get().values.filter((v) => v.labels.quantile !== undefined).map((v) => [v.labels.quantile, v.value]));

describe('recent quantiles', () => {
  it('serves exact nearest-rank quantiles of the window, and _sum and _count over the process life, as a summary', async () => {
    const { metric, registry, advance } = setup();
    // 1..100 in shuffled order, one every 10 ms.
    const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    for (const v of values) {
      metric.observe(v);
      advance(10);
    }
    expect(quantiles(metric)).toEqual({ 0: 1, 0.5: 50, 0.99: 99, 1: 100 });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE test_recent_seconds summary');
    expect(text).toContain('test_recent_seconds{quantile="0.99"} 99');
    expect(text).toContain('test_recent_seconds_sum 5050');
    expect(text).toContain('test_recent_seconds_count 100');
  });

  it('forgets values older than the window, and answers 0 when it is empty', () => {
    const { metric, advance } = setup();
    metric.observe(500);
    advance(9_000);
    metric.observe(2);
    metric.observe(3);
    expect(quantiles(metric)[1]).toBe(500);
    advance(1_500); // 500 is now 10.5 s old
    expect(quantiles(metric)).toEqual({ 0: 2, 0.5: 2, 0.99: 3, 1: 3 });
    advance(10_000);
    expect(quantiles(metric)).toEqual({ 0: 0, 0.5: 0, 0.99: 0, 1: 0 });
    expect(metric.get().values.at(-1)).toEqual({ metricName: 'test_recent_seconds_count', labels: {}, value: 3 });
  });

  it('keeps at most `capacity` values: the newest', () => {
    const { metric } = setup(4);
    for (let v = 1; v <= 10; v++) metric.observe(v);
    expect(metric.recent()).toEqual([7, 8, 9, 10]);
  });
});
