// The one workload every load generator of the peers benchmark plays (ours through the bots CLI, Colyseus
// through @colyseus/sdk, the bare ws floor through ws): rooms of 16 players moving continuously, their
// direction and aim changing once a second, 30 inputs/s in and 30 snapshots/s out per player.

import { ArenaBrain, STEADY_TURN_TICKS, type BotView } from '../../../shared/game/arena/bot-brain.js';
import type { ArenaInput } from '../../../shared/game/arena/index.js';

export const WORKLOAD = {
  playersPerRoom: 16,
  inputsPerSec: 30,
  snapshotsPerSec: 30,
  /** Inputs between changes of direction and aim: once a second (the arena's steady bots). */
  inputsPerTurn: STEADY_TURN_TICKS,
  /** Players started per second while filling the rooms. */
  rampPerSec: 100,
  steps: [128, 512, 1024],
  runs: 3,
} as const;

/** What a peer's player "sees": itself, always alive and playing (the peers have no game to say otherwise). */
const PLAYING: BotView = { self: { x: 0, y: 0, alive: true }, enemies: [] };

/**
 * A peer's player: one input per call, a new direction and aim every WORKLOAD.inputsPerTurn calls. It is the
 * arena's steady bot brain, which our bots play with (`--behaviour steady`), so every server gets inputs of
 * the same pattern. Seeded, so runs repeat.
 */
export class WorkloadPlayer {
  private readonly brain: ArenaBrain;

  constructor(seed: number) {
    this.brain = new ArenaBrain('steady', seed);
  }

  nextInput(): ArenaInput {
    return this.brain.think(PLAYING);
  }
}

/** What a peer's load generator (Colyseus, floor) writes with --json: the same counters our bots report. */
export interface PeerLoadReport {
  readonly requested: number;
  readonly connected: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  /** Over the measuring window, summed over connected players. */
  readonly inputsSent: number;
  readonly inputsDue: number;
  /** State messages (snapshots, patches) received. */
  readonly messagesReceived: number;
  readonly durationSec: number;
  /** The load generator's own CPU over the window, % of one core. */
  readonly cpuPercent: number;
}

/**
 * Calls `onTick` every 1/30 s on an absolute schedule (no drift): a load generator's inputs, a floor server's
 * messages. Like our bots' driver, a process too busy to keep up skips the ticks it missed rather than
 * bursting them: for a load generator the inputs-sent ratio then shows it, and the run is flagged as saturated.
 */
export function startTickClock(onTick: () => void): () => void {
  const periodMs = 1000 / WORKLOAD.inputsPerSec;
  const start = performance.now();
  let tick = 0;
  let timer: NodeJS.Timeout;
  const loop = () => {
    onTick();
    tick = Math.max(tick + 1, Math.floor((performance.now() - start) / periodMs));
    timer = setTimeout(loop, Math.max(0, start + (tick + 1) * periodMs - performance.now()));
  };
  timer = setTimeout(loop, periodMs);
  return () => clearTimeout(timer);
}
