// Who may open a game connection: a cap on connections in total and per client address (an IPv6 client per
// /64), and none at all
// while the process is short of descriptors or memory. Checked in socket.io's handshake middleware, so a
// refused client gets a `connect_error` with a code and a message instead of a dropped socket.

import type { ErrorBody } from '../shared/protocol.js';
import { addressLimitKey } from './client-address.js';
import type { ServerMetrics } from './metrics.js';
import type { ResourceMonitor } from './resource-monitor.js';

export interface ConnectionAdmissionOptions {
  readonly maxConnections: number;
  /** 0: no per-address limit. */
  readonly maxConnectionsPerAddress: number;
  readonly exemptAddresses: ReadonlySet<string>;
  readonly resources: ResourceMonitor;
  readonly metrics: ServerMetrics;
}

export class ConnectionAdmission {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly options: ConnectionAdmissionOptions) {}

  get connections(): number {
    return this.total;
  }

  /** Counts the connection in and returns null, or returns why it is refused (nothing counted). */
  admit(address: string): ErrorBody | null {
    const { maxConnections, maxConnectionsPerAddress, exemptAddresses, resources, metrics } = this.options;
    const refuse = (reason: string, body: ErrorBody): ErrorBody => {
      metrics.connectionsRefused.inc({ reason });
      return body;
    };
    if (this.total >= maxConnections) {
      return refuse('server_full', { code: 'SERVER_FULL', message: `the server is at its limit of ${maxConnections} connections; try again later` });
    }
    const busy = resources.busyReason();
    if (busy) {
      return refuse('server_busy', { code: 'SERVER_BUSY', message: `the server is short of ${busy === 'memory' ? 'memory' : 'file descriptors'} right now; try again in a few seconds` });
    }
    const key = addressLimitKey(address);
    const mine = this.perAddress.get(key) ?? 0;
    if (maxConnectionsPerAddress > 0 && mine >= maxConnectionsPerAddress && !exemptAddresses.has(address)) {
      return refuse('per_address', {
        code: 'TOO_MANY_CONNECTIONS',
        message: `your address already has ${mine} connections, the limit is ${maxConnectionsPerAddress}; close other tabs or clients`,
      });
    }
    this.total++;
    this.perAddress.set(key, mine + 1);
    return null;
  }

  /** The connection admitted for `address` closed. */
  release(address: string): void {
    const key = addressLimitKey(address);
    const mine = this.perAddress.get(key) ?? 0;
    if (mine <= 1) this.perAddress.delete(key);
    else this.perAddress.set(key, mine - 1);
    if (mine > 0) this.total--;
  }
}
