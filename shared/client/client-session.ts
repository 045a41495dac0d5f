// The client netcode as a library: a ClientSession sits on a NetClient and gives a game (the Phaser
// client, a headless bot) what it needs each frame: the local player predicted from its own inputs and
// reconciled with the server, every other entity interpolated between snapshots, the game events when
// they happen on screen, and the stats a HUD shows. The game plugs in a PredictionModel (its step) and
// an InterpolationModel (which fields blend how); see shared/game/arena/client-models.ts.
//
// Per frame (frame(nowMs)), in this order:
//  1. inputs: the input pacer says how many are due (one per server tick on average, a few percent
//     faster or slower to keep the server's queue of our inputs about one deep); each is sent with the
//     render tick the player was looking at, applied to the prediction at once, and timed for the RTT;
//  2. the render clock advances toward (arrival tick - interpolation delay), never jumping, and never
//     beyond what the buffer can draw (newest snapshot + the extrapolation limit);
//  3. remote entities are sampled from the interpolation buffer at that tick;
//  4. the local player is drawn from its prediction, blended across the current tick and offset by
//     the decaying correction error;
//  5. the events whose tick the render clock passed are handed out.
// Per snapshot: the clock, jitter, loss and RTT estimators are fed, the buffer and event timeline
// extended, the pacer told about the server's queue, and the prediction reconciled.

import type { AppliedSnapshot } from '../codec/snapshot-mirror.js';
import type { EntityState } from '../codec/schema.js';
import { inputsPerMessageOf, type JoinInfo } from '../protocol.js';
import { Emitter } from '../util/emitter.js';
import { ServerClock } from './clock-sync.js';
import { ErrorSmoother } from './error-smoother.js';
import { EventTimeline, type TimedEvent } from './event-timeline.js';
import { InputPacer } from './input-pacer.js';
import { InterpolationBuffer } from './interpolation-buffer.js';
import { interpolationDelayMs } from './interpolation-delay.js';
import { JitterEstimator } from './jitter-estimator.js';
import { LossEstimator } from './loss-estimator.js';
import { Predictor, type Reconciliation } from './predictor.js';
import { RateMeter } from './rate-meter.js';
import { RenderClock } from './render-clock.js';
import { RttTracker } from './rtt-tracker.js';
import type { ClientSessionOptions, NetStats, RenderFrame, SessionNet } from './session-types.js';

export type {
  ClientSessionOptions,
  InterpolationModel,
  NetStats,
  PredictionModel,
  RenderFrame,
  SessionNet,
} from './session-types.js';
export type { Reconciliation } from './predictor.js';

/** An input as it was sent: what the player pressed, and what it was looking at. */
export interface SentInput<Input> {
  readonly seq: number;
  readonly input: Input;
  /** The render tick carried for lag compensation. */
  readonly renderTick: number;
  readonly sentAt: number;
}

export interface ClientSessionEvents<State, Input> {
  /** An input left (before any network-conditions delay). */
  input: SentInput<Input>;
  /** A snapshot was reconciled with the prediction (every snapshot, corrected or not). */
  reconcile: Reconciliation<State>;
  /** The prediction state was dropped (join, rejoin, or reset()). */
  reset: undefined;
}

/** Timing settings derived from the room's tick and snapshot rates. */
interface Timing {
  readonly tickRate: number;
  readonly snapshotRate: number;
  readonly inputsPerMessage: number;
  readonly tickMs: number;
  readonly snapshotIntervalMs: number;
}

/** The estimators and buffers that depend on the room's timing, rebuilt on each (re)join. */
interface Machinery<State, Input> {
  readonly timing: Timing;
  readonly clock: ServerClock;
  readonly jitter: JitterEstimator;
  readonly loss: LossEstimator;
  readonly rtt: RttTracker;
  readonly pacer: InputPacer;
  readonly renderClock: RenderClock;
  readonly buffer: InterpolationBuffer;
  readonly predictor: Predictor<State, Input>;
}

