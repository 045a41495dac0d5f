// A fuzz run against one server: well-behaved bots seated in a room (one per transport), many fuzzing
// connections at once over each transport (each reconnecting as a new session whenever the server
// closes it or its frames are spent), /healthz polled every second, and the server itself watched
// (FuzzTarget) until the frame budget is spent or the server is gone.

import type { RawTransport } from '../../server/test-support/raw-socket.js';
import { ServerKnowledge } from './client-events.js';
import { deriveSeed } from './fuzz-rng.js';
import { runSession, type SessionTiming } from './fuzz-session.js';
import { createStats, formatProgress, recordFailure, type BotSummary, type FuzzFailure, type FuzzReport, type FuzzStats } from './fuzz-stats.js';
import { WatchBot } from './watch-bot.js';

/** The server under test, as the run sees it. */
export interface FuzzTarget {
  readonly port: number;
  /** Failures of the server itself since the last call: it exited or threw (crash), it logged an error. */
  newProblems(): FuzzFailure[];
}

export interface FuzzRunOptions {
  readonly target: FuzzTarget;
  /** Frames to send. */
  readonly frames: number;
  readonly seed: number;
  readonly transports: readonly RawTransport[];
  /** Fuzzing connections open at once, per transport. */
  readonly connectionsPerTransport: number;
  /** Each connection sends 1 to this many frames (its CONNECT included) unless the server closes it first. */
  readonly maxFramesPerConnection: number;
  readonly timing: SessionTiming;
  /** A bot without a snapshot for this long is a failure. */
  readonly botStallMs: number;
  readonly progressEveryMs: number;
  readonly onProgress?: (line: string) => void;
  readonly onFailure?: (failure: FuzzFailure) => void;
}

/** Most frames per batch: WebSocket messages sent back to back, or packets in one polling POST. */
const MAX_BATCH: Readonly<Record<RawTransport, number>> = { websocket: 3, polling: 6 };
/** Pause of a connection slot after a connection could not even be opened. */
const OPEN_RETRY_MS = 100;
const HEALTH_TIMEOUT_MS = 10_000;

/** Frames the session of `sessionSeed` may send: drawn from its seed, so a replay sends as many. */
function sessionFrameLimit(sessionSeed: number, maxFramesPerConnection: number): number {
  return 1 + (deriveSeed(sessionSeed, 1) % maxFramesPerConnection);
}

