// Playback of a recording: a fractional position in ticks that advances with wall time at a speed,
// driving a ReplaySimulator. The simulator is kept one tick ahead of the position so that the view can be
// drawn anywhere between tick n and n + 1; when paused the position is a whole tick and the view is that
// tick's exact state. Moving forward a little steps the simulator (and hands out the events of the
// ticks passed, for effects); anything else is a seek: the nearest keyframe at or before the target,
// then steps forward (ReplaySimulator.seek). No DOM, no Phaser: unit-tested in node.

import type { EntityView, GameEvent } from '../../../shared/codec/schema.js';
import type { GameDefinition } from '../../../shared/game/game-definition.js';
import { ReplayError, ReplaySimulator, type Recording } from '../../../shared/recording/index.js';

export const SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4];

export interface TimedEvent {
  readonly tick: number;
  readonly event: GameEvent;
}

export interface PlaybackFrame {
  /** The whole tick shown (n). */
  readonly tick: number;
  /** World view after tick n. */
  readonly a: readonly EntityView[];
  /** World view after tick n + 1 (null at the end). */
  readonly b: readonly EntityView[] | null;
  /** How far from n toward n + 1 to draw (0 when paused: exactly tick n). */
  readonly alpha: number;
}

export interface SeekInfo {
  /** Wall time of the seek (restoring a keyframe and stepping), ms. */
  readonly ms: number;
  readonly tick: number;
  /** The keyframe it started from (null: from the start of the recording, or stepped on from where it was). */
  readonly fromKeyframe: number | null;
  /** Ticks simulated to get there. */
  readonly stepped: number;
}

export class ReplayPlayback<World = unknown, Input = unknown> {
  readonly sim: ReplaySimulator<World, Input>;
  readonly startTick: number;
  readonly tickRate: number;
  /** Last tick that can be shown: the recording's last, or the last before the replay failed. */
  endTick: number;
  /** Why the replay cannot go past endTick (a recording that does not re-simulate), null if it can. */
  failure: ReplayError | null = null;
  playing = false;
  speed = 1;
  lastSeek: SeekInfo | null = null;
  private pos: number;
  private shown: number;
  private viewA: EntityView[];
  private viewB: EntityView[] | null = null;
  /** Events of ticks simulated ahead of the position. */
  private pending: TimedEvent[] = [];
  /** Events of ticks the position has passed, not yet taken. */
  private out: TimedEvent[] = [];

  constructor(
    readonly recording: Recording,
    game: GameDefinition<World, Input>,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.sim = new ReplaySimulator(recording, game);
    this.startTick = this.sim.startTick;
    this.endTick = this.sim.endTick;
    this.tickRate = recording.header.tickRate;
    this.pos = this.startTick;
    this.shown = this.startTick;
    this.viewA = this.sim.view();
    this.jump(this.startTick);
    this.lastSeek = null;
  }

  /** The fractional playback position in ticks. */
  get position(): number {
    return this.pos;
  }

  /** The whole tick shown. */
  get tick(): number {
    return this.shown;
  }

  get atEnd(): boolean {
    return this.pos >= this.endTick;
  }

  play(): void {
    if (this.atEnd) this.seek(this.startTick);
    this.playing = true;
  }

