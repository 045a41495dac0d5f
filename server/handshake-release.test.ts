// The game server lets go of each connection's handshake request once the connection is made: after a
// full garbage collection the request is gone while the connection stays open and keeps working, over a
// WebSocket and after a long-polling client upgrades. The same check on a socket.io server that does not
// release it finds the request still held, so the check can tell.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { clientParser, serverParser } from '../shared/net/msgpack-parser.js';
import { connectClient, waitFor } from './test-support/test-client.js';
import { startTestServer } from './test-support/test-server.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Measured here: connections and round trips take 5-40 ms idle; 5 s leaves a loaded machine 100x that.
const WAIT_MS = 5000;

/** A weak reference to the request each new engine.io connection was opened with (weak: the test must not hold it). */
function watchHandshakeRequests(io: Server): WeakRef<IncomingMessage>[] {
  const requests: WeakRef<IncomingMessage>[] = [];
  io.engine.on('connection', (conn: { request: IncomingMessage }) => requests.push(new WeakRef(conn.request)));
  return requests;
}

/** Whether the request is still reachable after a full collection (WeakRefs clear after the current job). */
async function stillHeld(request: WeakRef<IncomingMessage>): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 0));
  return request.deref() !== undefined;
}

describe('handshake request release', () => {
  for (const transports of [['websocket'], ['polling', 'websocket']] as const) {
    it(`the game server drops it once the connection is made (${transports.join(' then ')}), and the connection works on`, async () => {
      const server = await startTestServer();
      cleanups.push(() => server.close());
      const requests = watchHandshakeRequests(server.server.io);
      const client = await connectClient(server.url, { transports });
      cleanups.push(() => client.close());
      await waitFor(() => client.socket.io.engine.transport.name === 'websocket', WAIT_MS, 'the WebSocket transport');
      expect(requests).toHaveLength(1);
      expect(await stillHeld(requests[0]!)).toBe(false);
      // Still connected and served: a request and its answer, then a seat in a room.
      expect((await client.listRooms()).length).toBe(0);
      const joined = await client.quickPlay();
      expect(joined.playerId).toBeGreaterThan(0);
      expect(client.socket.connected).toBe(true);
    });
  }

  it('a socket.io server that does not release it still holds it (the check above can tell)', async () => {
    const http = createServer();
    const io = new Server(http, { parser: serverParser, perMessageDeflate: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => void io.close());
    const requests = watchHandshakeRequests(io);
    const client: ClientSocket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      parser: clientParser,
      transports: ['websocket'],
      reconnection: false,
    });
    cleanups.push(() => void client.close());
    await waitFor(() => client.connected, WAIT_MS, 'the client to connect');
    expect(requests).toHaveLength(1);
    expect(await stillHeld(requests[0]!)).toBe(true);
  });
});
