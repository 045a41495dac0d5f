// A well-behaved player in the fuzzed server: the same NetClient as the browser game, seated in a
// room by quick play (where the fuzzing connections' quick plays land too), sending an input every
// tick. It must stay connected and seated, decode every snapshot, and keep receiving them.

import type { RawTransport } from '../../server/test-support/raw-socket.js';
import { NetClient } from '../../shared/client/net-client.js';
import { AIM_STEPS, DIRECTION_KEYS, arenaGame, encodeArenaInput } from '../../shared/game/arena/index.js';
import { FuzzRng } from './fuzz-rng.js';
import type { BotSummary } from './fuzz-stats.js';

export class WatchBot {
  private readonly timer: NodeJS.Timeout;
  private lastSnapshotAt = performance.now();
  private longestGapMs = 0;
  private stallReported = false;
  private decodeErrorsReported = 0;
  private readonly problemsSeen: string[] = [];

  private constructor(
    readonly transport: RawTransport,
    private readonly net: NetClient,
    rng: FuzzRng,
  ) {
    const tickMs = 1000 / arenaGame.tickRate;
    let keys = 0;
    this.timer = setInterval(() => {
      if (rng.chance(0.05)) keys = rng.chance(0.2) ? 0 : rng.pick(DIRECTION_KEYS);
      net.sendInput(encodeArenaInput({ keys, aim: rng.int(AIM_STEPS) }));
    }, tickMs);
    net.on('snapshot', () => {
      const now = performance.now();
      this.longestGapMs = Math.max(this.longestGapMs, now - this.lastSnapshotAt);
      this.lastSnapshotAt = now;
      this.stallReported = false;
    });
    net.on('disconnected', (reason) => this.problemsSeen.push(`disconnected (${reason})`));
    net.on('roomClosed', (message) => this.problemsSeen.push(`its room was closed (${message.reason}: ${message.message})`));
  }

  /** Connects over `transport`, takes a seat by quick play and starts playing. */
  static async start(url: string, transport: RawTransport, seed: number): Promise<WatchBot> {
    const net = new NetClient({ url, games: [arenaGame], name: `watch-${transport}`, transports: [transport], reconnection: false });
    try {
      await net.connect(15_000);
      await net.quickPlay();
    } catch (err) {
      net.close();
      throw err;
    }
    return new WatchBot(transport, net, new FuzzRng(seed));
  }

  /** What went wrong since the last call (empty: all well); no snapshot for `stallMs` counts, once per stall. */
  newProblems(stallMs: number): string[] {
    const problems = this.problemsSeen.splice(0);
    const { decodeErrors } = this.net.stats;
    if (decodeErrors > this.decodeErrorsReported) {
      problems.push(`${decodeErrors - this.decodeErrorsReported} snapshot decode errors`);
      this.decodeErrorsReported = decodeErrors;
    }
    const silentMs = performance.now() - this.lastSnapshotAt;
    if (this.net.connected && silentMs > stallMs && !this.stallReported) {
      this.stallReported = true;
      problems.push(`no snapshot for ${Math.round(silentMs)} ms`);
    }
    return problems;
  }

  summary(): BotSummary {
    const { snapshots, decodeErrors } = this.net.stats;
    return { transport: this.transport, snapshots, decodeErrors, connected: this.net.connected, longestGapMs: this.longestGapMs };
  }

  stop(): void {
    clearInterval(this.timer);
    this.net.close();
  }
}
