// The rooms this node runs. A room is born here when the first seat ticket of a new room is redeemed (the
// room directory placed it on this node), is stepped by the tick loop, reports every change of its seats
// to the directory (which counts them for placement and the public list), and leaves the directory when it
// closes. Nothing here decides where rooms go: that is the directory's job (server/matchmaker.ts).

import type { ErrorBody } from '../shared/protocol.js';
import type { RedeemedSeat, RoomDirectory } from './cluster/room-directory.js';
import { directoryErrorBody } from './directory-errors.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { Room, RoomObserver } from './room.js';

/** What the directory says about a room this node must create. */
export type NewRoomSpec = Pick<RedeemedSeat, 'roomId' | 'game' | 'isPrivate' | 'code' | 'maxPlayers'>;

export interface RoomHostOptions {
  readonly directory: RoomDirectory;
  /** Builds a room; `observer` (seat reports) must be among the room's observers. */
  readonly newRoom: (spec: NewRoomSpec, observer: RoomObserver) => Room;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
}

export class RoomHost {
  private readonly rooms = new Map<string, Room>();
  private readonly reporter: RoomObserver = {
    onPlayerJoined: (room) => this.report(room),
    onPlayerLeft: (room) => this.report(room),
  };

  constructor(private readonly options: RoomHostOptions) {}

  get size(): number {
    return this.rooms.size;
  }

  get(roomId: string): Room | undefined {
    return this.rooms.get(roomId);
  }

  all(): IterableIterator<Room> {
    return this.rooms.values();
  }

  /**
   * Redeems a seat ticket for one of this node's rooms (creating the room if the ticket is its first) and
   * seats the player with `seat`, called synchronously once the room is known. The room is reported
   * whatever `seat` answers, so the ticket's reservation is settled either way.
   */
  async claim<T>(ticket: string, seat: (room: Room) => T | ErrorBody): Promise<T | ErrorBody> {
    const redeemed = await this.options.directory.redeem(ticket);
    if (!redeemed.ok) return directoryErrorBody(redeemed.error);
    const spec = redeemed.seat;
    let room = this.rooms.get(spec.roomId);
    if (!room || room.isClosed) {
      if (!spec.create) return { code: 'ROOM_NOT_FOUND', message: 'the room has closed' };
      room = this.open(spec);
    }
    const outcome = seat(room);
    this.report(room);
    return outcome;
  }

  /**
   * Steps every room (`snapshots`: see Room.step); closes the ones that are done or broken. Returns the
   * inputs applied, and the snapshot ticks skipped as stale.
   */
  step(snapshots: 'send' | 'skip' = 'send'): { applied: number; snapshotsSkipped: number } {
    let applied = 0;
    let snapshotsSkipped = 0;
    // Removing the current room while iterating is safe: Map iteration skips deleted entries.
    for (const room of this.rooms.values()) {
      try {
        const skippedBefore = room.snapshotsSkipped;
        applied += room.step(snapshots);
        snapshotsSkipped += room.snapshotsSkipped - skippedBefore;
      } catch (err) {
        // A bug in one room's simulation must not stop the others.
        this.options.log.error('room step failed; closing room', { room: room.id, err });
        this.close(room, 'disposed', 'the room hit an internal error');
        this.options.metrics.roomsClosed.inc({ reason: 'error' });
        continue;
      }
      const disposal = room.disposalReason();
      if (disposal) {
        this.close(room, 'disposed', disposal === 'empty' ? 'room closed after being empty' : 'room closed: nobody was connected');
        this.options.metrics.roomsClosed.inc({ reason: disposal });
        this.options.log.info('room disposed', { room: room.id, reason: disposal });
      }
    }
    return { applied, snapshotsSkipped };
  }

  /** Seats taken in every room (connected or within their reconnect grace). */
  playerCount(): number {
    let players = 0;
    for (const room of this.rooms.values()) players += room.humanCount;
    return players;
  }

  /** Closes the rooms with no seat taken (a draining node does not wait out their empty-room grace). */
  closeEmpty(message: string): void {
    for (const room of [...this.rooms.values()]) {
      if (room.humanCount > 0) continue;
      this.close(room, 'disposed', message);
      this.options.metrics.roomsClosed.inc({ reason: 'empty' });
    }
  }

  /** Closes every room (shutdown): players are told why. */
  closeAll(message: string): void {
    for (const room of [...this.rooms.values()]) this.close(room, 'shutdown', message);
  }

  private open(spec: NewRoomSpec): Room {
    const room = this.options.newRoom(spec, this.reporter);
    this.rooms.set(room.id, room);
    this.options.metrics.roomsCreated.inc({ kind: spec.isPrivate ? 'private' : 'public' });
    this.options.log.info('room opened', { room: room.id, private: spec.isPrivate });
    return room;
  }

  private close(room: Room, reason: 'disposed' | 'shutdown', message: string): void {
    room.close(reason, message);
    this.rooms.delete(room.id);
    this.options.directory.removeRoom(room.id);
  }

  private report(room: Room): void {
    if (room.isClosed || this.rooms.get(room.id) !== room) return;
    this.options.directory.reportRoom({
      roomId: room.id,
      game: room.game.name,
      isPrivate: room.isPrivate,
      code: room.code,
      players: room.humanCount,
      maxPlayers: room.maxPlayers,
    });
  }
}