const EMPTY_ENTITIES: ReadonlyMap<number, EntityState> = new Map();

export class ClientSession<State, Input> extends Emitter<ClientSessionEvents<State, Input>> {
  readonly stats: NetStats = {
    rttMs: 0,
    snapshotRate: 0,
    snapshotJitterMs: 0,
    interpolationDelayMs: 0,
    correctionsPerMin: 0,
    meanCorrectionError: 0,
    correctionRate: 0,
    corrections: 0,
    predictedTicks: 0,
    bytesInPerSec: 0,
    bytesOutPerSec: 0,
    serverInputQueue: 0,
    estimatedServerTick: 0,
    idleTicks: 0,
    snapshotLoss: 0,
    extrapolatedFrames: 0,
    sendRateAdjust: 0,
    inputsSent: 0,
    inputsLostOnReconnect: 0,
    reconnects: 0,
  };

  private readonly net: SessionNet;
  private readonly options: ClientSessionOptions<State, Input>;
  private readonly now: () => number;
  private readonly smoother: ErrorSmoother;
  private readonly timeline = new EventTimeline();
  private readonly snapshotMeter = new RateMeter(2000);
  private readonly correctionMeter = new RateMeter(60_000);
  private readonly errorMeter = new RateMeter(60_000);
  private readonly bytesInMeter = new RateMeter(2000);
  private readonly bytesOutMeter = new RateMeter(2000);
  private readonly offs: (() => void)[] = [];
  private m: Machinery<State, Input> | null = null;
  private input: Input;
  /** Between a disconnect and the seat being taken back: inputs would be refused, so none are sent. */
  private paused = false;
  /** When the last input was handed to the connection. */
  private lastInputAt = 0;
  /** The last input sequence sent before this epoch (join, rejoin or reset). */
  private epochSeq: number;
  private sentBeforeDrop: number | null = null;
  private previousSnapshot: { tick: number; seq: number } | null = null;
  private latestState: ReadonlyMap<number, EntityState> | null = null;
  private renderTick: number | null = null;
  private targetDelayMs = 0;
  private lastBytes: { in: number; out: number } | null = null;
  private disposed = false;

  constructor(net: SessionNet, options: ClientSessionOptions<State, Input>) {
    super();
    this.net = net;
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.input = options.initialInput;
    this.epochSeq = net.lastSeq;
    this.smoother = new ErrorSmoother(options.smoothingMs ?? 100, options.snapDistance ?? options.interpolation.teleportDistance);
    this.offs.push(
      net.on('snapshot', (snapshot) => this.onSnapshot(snapshot)),
      net.on('joined', (join) => {
        this.paused = false;
        this.sentBeforeDrop = null;
        this.restart(join);
      }),
      net.on('rejoined', (join) => {
        this.paused = false;
        this.stats.reconnects++;
        if (this.sentBeforeDrop !== null) {
          // Inputs the server never queued: sent after its last one, lost in flight when the link dropped.
          this.stats.inputsLostOnReconnect += Math.max(0, this.sentBeforeDrop - join.lastInputSeq);
        }
        this.sentBeforeDrop = null;
        this.restart(join);
      }),
      net.on('disconnected', () => {
        this.paused = true;
        this.sentBeforeDrop = this.net.lastSeq;
      }),
      net.on('roomClosed', () => this.reset()),
    );
  }

  /** The input currently held; sampled once per tick by frame(). */
  setInput(input: Input): void {
    this.input = input;
  }

  /** The held input. */
  get currentInput(): Input {
    return this.input;
  }

  /** The local player's predicted state after the newest input (null when not predicted). */
  get predictedState(): State | null {
    return this.m?.predictor.current ?? null;
  }

  /** Inputs sent and not yet acknowledged. */
  get pendingInputs(): number {
    return this.m?.predictor.pendingCount ?? 0;
  }

