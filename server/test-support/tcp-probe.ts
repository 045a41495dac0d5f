// Readiness probes for servers a test starts (redis-server, nginx): send one request over TCP and judge
// the first reply, within 1 s. False on no answer, a wrong answer, a refused or closed connection.

import { createConnection } from 'node:net';

/**
 * Writes `request` to 127.0.0.1:`port` and reads until `verdict` returns true or false for what arrived
 * (null: read more).
 */
export function tcpProbe(port: number, request: string, verdict: (reply: string) => boolean | null): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), 1000);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const judged = verdict(reply);
      if (judged !== null) finish(judged);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
