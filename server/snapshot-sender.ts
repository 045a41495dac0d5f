// Sends a client its snapshot (as the socket.io packet of snapshot-packet.ts) the cheapest way the
// connection allows.
//
// Over a WebSocket that engine.io is not busy with, the whole WebSocket frame is built in one pooled Buffer
// and handed to ws's sender, which writes it with a single write() (the hook engine.io itself uses for
// pre-encoded broadcast frames). On the wire it is the frame engine.io would write (a binary engine.io
// packet travels over WebSocket as the raw bytes), without engine.io's per-message machinery (a packet
// object, the write buffer and its flush, a write callback, 'packetCreate', 'flush', 'drain' and 'ready'
// events per message) or ws's (a header buffer, cork, writev). Snapshots are 30 of every 31 messages a
// loaded server sends: at 512 bots this path costs about half of what engine.io's did, in CPU.
// Otherwise (long-polling, an upgrade under way, engine.io packets waiting or in flight) the packet takes
// the normal path, so it is never sent ahead of a chat line or an ack that engine.io still holds.
//
// Volatile either way: a snapshot is dropped rather than queued when the connection is backed up. Deltas
// are encoded against the last snapshot the client acknowledged, so a dropped one only delays an update.
//
// engine.io's connection and transport internals are read defensively: if they are not what this expects
// (another engine.io version), every snapshot takes the normal path.

import type { Socket } from 'socket.io';
import { snapshotFrame, snapshotPacket, snapshotPacketLength } from './snapshot-packet.js';

/** The parts of engine.io's Socket (the connection) that decide whether the fast path is safe. */
interface EngineConnection {
  readonly readyState?: unknown;
  readonly upgrading?: unknown;
  readonly writeBuffer?: unknown;
  readonly transport?: { readonly name?: unknown; readonly writable?: unknown; readonly socket?: unknown };
}

/** The parts of a ws WebSocket used here (`_sender.sendFrame` writes a ready frame, as engine.io does). */
interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly _sender: { sendFrame(list: Buffer[]): void };
}

const WS_OPEN = 1;

export type SnapshotSendPath = 'direct' | 'engine' | 'dropped';

/** The client's WebSocket when the fast path is safe now, else null. */
function idleWebSocket(conn: EngineConnection): WebSocketLike | null {
  const transport = conn.transport;
  if (conn.readyState !== 'open' || conn.upgrading !== false || transport?.name !== 'websocket' || transport.writable !== true) return null;
  if (!Array.isArray(conn.writeBuffer) || conn.writeBuffer.length !== 0) return null;
  const ws = transport.socket as Partial<WebSocketLike> | undefined;
  if (!ws || ws.readyState !== WS_OPEN || typeof ws.bufferedAmount !== 'number' || typeof ws._sender?.sendFrame !== 'function') return null;
  return ws as WebSocketLike;
}

/** Sends a snapshot; says which way it went (or that it was dropped) and the packet's bytes. */
export function sendSnapshot(socket: Socket, snapshot: Uint8Array): { path: SnapshotSendPath; bytes: number } {
  const ws = idleWebSocket(socket.conn as unknown as EngineConnection);
  if (ws) {
    // Bytes still queued from the last send: the client is not reading. Drop, as volatile would.
    if (ws.bufferedAmount > 0) return { path: 'dropped', bytes: 0 };
    ws._sender.sendFrame([snapshotFrame(snapshot)]);
    return { path: 'direct', bytes: snapshotPacketLength(snapshot.byteLength) };
  }
  const packet = snapshotPacket(snapshot);
  socket.client._packet(packet as never, { preEncoded: true, volatile: true });
  return { path: 'engine', bytes: packet.byteLength };
}
