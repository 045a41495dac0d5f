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
//
// Every snapshot is tallied per socket.io server (several servers may share a process, as in tests) in
// plain numbers, which the server moves into its Prometheus counters when scraped: a labelled counter
// increment per snapshot would cost more than the snapshot's frame.

import type { Server, Socket } from 'socket.io';
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
/** The one-frame list handed to sendFrame, reused: ws writes list[0] before returning and keeps no reference. */
const EMPTY_FRAME = Buffer.alloc(0);
const frameList: Buffer[] = [EMPTY_FRAME];

export type SnapshotSendPath = 'direct' | 'engine' | 'dropped';

/** Snapshots one socket.io server handed out since the last takeSnapshotCounts(): written, or dropped (volatile). */
export interface SnapshotCounts {
  /** Written straight to the WebSocket. */
  direct: number;
  /** Handed to engine.io, which writes it. */
  engine: number;
  /** Not sent: the connection was backed up, or not writable (a long-polling client between polls). */
  dropped: number;
}

const countsByServer = new WeakMap<Server, SnapshotCounts>();

function countsOf(socket: Socket): SnapshotCounts {
  const server = socket.nsp.server;
  let counts = countsByServer.get(server);
  if (!counts) countsByServer.set(server, (counts = { direct: 0, engine: 0, dropped: 0 }));
  return counts;
}

/** The server's counts since the last call, and starts counting again from zero. */
export function takeSnapshotCounts(server: Server): SnapshotCounts {
  const counts = countsByServer.get(server) ?? { direct: 0, engine: 0, dropped: 0 };
  countsByServer.delete(server);
  return counts;
}

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
  const conn = socket.conn as unknown as EngineConnection;
  const counts = countsOf(socket);
  const ws = idleWebSocket(conn);
  if (ws) {
    // Bytes still queued from the last send: the client is not reading. Drop, as volatile would.
    if (ws.bufferedAmount > 0) {
      counts.dropped++;
      return { path: 'dropped', bytes: 0 };
    }
    frameList[0] = snapshotFrame(snapshot);
    ws._sender.sendFrame(frameList);
    frameList[0] = EMPTY_FRAME;
    counts.direct++;
    return { path: 'direct', bytes: snapshotPacketLength(snapshot.byteLength) };
  }
  const packet = snapshotPacket(snapshot);
  // socket.io discards a volatile packet when the connection is not open or its transport not writable
  // (socket.io's Client._packet and writeToEngine): counted as dropped, not as sent.
  if (conn.readyState !== 'open' || !conn.transport?.writable) counts.dropped++;
  else counts.engine++;
  socket.client._packet(packet as never, { preEncoded: true, volatile: true });
  return { path: 'engine', bytes: packet.byteLength };
}
