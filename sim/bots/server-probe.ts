// Whether anything answers at the server's address, asked once before any bot starts. When nothing
// listens the answer comes at once ("connection refused"), where the bots themselves would retry their
// connection until their timeout and only then report a TIMEOUT.

import { connect } from 'node:net';

/** How long a TCP connection may take to open (a firewall that drops packets never answers). */
export const PROBE_TIMEOUT_MS = 5000;

/** Null when a TCP connection to the URL's host and port opens; otherwise why not, in words naming the URL. */
export function probeServer(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | null> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  const where = `${url} (${host}:${port})`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (problem: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(`no answer from ${where} within ${timeoutMs / 1000} s`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done(`connection refused: nothing listens at ${where}; is the server running?`);
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') done(`cannot resolve the host "${host}" of ${url}`);
      else done(`cannot connect to ${where}: ${err.code ?? err.message}`);
    });
  });
}
