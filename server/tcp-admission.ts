// The listening socket in front of the HTTP server. Every TCP connection holds a file descriptor, and a
// process out of descriptors cannot even accept the request that would tell it so; so connections are
// counted here, in total and per client address, and one over the limits gets a short HTTP refusal and is
// closed before the HTTP server (pages, long-polling, WebSocket upgrades) ever sees it. Admitted
// connections are handed to the HTTP server as its own ('connection' event).

import { createServer, type Server, type Socket } from 'node:net';
import { addressLimitKey, normalizeAddress } from './client-address.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { ResourceMonitor } from './resource-monitor.js';

export interface TcpAdmissionOptions {
  /** TCP connections in total (the descriptor budget). */
  readonly maxSockets: number;
  /** TCP connections per peer address; 0: no limit. */
  readonly maxSocketsPerAddress: number;
  /** Peers never limited per address: exempt clients, and reverse proxies that carry many clients. */
  readonly unlimitedPeers: ReadonlySet<string>;
  readonly resources: ResourceMonitor;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  /** Hands an admitted connection over (to the HTTP server). */
  readonly admitted: (socket: Socket) => void;
}

/** How long a refused connection may linger to read its refusal before it is destroyed. */
const REFUSED_LINGER_MS = 1000;
/**
 * Refused connections allowed to linger at once; past that a refusal is a plain close, so a flood of
 * connections that never read their refusal cannot hold descriptors for a second each.
 */
const MAX_LINGERING = 64;

function refusal(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message } });
  const reason = status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nretry-after: 5\r\nconnection: close\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function ignoreSocketError(): void {}

export class TcpAdmission {
  readonly server: Server;
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private lingering = 0;

  constructor(private readonly options: TcpAdmissionOptions) {
    this.server = createServer((socket) => this.onConnection(socket));
    // EMFILE/ENFILE on accept arrive here; without a listener they would crash the process. libuv
    // already dropped the pending connection; serving goes on with the descriptors still open.
    this.server.on('error', (err: NodeJS.ErrnoException) => {
      options.metrics.ioErrors.inc({ source: 'accept' });
      options.log.warn('accept failed', { code: err.code, message: err.message });
      options.resources.sample();
    });
  }

  get connections(): number {
    return this.total;
  }

  private onConnection(socket: Socket): void {
    const { maxSockets, maxSocketsPerAddress, unlimitedPeers, resources, metrics } = this.options;
    socket.on('error', ignoreSocketError); // a reset peer must not throw; the HTTP server reports its own errors
    const address = normalizeAddress(socket.remoteAddress ?? 'unknown');
    const key = addressLimitKey(address);
    const mine = this.perAddress.get(key) ?? 0;
    if (resources.busyReason() === 'descriptors') {
      // Out of descriptors: give this one back at once, there is no room to be polite.
      metrics.connectionsRefused.inc({ reason: 'server_busy' });
      socket.destroy();
      return;
    }
    if (this.total >= maxSockets) {
      this.refuse(socket, 'server_full', refusal(503, 'SERVER_FULL', `the server is at its limit of ${maxSockets} connections; try again later`));
      return;
    }
    if (maxSocketsPerAddress > 0 && mine >= maxSocketsPerAddress && !unlimitedPeers.has(address)) {
      this.refuse(socket, 'per_address', refusal(429, 'TOO_MANY_CONNECTIONS', `your address already has ${mine} open connections, the limit is ${maxSocketsPerAddress}`));
      return;
    }
    this.total++;
    this.perAddress.set(key, mine + 1);
    metrics.tcpConnections.set(this.total);
    // 'close' comes once: a plain listener (once() would add a wrapper object and a bound function per socket).
    socket.on('close', () => this.release(key));
    this.options.admitted(socket);
  }

  private release(key: string): void {
    this.total--;
    const left = (this.perAddress.get(key) ?? 1) - 1;
    if (left === 0) this.perAddress.delete(key);
    else this.perAddress.set(key, left);
    this.options.metrics.tcpConnections.set(this.total);
  }

  private refuse(socket: Socket, reason: string, response: string): void {
    this.options.metrics.connectionsRefused.inc({ reason });
    if (this.lingering >= MAX_LINGERING) {
      socket.destroy();
      return;
    }
    this.lingering++;
    socket.once('close', () => this.lingering--);
    socket.resume(); // discard whatever request it sends
    socket.end(response);
    socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
  }
}
