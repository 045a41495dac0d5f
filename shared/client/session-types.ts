// The contracts of the client netcode library: what a game plugs in (a prediction model and an
// interpolation model), what a session hands back each frame, and the stats a HUD or a bot reads.
// client-session.ts re-exports all of them; import from there.

import type { EntityState, GameEvent } from '../codec/schema.js';
import type { NetClientEvents } from './net-client.js';
import type { JoinInfo } from '../protocol.js';

/**
 * How a game predicts its local player. The state must be a plain value (the session compares two
 * states field by field unless `equals` is given) and `step` must be the very function the server runs.
 */
export interface PredictionModel<State, Input> {
  /** The local player's predictable state from its replicated entity; null when it cannot be predicted (dead, absent). */
  fromEntity(entity: EntityState): State | null;
  /** One tick of the shared game step for the local player (must be the very function the server runs). */
  step(state: State, input: Input): State;
  /** World-unit position, for error measurement and smoothing. */
  position(state: State): { x: number; y: number };
  /** The entity with its predicted state written into its values (for rendering). */
  toEntity(entity: EntityState, state: State): EntityState;
  /**
   * The input the server applies on a tick for which it had none queued (GameDefinition.idleInput).
   * With it, the session reproduces the server's idle ticks exactly instead of counting them as
   * mispredictions. Default: the previous input unchanged.
   */
  idleInput?(previous: Input | null): Input;
  /** State equality (default: deep equality of plain values). */
  equals?(a: State, b: State): boolean;
}

export interface InterpolationModel {
  /** Field indexes of `kind` to interpolate linearly (positions). Others take the newer snapshot's value. */
  lerpFields(kind: number): readonly number[];
  /** Angular fields: index and the number of steps per full turn (interpolate the short way round). */
  angleFields(kind: number): readonly { index: number; steps: number }[];
  /** Beyond this distance (world units) between two snapshots of one entity, snap instead of lerp (teleport/respawn). */
  readonly teleportDistance: number;
  /** Kind and field indexes of the x/y position used for the teleport test and extrapolation; null for non-spatial kinds. */
  positionFields(kind: number): { x: number; y: number } | null;
  /**
   * Optional game knowledge of discontinuities other than distance (e.g. a respawn next to where the
   * player died): true when `older` -> `newer` must snap instead of being interpolated.
   */
  discontinuous?(older: EntityState, newer: EntityState): boolean;
}

export interface ClientSessionOptions<State, Input> {
  prediction: PredictionModel<State, Input>;
  interpolation: InterpolationModel;
  /** Wire form of an input (the game payload inside InputMessage). */
  encodeInput(input: Input): unknown;
  /** Input used before setInput is called. */
  initialInput: Input;
  /** Max extrapolation when the buffer runs dry, ms (default 100). */
  maxExtrapolationMs?: number;
  /** Smoothing window for residual prediction error, ms (default 100); errors above snapDistance snap. */
  smoothingMs?: number;
  /** World units (default: interpolation.teleportDistance). */
  snapDistance?: number;
  /** The local player's entity id from its player id (default: the same number, as in the arena). */
  localEntityId?(playerId: number): number;
  /**
   * How the fractional render tick becomes the integer renderTick carried by inputs for lag
   * compensation: 'round' (default: at most half a tick from what was on screen) or 'floor'.
   */
  renderTickRounding?: 'round' | 'floor';
  /** Interpolation delay bounds, ms (defaults: one snapshot interval .. 400 ms). */
  minInterpolationDelayMs?: number;
  maxInterpolationDelayMs?: number;
  /** Largest relative change of the input send interval used to steer the server's input queue (default 0.05). */
  maxSendRateAdjust?: number;
  /** Clock for timestamping snapshot arrivals, in the same time base as frame(nowMs). Default performance.now. */
  now?: () => number;
}

export interface RenderFrame {
  /** Fractional server tick that remote entities are rendered at (now - interpolation delay). */
  renderTick: number;
  /** The local player's entity, predicted and smoothed; null when not in the world or dead. */
  local: EntityState | null;
  /** Every entity to draw: interpolated remotes plus the predicted local player (values may be fractional). */
  entities: ReadonlyMap<number, EntityState>;
  /** Game events whose tick has been reached by renderTick since the previous frame (for effects, kill feed). */
  events: readonly { tick: number; event: GameEvent }[];
}

export interface NetStats {
  /** Round trip of an input to its acknowledgement, minus the time it waited in the server's queue. */
  rttMs: number;
  /** Snapshots applied per second (last 2 s). */
  snapshotRate: number;
  /** RFC 3550 interarrival jitter of snapshots. */
  snapshotJitterMs: number;
  /** How far behind the snapshot stream remote entities are drawn. */
  interpolationDelayMs: number;
  /** Corrections in the last minute (scaled when the session is younger). */
  correctionsPerMin: number;
  /** Mean size of those corrections, world units. */
  meanCorrectionError: number;
  /** Fraction of predicted ticks needing a correction (whole session). */
  correctionRate: number;
  corrections: number;
  predictedTicks: number;
  bytesInPerSec: number;
  bytesOutPerSec: number;
  /** The server's input queue for this player, as last reported (after that tick's input was taken). */
  serverInputQueue: number;
  estimatedServerTick: number;
  // ---- beyond the HUD's needs: for bots, benchmarks and debugging ----
  /** Ticks the server filled with the idle input because none of ours was queued (reproduced, not mispredicted). */
  idleTicks: number;
  /** Fraction of snapshots that never arrived (last 10 s). */
  snapshotLoss: number;
  /** Frames that drew at least one remote entity extrapolated past the newest snapshot. */
  extrapolatedFrames: number;
  /** Current relative change of the input send interval (+ = slower), from the queue feedback. */
  sendRateAdjust: number;
  inputsSent: number;
  /** Inputs the server never received because the connection dropped with them in flight. */
  inputsLostOnReconnect: number;
  reconnects: number;
}

/**
 * What a session needs from its connection: exactly what NetClient provides. Taking this narrow
 * interface lets the session run against an in-memory transport in unit tests.
 */
export interface SessionNet {
  readonly join: JoinInfo | null;
  readonly connected: boolean;
  readonly mirror: { readonly latestTick: number; readonly entities: ReadonlyMap<number, EntityState> };
  readonly stats: { readonly bytesIn: number; readonly bytesOut: number };
  readonly lastSeq: number;
  sendInput(payload: unknown, renderTick?: number): number;
  /** Sends inputs held back for a batch (JoinInfo.inputsPerMessage) now. */
  flushInputs(): void;
  on<K extends keyof NetClientEvents>(event: K, listener: (value: NetClientEvents[K]) => void): () => void;
}