  /**
   * Call every animation frame (or bot loop) with a monotonic ms clock: sends due inputs at the
   * (clock-synced) tick rate with renderTick, predicts, interpolates.
   */
  frame(nowMs: number): RenderFrame {
    const join = this.net.join;
    if (this.disposed || join === null) return { renderTick: this.renderTick ?? 0, local: null, entities: EMPTY_ENTITIES, events: [] };
    const m = this.machinery(join);
    this.meterBytes(nowMs);
    this.correctionMeter.start(nowMs);
    this.snapshotMeter.start(nowMs);

    // 1. inputs
    if (!this.paused && this.net.connected) {
      const due = m.pacer.due(nowMs);
      for (let i = 0; i < due; i++) this.sendInput(m, nowMs);
      // Inputs held for a batch (INPUTS_PER_MESSAGE) go out once the next ones are overdue (frames stalled).
      if (due === 0 && nowMs - this.lastInputAt >= 1.5 * m.pacer.intervalMs) this.net.flushInputs();
    }

    // 2. render clock
    const arrival = m.clock.arrivalTick(nowMs);
    if (arrival !== null) {
      const ceiling = m.buffer.newestTick + (this.options.maxExtrapolationMs ?? 100) / m.timing.tickMs;
      this.renderTick = m.renderClock.advance(nowMs, arrival - this.targetDelayMs / m.timing.tickMs, ceiling);
    }
    const renderTick = this.renderTick ?? Math.max(0, m.buffer.newestTick);

    // 3. remote entities
    const localId = this.localEntityId(join);
    const sample = m.buffer.sample(renderTick, nowMs, localId);
    if (sample.extrapolated) this.stats.extrapolatedFrames++;
    const entities = sample.entities;

    // 4. the local player
    const local = this.drawLocal(m, localId, nowMs);
    if (local !== null) entities.set(localId, local);
    else {
      const authoritative = this.latestState?.get(localId);
      if (authoritative) entities.set(localId, authoritative);
    }

    // 5. events
    const events: TimedEvent[] = m.buffer.size > 0 ? this.timeline.release(renderTick) : [];

    this.updateStats(m, nowMs, arrival, renderTick);
    return { renderTick, local, entities, events };
  }

  /** Drop all prediction/interpolation state (called automatically on NetClient 'rejoined' and 'joined'). */
  reset(): void {
    const m = this.m;
    if (m !== null) {
      m.predictor.reset();
      m.buffer.reset();
      m.renderClock.reset();
      m.pacer.reset();
      m.clock.reset();
      m.jitter.reset();
      m.loss.reset();
      m.rtt.reset();
    }
    this.smoother.reset();
    this.timeline.clear();
    this.epochSeq = this.net.lastSeq;
    this.previousSnapshot = null;
    this.latestState = null;
    this.renderTick = null;
    this.targetDelayMs = 0;
    this.emit('reset', undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs.splice(0)) off();
  }

  // ---- internals ----

  private restart(join: JoinInfo): void {
    // Timing may differ in the new room: rebuild the machinery, then clear everything.
    const timing = this.m?.timing;
    if (
      timing !== undefined &&
      (timing.tickRate !== join.tickRate || timing.snapshotRate !== join.snapshotRate || timing.inputsPerMessage !== inputsPerMessageOf(join))
    ) {
      this.m = null;
    }
    this.reset();
  }

