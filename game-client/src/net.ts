// NetClient construction for the page (same origin: the game server in production, Vite's proxy in dev)
// and the lobby's live room list.

import { NetClient, type Transport } from '../../shared/client/net-client.js';
import type { RoomSummary } from '../../shared/protocol.js';
import { CLIENT_GAMES } from './games/index.js';
import { Poll } from './poll.js';

export function createNet(options: { name?: string; transports?: readonly Transport[] }): NetClient {
  return new NetClient({
    url: window.location.origin,
    // Every game this page has a module for: the join reply names the room's, whose schema decodes its snapshots.
    games: CLIENT_GAMES.map((g) => g.rules),
    ...(options.name ? { name: options.name } : {}),
    ...(options.transports ? { transports: options.transports } : {}),
    reconnection: true,
    requestTimeoutMs: 5000,
  });
}

export type ServerStatus =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'online'; readonly transport: string | undefined }
  | { readonly kind: 'offline'; readonly attempt: number; readonly reason: string };

/**
 * A nameless connection that polls the public room list of the lobby's chosen game while the lobby is
 * shown, and reports whether the server is reachable (socket.io keeps retrying with backoff while it is not).
 */
export class RoomWatcher {
  private net: NetClient | null = null;
  private readonly poll: Poll;
  private attempt = 0;

  constructor(
    private readonly transports: readonly Transport[] | undefined,
    /** The game whose rooms to list. */
    private readonly game: () => string,
    private readonly onRooms: (rooms: readonly RoomSummary[]) => void,
    private readonly onStatus: (status: ServerStatus) => void,
    intervalMs = 1500,
  ) {
    this.poll = new Poll(intervalMs, () => this.refresh());
  }

  start(): void {
    if (this.net) return;
    const net = createNet({ transports: this.transports });
    this.net = net;
    this.attempt = 0;
    this.onStatus({ kind: 'connecting' });
    net.socket.on('connect', () => {
      this.attempt = 0;
      this.onStatus({ kind: 'online', transport: net.transport });
      void this.refresh();
    });
    net.on('connectError', (err) => {
      this.onStatus({ kind: 'offline', attempt: this.attempt, reason: err.message });
    });
    net.on('disconnected', (reason) => {
      if (this.net !== net) return;
      this.onStatus({ kind: 'offline', attempt: this.attempt, reason });
      // A server that shuts down disconnects us itself, and socket.io does not retry that: do it here.
      if (reason === 'io server disconnect') {
        setTimeout(() => {
          if (this.net === net && !net.connected) net.socket.connect();
        }, 1000);
      }
    });
    net.on('reconnecting', (attempt) => {
      this.attempt = attempt;
      this.onStatus({ kind: 'offline', attempt, reason: 'retrying' });
    });
    net.connect(24 * 3600_000).catch(() => {
      /* refused by the server (e.g. protocol mismatch): status shows it via connectError */
    });
    this.poll.start();
  }

  /** Fetches the list now (also called after a room action, so the list never lags behind). */
  async refresh(): Promise<void> {
    const net = this.net;
    if (!net || !net.connected) return;
    const game = this.game();
    try {
      const rooms = await net.listRooms(game);
      // Not when the connection or the chosen game changed meanwhile: that list is another's.
      if (this.net === net && this.game() === game) this.onRooms(rooms);
    } catch {
      /* transient: next poll */
    }
  }

  get reachable(): boolean {
    return this.net?.connected ?? false;
  }

  stop(): void {
    this.poll.stop();
    this.net?.close();
    this.net = null;
  }
}