  /** Stops on a whole tick (the one shown), so what is drawn is that tick's exact state. */
  pause(): void {
    this.playing = false;
    this.pos = this.shown;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`bad speed ${speed}`);
    this.speed = speed;
  }

  /** Puts the playback on whole tick `tick` (clamped); playing or paused as it was. Returns the tick. */
  seek(tick: number): number {
    const target = this.clamp(Math.round(tick));
    this.pos = target;
    this.jump(target);
    return this.shown;
  }

  /** Advances by `dtMs` of wall time when playing; stops at the end. */
  advance(dtMs: number): void {
    if (!this.playing) return;
    const dt = Math.max(0, Math.min(dtMs, 250));
    this.pos = Math.min(this.endTick, this.pos + (dt / 1000) * this.tickRate * this.speed);
    const n = Math.floor(this.pos + 1e-9);
    if (n !== this.shown) {
      // A stall of more than a few seconds of game time is skipped over by a seek, like a drag.
      if (n > this.shown && n - this.shown <= this.tickRate * 4) this.stepTo(n);
      else this.jump(n);
    }
    if (this.pos >= this.endTick) {
      this.playing = false;
      this.pos = this.shown;
    }
  }

  /** What to draw now. */
  frame(): PlaybackFrame {
    const alpha = this.playing && this.viewB ? Math.max(0, Math.min(1, this.pos - this.shown)) : 0;
    return { tick: this.shown, a: this.viewA, b: this.viewB, alpha };
  }

  /** The events of the ticks passed since the last call (while playing; a seek passes none). */
  takeEvents(): TimedEvent[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private clamp(tick: number): number {
    return Math.max(this.startTick, Math.min(this.endTick, tick));
  }

  /** Plays forward to whole tick n, collecting the events of the ticks passed. */
  private stepTo(n: number): void {
    const sim = this.sim;
    let atN: EntityView[] | null = sim.tick === n ? (this.viewB ?? sim.view()) : null;
    try {
      while (sim.tick < Math.min(n + 1, this.endTick)) {
        const step = sim.step();
        if (!step) break;
        for (const event of step.events) this.pending.push({ tick: step.tick, event });
        if (sim.tick === n) atN = sim.view();
      }
    } catch (err) {
      this.fail(err);
      this.shown = this.recover(n);
      this.pos = this.shown;
      this.out = [];
      return;
    }
    this.viewA = atN ?? sim.view();
    this.viewB = sim.tick === n + 1 ? sim.view() : null;
    this.shown = n;
    const due = this.pending.filter((e) => e.tick <= n);
    if (due.length > 0) {
      this.out.push(...due);
      this.pending = this.pending.filter((e) => e.tick > n);
    }
  }

  /** Seeks the simulator to whole tick n (nearest keyframe, then steps) and one tick beyond; no events. */
  private jump(n: number): void {
    const sim = this.sim;
    const t0 = this.clock();
    const before = sim.tick;
    const keyframe = [...sim.keyframeTicks].reverse().find((k) => k <= n) ?? null;
    let reached: number;
    try {
      reached = sim.seek(n);
      this.viewA = sim.view();
      this.viewB = null;
      this.pending = [];
      if (reached < this.endTick) {
        const step = sim.step();
        if (step) {
          for (const event of step.events) this.pending.push({ tick: step.tick, event });
          this.viewB = sim.view();
        }
      }
    } catch (err) {
      this.fail(err);
      reached = this.recover(n);
    }
    this.shown = reached;
    this.pos = Math.min(this.pos, reached);
    if (!this.playing) this.pos = reached;
    this.out = [];
    const steppedOn = before <= n && (keyframe === null || before >= keyframe);
    this.lastSeek = {
      ms: this.clock() - t0,
      tick: reached,
      fromKeyframe: steppedOn ? null : keyframe,
      stepped: steppedOn ? n - before : n - (keyframe ?? this.startTick),
    };
  }

  /** The replay failed at some tick: nothing from there on can be shown. */
  private fail(err: unknown): void {
    if (!(err instanceof ReplayError)) throw err;
    this.failure = err;
    this.endTick = Math.max(this.startTick, Math.min(this.endTick, err.tick - 1));
    this.playing = false;
  }

  /**
   * After a failure the world may be half-stepped: rebuilds tick min(n, endTick) from the start of the
   * recording (or a keyframe before it). Returns the tick reached.
   */
  private recover(n: number): number {
    const sim = this.sim;
    try {
      sim.reset();
      sim.seek(Math.min(n, this.endTick));
      this.viewA = sim.view();
    } catch (err) {
      if (!(err instanceof ReplayError)) throw err;
      this.endTick = this.startTick;
      sim.reset();
      this.viewA = sim.view();
    }
    this.viewB = null;
    this.pending = [];
    return sim.tick;
  }
}
