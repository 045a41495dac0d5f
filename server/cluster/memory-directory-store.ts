// The directory's state in one process's memory: what Redis holds for a cluster, with the same operations
// as the Redis scripts (redis-scripts.ts) and the same rules (placement-rules.ts). Several
// MemoryRoomDirectory nodes may share one store (tests, or several servers in one process); a node stays
// live until it stops (one process cannot lose a lease to itself). Synchronous, so every operation is
// atomic like a script.

import type { NewRoomIds } from './directory-ids.js';
import type { ReportBatch } from './owned-rooms.js';
import {
  canTakeNewRoom,
  compareForNewRoom,
  compareForQuickPlay,
  freeSeats,
  nodeLoadScore,
} from './placement-rules.js';
import type {
  DirectoryError,
  DirectoryReply,
  NodeSummary,
  Placement,
  PublicRoom,
  RedeemedSeat,
  RoomConflict,
  RoomLocation,
  RoomReport,
} from './room-directory.js';

export interface MemoryNodeSettings {
  readonly nodeId: string;
  readonly url: string;
  readonly games: readonly string[];
  readonly maxRooms: number;
  readonly maxPrivateRooms: number;
  readonly draining: boolean;
}

interface MemNode extends MemoryNodeSettings {
  draining: boolean;
  epoch: number;
  readonly rooms: Set<string>;
  privateRooms: number;
  players: number;
  renewedAt: number;
}

interface MemRoom {
  readonly roomId: string;
  readonly nodeId: string;
  readonly game: string;
  readonly isPrivate: boolean;
  readonly code: string | null;
  players: number;
  maxPlayers: number;
  state: 'pending' | 'live';
  /** Reserved seats: ticket -> expiry. */
  readonly held: Map<string, number>;
}

interface MemTicket {
  readonly roomId: string;
  readonly nodeId: string;
  readonly epoch: number;
  readonly expiresAt: number;
}

type PlacementReply = DirectoryReply<{ readonly placement: Placement }>;

function refuse(code: DirectoryError['code'], message: string): { readonly ok: false; readonly error: DirectoryError } {
  return { ok: false, error: { code, message } };
}

export class MemoryDirectoryStore {
  private readonly nodeMap = new Map<string, MemNode>();
  private readonly rooms = new Map<string, MemRoom>();
  private readonly codes = new Map<string, string>();
  private readonly tickets = new Map<string, MemTicket>();
  private epochCounter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  // ---- membership ----

  /** A new epoch and a clean slate for the node, with the rooms it runs republished. */
  register(settings: MemoryNodeSettings, rooms: readonly RoomReport[]): { epoch: number; conflicts: RoomConflict[] } {
    this.clearNode(settings.nodeId);
    const node: MemNode = {
      ...settings,
      epoch: ++this.epochCounter,
      rooms: new Set(),
      privateRooms: 0,
      players: 0,
      renewedAt: this.now(),
    };
    this.nodeMap.set(node.nodeId, node);
    const conflicts: RoomConflict[] = [];
    for (const report of rooms) {
      const conflict = this.publishRoom(node, report);
      if (conflict) conflicts.push({ roomId: report.roomId, kind: conflict });
    }
    return { epoch: node.epoch, conflicts };
  }

  deregister(nodeId: string, epoch: number): void {
    if (this.nodeMap.get(nodeId)?.epoch === epoch) this.clearNode(nodeId);
  }

  setDraining(nodeId: string, epoch: number, draining: boolean): boolean {
    const node = this.liveNode(nodeId, epoch);
    if (!node) return false;
    node.draining = draining;
    node.renewedAt = this.now();
    return true;
  }

  // ---- placement ----

  quickPlay(game: string, maxPlayers: number, ids: NewRoomIds, ticketTtlMs: number, allowCreate: boolean): PlacementReply {
    const now = this.settle();
    let best: { room: MemRoom; free: number; roomId: string } | null = null;
    for (const room of this.rooms.values()) {
      if (room.isPrivate || room.game !== game || !this.isListed(room)) continue;
      const free = this.freeSeatsOf(room, now);
      if (free === 0) continue;
      const candidate = { room, free, roomId: room.roomId };
      if (!best || compareForQuickPlay(candidate, best) < 0) best = candidate;
    }
    if (best) return this.reserve(best.room, ids.ticket, ticketTtlMs, now, false);
    if (!allowCreate) return refuse('ROOM_NOT_FOUND', `no public room of ${game} has a free seat`);
    return this.openRoom(game, false, maxPlayers, ids, ticketTtlMs, now);
  }

  createRoom(game: string, isPrivate: boolean, maxPlayers: number, ids: NewRoomIds, ticketTtlMs: number): PlacementReply {
    return this.openRoom(game, isPrivate, maxPlayers, ids, ticketTtlMs, this.settle());
  }

  joinByCode(code: string, ticket: string, ticketTtlMs: number): PlacementReply {
    const now = this.settle();
    const roomId = this.codes.get(code);
    return this.joinRoom(roomId === undefined ? undefined : this.rooms.get(roomId), ticket, ticketTtlMs, now, `code ${code}`);
  }

