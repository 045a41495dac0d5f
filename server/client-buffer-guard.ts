// Bounds what the server holds for any one client. A client that sends but never reads makes the server
// queue its replies, pings and notices (engine.io's write buffer) and everything already written to the
// WebSocket (ws' bufferedAmount, Node's socket buffer). Snapshots are dropped for such a client, but the rest
// would grow without end. Once a second every connection's queued bytes are summed; past the limit the
// connection is closed at once (its buffers discarded), which frees the memory. The player's seat is held
// for the reconnect grace as after any dropped connection.

import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';

/** engine.io's connection, read defensively (see snapshot-sender.ts for the same internals). */
interface EngineConnection {
  readonly id?: string;
  readonly readyState?: unknown;
  readonly writeBuffer?: unknown;
  readonly transport?: { readonly name?: unknown; readonly socket?: unknown };
  close(discard?: boolean): void;
}

/** engine.io's server: its open connections by id (a protected field in its typings). */
export interface EngineClients {
  readonly clients: Record<string, EngineConnection>;
}

function packetBytes(packet: unknown): number {
  const data = (packet as { data?: unknown } | null)?.data;
  if (typeof data === 'string') return data.length * 3; // at most 3 UTF-8 bytes per UTF-16 unit
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data.byteLength;
  return 16; // a control packet (ping, noop) or a packet engine.io encodes later
}

/** Bytes queued for one connection: engine.io's write buffer plus what the WebSocket has not sent yet. */
export function queuedBytes(conn: EngineConnection): number {
  let bytes = 0;
  if (Array.isArray(conn.writeBuffer)) for (const packet of conn.writeBuffer) bytes += packetBytes(packet);
  const ws = conn.transport?.name === 'websocket' ? (conn.transport.socket as { bufferedAmount?: unknown } | undefined) : undefined;
  if (typeof ws?.bufferedAmount === 'number') bytes += ws.bufferedAmount;
  return bytes;
}

export class ClientBufferGuard {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly engine: EngineClients,
    private readonly maxBytes: number,
    private readonly metrics: ServerMetrics,
    private readonly log: Logger,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** Closes every connection holding more than the limit; returns how many were closed. */
  sweep(): number {
    let closed = 0;
    const clients = this.engine.clients;
    for (const id in clients) {
      const conn = clients[id]!;
      const bytes = queuedBytes(conn);
      if (bytes <= this.maxBytes) continue;
      closed++;
      this.metrics.disconnectsForAbuse.inc({ reason: 'slow_consumer' });
      this.log.warn('client disconnected: not reading', { conn: id, queuedBytes: bytes, limit: this.maxBytes });
      // discard: drop engine.io's buffer instead of waiting for a drain that never comes; terminate: drop
      // the WebSocket's too instead of a close handshake the client would never read.
      const ws = conn.transport?.name === 'websocket' ? (conn.transport.socket as { terminate?: unknown } | undefined) : undefined;
      try {
        conn.close(true);
        if (typeof ws?.terminate === 'function') (ws.terminate as () => void).call(ws);
      } catch (err) {
        this.log.warn('closing a slow client failed', { conn: id, err });
      }
    }
    return closed;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
