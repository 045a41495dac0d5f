// One drift-free scheduler drives every room. Tick n is due at start + n * period (absolute target
// times, never "period after the last callback"), so setTimeout's lateness never accumulates. When the
// process falls behind, it runs the missed ticks back to back, up to `maxCatchUpTicks`; beyond that it
// skips ahead and reports how many ticks were dropped rather than spiralling. A tick run while the next one
// is already due, and runs right after it, is marked stale: what it would send is out of date before it
// leaves (the rooms then skip its snapshots, which sheds the largest per-tick cost exactly while the
// process cannot keep up; the last tick of every run sends).

export interface TickReport {
  /** Scheduler tick number (0, 1, 2, ...). */
  readonly tick: number;
  /** How late this tick started against its target time, in ms (>= 0). */
  readonly latenessMs: number;
  /** Time spent in the tick callback, in ms. */
  readonly durationMs: number;
}

export interface TickSchedulerOptions {
  readonly tickRate: number;
  readonly maxCatchUpTicks?: number;
  /** Injected for tests of drift; defaults to performance.now. */
  readonly now?: () => number;
}

export class TickScheduler {
  readonly periodMs: number;
  private readonly maxCatchUpTicks: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private startTime = 0;
  private nextTick = 0;
  private droppedTicks = 0;

  constructor(
    options: TickSchedulerOptions,
    /** `stale`: the next tick is already due (this one is part of a catch-up). */
    private readonly onTick: (tick: number, stale: boolean) => void,
    private readonly onReport: (report: TickReport) => void = () => {},
  ) {
    if (!(options.tickRate > 0 && options.tickRate <= 240)) throw new RangeError('tickRate must be in (0, 240]');
    this.periodMs = 1000 / options.tickRate;
    this.maxCatchUpTicks = options.maxCatchUpTicks ?? 5;
    this.now = options.now ?? (() => performance.now());
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Ticks skipped because the process fell more than maxCatchUpTicks behind. */
  get dropped(): number {
    return this.droppedTicks;
  }

  start(): void {
    if (this.timer) return;
    this.startTime = this.now();
    this.nextTick = 0;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private targetOf(tick: number): number {
    return this.startTime + tick * this.periodMs;
  }

  private schedule(): void {
    const delay = Math.max(0, this.targetOf(this.nextTick) - this.now());
    this.timer = setTimeout(() => this.run(), delay);
  }

  private run(): void {
    let ran = 0;
    while (this.timer !== null && this.targetOf(this.nextTick) <= this.now()) {
      if (ran >= this.maxCatchUpTicks) {
        // Too far behind: jump to the present instead of replaying a backlog.
        const behind = Math.floor((this.now() - this.targetOf(this.nextTick)) / this.periodMs) + 1;
        this.droppedTicks += behind;
        this.nextTick += behind;
        break;
      }
      const tick = this.nextTick++;
      const started = this.now();
      // Stale: the next tick is due too and runs right after this one (the last tick a run may take is
      // never stale, so a process that stays behind still sends a snapshot every run).
      this.onTick(tick, ran + 1 < this.maxCatchUpTicks && this.targetOf(this.nextTick) <= started);
      const ended = this.now();
      this.onReport({ tick, latenessMs: Math.max(0, started - this.targetOf(tick)), durationMs: ended - started });
      ran++;
    }
    if (this.timer !== null) this.schedule();
  }
}
