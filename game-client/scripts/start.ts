// `npm start`, first step: builds what is missing or stale, the game client (dist/client) and the server
// (dist/server/main.js: game-client/scripts/server-build.ts), then exits. Set SKIP_CLIENT_BUILD=1 to serve
// whatever is in dist/client as is. A client that fails to build is not fatal (the server serves the
// previous build, or a page saying it is missing); a server that fails to build is.
//
// package.json then runs `exec node --enable-source-maps dist/server/main.js`: compiled JavaScript, no
// TypeScript loader in the server process, nor in the workers of WORKERS=N, which run the supervisor's own
// command. `exec`: npm forwards SIGTERM/SIGINT to its child, and with `exec` that child is the server itself.
// Without it sh, which does not pass signals on, would sit in between, and a SIGTERM to npm alone would
// leave the server running.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_DIST, ensureClientBuilt } from './client-build.js';
import { ensureServerBuilt } from './server-build.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  if (process.env.SKIP_CLIENT_BUILD !== '1') {
    try {
      await ensureClientBuilt({ log });
    } catch (err) {
      const built = existsSync(join(CLIENT_DIST, 'index.html'));
      process.stderr.write(
        `could not build the game client: ${err instanceof Error ? err.message : String(err)}\n` +
          (built ? 'serving the previous build from dist/client\n' : 'the server will run without the browser client\n'),
      );
    }
  }
  await ensureServerBuilt({ log });
}

main().catch((err: unknown) => {
  process.stderr.write(`could not build the game server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