export async function runFuzz(options: FuzzRunOptions): Promise<FuzzReport> {
  const { target, seed, transports } = options;
  const url = `http://127.0.0.1:${target.port}`;
  const stats = createStats();
  if (options.onFailure) stats.onFailure = options.onFailure;
  const knowledge = new ServerKnowledge();
  const started = performance.now();
  let taken = 0;
  let stopped = false;
  let healthChecks = 0;
  let healthInFlight = false;

  const bots: WatchBot[] = [];
  try {
    for (const [i, transport] of transports.entries()) bots.push(await WatchBot.start(url, transport, deriveSeed(seed, 0xb07, i)));
  } catch (err) {
    for (const bot of bots) bot.stop();
    throw new Error(`the watching bots could not join the server: ${String(err)}`);
  }

  /** Each connection slot's last batch, with its session: what a crash followed. */
  const lastBatches = new Map<string, string>();
  const absorb = (failures: readonly FuzzFailure[]): void => {
    for (const failure of failures) {
      if (failure.kind !== 'crash') {
        recordFailure(stats, failure);
        continue;
      }
      // A server that is gone cannot be fuzzed further. One of the last frames sent is the likely cause.
      stopped = true;
      recordFailure(stats, { ...failure, message: `${failure.message}\nlast frames sent by each connection:\n${[...lastBatches.values()].join('\n')}` });
    }
  };
  const checkBots = (): void => {
    for (const bot of bots) {
      absorb(bot.newProblems(options.botStallMs).map((problem) => ({ kind: 'bot' as const, message: `${bot.transport} bot: ${problem}` })));
    }
  };
  const checkHealth = async (): Promise<void> => {
    if (healthInFlight) return;
    healthInFlight = true;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
      healthChecks++;
      if (res.status !== 200) absorb([{ kind: 'health', message: `/healthz answered ${res.status}: ${(await res.text()).slice(0, 200)}` }]);
    } catch (err) {
      healthChecks++;
      absorb([{ kind: 'health', message: `/healthz failed: ${String(err)}` }]);
    } finally {
      healthInFlight = false;
    }
  };
  const watch = setInterval(() => {
    absorb(target.newProblems());
    checkBots();
    void checkHealth();
  }, 1000);
  const progress = setInterval(
    () => options.onProgress?.(formatProgress(stats, options.frames, performance.now() - started, bots.map((b) => b.summary()))),
    options.progressEveryMs,
  );

  const runSlot = async (transport: RawTransport, transportIndex: number, slot: number): Promise<void> => {
    for (let n = 0; !stopped && taken < options.frames; n++) {
      const sessionSeed = deriveSeed(seed, transportIndex, slot, n);
      const unopened = stats.sessionEnds['could not open'] ?? 0;
      await runSession({
        port: target.port,
        transport,
        seed: sessionSeed,
        maxFrames: sessionFrameLimit(sessionSeed, options.maxFramesPerConnection),
        maxBatch: MAX_BATCH[transport],
        knowledge,
        stats,
        timing: options.timing,
        takeFrame: () => {
          if (stopped || taken >= options.frames) return false;
          taken++;
          return true;
        },
        releaseFrame: () => void taken--,
        onSend: (frames) => {
          const lines = frames.map((f) => `  session ${sessionSeed} over ${transport}, frame ${f.index}: ${f.label}\n    ${f.wire}`);
          lastBatches.set(`${transport}/${slot}`, lines.join('\n'));
        },
      });
      if ((stats.sessionEnds['could not open'] ?? 0) > unopened) await new Promise((r) => setTimeout(r, OPEN_RETRY_MS));
    }
  };

  let botSummaries: BotSummary[] = [];
  try {
    await Promise.all(
      transports.flatMap((transport, t) => Array.from({ length: options.connectionsPerTransport }, (_, slot) => runSlot(transport, t, slot))),
    );
    // Last look: the server, the bots (still receiving snapshots?) and one more health check.
    absorb(target.newProblems());
    checkBots();
    await checkHealth();
  } finally {
    clearInterval(watch);
    clearInterval(progress);
    botSummaries = bots.map((b) => b.summary());
    for (const bot of bots) bot.stop();
  }
  for (const bot of botSummaries) {
    if (bot.snapshots === 0) recordFailure(stats, { kind: 'bot', message: `${bot.transport} bot received no snapshot at all` });
  }
  return {
    seed,
    transports,
    targetFrames: options.frames,
    elapsedMs: performance.now() - started,
    stats,
    bots: botSummaries,
    healthChecks,
  };
}

export interface ReplayOptions {
  readonly port: number;
  readonly sessionSeed: number;
  readonly transport: RawTransport;
  readonly maxFramesPerConnection: number;
  readonly timing: SessionTiming;
  /** Told every frame sent (label, what the parser makes of it) and every answer. */
  readonly trace: (line: string) => void;
}

/**
 * Runs the one session of `sessionSeed` again, alone, telling every step: the same frames as in the run
 * it came from, except for room ids, codes and tokens, which came from that run's server.
 */
export async function replaySession(options: ReplayOptions): Promise<FuzzStats> {
  const stats = createStats();
  await runSession({
    port: options.port,
    transport: options.transport,
    seed: options.sessionSeed,
    maxFrames: sessionFrameLimit(options.sessionSeed, options.maxFramesPerConnection),
    maxBatch: MAX_BATCH[options.transport],
    knowledge: new ServerKnowledge(),
    stats,
    timing: options.timing,
    takeFrame: () => true,
    releaseFrame: () => {},
    trace: options.trace,
  });
  return stats;
}
