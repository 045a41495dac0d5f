// The library entry point. `createGameServer({ games })` builds a server hosting those games, with settings
// from the environment (server/config.ts) under the ones given; `runGameServer({ games })` is a whole
// server process: one node, or with WORKERS=N a supervisor of N nodes, draining on SIGTERM (no new rooms,
// matches go on up to DRAIN_TIMEOUT_MS, then rooms close cleanly, exit 0) and stopping at once on SIGINT
// (Ctrl-C) or a second signal. server/main.ts is `runGameServer` with this repository's games.
//
//   import { runGameServer } from './server/create-game-server.js';
//   await runGameServer({ games: [myGame] });

import { join } from 'node:path';
import type { AnyGame } from '../shared/game/game-definition.js';
import type { AuthVerifier } from './auth.js';
import { configFromEnv, type ServerConfig } from './config.js';
import { GameServer, type GameServerOptions } from './game-server.js';
import { createLogger, type Logger } from './logger.js';
import { superviseWorkers } from './worker-supervisor.js';

/** roomSnapshots and socketParser (how rooms' snapshots reach players, socket.io's parser): see GameServerOptions. */
export interface CreateGameServerOptions extends Pick<GameServerOptions, 'roomSnapshots' | 'socketParser'> {
  /** The games to host; the first is the default of a request that names none. */
  readonly games: readonly AnyGame[];
  /** Settings over the environment's (PORT, REDIS_URL, ...: see the README's configuration table). */
  readonly config?: Partial<ServerConfig>;
  readonly logger?: Logger;
  /** Who may connect (default: guests with a display name). */
  readonly verifier?: AuthVerifier;
}

/** The settings of a server process: the environment's, then `overrides`; recordings go to data/recordings unless RECORDINGS_DIR says otherwise. */
export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const fromEnv = configFromEnv();
  // Matches are recorded unless RECORDINGS_DIR=off; unset, they go to data/recordings.
  const recordingsDir = process.env.RECORDINGS_DIR ? fromEnv.recordingsDir : join(process.cwd(), 'data', 'recordings');
  return { ...fromEnv, recordingsDir, ...overrides };
}

export function createGameServer(options: CreateGameServerOptions): GameServer {
  const config = serverConfig(options.config);
  return new GameServer({
    config,
    games: options.games,
    logger: options.logger ?? createLogger(config.logLevel, { svc: 'game-server' }),
    ...(options.verifier ? { verifier: options.verifier } : {}),
    ...(options.roomSnapshots ? { roomSnapshots: options.roomSnapshots } : {}),
    ...(options.socketParser ? { socketParser: options.socketParser } : {}),
  });
}

/** Runs a server process until it is stopped; resolves once it listens (a supervisor of WORKERS never resolves: it exits). */
export async function runGameServer(options: CreateGameServerOptions): Promise<GameServer | null> {
  const config = serverConfig(options.config);
  if (config.workers > 1) {
    // WORKERS=N: this process only supervises N node processes, one per core (server/worker-supervisor.ts).
    const supervisor = superviseWorkers({ config, log: createLogger(config.logLevel, { svc: 'worker-supervisor' }) });
    process.exit(await supervisor.done);
  }
  const log = options.logger ?? createLogger(config.logLevel, { svc: 'game-server' });
  const server = createGameServer({ ...options, config, logger: log });
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
  stopOnSignals(server, config, log);
  return server;
}

function stopOnSignals(server: GameServer, config: ServerConfig, log: Logger): void {
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
