// Entry point: `npm start`. Reads the environment, starts the game server, shuts down cleanly on
// SIGTERM/SIGINT (stop accepting, tell clients, close rooms, exit 0).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARENA_MAP, arenaGame } from '../shared/game/arena/index.js';
import { configFromEnv } from './config.js';
import { GameServer } from './game-server.js';
import { createLogger } from './logger.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const fromEnv = configFromEnv();
  const config = process.argv.includes('--naive') ? { ...fromEnv, naive: true } : fromEnv;
  const staticDir = config.staticDir ?? (existsSync(join(root, 'dist', 'client')) ? join(root, 'dist', 'client') : null);
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

  // Once only: a terminal's Ctrl-C reaches this process twice, from the terminal and forwarded by npm.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('signal received', { signal });
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.shutdown(`server stopping (${signal})`).then(
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
