// What a peer's bench server (Colyseus, ws floor) reports to the benchmark, on its own small HTTP port:
// GET /bench-stats answers PeerServerStats. Ours reports the same figures through /metrics.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { WORKLOAD } from './workload.js';

export interface PeerServerStats {
  /** Work per tick period (1/30 s) over every room, ms, over the last RECENT_MS: what ours' scheduler tick measures. */
  readonly tickP50Ms: number;
  readonly tickP99Ms: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** TCP bytes written to and read from every game connection since start (WebSocket frames included). */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly clients: number;
}

const RECENT_MS = 10_000;
const PERIOD_MS = 1000 / WORKLOAD.snapshotsPerSec;

/** Sums the work done in each tick period (rooms ticking on their own timers add up), keeps RECENT_MS of periods. */
export class TickWork {
  private readonly totals: number[] = [];
  private period = -1;
  private current = 0;

  add(startedAt: number, durationMs: number): void {
    const period = Math.floor(startedAt / PERIOD_MS);
    if (period !== this.period) {
      if (this.period >= 0) this.totals.push(this.current);
      if (this.totals.length > RECENT_MS / PERIOD_MS) this.totals.splice(0, this.totals.length - RECENT_MS / PERIOD_MS);
      this.period = period;
      this.current = 0;
    }
    this.current += durationMs;
  }

  quantile(q: number): number {
    if (this.totals.length === 0) return 0;
    const sorted = [...this.totals].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

/** Counts the TCP bytes of every connection a game HTTP server accepts, closed ones included. */
export class SocketBytes {
  private readonly open = new Set<Socket>();
  private readonly upgraded = new Set<Socket>();
  private closedSent = 0;
  private closedReceived = 0;

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.once('close', () => {
        this.open.delete(socket);
        this.upgraded.delete(socket);
        this.closedSent += socket.bytesWritten;
        this.closedReceived += socket.bytesRead;
      });
    });
    // Only upgraded connections are players: matchmaking requests may leave kept-alive HTTP sockets open.
    server.on('upgrade', (_req: IncomingMessage, socket: Socket) => void this.upgraded.add(socket));
  }

  /** Open WebSocket connections (players). */
  players(): number {
    return this.upgraded.size;
  }

  totals(): { sent: number; received: number } {
    let sent = this.closedSent;
    let received = this.closedReceived;
    for (const s of this.open) {
      sent += s.bytesWritten;
      received += s.bytesRead;
    }
    return { sent, received };
  }
}

/** Serves GET /bench-stats on 127.0.0.1 (any free port); resolves with that port. */
export function serveStats(read: () => PeerServerStats): Promise<{ port: number; close: () => void }> {
  const server = createServer((req, res) => {
    if (req.url !== '/bench-stats') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(read()));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, close: () => server.close() });
    });
  });
}

export function memoryStats(): { heapUsedBytes: number; heapTotalBytes: number } {
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal };
}
