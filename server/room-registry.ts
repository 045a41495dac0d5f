// Where rooms are found. The embedded default keeps them in memory; a Redis-backed directory (rooms
// placed on nodes, heartbeats, expiry) implements the same interface for multi-node deployments.

import type { Room } from './room.js';

export interface RoomRegistry {
  readonly size: number;
  add(room: Room): void;
  remove(roomId: string): void;
  get(roomId: string): Room | undefined;
  getByCode(code: string): Room | undefined;
  all(): Iterable<Room>;
}

export class InMemoryRoomRegistry implements RoomRegistry {
  private readonly byId = new Map<string, Room>();
  private readonly byCode = new Map<string, Room>();

  get size(): number {
    return this.byId.size;
  }

  add(room: Room): void {
    if (this.byId.has(room.id)) throw new Error(`duplicate room id ${room.id}`);
    this.byId.set(room.id, room);
    if (room.code) this.byCode.set(room.code, room);
  }

  remove(roomId: string): void {
    const room = this.byId.get(roomId);
    if (!room) return;
    this.byId.delete(roomId);
    if (room.code) this.byCode.delete(room.code);
  }

  get(roomId: string): Room | undefined {
    return this.byId.get(roomId);
  }

  getByCode(code: string): Room | undefined {
    return this.byCode.get(code);
  }

  all(): Iterable<Room> {
    return this.byId.values();
  }
}
