// Starts a real GameServer on an ephemeral loopback port for integration tests.

import { arenaGame } from '../../shared/game/arena/index.js';
import type { AnyGame } from '../../shared/game/game-definition.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import { GameServer, type GameServerOptions } from '../game-server.js';
import { createLogger } from '../logger.js';

export interface TestServer {
  readonly server: GameServer;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  extra: Partial<Omit<GameServerOptions, 'config'>> = {},
): Promise<TestServer> {
  const config: ServerConfig = {
    ...DEFAULT_CONFIG,
    port: 0,
    host: '127.0.0.1',
    logLevel: (process.env.TEST_LOG_LEVEL as ServerConfig['logLevel'] | undefined) ?? 'silent',
    // Tests count players and entities: no server-hosted bots unless a test asks for them.
    botFill: 0,
    ...overrides,
  };
  const games: readonly AnyGame[] = extra.games ?? [arenaGame];
  const server = new GameServer({ ...extra, config, games, logger: extra.logger ?? createLogger(config.logLevel) });
  const port = await server.listen();
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => server.shutdown('test over'),
  };
}
