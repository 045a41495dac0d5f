// Matchmaking: quick play (fill the fullest public room that has a free seat, else open one), private
// rooms joined by code, join by id, and the public room list. Behind an interface so a multi-node
// matchmaker (returning the owning node's address) can replace the local one.

import { LIMITS, type ErrorBody, type JoinRoomRequest, type RoomSummary } from '../shared/protocol.js';
import { Room } from './room.js';
import type { RoomRegistry } from './room-registry.js';

export interface Matchmaker {
  quickPlay(): Room | ErrorBody;
  createRoom(isPrivate: boolean): Room | ErrorBody;
  findRoom(request: JoinRoomRequest): Room | ErrorBody;
  listPublicRooms(): RoomSummary[];
}

export type RoomFactory = (isPrivate: boolean) => Room;

export class LocalMatchmaker implements Matchmaker {
  constructor(
    private readonly registry: RoomRegistry,
    private readonly newRoom: RoomFactory,
    private readonly maxRooms: number,
    private readonly isShuttingDown: () => boolean,
  ) {}

  quickPlay(): Room | ErrorBody {
    let best: Room | null = null;
    for (const room of this.registry.all()) {
      if (room.isPrivate || !room.hasFreeSeat) continue;
      if (!best || room.playerCount > best.playerCount) best = room;
    }
    return best ?? this.createRoom(false);
  }

  createRoom(isPrivate: boolean): Room | ErrorBody {
    if (this.isShuttingDown()) return { code: 'SHUTTING_DOWN', message: 'server is shutting down' };
    if (this.registry.size >= this.maxRooms) {
      return { code: 'SERVER_FULL', message: `server is at its limit of ${this.maxRooms} rooms; try again later` };
    }
    const room = this.newRoom(isPrivate);
    this.registry.add(room);
    return room;
  }

  findRoom(request: JoinRoomRequest): Room | ErrorBody {
    const room = request.code ? this.registry.getByCode(request.code) : this.registry.get(request.roomId ?? '');
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
    for (const room of this.registry.all()) {
      if (room.isPrivate || room.isClosed) continue;
      rooms.push(room.summary());
      if (rooms.length >= LIMITS.maxListedRooms) break;
    }
    return rooms;
  }
}

export function isRoom(value: Room | ErrorBody): value is Room {
  return value instanceof Room;
}
