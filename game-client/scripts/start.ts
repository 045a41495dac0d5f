// `npm start`: builds the game client if dist/client is missing or stale, then runs the server, which
// serves it at /. Set SKIP_CLIENT_BUILD=1 to serve whatever is in dist/client as is.
//
// package.json runs this as `exec node --import tsx ...`: npm forwards SIGTERM/SIGINT to its child, and
// with `exec` that child is this process, the server itself. Without it, sh (which does not pass signals
// on) and the tsx CLI would sit in between, and a SIGTERM to npm alone would leave the server running.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_DIST, ensureClientBuilt } from './client-build.js';

async function main(): Promise<void> {
  if (process.env.SKIP_CLIENT_BUILD !== '1') {
    try {
      await ensureClientBuilt({ log: (line) => process.stdout.write(`${line}\n`) });
    } catch (err) {
      const built = existsSync(join(CLIENT_DIST, 'index.html'));
      process.stderr.write(
        `could not build the game client: ${err instanceof Error ? err.message : String(err)}\n` +
          (built ? 'serving the previous build from dist/client\n' : 'the server will run without the browser client\n'),
      );
    }
  }
  await import('../../server/main.js');
}

void main();
