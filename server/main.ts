// Entry point: `npm start`. Reads the environment and starts the game server (one node; with WORKERS=N,
// a supervisor of N node processes). SIGTERM drains (no new rooms, matches go on up to DRAIN_TIMEOUT_MS,
// then rooms close cleanly, exit 0); SIGINT (Ctrl-C) or a second signal shuts down at once.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARENA_MAP, arenaGame } from '../shared/game/arena/index.js';
import { configFromEnv } from './config.js';
import { GameServer } from './game-server.js';
import { createLogger } from './logger.js';
import { superviseWorkers } from './worker-supervisor.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const fromEnv = configFromEnv();
  const config = process.argv.includes('--naive') ? { ...fromEnv, naive: true } : fromEnv;
  const staticDir = config.staticDir ?? (existsSync(join(root, 'dist', 'client')) ? join(root, 'dist', 'client') : null);
  if (config.workers > 1) {
    // WORKERS=N: this process only supervises N node processes, one per core (server/worker-supervisor.ts).
    const supervisor = superviseWorkers({ config, log: createLogger(config.logLevel, { svc: 'worker-supervisor' }) });
    process.exit(await supervisor.done);
  }
  const log = createLogger(config.logLevel, { svc: 'game-server' });
  // Matches are recorded unless RECORDINGS_DIR=off; unset, they go to data/recordings.
  const recordingsDir = process.env.RECORDINGS_DIR ? config.recordingsDir : join(process.cwd(), 'data', 'recordings');
  const server = new GameServer({ config: { ...config, staticDir, recordingsDir }, game: arenaGame, logger: log, mapName: ARENA_MAP.name });
  // Last resort. Every error path we know of is handled where it happens (sockets, streams, files, room
  // steps, requests); one that still escapes, from a library callback say, is logged and counted, and
  // the other matches play on instead of all of them ending with the process.
  process.on('uncaughtException', (err) => {
    server.metrics.ioErrors.inc({ source: 'uncaught' });
    log.error('uncaught exception', { err });
  });
  process.on('unhandledRejection', (reason) => {
    server.metrics.ioErrors.inc({ source: 'unhandled_rejection' });
    log.error('unhandled promise rejection', { err: reason });
  });
  await server.listen();

  let signals = 0;
  let firstSignalAt = 0;
  const stop = (signal: string) => {
    // One stop can reach this process twice: a terminal's Ctrl-C (from the terminal, and forwarded by
    // npm), or a service manager's SIGTERM to every process of the group while the supervisor of WORKERS
    // forwards its own. A second SIGTERM ends a drain only when it comes later, on purpose.
    if (signals > 0 && (signal !== 'SIGTERM' || performance.now() - firstSignalAt < 2000)) return;
    signals++;
    firstSignalAt = performance.now();
    const drain = signal === 'SIGTERM' && signals === 1 && config.drainTimeoutMs > 0;
    log.info('signal received', { signal, action: drain ? 'drain' : 'shutdown' });
    const bound = (drain ? config.drainTimeoutMs : 0) + 10_000;
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, bound);
    force.unref();
    const done = drain ? server.drain(config.drainTimeoutMs) : server.shutdown(`server stopping (${signal})`);
    done.then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'error', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});
