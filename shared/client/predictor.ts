// Client-side prediction and server reconciliation of the local player (Gambetta's "Fast-Paced
// Multiplayer", Valve's "Source Multiplayer Networking").
//
// Every local input is applied at once with the game's own step and kept as pending until a snapshot
// reports it applied (lastInputSeq). On each snapshot the local player is reset to the authoritative
// state and the still pending inputs are replayed on top of it.
//
// The authoritative state of a snapshot at tick T is the state after input `lastInputSeq`, applied at
// `lastInputTick`, followed by T - lastInputTick ticks on which the server had no input of ours queued
// and applied the game's idle input instead. The predictor reproduces those idle ticks from what it
// predicted for that input: if the result equals the authoritative state, the prediction was right (the
// server was only starved of inputs, which the input pacer works to avoid); if not, it was a
// misprediction, counted as a correction with the distance between the two positions as its size.

import type { EntityState } from '../codec/schema.js';
import type { PredictionModel } from './session-types.js';

interface Pending<State, Input> {
  readonly seq: number;
  readonly input: Input;
  /** Predicted state after this input; null when the player cannot be predicted (dead, absent). */
  state: State | null;
}

interface Base<State, Input> {
  readonly tick: number;
  readonly seq: number;
  readonly state: State | null;
  /** The input `seq` (what the server repeats on idle ticks); null when this predictor never had it. */
  readonly input: Input | null;
}

export interface AuthoritativeUpdate {
  readonly tick: number;
  readonly lastInputSeq: number;
  readonly lastInputTick: number;
  /** The local player's entity in that snapshot (undefined when absent). */
  readonly entity: EntityState | undefined;
}

export interface Reconciliation<State> {
  readonly tick: number;
  readonly lastInputSeq: number;
  /**
   * What had been predicted for this snapshot: the state predicted after input lastInputSeq, advanced
   * through the server's idle ticks. Null when there was nothing to compare (input unknown to this
   * predictor, or the player was not predicted).
   */
  readonly expected: State | null;
  readonly authoritative: State | null;
  /** Expected and authoritative both exist and differ. */
  readonly corrected: boolean;
  /** Distance between the two positions when corrected (world units), else 0. */
  readonly error: number;
  /** Inputs newly acknowledged by this snapshot whose prediction it checked. */
  readonly verifiedInputs: number;
  /** Idle ticks reproduced to build `expected`. */
  readonly idleTicks: number;
}

export interface PredictorOptions {
  /** Pending inputs kept at most (older ones are dropped: their prediction cannot be checked). */
  readonly maxPending?: number;
  /** Idle ticks replayed at most when building the expected state. */
  readonly maxIdleReplay?: number;
  /** Timelines tried at most when idle ticks fell among acknowledged inputs (default 512). */
  readonly maxPlacements?: number;
}

export class Predictor<State, Input> {
  private pending: Pending<State, Input>[] = [];
  private base: Base<State, Input> | null = null;
  private latest: State | null = null;
  private beforeLatest: State | null = null;
  private readonly maxPending: number;
  private readonly maxIdleReplay: number;
  private readonly maxPlacements: number;
  private readonly equals: (a: State, b: State) => boolean;

  constructor(
    private readonly model: PredictionModel<State, Input>,
    options: PredictorOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 256;
    this.maxIdleReplay = options.maxIdleReplay ?? 300;
    this.maxPlacements = options.maxPlacements ?? 512;
    this.equals = model.equals ? (a, b) => model.equals!(a, b) : deepEqual;
  }

  /** The predicted state after the newest input (null when not predictable). */
  get current(): State | null {
    return this.latest;
  }

