// Exact quantiles of the values observed over the last few seconds (tick durations and lateness, one
// value per tick), served by the metrics registry as a Prometheus summary.
//
// Why not prom-client's Summary: it keeps a t-digest per age bucket and inserts every value into each of
// them (a red-black tree node per value and bucket, compressed now and then). For the two tick metrics
// that was ~1 % of a core at 512 players and the largest source of old-generation garbage left on the tick.
// Here a value is two numbers written into a ring; the quantiles are computed (a sort of at most a few
// hundred values) only when /metrics is scraped.

import type { Registry, Summary } from 'prom-client';

/** The most values kept: over a window of 10 s, enough for ticks at up to 400 a second. */
const DEFAULT_CAPACITY = 4096;

export interface RecentQuantilesOptions {
  readonly name: string;
  readonly help: string;
  /** Quantiles to serve, each in [0, 1] (1: the largest value in the window). */
  readonly percentiles: readonly number[];
  readonly maxAgeSeconds: number;
  readonly registers: readonly Registry[];
  /** Values kept at most (the oldest go first when more arrive within the window). */
  readonly capacity?: number;
  /** Clock in ms (tests pass their own). */
  readonly now?: () => number;
}

interface SummaryValue {
  readonly labels: { readonly quantile?: number };
  readonly value: number;
  readonly metricName?: string;
}

export class RecentQuantiles {
  readonly name: string;
  readonly help: string;
  readonly type = 'summary';
  readonly aggregator = 'sum';
  private readonly percentiles: readonly number[];
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private next = 0;
  private size = 0;
  /** Over the process's life, as a Prometheus summary's _sum and _count are. */
  private sum = 0;
  private count = 0;

  constructor(options: RecentQuantilesOptions) {
    if (!options.percentiles.every((q) => q >= 0 && q <= 1)) throw new RangeError('percentiles must be in [0, 1]');
    if (!(options.maxAgeSeconds > 0)) throw new RangeError('maxAgeSeconds must be > 0');
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer >= 1');
    this.name = options.name;
    this.help = options.help;
    this.percentiles = options.percentiles;
    this.maxAgeMs = options.maxAgeSeconds * 1000;
    this.now = options.now ?? (() => performance.now());
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    // The registry only formats what get() returns; it is typed for prom-client's own metric classes.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Summary);
  }

  observe(value: number): void {
    this.times[this.next] = this.now();
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.times.length;
    if (this.size < this.times.length) this.size++;
    this.sum += value;
    this.count++;
  }

  /** The values observed within the window, ascending. */
  recent(): number[] {
    const since = this.now() - this.maxAgeMs;
    const out: number[] = [];
    const capacity = this.times.length;
    for (let k = 0; k < this.size; k++) {
      const slot = (this.next - 1 - k + capacity) % capacity;
      if (this.times[slot] < since) break;
      out.push(this.values[slot]);
    }
    return out.sort((a, b) => a - b);
  }

  /** The metric as the registry formats it: a quantile line each (nearest rank; 0 when the window is empty), _sum and _count. */
  get(): { name: string; help: string; type: string; aggregator: string; values: SummaryValue[] } {
    const sorted = this.recent();
    const values: SummaryValue[] = this.percentiles.map((q) => ({
      labels: { quantile: q },
      value: sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)],
    }));
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: this.sum });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: this.count });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.size = 0;
    this.sum = 0;
    this.count = 0;
  }
}
