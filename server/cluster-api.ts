// GET /api/rooms (the cluster's public rooms, with player counts and owning node), GET /api/nodes (live
// nodes: id, public URL, rooms, players, draining) and GET /api/games (the games this server hosts, with
// their public rooms and players across the cluster), answered by every node from the room directory.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { CachedRead } from './cached-read.js';
import type { GameSummary } from '../shared/protocol.js';
import type { DirectoryReply, NodeSummary, PublicRoom, RoomDirectory } from './cluster/room-directory.js';
import { directoryErrorBody } from './directory-errors.js';

/** Rows of /api/rooms. */
const MAX_ROOMS = 500;
/** Both lists are read from the directory at most this often per node, whatever the number of pollers. */
const CACHE_MS = 1000;

export class ClusterApi {
  private readonly rooms: CachedRead<DirectoryReply<{ readonly rooms: readonly PublicRoom[] }>>;
  private readonly nodes: CachedRead<DirectoryReply<{ readonly nodes: readonly NodeSummary[] }>>;

  constructor(
    private readonly directory: RoomDirectory,
    /** The hosted games, in the server's order (the first is the default). */
    private readonly games: readonly { readonly name: string; readonly title: string; readonly maxPlayers: number }[],
  ) {
    this.rooms = new CachedRead(() => directory.publicRooms(undefined, MAX_ROOMS), CACHE_MS, (r) => r.ok);
    this.nodes = new CachedRead(() => directory.nodes(), CACHE_MS, (r) => r.ok);
  }

  /** Answers the request if it is one of these routes; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const read =
      url.pathname === '/api/rooms' ? this.rooms : url.pathname === '/api/nodes' ? this.nodes : url.pathname === '/api/games' ? this.gameList() : null;
    if (!read) return false;
    const head = req.method === 'HEAD';
    const node = this.directory.nodeId;
    void (read.get() as Promise<DirectoryReply<object>>).then(
      (reply) => {
        if (reply.ok) send(res, 200, { node, ...reply }, head);
        else send(res, 503, { node, error: directoryErrorBody(reply.error) }, head);
      },
      () => send(res, 500, { node, error: { code: 'INTERNAL', message: 'internal error' } }, head),
    );
    return true;
  }

  /** The hosted games with the public rooms and players of each, from the cached room list. */
  private gameList(): { get(): Promise<DirectoryReply<{ readonly games: readonly GameSummary[] }>> } {
    return {
      get: async () => {
        const reply = await this.rooms.get();
        if (!reply.ok) return reply;
        const games = this.games.map((g): GameSummary => {
          const rooms = reply.rooms.filter((r) => r.game === g.name);
          return { name: g.name, title: g.title, maxPlayers: g.maxPlayers, rooms: rooms.length, players: rooms.reduce((n, r) => n + r.players, 0) };
        });
        return { ok: true, games };
      },
    };
  }
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>, head: boolean): void {
  const { ok: _ok, ...rest } = body;
  const text = JSON.stringify(rest);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache', 'content-length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}