  private machinery(join: JoinInfo): Machinery<State, Input> {
    if (this.m !== null) return this.m;
    const tickMs = 1000 / join.tickRate;
    const snapshotIntervalTicks = Math.max(1, Math.round(join.tickRate / join.snapshotRate));
    const timing: Timing = {
      tickRate: join.tickRate,
      snapshotRate: join.snapshotRate,
      inputsPerMessage: inputsPerMessageOf(join),
      tickMs,
      snapshotIntervalMs: snapshotIntervalTicks * tickMs,
    };
    this.m = {
      timing,
      clock: new ServerClock({ tickMs }),
      jitter: new JitterEstimator(tickMs),
      loss: new LossEstimator(snapshotIntervalTicks, 10_000),
      rtt: new RttTracker(tickMs),
      pacer: new InputPacer({ tickMs, maxAdjust: this.options.maxSendRateAdjust, inputsPerMessage: timing.inputsPerMessage }),
      renderClock: new RenderClock({ tickMs }),
      buffer: new InterpolationBuffer(this.options.interpolation, {
        tickMs,
        maxExtrapolationMs: this.options.maxExtrapolationMs ?? 100,
        smoothingMs: this.options.smoothingMs ?? 100,
      }),
      predictor: new Predictor(this.options.prediction),
    };
    return this.m;
  }

  private localEntityId(join: JoinInfo): number {
    return this.options.localEntityId ? this.options.localEntityId(join.playerId) : join.playerId;
  }

  private sendInput(m: Machinery<State, Input>, now: number): void {
    const input = this.input;
    const renderTick = this.inputRenderTick();
    const seq = this.net.sendInput(this.options.encodeInput(input), renderTick);
    m.predictor.push(seq, input);
    m.rtt.onSent(seq, now);
    this.lastInputAt = now;
    this.stats.inputsSent++;
    this.emit('input', { seq, input, renderTick, sentAt: now });
  }

  /** The integer render tick carried by an input: what the player saw when it chose the input. */
  private inputRenderTick(): number {
    const rt = this.renderTick;
    if (rt === null) return Math.max(0, this.net.mirror.latestTick);
    return Math.max(0, this.options.renderTickRounding === 'floor' ? Math.floor(rt) : Math.round(rt));
  }

  private onSnapshot(snapshot: AppliedSnapshot): void {
    const join = this.net.join;
    if (this.disposed || join === null) return;
    // Between a drop and the rejoin reply: snapshots of the new connection, read before the reply, show
    // ticks the server ran with no link to this player (its idle input for an absent player), which no
    // prediction from before the drop can match. The rejoin resets the session; prediction restarts there.
    if (this.paused) return;
    const m = this.machinery(join);
    const now = this.now();

    // Timing estimators.
    m.clock.onSnapshot(snapshot.tick, now);
    m.jitter.onArrival(snapshot.tick, now);
    m.loss.onSnapshot(snapshot.tick, now);
    this.snapshotMeter.add(now);
    const rtt = m.rtt.onAck(snapshot, now);
    if (rtt !== null) m.clock.onRttSample(rtt, now);
    const bounds = {
      minMs: this.options.minInterpolationDelayMs ?? m.timing.snapshotIntervalMs,
      maxMs: this.options.maxInterpolationDelayMs ?? 400,
    };
    this.targetDelayMs = interpolationDelayMs(
      { snapshotIntervalMs: m.timing.snapshotIntervalMs, jitterMs: m.jitter.jitterMs, latenessMs: m.clock.latenessMs(0.95), loss: m.loss.loss(now) },
      bounds,
    );

    // Buffers.
    m.buffer.push(snapshot.tick, snapshot.state);
    this.timeline.push(snapshot.events);
    this.latestState = snapshot.state;

    // The server's input queue: depth, and ticks it had to fill with the idle input.
    let idleTicks = 0;
    const prev = this.previousSnapshot;
    if (prev !== null && prev.seq > this.epochSeq && snapshot.lastInputSeq >= prev.seq && snapshot.tick > prev.tick) {
      idleTicks = Math.max(0, snapshot.tick - prev.tick - (snapshot.lastInputSeq - prev.seq));
    }
    this.previousSnapshot = { tick: snapshot.tick, seq: snapshot.lastInputSeq };
    this.stats.idleTicks += idleTicks;
    this.stats.serverInputQueue = snapshot.inputQueueDepth;
    m.pacer.setJitter(m.jitter.jitterMs);
    if (snapshot.lastInputSeq > this.epochSeq) m.pacer.onQueueReport({ inputQueueDepth: snapshot.inputQueueDepth, idleTicks }, now);

    // Reconciliation, with the drawn position kept still across it (the smoother absorbs the change).
    const before = this.localDrawPosition(m, now);
    const result = m.predictor.reconcile({
      tick: snapshot.tick,
      lastInputSeq: snapshot.lastInputSeq,
      lastInputTick: snapshot.lastInputTick,
      entity: snapshot.state.get(this.localEntityId(join)),
    });
    if (result === null) return;
    const after = this.localDrawPosition(m, now);
    if (before !== null && after !== null) this.smoother.add(before.x - after.x, before.y - after.y, now);
    else this.smoother.reset();
    this.stats.predictedTicks += result.verifiedInputs;
    if (result.corrected) {
      this.stats.corrections++;
      this.correctionMeter.add(now);
      this.errorMeter.add(now, result.error);
    }
    this.emit('reconcile', result);
  }

