// The states a client-side mirror keeps as possible baselines: its received ticks ascending, the state of
// each and the lastInputSeq each carried (a delta's is relative to its baseline's). Both mirrors
// (snapshot-mirror.ts, sight-mirror.ts) keep theirs here; a state is whatever the mirror builds.

import { SnapshotError } from './snapshot-error.js';

export class ReceivedTicks<S> {
  private readonly ticks: number[] = [];
  private readonly states: S[] = [];
  private readonly seqs: number[] = [];

  constructor(
    /** Most states held (historyTicks): at least the server's history. */
    private readonly capacity: number,
    /** The state before any snapshot. */
    private readonly empty: S,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('historyTicks must be >= 1');
  }

  /** Tick of the newest state, -1 before the first. */
  get latestTick(): number {
    return this.ticks.length === 0 ? -1 : this.ticks[this.ticks.length - 1];
  }

  /** Tick of the oldest state held (undefined before the first). */
  get oldestTick(): number | undefined {
    return this.ticks[0];
  }

  get latest(): S {
    return this.states.length === 0 ? this.empty : this.states[this.states.length - 1];
  }

  /** The state at `tick` if it is one of the held ticks. */
  stateAt(tick: number): S | undefined {
    const i = this.ticks.lastIndexOf(tick);
    return i < 0 ? undefined : this.states[i];
  }

  /**
   * The baseline of snapshot `tick`, a delta against `baselineTick` whose lastInputSeq on the wire is
   * `seqField`: the state, and the absolute lastInputSeq. Throws 'missing-baseline' when not held.
   */
  baseline(tick: number, baselineTick: number, seqField: number): { state: S; lastInputSeq: number } {
    const i = this.ticks.lastIndexOf(baselineTick);
    if (i < 0) {
      throw new SnapshotError(
        'missing-baseline',
        `snapshot ${tick} is a delta against tick ${baselineTick}, which this mirror does not hold ` +
          `(held: ${this.ticks.length === 0 ? 'none' : `${this.ticks[0]}..${this.latestTick}`})`,
      );
    }
    const lastInputSeq = this.seqs[i] + seqField;
    if (!Number.isSafeInteger(lastInputSeq)) throw new SnapshotError('malformed', 'lastInputSeq out of range');
    return { state: this.states[i], lastInputSeq };
  }

  /**
   * Keeps a new state. The states older than its baseline go: the server's baseline for this client only
   * moves forward (it deltas against the newest tick the client acknowledged), so no later delta can name
   * them, which keeps a mirror to a round trip of states instead of historyTicks.
   */
  push(tick: number, state: S, lastInputSeq: number, baselineTick: number | null): void {
    // Usually one or two states: shift() rather than splice(), which would allocate the removed elements.
    if (baselineTick !== null) while (this.ticks.length > 0 && this.ticks[0] < baselineTick) this.shift();
    this.ticks.push(tick);
    this.states.push(state);
    this.seqs.push(lastInputSeq);
    if (this.ticks.length > this.capacity) this.shift();
  }

  private shift(): void {
    this.ticks.shift();
    this.states.shift();
    this.seqs.shift();
  }
}
