// Drives every bot of a process from one timer: each bot is updated `rateHz` times a second on an
// absolute schedule (no drift, whatever each round costs), the bots spread over PHASES slots of the
// period so their inputs leave in small groups rather than in one burst per tick. A process too busy
// to keep up skips what it missed (at most one update per bot per round): the inputs-sent ratio then
// shows it, and the run is flagged as saturated.

export interface DrivenBot {
  readonly connected: boolean;
  update(now: number): void;
}

/**
 * Slots per period: 4 keeps a thousand bots' sends in bursts of a few ms (a burst delays the snapshots
 * the bots read meanwhile, which their figures would count as the server's jitter); each extra slot
 * costs a timer wake-up per period.
 */
const PHASES = 4;

export class BotDriver {
  private readonly groups: DrivenBot[][] = Array.from({ length: PHASES }, () => []);
  private readonly stepMs: number;
  private readonly origin = performance.now();
  private added = 0;
  /** Phase steps run since the origin. */
  private steps = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(rateHz: number) {
    this.stepMs = 1000 / rateHz / PHASES;
    this.timer = setInterval(() => this.run(), Math.max(1, Math.floor(this.stepMs)));
  }

  add(bot: DrivenBot): void {
    this.groups[this.added++ % PHASES]!.push(bot);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private run(): void {
    const now = performance.now();
    const due = Math.floor((now - this.origin) / this.stepMs);
    if (due - this.steps > PHASES) this.steps = due - PHASES;
    for (; this.steps < due; this.steps++) {
      for (const bot of this.groups[this.steps % PHASES]!) if (bot.connected) bot.update(now);
    }
  }
}