  joinById(roomId: string, ticket: string, ticketTtlMs: number): PlacementReply {
    const now = this.settle();
    return this.joinRoom(this.rooms.get(roomId), ticket, ticketTtlMs, now, `id ${roomId}`);
  }

  // ---- the owner's side ----

  redeem(ticketId: string, nodeId: string, epoch: number): DirectoryReply<{ readonly seat: RedeemedSeat }> {
    const now = this.settle();
    const ticket = this.tickets.get(ticketId);
    if (!ticket || ticket.expiresAt <= now) return refuse('TICKET_INVALID', 'unknown, expired or already redeemed ticket');
    if (ticket.nodeId !== nodeId) return refuse('TICKET_WRONG_NODE', `the ticket is for node ${ticket.nodeId}`);
    if (!this.liveNode(nodeId, epoch)) return refuse('NODE_FENCED', 'this node lost its lease; it registers again');
    this.tickets.delete(ticketId);
    if (ticket.epoch !== epoch) return refuse('TICKET_INVALID', 'the ticket was issued before this node registered again');
    const room = this.rooms.get(ticket.roomId);
    if (!room || room.nodeId !== nodeId) return refuse('ROOM_NOT_FOUND', `room ${ticket.roomId} is no longer in the directory`);
    // The seat stays held until a report that includes its player settles it.
    return {
      ok: true,
      seat: { roomId: room.roomId, game: room.game, isPrivate: room.isPrivate, code: room.code, maxPlayers: room.maxPlayers, create: room.state === 'pending' },
    };
  }

  report(nodeId: string, epoch: number, batch: ReportBatch): DirectoryReply<{ readonly conflicts: readonly RoomConflict[] }> {
    const node = this.liveNode(nodeId, epoch);
    if (!node) return refuse('NODE_FENCED', 'this node lost its lease; it registers again');
    const conflicts: RoomConflict[] = [];
    for (const { report, settled } of batch.updates) {
      const room = this.rooms.get(report.roomId);
      for (const ticket of settled) room?.held.delete(ticket);
      if (!room) {
        const conflict = this.publishRoom(node, report);
        if (conflict) conflicts.push({ roomId: report.roomId, kind: conflict });
      } else if (room.nodeId !== nodeId) {
        conflicts.push({ roomId: report.roomId, kind: 'room-id' });
      } else {
        node.players += report.players - room.players;
        room.players = report.players;
        room.maxPlayers = report.maxPlayers;
        room.state = 'live';
      }
    }
    for (const roomId of batch.removals) {
      const room = this.rooms.get(roomId);
      if (room && room.nodeId === nodeId) this.deleteRoom(room);
    }
    return { ok: true, conflicts };
  }

  // ---- listings ----

  publicRooms(game: string | undefined, limit: number): PublicRoom[] {
    const now = this.settle();
    const rows: { row: PublicRoom; free: number }[] = [];
    for (const room of this.rooms.values()) {
      if (room.isPrivate || (game !== undefined && room.game !== game) || !this.isListed(room)) continue;
      const reserved = this.reservedSeats(room, now);
      const node = this.nodeMap.get(room.nodeId)!;
      rows.push({
        free: freeSeats(room.maxPlayers, room.players, reserved),
        row: { roomId: room.roomId, game: room.game, players: room.players, reserved, maxPlayers: room.maxPlayers, nodeId: node.nodeId, nodeUrl: node.url },
      });
    }
    rows.sort((a, b) => (a.row.game < b.row.game ? -1 : a.row.game > b.row.game ? 1 : compareForQuickPlay(
      { free: a.free, roomId: a.row.roomId },
      { free: b.free, roomId: b.row.roomId },
    )));
    return rows.slice(0, limit).map((r) => r.row);
  }

  locate(roomIds: readonly string[]): (RoomLocation | null)[] {
    return roomIds.map((roomId) => {
      const room = this.rooms.get(roomId);
      const node = room && this.nodeMap.get(room.nodeId);
      return node ? { roomId, nodeId: node.nodeId, nodeUrl: node.url } : null;
    });
  }

  nodes(limit: number): NodeSummary[] {
    const now = this.now();
    return [...this.nodeMap.values()].slice(0, limit).map((node) => ({
      nodeId: node.nodeId,
      url: node.url,
      games: node.games,
      rooms: node.rooms.size,
      players: node.players,
      maxRooms: node.maxRooms,
      draining: node.draining,
      leaseAgeMs: now - node.renewedAt,
    }));
  }

  // ---- internals ----

  private liveNode(nodeId: string, epoch: number): MemNode | null {
    const node = this.nodeMap.get(nodeId);
    return node && node.epoch === epoch ? node : null;
  }

  /** Quick play and the public list see a room while its node is live and not draining. */
  private isListed(room: MemRoom): boolean {
    const node = this.nodeMap.get(room.nodeId);
    return node !== undefined && !node.draining;
  }

  private reservedSeats(room: MemRoom, now: number): number {
    for (const [ticket, expiresAt] of room.held) if (expiresAt <= now) room.held.delete(ticket);
    return room.held.size;
  }

