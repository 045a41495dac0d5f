// When to send inputs: one per server tick on average, nudged a few percent faster or slower so the
// server's queue of this player's inputs stays short but never runs dry (Overwatch's approach).
//
// Each snapshot reports how many of our inputs were still queued after the server took one for that
// tick, and whether it had none to take (it then applies the idle input: a tick of latency lost and a
// visible shift of the prediction). The pacer keeps a smoothed depth, counting an idle tick as -1, and
// steers it to a target of about one input, plus a margin for the measured jitter and for recent idle
// ticks: a queue that is too deep adds latency (and overflows), one that runs dry stutters.

export interface InputPacerOptions {
  readonly tickMs: number;
  /** Largest relative change of the send interval (default 0.05: 5% faster or slower). */
  readonly maxAdjust?: number;
  /** Relative interval change per input of depth error (default 0.04). */
  readonly gain?: number;
  /** Inputs sent at once after the loop stalled, at most (default 3); older ones are skipped. */
  readonly maxCatchUp?: number;
  /**
   * Inputs per message (JoinInfo.inputsPerMessage, default 1). With k, they reach the server k at a time
   * and the queue drains by k - 1 between two arrivals: the target depth is raised by (k - 1) / 2 so the
   * queue's low point, not its mean, stays at the usual target.
   */
  readonly inputsPerMessage?: number;
}

export interface QueueReport {
  /** Inputs still queued after that tick's was taken. */
  readonly inputQueueDepth: number;
  /** Ticks the server filled with the idle input since the previous report. */
  readonly idleTicks: number;
}

export class InputPacer {
  readonly tickMs: number;
  private readonly maxAdjust: number;
  private readonly gain: number;
  private readonly maxCatchUp: number;
  private readonly batchDepth: number;
  private nextAt: number | null = null;
  private depth: number | null = null;
  private adjustment = 0;
  private boost = 0;
  private lastReportAt: number | null = null;
  private jitterMs = 0;

  constructor(options: InputPacerOptions) {
    this.tickMs = options.tickMs;
    this.maxAdjust = options.maxAdjust ?? 0.05;
    this.gain = options.gain ?? 0.04;
    this.maxCatchUp = options.maxCatchUp ?? 3;
    this.batchDepth = ((options.inputsPerMessage ?? 1) - 1) / 2;
  }

  /** Current send interval, ms. */
  get intervalMs(): number {
    return this.tickMs * (1 + this.adjustment);
  }

  /** Relative interval change in force (+ = sending slower than the tick rate). */
  get adjust(): number {
    return this.adjustment;
  }

  /** The queue depth the pacer aims for. */
  get targetDepth(): number {
    return this.batchDepth + Math.min(4, 0.75 + (2.5 * this.jitterMs) / this.tickMs + this.boost);
  }

  get smoothedDepth(): number | null {
    return this.depth;
  }

  /** Measured snapshot jitter, a stand-in for the jitter of our inputs on the way up. */
  setJitter(jitterMs: number): void {
    this.jitterMs = jitterMs;
  }

  /**
   * How many inputs to send at `now`. The first call after a reset sends two, so the server's queue
   * starts one deep instead of running dry until the pacer has caught up.
   */
  due(now: number): number {
    if (this.nextAt === null) {
      this.nextAt = now + this.intervalMs;
      return 2;
    }
    let n = 0;
    while (now >= this.nextAt && n < this.maxCatchUp) {
      n++;
      this.nextAt += this.intervalMs;
    }
    // A stall longer than the catch-up: resynchronize instead of flooding the server's queue.
    if (now >= this.nextAt) this.nextAt = now + this.intervalMs;
    return n;
  }

  /** Fraction of the current interval elapsed since the last send (0..1), for drawing between ticks. */
  phase(now: number): number {
    if (this.nextAt === null) return 1;
    const f = 1 - (this.nextAt - now) / this.intervalMs;
    return f < 0 ? 0 : f > 1 ? 1 : f;
  }

  onQueueReport(report: QueueReport, now: number): void {
    const sample = report.idleTicks > 0 ? -report.idleTicks : report.inputQueueDepth;
    this.depth = this.depth === null ? sample : this.depth + (sample - this.depth) * 0.1;
    if (this.lastReportAt !== null) {
      const dt = Math.max(0, now - this.lastReportAt) / 1000;
      this.boost = Math.max(0, this.boost - 0.05 * dt);
    }
    this.lastReportAt = now;
    if (report.idleTicks > 0) this.boost = Math.min(1.5, this.boost + 0.2 * report.idleTicks);
    const error = this.depth - this.targetDepth;
    this.adjustment = Math.max(-this.maxAdjust, Math.min(this.maxAdjust, this.gain * error));
  }

  reset(): void {
    this.nextAt = null;
    this.depth = null;
    this.adjustment = 0;
    this.boost = 0;
    this.lastReportAt = null;
  }
}
