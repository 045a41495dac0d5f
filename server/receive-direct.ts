// Hands the binary frames a client sends over its WebSocket straight to socket.io's decoder, the receive
// side of snapshot-sender.ts.
//
// engine.io's way, per frame: the WebSocket transport's 'message' listener decodes an engine.io packet
// object, the transport emits 'packet', the connection's onPacket emits 'packet', 'data' and 'message',
// and socket.io's Client.ondata hands the bytes to our parser's Decoder. For the 30 inputs a second every
// player sends, that machinery cost about as much as handling the input. Here the WebSocket's 'message'
// listener (engine.io's, wrapped) calls Client.ondata itself when that is all engine.io would do with the
// frame: the connection is open on this very WebSocket, the frame is binary (a socket.io packet; engine.io's
// own packets travel as text: pings, pongs, upgrades), and engine.io is not waiting for a pong (any packet
// then refreshes its ping timeout, which engine.io does). Everything else goes to engine.io's listener.
// Client.ondata is socket.io's own entry point: its try/catch turns a rejected packet into a closed
// connection exactly as before, and our Decoder's shortcut hands inputs to PlayerConnection.
//
// What engine.io would have emitted is accounted for: the frame's bytes (the 'packet' listener of
// game-server.ts counts those of the frames that still go through engine.io). The connection must have no
// other 'packet', 'data' or 'message' listener than those, which install() checks: if engine.io's or
// socket.io's internals are not what this expects (another version), every frame takes engine.io's path.
//
// Frames are tallied per socket.io server in plain numbers (see takeReceiveCounts), as snapshots are.

import type { Server, Socket } from 'socket.io';

/** The parts of engine.io's Socket (the connection) that decide whether a frame may skip it. */
interface EngineConnection {
  readonly readyState?: unknown;
  readonly transport?: unknown;
  readonly protocol?: unknown;
  readonly pingTimeoutTimer?: unknown;
  readonly hasRefreshedPingTimeout?: unknown;
  listenerCount(event: string): number;
  listeners(event: string): unknown[];
  on(event: 'upgrade', listener: (transport: unknown) => void): unknown;
}

type MessageListener = (this: unknown, data: unknown, isBinary: boolean) => void;

/** The parts of a ws WebSocket used here. */
interface WebSocketLike {
  listeners(event: 'message'): unknown[];
  removeListener(event: 'message', listener: MessageListener): unknown;
  on(event: 'message', listener: MessageListener): unknown;
}

/** WebSocket messages received from one socket.io server's clients since the last takeReceiveCounts(). */
export interface ReceiveCounts {
  /** Handed straight to socket.io's decoder. */
  direct: number;
  /** Given to engine.io (text frames, frames while a pong is awaited, before the connection is open...). */
  engine: number;
}

const countsByServer = new WeakMap<Server, ReceiveCounts>();

function countsOf(server: Server): ReceiveCounts {
  let counts = countsByServer.get(server);
  if (!counts) countsByServer.set(server, (counts = { direct: 0, engine: 0 }));
  return counts;
}

/** The server's counts since the last call, and starts counting again from zero. */
export function takeReceiveCounts(server: Server): ReceiveCounts {
  const counts = countsByServer.get(server);
  if (!counts) return { direct: 0, engine: 0 };
  // Zeroed in place: every connection's listener holds this object.
  const taken = { ...counts };
  counts.direct = 0;
  counts.engine = 0;
  return taken;
}

function isWebSocketTransport(transport: unknown): transport is { name: 'websocket'; socket: WebSocketLike } {
  if (typeof transport !== 'object' || transport === null) return false;
  const { name, socket } = transport as { name?: unknown; socket?: Partial<WebSocketLike> };
  return (
    name === 'websocket' &&
    typeof socket?.listeners === 'function' &&
    typeof socket.removeListener === 'function' &&
    typeof socket.on === 'function'
  );
}

/**
 * Lets `socket`'s binary WebSocket frames skip engine.io (now, or once the connection upgrades to a
 * WebSocket); `countBytes` receives the size of each. Call it before adding any 'packet' listener to
 * the connection. Returns false (and changes nothing) when engine.io or socket.io are not as expected.
 */
export function receiveFramesDirectly(socket: Socket, countBytes: (bytes: number) => void): boolean {
  const conn = socket.conn as unknown as EngineConnection;
  const ondata = (socket.client as unknown as { ondata?: unknown }).ondata;
  const dataListeners = conn.listeners('data');
  const expected =
    conn.protocol === 4 &&
    'pingTimeoutTimer' in conn &&
    'hasRefreshedPingTimeout' in conn &&
    typeof ondata === 'function' &&
    dataListeners.length === 1 &&
    dataListeners[0] === ondata &&
    conn.listenerCount('packet') === 0 &&
    conn.listenerCount('message') === 0;
  if (!expected) return false;
  const handOn = ondata as (data: unknown) => void;
  const counts = countsOf(socket.nsp.server);

  const wrap = (transport: unknown): void => {
    if (!isWebSocketTransport(transport)) return;
    const ws = transport.socket;
    const engineListeners = ws.listeners('message');
    if (engineListeners.length !== 1 || typeof engineListeners[0] !== 'function') return;
    const engineListener = engineListeners[0] as MessageListener;
    ws.removeListener('message', engineListener);
    ws.on('message', function onMessage(this: unknown, data: unknown, isBinary: boolean) {
      if (
        isBinary &&
        data instanceof Uint8Array &&
        conn.transport === transport &&
        conn.readyState === 'open' &&
        (conn.pingTimeoutTimer === null || conn.hasRefreshedPingTimeout === true)
      ) {
        counts.direct++;
        countBytes(data.byteLength);
        handOn(data);
        return;
      }
      counts.engine++;
      engineListener.call(this, data, isBinary);
    });
  };
  if (isWebSocketTransport(conn.transport)) {
    wrap(conn.transport);
  } else {
    // A long-polling client upgrades to a WebSocket later: engine.io emits the new transport. (A WebSocket
    // connection never changes transport, so it goes without this listener.)
    conn.on('upgrade', wrap);
  }
  return true;
}
