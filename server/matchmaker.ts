// Matchmaking through the room directory (one process or a cluster: the same code). Quick play takes the
// fullest public room with a free seat anywhere in the cluster, else opens one on the least-loaded node;
// private rooms are joined by code from any node. Every answer is a placement (room, owning node, seat
// ticket), never a live room: the player claims the seat on the owning node (server/room-host.ts).
//
// Room creation is budgeted so that no one client can block new games: every creation, a quick play that
// opens a room included, goes through the requester's quotas (server/room-quotas.ts); each node's share of
// private rooms is capped by the directory (MAX_PRIVATE_ROOMS), so quick play is never starved by them.

import { LIMITS, type ErrorBody, type JoinRoomRequest, type RoomSummary } from '../shared/protocol.js';
import type { Placement, RoomDirectory, RoomLocation } from './cluster/room-directory.js';
import { CachedRead } from './cached-read.js';
import { directoryErrorBody } from './directory-errors.js';
import type { ServerMetrics } from './metrics.js';
import type { RoomQuotas, RoomRequester } from './room-quotas.js';

/** A game as matchmaking sees it: its name and the seats of its rooms. */
export interface MatchmadeGame {
  readonly name: string;
  readonly maxPlayers: number;
}

export interface Matchmaker {
  quickPlay(game: MatchmadeGame, requester: RoomRequester): Promise<Placement | ErrorBody>;
  createRoom(game: MatchmadeGame, isPrivate: boolean, requester: RoomRequester): Promise<Placement | ErrorBody>;
  joinRoom(request: JoinRoomRequest): Promise<Placement | ErrorBody>;
  /** Where a room runs now (to send a reconnecting player to its node), or why not. */
  locateRoom(roomId: string): Promise<RoomLocation | ErrorBody>;
  /** Public rooms of one game, or of every game (`game` undefined). */
  listPublicRooms(game?: string): Promise<readonly RoomSummary[] | ErrorBody>;
}

export interface DirectoryMatchmakerOptions {
  readonly directory: RoomDirectory;
  readonly quotas: RoomQuotas;
  readonly isShuttingDown: () => boolean;
  readonly metrics: ServerMetrics;
  /** How long one public-room list is reused for every lobby polling this node (default 1 s). */
  readonly listCacheMs?: number;
}

export class DirectoryMatchmaker implements Matchmaker {
  /** One cached list per game name ('' for every game): the games are few and fixed. */
  private readonly lists = new Map<string, CachedRead<readonly RoomSummary[] | ErrorBody>>();

  constructor(private readonly options: DirectoryMatchmakerOptions) {}

  async quickPlay({ name: game, maxPlayers }: MatchmadeGame, requester: RoomRequester): Promise<Placement | ErrorBody> {
    const { directory, quotas } = this.options;
    if (this.options.isShuttingDown()) return this.refuse('shutting_down', SHUTTING_DOWN);
    // A requester out of its creation quota may still take a free seat; it just cannot open a room.
    const refusal = await quotas.check(requester);
    const reply = await directory.quickPlay(game, maxPlayers, { allowCreate: refusal === null });
    if (!reply.ok) {
      if (reply.error.code === 'ROOM_NOT_FOUND' && refusal) return this.refuse(refusal.reason, { code: 'QUOTA_EXCEEDED', message: refusal.message });
      return this.refuseFromDirectory(reply.error.code, directoryErrorBody(reply.error), false);
    }
    if (reply.placement.created) quotas.recordCreated(requester, reply.placement.roomId);
    return reply.placement;
  }

  async createRoom({ name: game, maxPlayers }: MatchmadeGame, isPrivate: boolean, requester: RoomRequester): Promise<Placement | ErrorBody> {
    const { directory, quotas } = this.options;
    if (this.options.isShuttingDown()) return this.refuse('shutting_down', SHUTTING_DOWN);
    const refusal = await quotas.reserve(requester);
    if (refusal) return this.refuse(refusal.reason, { code: 'QUOTA_EXCEEDED', message: refusal.message });
    const reply = await directory.createRoom(game, isPrivate, maxPlayers);
    quotas.settle(requester, reply.ok ? reply.placement.roomId : null);
    if (!reply.ok) return this.refuseFromDirectory(reply.error.code, directoryErrorBody(reply.error), isPrivate);
    return reply.placement;
  }

  async joinRoom(request: JoinRoomRequest): Promise<Placement | ErrorBody> {
    const { directory } = this.options;
    const reply = request.code ? await directory.joinByCode(request.code) : await directory.joinById(request.roomId ?? '');
    if (reply.ok) return reply.placement;
    if (reply.error.code === 'ROOM_NOT_FOUND') {
      return { code: 'ROOM_NOT_FOUND', message: request.code ? `no room with code ${request.code}` : `no room with id ${request.roomId}` };
    }
    return directoryErrorBody(reply.error);
  }

  async locateRoom(roomId: string): Promise<RoomLocation | ErrorBody> {
    const reply = await this.options.directory.locateRooms([roomId]);
    if (!reply.ok) return directoryErrorBody(reply.error);
    return reply.rooms[0] ?? { code: 'ROOM_NOT_FOUND', message: 'the room is gone (the server running it stopped)' };
  }

  /** The public rooms of the cluster, fullest first; one directory read per game per node per listCacheMs, whatever the lobby count. */
  listPublicRooms(game?: string): Promise<readonly RoomSummary[] | ErrorBody> {
    const key = game ?? '';
    let list = this.lists.get(key);
    if (!list) {
      list = new CachedRead(() => this.readPublicRooms(game), this.options.listCacheMs ?? 1000, (rooms) => Array.isArray(rooms));
      this.lists.set(key, list);
    }
    return list.get();
  }

  private async readPublicRooms(game: string | undefined): Promise<readonly RoomSummary[] | ErrorBody> {
    const reply = await this.options.directory.publicRooms(game, LIMITS.maxListedRooms);
    if (!reply.ok) return directoryErrorBody(reply.error);
    return reply.rooms.map((r) => ({ roomId: r.roomId, game: r.game, players: r.players + r.reserved, maxPlayers: r.maxPlayers, nodeId: r.nodeId }));
  }

  private refuseFromDirectory(code: string, body: ErrorBody, isPrivate: boolean): ErrorBody {
    if (code === 'SERVER_FULL') {
      return isPrivate
        ? this.refuse('private_rooms_full', {
            code: 'SERVER_FULL',
            message: 'all private rooms are in use; quick play still works, or try again later',
          })
        : this.refuse('server_full', { code: 'SERVER_FULL', message: 'every server is at its room limit; try again later' });
    }
    if (code === 'DIRECTORY_UNAVAILABLE' || code === 'NODE_FENCED') this.options.metrics.roomCreationsRefused.inc({ reason: 'directory_unavailable' });
    return body;
  }

  private refuse(reason: string, body: ErrorBody): ErrorBody {
    this.options.metrics.roomCreationsRefused.inc({ reason });
    return body;
  }
}

const SHUTTING_DOWN: ErrorBody = { code: 'SHUTTING_DOWN', message: 'server is shutting down' };

export function isPlacement(value: Placement | ErrorBody): value is Placement {
  return 'ticket' in value;
}
