// Order statistics over collected samples (bots keep at most a bounded reservoir per run). Samples
// pooled from several bots processes are merged as samples, never as averages of their percentiles:
// each process hands over a bounded uniform sample of its values with the weight each value stands for.

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Samples the figures stand for (all seen, also those left out of a bounded sample). */
  readonly count: number;
}

/** A uniform sample of the values one process saw: each value stands for `weight` of them (1: all kept). */
export interface WeightedSample {
  readonly values: readonly number[];
  readonly weight: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  return pooledPercentiles([{ values: samples, weight: 1 }]);
}

/** Standard deviation (0 for fewer than two samples). */
export function stddev(samples: readonly number[]): number {
  return pooledStddev([{ values: samples, weight: 1 }]);
}

/**
 * At most `capacity` of `values`: all of them, or a seeded uniform draw without replacement whose weight
 * keeps the total they stand for.
 */
export function boundedSample(values: readonly number[], capacity: number, seed = 0x9e3779b9): WeightedSample {
  if (values.length <= capacity) return { values: values.slice(), weight: 1 };
  const kept = values.slice();
  let state = seed >>> 0 || 1;
  // Partial Fisher-Yates: the first `capacity` places end up a uniform draw.
  for (let i = 0; i < capacity; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const j = i + (state % (kept.length - i));
    const t = kept[i]!;
    kept[i] = kept[j]!;
    kept[j] = t;
  }
  kept.length = capacity;
  return { values: kept, weight: values.length / capacity };
}

/**
 * Percentiles of the samples of several parts pooled, each value counting with its part's weight: the
 * q-quantile is the first value (ascending) at which the cumulated weight passes q of the total. With
 * weights of 1 that is sorted[floor(q * n)].
 */
export function pooledPercentiles(parts: readonly WeightedSample[]): Percentiles {
  const live = parts.filter((p) => p.values.length > 0);
  if (live.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0, count: 0 };
  const sorted = live.map((p) => Float64Array.from(p.values).sort());
  const total = live.reduce((n, p) => n + p.values.length * p.weight, 0);
  const quantiles = [0.5, 0.95, 0.99];
  const found: number[] = [];
  const cursors = new Array<number>(live.length).fill(0);
  let cumulated = 0;
  let last = 0;
  // Walk the sorted parts in ascending order (a k-way merge: few parts, one per bots process).
  while (found.length < quantiles.length) {
    let best = -1;
    for (let k = 0; k < sorted.length; k++) {
      if (cursors[k]! < sorted[k]!.length && (best < 0 || sorted[k]![cursors[k]!]! < sorted[best]![cursors[best]!]!)) best = k;
    }
    if (best < 0) break; // float rounding at the very end: the remaining quantiles are the maximum
    last = sorted[best]![cursors[best]!++]!;
    cumulated += live[best]!.weight;
    while (found.length < quantiles.length && cumulated > quantiles[found.length]! * total) found.push(last);
  }
  while (found.length < quantiles.length) found.push(last);
  const max = Math.max(...sorted.map((s) => s[s.length - 1]!));
  return { p50: found[0]!, p95: found[1]!, p99: found[2]!, max, count: Math.round(total) };
}

/** Standard deviation of the pooled, weighted samples (0 when they stand for fewer than two). */
export function pooledStddev(parts: readonly WeightedSample[]): number {
  let weight = 0;
  let sum = 0;
  for (const p of parts) {
    weight += p.values.length * p.weight;
    for (const v of p.values) sum += v * p.weight;
  }
  if (weight < 2) return 0;
  const mean = sum / weight;
  let squares = 0;
  for (const p of parts) for (const v of p.values) squares += p.weight * (v - mean) ** 2;
  return Math.sqrt(squares / (weight - 1));
}

/**
 * A bounded sample store: keeps every sample up to `capacity`, then a uniform reservoir. Its contents
 * barely change once it is full, so rates and recent figures come from its counters (`count`, `sum`:
 * totals of every sample added), never from `samples`.
 */
export class Reservoir {
  readonly samples: number[] = [];
  private seen = 0;
  private total = 0;
  private state = 0x9e3779b9;

  constructor(private readonly capacity = 20_000) {}

  /** Samples added since the start, also those the reservoir did not keep. */
  get count(): number {
    return this.seen;
  }

  /** Sum of every sample added since the start. */
  get sum(): number {
    return this.total;
  }

  add(value: number): void {
    this.seen++;
    this.total += value;
    if (this.samples.length < this.capacity) {
      this.samples.push(value);
      return;
    }
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    const slot = this.state % this.seen;
    if (slot < this.capacity) this.samples[slot] = value;
  }
}
