// Entry point of the naive baseline server: this repository's games on the production server
// (runGameServer: settings from the environment, as `npm start` takes them), with the naive plug-in
// (naive-plugin.ts). `node --import tsx sim/bench/naive/naive-server.ts`; the benchmarks bundle it and run
// the bundle with plain node, as `npm start` runs ours (startServer in sim/bench/capacity-bench.ts).

import { arenaGame } from '../../../shared/game/arena/index.js';
import { runGameServer } from '../../../server/create-game-server.js';
import { NAIVE_SERVER_OPTIONS } from './naive-plugin.js';

runGameServer({ games: [arenaGame], ...NAIVE_SERVER_OPTIONS }).catch((err: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'error', msg: 'failed to start', err: String(err) }) + '\n');
  process.exit(1);
});
