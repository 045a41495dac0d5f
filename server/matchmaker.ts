// Matchmaking: quick play (fill the fullest public room that has a free seat, else open one), private
// rooms joined by code, join by id, and the public room list. Behind an interface so a multi-node
// matchmaker (returning the owning node's address) can replace the local one.
//
// Room creation is budgeted so that no one client can block new games: private rooms may take only
// maxPrivateRooms of the maxRooms (the rest is kept for public rooms, which quick play fills, so quick
// play is never starved by private rooms), and every creation, a quick play that opens a room included,
// goes through the requester's quotas (server/room-quotas.ts).

import { LIMITS, type ErrorBody, type JoinRoomRequest, type RoomSummary } from '../shared/protocol.js';
import type { ServerMetrics } from './metrics.js';
import { Room } from './room.js';
import type { RoomRegistry } from './room-registry.js';
import type { RoomQuotas, RoomRequester } from './room-quotas.js';

export interface Matchmaker {
  quickPlay(requester: RoomRequester): Room | ErrorBody;
  createRoom(isPrivate: boolean, requester: RoomRequester): Room | ErrorBody;
  findRoom(request: JoinRoomRequest): Room | ErrorBody;
  listPublicRooms(): RoomSummary[];
}

export type RoomFactory = (isPrivate: boolean) => Room;

export interface LocalMatchmakerOptions {
  readonly registry: RoomRegistry;
  readonly newRoom: RoomFactory;
  readonly maxRooms: number;
  /** Private rooms at most, within maxRooms. */
  readonly maxPrivateRooms: number;
  readonly quotas: RoomQuotas;
  readonly isShuttingDown: () => boolean;
  readonly metrics: ServerMetrics;
}

export class LocalMatchmaker implements Matchmaker {
  constructor(private readonly options: LocalMatchmakerOptions) {}

  quickPlay(requester: RoomRequester): Room | ErrorBody {
    let best: Room | null = null;
    for (const room of this.options.registry.all()) {
      if (room.isPrivate || !room.hasFreeSeat) continue;
      if (!best || room.playerCount > best.playerCount) best = room;
    }
    return best ?? this.createRoom(false, requester);
  }

  createRoom(isPrivate: boolean, requester: RoomRequester): Room | ErrorBody {
    const { registry, maxRooms, maxPrivateRooms, quotas, metrics } = this.options;
    const refuse = (reason: string, body: ErrorBody): ErrorBody => {
      metrics.roomCreationsRefused.inc({ reason });
      return body;
    };
    if (this.options.isShuttingDown()) return refuse('shutting_down', { code: 'SHUTTING_DOWN', message: 'server is shutting down' });
    if (registry.size >= maxRooms) {
      return refuse('server_full', { code: 'SERVER_FULL', message: `server is at its limit of ${maxRooms} rooms; try again later` });
    }
    if (isPrivate && this.privateRoomCount() >= maxPrivateRooms) {
      return refuse('private_rooms_full', {
        code: 'SERVER_FULL',
        message: `all ${maxPrivateRooms} private rooms of this server are in use; quick play still works, or try again later`,
      });
    }
    const refusal = quotas.reserve(requester);
    if (refusal) return refuse(refusal.reason, { code: 'QUOTA_EXCEEDED', message: refusal.message });
    const room = this.options.newRoom(isPrivate);
    registry.add(room);
    quotas.record(requester, room);
    metrics.roomsCreated.inc({ kind: isPrivate ? 'private' : 'public' });
    return room;
  }

  findRoom(request: JoinRoomRequest): Room | ErrorBody {
    const { registry } = this.options;
    const room = request.code ? registry.getByCode(request.code) : registry.get(request.roomId ?? '');
    if (!room || room.isClosed) {
      return request.code
        ? { code: 'ROOM_NOT_FOUND', message: `no room with code ${request.code}` }
        : { code: 'ROOM_NOT_FOUND', message: `no room with id ${request.roomId}` };
    }
    if (!room.hasFreeSeat) {
      return { code: 'ROOM_FULL', message: `room is full (${room.playerCount}/${room.maxPlayers} players)` };
    }
    return room;
  }

  listPublicRooms(): RoomSummary[] {
    const rooms: RoomSummary[] = [];
    for (const room of this.options.registry.all()) {
      if (room.isPrivate || room.isClosed) continue;
      rooms.push(room.summary());
      if (rooms.length >= LIMITS.maxListedRooms) break;
    }
    return rooms;
  }

  private privateRoomCount(): number {
    let count = 0;
    for (const room of this.options.registry.all()) if (room.isPrivate && !room.isClosed) count++;
    return count;
  }
}

export function isRoom(value: Room | ErrorBody): value is Room {
  return value instanceof Room;
}
