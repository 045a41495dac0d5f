// The client's estimate of the server's clock, in ticks.
//
// The server steps tick n at start + n * tickMs (its scheduler never drifts) and sends the snapshot of
// tick n right after, so `n * tickMs - arrival` is a constant clock offset plus that snapshot's network
// delay. The largest value over a few seconds is the offset along the fastest path seen: it maps local
// time to the tick whose snapshot would arrive now with the least delay (the *arrival tick*), immune to
// jitter, which only ever makes snapshots later. Every other snapshot's distance from it is its
// lateness, whose high percentile sizes the interpolation delay. The server's own current tick is the
// arrival tick plus the one-way latency, half of the smallest recent round trip of an acknowledged input.

import { SampleWindow, SlidingExtremum } from './sliding-window.js';

export interface ServerClockOptions {
  readonly tickMs: number;
  /** How long the best (least delayed) arrival is remembered. */
  readonly offsetWindowMs?: number;
  /** Arrivals kept for the lateness percentile. */
  readonly latenessSamples?: number;
  readonly rttWindowMs?: number;
}

export class ServerClock {
  readonly tickMs: number;
  private readonly offset: SlidingExtremum;
  private readonly lateness: SampleWindow;
  private readonly rttMin: SlidingExtremum;
  private rttSmoothed: number | null = null;

  constructor(options: ServerClockOptions) {
    this.tickMs = options.tickMs;
    this.offset = new SlidingExtremum(options.offsetWindowMs ?? 4000, 'max');
    this.lateness = new SampleWindow(options.latenessSamples ?? 90);
    this.rttMin = new SlidingExtremum(options.rttWindowMs ?? 10_000, 'min');
  }

  onSnapshot(tick: number, arrivalMs: number): void {
    const sample = tick * this.tickMs - arrivalMs;
    this.offset.add(arrivalMs, sample);
    const best = this.offset.value(arrivalMs) ?? sample;
    this.lateness.add(best - sample);
  }

  onRttSample(rttMs: number, now: number): void {
    this.rttMin.add(now, rttMs);
    this.rttSmoothed = this.rttSmoothed === null ? rttMs : this.rttSmoothed + (rttMs - this.rttSmoothed) / 8;
  }

  /** The (fractional) tick whose snapshot arrives at `now` along the fastest path; null before any snapshot. */
  arrivalTick(now: number): number | null {
    const offset = this.offset.value(now);
    return offset === null ? null : (now + offset) / this.tickMs;
  }

  /** The server's current (fractional) tick: arrival tick plus the one-way latency. */
  serverTick(now: number): number | null {
    const arrival = this.arrivalTick(now);
    if (arrival === null) return null;
    return arrival + this.oneWayMs(now) / this.tickMs;
  }

  /** Half the smallest recent round trip (0 before the first sample). */
  oneWayMs(now: number): number {
    return (this.rttMin.value(now) ?? 0) / 2;
  }

  /** Smoothed round trip (gain 1/8, as TCP's SRTT); 0 before the first sample. */
  get rttMs(): number {
    return this.rttSmoothed ?? 0;
  }

  /** The p-quantile of recent snapshot lateness behind the fastest path, ms. */
  latenessMs(p: number): number {
    return this.lateness.quantile(p);
  }

  reset(): void {
    this.offset.clear();
    this.lateness.clear();
    this.rttMin.clear();
    this.rttSmoothed = null;
  }
}