  private freeSeatsOf(room: MemRoom, now: number): number {
    return freeSeats(room.maxPlayers, room.players, this.reservedSeats(room, now));
  }

  /** Drops expired tickets and reservations, and rooms placed but never born once their last reservation is gone. */
  private settle(): number {
    const now = this.now();
    for (const [id, ticket] of this.tickets) if (ticket.expiresAt <= now) this.tickets.delete(id);
    for (const room of this.rooms.values()) {
      if (this.reservedSeats(room, now) === 0 && room.state === 'pending') this.deleteRoom(room);
    }
    return now;
  }

  private pickNode(game: string, isPrivate: boolean): MemNode | null {
    let best: { node: MemNode; score: number; nodeId: string } | null = null;
    for (const node of this.nodeMap.values()) {
      const capacity = { ...node, rooms: node.rooms.size };
      if (!node.games.includes(game) || !canTakeNewRoom(capacity, isPrivate)) continue;
      const candidate = { node, score: nodeLoadScore(capacity), nodeId: node.nodeId };
      if (!best || compareForNewRoom(candidate, best) < 0) best = candidate;
    }
    return best?.node ?? null;
  }

  private openRoom(game: string, isPrivate: boolean, maxPlayers: number, ids: NewRoomIds, ticketTtlMs: number, now: number): PlacementReply {
    const node = this.pickNode(game, isPrivate);
    if (!node) {
      return refuse('SERVER_FULL', `no live node can take a new ${isPrivate ? 'private' : 'public'} room of ${game}; try again later`);
    }
    if (this.rooms.has(ids.roomId)) return refuse('ROOM_ID_TAKEN', `room id ${ids.roomId} exists`);
    const code = isPrivate ? ids.code : null;
    if (isPrivate && (code === null || this.codes.has(code))) return refuse('CODE_TAKEN', `join code ${code} is taken`);
    const room: MemRoom = {
      roomId: ids.roomId,
      nodeId: node.nodeId,
      game,
      isPrivate,
      code,
      players: 0,
      maxPlayers,
      state: 'pending',
      held: new Map(),
    };
    this.addRoom(node, room);
    return this.reserve(room, ids.ticket, ticketTtlMs, now, true);
  }

  private joinRoom(room: MemRoom | undefined, ticket: string, ticketTtlMs: number, now: number, what: string): PlacementReply {
    if (!room || !this.nodeMap.has(room.nodeId)) return refuse('ROOM_NOT_FOUND', `no room with ${what}`);
    if (this.freeSeatsOf(room, now) === 0) {
      return refuse('ROOM_FULL', `room is full (${room.maxPlayers}/${room.maxPlayers} seats taken or reserved)`);
    }
    return this.reserve(room, ticket, ticketTtlMs, now, false);
  }

  private reserve(room: MemRoom, ticket: string, ticketTtlMs: number, now: number, created: boolean): PlacementReply {
    const node = this.nodeMap.get(room.nodeId)!;
    const expiresAt = now + ticketTtlMs;
    this.tickets.set(ticket, { roomId: room.roomId, nodeId: node.nodeId, epoch: node.epoch, expiresAt });
    room.held.set(ticket, expiresAt);
    return {
      ok: true,
      placement: {
        roomId: room.roomId,
        game: room.game,
        nodeId: node.nodeId,
        nodeUrl: node.url,
        ticket,
        ticketExpiresAt: expiresAt,
        isPrivate: room.isPrivate,
        code: room.code,
        maxPlayers: room.maxPlayers,
        created,
      },
    };
  }

  private addRoom(node: MemNode, room: MemRoom): void {
    this.rooms.set(room.roomId, room);
    node.rooms.add(room.roomId);
    if (room.isPrivate) node.privateRooms++;
    node.players += room.players;
    if (room.code !== null && !this.codes.has(room.code)) this.codes.set(room.code, room.roomId);
  }

  /** A room the owner reports that the store does not have (republish). */
  private publishRoom(node: MemNode, report: RoomReport): RoomConflict['kind'] | null {
    if (this.rooms.has(report.roomId)) return 'room-id';
    this.addRoom(node, {
      roomId: report.roomId,
      nodeId: node.nodeId,
      game: report.game,
      isPrivate: report.isPrivate,
      code: report.code,
      players: report.players,
      maxPlayers: report.maxPlayers,
      state: 'live',
      held: new Map(),
    });
    return report.code !== null && this.codes.get(report.code) !== report.roomId ? 'code' : null;
  }

  private deleteRoom(room: MemRoom): void {
    this.rooms.delete(room.roomId);
    if (room.code !== null && this.codes.get(room.code) === room.roomId) this.codes.delete(room.code);
    const node = this.nodeMap.get(room.nodeId);
    if (!node) return;
    node.rooms.delete(room.roomId);
    if (room.isPrivate) node.privateRooms--;
    node.players -= room.players;
  }

  private clearNode(nodeId: string): void {
    const node = this.nodeMap.get(nodeId);
    if (!node) return;
    for (const roomId of node.rooms) {
      const room = this.rooms.get(roomId);
      if (room) this.deleteRoom(room);
    }
    this.nodeMap.delete(nodeId);
  }
}
