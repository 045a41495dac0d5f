// A loopback port nobody listens on right now, for a process a test or tool starts a moment later (a
// server, redis-server, nginx). Another process may take it in between: callers that care retry.

import { createServer } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (the kernel's choice for an ephemeral listener). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
