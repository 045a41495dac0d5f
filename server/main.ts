// Entry point: `npm start`. This repository's game server: its games, hosted by runGameServer
// (server/create-game-server.ts: settings from the environment, WORKERS, draining on SIGTERM), with the
// built browser client (dist/client) served at / when it exists.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arenaGame } from '../shared/game/arena/index.js';
import { blobsGame } from '../shared/game/blobs/index.js';
import { runGameServer } from './create-game-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtClient = join(root, 'dist', 'client');

runGameServer({
  // The arena first: the default game of a request that names none.
  games: [arenaGame, blobsGame],
  config: {
    ...(process.env.STATIC_DIR ? {} : { staticDir: existsSync(builtClient) ? builtClient : null }),
  },
}).catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'error', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});