  /** Where the local player's prediction is drawn at `now`, before the smoothing offset. */
  private localDrawPosition(m: Machinery<State, Input>, now: number): { x: number; y: number } | null {
    const current = m.predictor.current;
    if (current === null) return null;
    const model = this.options.prediction;
    const b = model.position(current);
    const previous = m.predictor.previous;
    if (previous === null) return b;
    const a = model.position(previous);
    const alpha = m.pacer.phase(now);
    return { x: a.x + (b.x - a.x) * alpha, y: a.y + (b.y - a.y) * alpha };
  }

  private drawLocal(m: Machinery<State, Input>, localId: number, now: number): EntityState | null {
    const current = m.predictor.current;
    const authoritative = this.latestState?.get(localId);
    if (current === null || authoritative === undefined) return null;
    const entity = this.options.prediction.toEntity(authoritative, current);
    const fields = this.options.interpolation.positionFields(entity.kind);
    const drawn = this.localDrawPosition(m, now);
    if (fields === null || drawn === null) return entity;
    const offset = this.smoother.offset(now);
    const values = entity.values.slice();
    values[fields.x] = drawn.x + offset.x;
    values[fields.y] = drawn.y + offset.y;
    return { id: entity.id, kind: entity.kind, values };
  }

  private meterBytes(now: number): void {
    const { bytesIn, bytesOut } = this.net.stats;
    if (this.lastBytes !== null) {
      this.bytesInMeter.add(now, Math.max(0, bytesIn - this.lastBytes.in));
      this.bytesOutMeter.add(now, Math.max(0, bytesOut - this.lastBytes.out));
    } else {
      this.bytesInMeter.start(now);
      this.bytesOutMeter.start(now);
    }
    this.lastBytes = { in: bytesIn, out: bytesOut };
  }

  private updateStats(m: Machinery<State, Input>, now: number, arrival: number | null, renderTick: number): void {
    const s = this.stats;
    s.rttMs = m.clock.rttMs;
    s.snapshotRate = this.snapshotMeter.rate(now);
    s.snapshotJitterMs = m.jitter.jitterMs;
    s.interpolationDelayMs = arrival === null ? this.targetDelayMs : Math.max(0, (arrival - renderTick) * m.timing.tickMs);
    s.correctionsPerMin = this.correctionMeter.rate(now, 60_000);
    s.meanCorrectionError = this.errorMeter.mean(now);
    s.correctionRate = s.predictedTicks === 0 ? 0 : s.corrections / s.predictedTicks;
    s.bytesInPerSec = this.bytesInMeter.rate(now);
    s.bytesOutPerSec = this.bytesOutMeter.rate(now);
    s.estimatedServerTick = m.clock.serverTick(now) ?? Math.max(0, m.buffer.newestTick);
    s.snapshotLoss = m.loss.loss(now);
    s.sendRateAdjust = m.pacer.adjust;
  }
}
