// Lets go of a connection's HTTP handshake request once socket.io has made the connection.
//
// engine.io keeps the request a connection was opened with (an IncomingMessage: raw headers, URL, query,
// listeners) for the connection's whole life, twice over for a WebSocket: as the connection's `request`,
// and through the stand-in response it builds for an upgrade, which listens for the TCP socket's 'close'.
// Nothing reads it after the handshake: socket.io copied what it uses into `socket.handshake` (headers
// included), and our admission read the client's address before the connection was made. It is about
// 1 KB per player, a twentieth of what a player costs the heap.
//
// An engine.io middleware notes each upgrade's stand-in response; releaseHandshakeRequest drops both
// references. When engine.io does not look as expected (another version), nothing is changed.

import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';

/** engine.io's stand-in response of an upgrade: it holds the request as `req`. */
interface UpgradeResponse {
  req: IncomingMessage | undefined;
}

/** Upgrade requests still held by engine.io, and the stand-in response holding each. */
const upgradeResponses = new WeakMap<IncomingMessage, UpgradeResponse>();

/** Notes every WebSocket upgrade's stand-in response (call once per socket.io server, before it serves). */
export function noteUpgradeResponses(io: Server): void {
  io.engine.use((req: IncomingMessage, res: unknown, next: (err?: Error) => void) => {
    if (!(res instanceof ServerResponse) && typeof res === 'object' && res !== null && (res as Partial<UpgradeResponse>).req === req) {
      upgradeResponses.set(req, res as UpgradeResponse);
    }
    next();
  });
}

/**
 * Drops engine.io's references to the request `socket`'s connection was opened with; afterwards
 * `socket.request` is undefined (read what you need of it in a connection middleware, as admission does).
 */
export function releaseHandshakeRequest(socket: Socket): void {
  const conn = socket.conn as unknown as { request?: IncomingMessage };
  const req = conn.request;
  if (req === undefined) return;
  const res = upgradeResponses.get(req);
  if (res !== undefined && res.req === req) res.req = undefined;
  upgradeResponses.delete(req);
  conn.request = undefined;
}
