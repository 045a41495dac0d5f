// Order statistics over collected samples (bots keep at most a bounded reservoir per run).

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0, count: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1]!, count: sorted.length };
}

/** Standard deviation (0 for fewer than two samples). */
export function stddev(samples: readonly number[]): number {
  if (samples.length < 2) return 0;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (samples.length - 1));
}

/** A bounded sample store: keeps every sample up to `capacity`, then a uniform reservoir. */
export class Reservoir {
  readonly samples: number[] = [];
  private seen = 0;
  private state = 0x9e3779b9;

  constructor(private readonly capacity = 20_000) {}

  add(value: number): void {
    this.seen++;
    if (this.samples.length < this.capacity) {
      this.samples.push(value);
      return;
    }
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    const slot = this.state % this.seen;
    if (slot < this.capacity) this.samples[slot] = value;
  }
}