  /** The predicted state before the newest input: drawing blends from it to `current` over a tick. */
  get previous(): State | null {
    return this.beforeLatest;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** The newest input sequence acknowledged by a snapshot (0 before any). */
  get ackedSeq(): number {
    return this.base?.seq ?? 0;
  }

  /** The tick of the authoritative state predictions start from (-1 before any). */
  get baseTick(): number {
    return this.base?.tick ?? -1;
  }

  /** The prediction recorded for a still pending input (for tests and debugging). */
  predictedFor(seq: number): State | null | undefined {
    return this.pending.find((p) => p.seq === seq)?.state;
  }

  /** Applies a local input just sent as `seq` on top of the prediction; returns the new predicted state. */
  push(seq: number, input: Input): State | null {
    const before = this.latest;
    const after = before === null ? null : this.model.step(before, input);
    this.pending.push({ seq, input, state: after });
    if (this.pending.length > this.maxPending) this.pending.shift();
    this.beforeLatest = before;
    this.latest = after;
    return after;
  }

  /**
   * Applies a snapshot: checks what had been predicted for it, then rebuilds the prediction from the
   * authoritative state and the inputs still pending. Returns null for a snapshot older than the last.
   */
  reconcile(update: AuthoritativeUpdate): Reconciliation<State> | null {
    const base = this.base;
    if (base !== null && (update.tick <= base.tick || update.lastInputSeq < base.seq)) return null;
    const seq = update.lastInputSeq;
    const authoritative = update.entity === undefined ? null : this.model.fromEntity(update.entity);

    const index = this.pending.findIndex((p) => p.seq === seq);
    const ackedInput: Input | null = index >= 0 ? this.pending[index].input : base !== null && base.seq === seq ? base.input : null;
    const check = authoritative === null ? null : this.check(update, authoritative, index);

    const compared = check !== null;
    const corrected = check !== null && check.error !== null;
    let verifiedInputs = 0;
    if (compared) {
      for (const p of this.pending) {
        if (p.seq > seq) break;
        if (p.state !== null) verifiedInputs++;
      }
    }

    // Rebuild: authoritative state, then every input the server has not applied yet.
    this.pending = this.pending.filter((p) => p.seq > seq);
    this.base = { tick: update.tick, seq, state: authoritative, input: ackedInput };
    let state = authoritative;
    let before = authoritative;
    for (const p of this.pending) {
      before = state;
      state = state === null ? null : this.model.step(state, p.input);
      p.state = state;
    }
    this.latest = state;
    this.beforeLatest = before;

    return {
      tick: update.tick,
      lastInputSeq: seq,
      expected: check?.expected ?? null,
      authoritative,
      corrected,
      error: check?.error ?? 0,
      verifiedInputs,
      idleTicks: check?.idleTicks ?? 0,
    };
  }

  /**
   * What the prediction says the authoritative state should be, and whether it is. The server's timeline
   * since the base is: the acknowledged inputs, one per tick, with `inner` idle ticks somewhere among them
   * (snapshots that would have shown where may have been dropped), input `seq` on lastInputTick, then
   * `trailing` idle ticks up to the snapshot's tick. Every placement of the inner idle ticks is tried
   * (few: they are rare and short); the prediction is right if one of them reproduces the state.
   * Null when nothing can be checked (the input or the starting state is unknown, or too many placements).
   */
  private check(
    update: AuthoritativeUpdate,
    authoritative: State,
    index: number,
  ): { expected: State; error: number | null; idleTicks: number } | null {
    const base = this.base;
    const seq = update.lastInputSeq;
    const idleOf = (input: Input | null): Input | null =>
      this.model.idleInput ? this.model.idleInput(input) : input;

    // Candidate states at lastInputTick, and the acknowledged input (repeated on trailing idle ticks).
    let atInput: State[] = [];
    let lastInput: Input | null;
    let trailing = update.tick - update.lastInputTick;
    let inner = 0;
    if (base !== null && seq === base.seq) {
      // No new input applied: everything since the base was idle.
      if (base.state === null || base.input === null) return null;
      atInput = [base.state];
      lastInput = base.input;
      trailing = update.tick - base.tick;
    } else {
      if (index < 0) return null;
      lastInput = this.pending[index].input;
      const acked = base === null ? [] : this.pending.slice(0, index + 1).filter((p) => p.seq > base.seq);
      inner = base === null ? 0 : update.lastInputTick - base.tick - (seq - base.seq);
      const complete = base !== null && acked.length === seq - base.seq && (acked.length === 0 || acked[0].seq === base.seq + 1);
      if (inner > 0) {
        // Idle ticks among the new inputs: replay every placement from the base (when it is fully known).
        if (!complete || base.state === null || (base.input === null && base.seq !== 0)) return null;
        atInput = this.placements(base.state, base.input, acked.map((p) => p.input), inner, idleOf);
        if (atInput.length === 0) return null;
      } else {
        // No idle tick among them (or fewer ticks than inputs: the server dropped some, a misprediction).
        // Inputs the server applied that this predictor never held (sent before a reconnect reset it)
        // make the prediction unknowable, not wrong.
        if (base !== null && !complete) return null;
        const predicted = this.pending[index].state;
        if (predicted === null) return null;
        atInput = [predicted];
        inner = 0;
      }
    }
    if (trailing < 0 || trailing > this.maxIdleReplay) return null;
    const idle = lastInput === null ? null : idleOf(lastInput);
    let best: { expected: State; error: number } | null = null;
    for (let candidate of atInput) {
      if (trailing > 0) {
        if (idle === null) return null;
        for (let i = 0; i < trailing; i++) candidate = this.model.step(candidate, idle);
      }
      if (this.equals(candidate, authoritative)) return { expected: candidate, error: null, idleTicks: inner + trailing };
      const a = this.model.position(candidate);
      const b = this.model.position(authoritative);
      const error = Math.hypot(a.x - b.x, a.y - b.y);
      if (best === null || error < best.error) best = { expected: candidate, error };
    }
    return best === null ? null : { ...best, idleTicks: inner + trailing };
  }

  /**
   * The states after `inputs` applied from `start` with `idle` idle ticks placed anywhere before the last
   * input (an idle tick repeats the previous input's idle form). Empty when there are too many placements.
   */
  private placements(start: State, startInput: Input | null, inputs: readonly Input[], idle: number, idleOf: (input: Input | null) => Input | null): State[] {
    const out: State[] = [];
    let budget = this.maxPlacements;
    const visit = (state: State, applied: number, idleLeft: number, last: Input | null): boolean => {
      if (applied === inputs.length) {
        if (idleLeft === 0) out.push(state);
        return --budget > 0;
      }
      if (idleLeft > 0) {
        const idleInput = idleOf(last);
        if (idleInput === null) return false;
        if (!visit(this.model.step(state, idleInput), applied, idleLeft - 1, last)) return false;
      }
      // The last input is applied on lastInputTick itself: all idle ticks must come before it.
      if (applied === inputs.length - 1 && idleLeft > 0) return true;
      return visit(this.model.step(state, inputs[applied]), applied + 1, idleLeft, inputs[applied]);
    };
    const finished = visit(start, 0, idle, startInput);
    return finished || budget > 0 ? out : [];
  }

  reset(): void {
    this.pending = [];
    this.base = null;
    this.latest = null;
    this.beforeLatest = null;
  }
}

/** Structural equality of plain data (numbers, strings, booleans, arrays, plain objects). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
