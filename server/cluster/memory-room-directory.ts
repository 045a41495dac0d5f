// The embedded room directory: the single-process default (no Redis), with the semantics of
// RedisRoomDirectory (placement rules, single-use tickets, reservations until the owner's report, drain).
// Nodes sharing one MemoryDirectoryStore form an in-process cluster. Reports apply at once (no batching:
// they cost nothing here), and a node's lease never lapses while it runs.

import { LIMITS } from '../../shared/protocol.js';
import { DirectoryEventEmitter } from './directory-events.js';
import { newNodeId, newTicketId, placeWithFreshIds } from './directory-ids.js';
import { MemoryDirectoryStore } from './memory-directory-store.js';
import { OwnedRooms } from './owned-rooms.js';
import {
  badRequest,
  checkLocateArgs,
  checkNewRoomArgs,
  checkNodeOptions,
  checkReport,
  clampListLimit,
  isSafeName,
  isValidRoomId,
  normalizeJoinCode,
} from './placement-rules.js';
import {
  DEFAULT_TICKET_TTL_MS,
  DIRECTORY_OPS,
  type DirectoryNodeOptions,
  type DirectoryOp,
  type DirectoryReply,
  type NodeSummary,
  type Placement,
  type PublicRoom,
  type QuickPlayOptions,
  type RedeemedSeat,
  type RoomDirectory,
  type RoomLocation,
  type RoomReport,
} from './room-directory.js';

export interface MemoryRoomDirectoryOptions extends DirectoryNodeOptions {
  /** Shared by the nodes of an in-process cluster; a private one by default. */
  readonly store?: MemoryDirectoryStore;
}

type PlacementReply = DirectoryReply<{ readonly placement: Placement }>;

const NOT_STARTED = { ok: false, error: { code: 'NODE_FENCED', message: 'this node is not registered' } } as const;

export class MemoryRoomDirectory implements RoomDirectory {
  readonly nodeId: string;
  readonly events = new DirectoryEventEmitter();
  private readonly store: MemoryDirectoryStore;
  private readonly ticketTtlMs: number;
  private readonly owned = new OwnedRooms();
  private readonly counts = new Map<DirectoryOp, number>();
  private currentEpoch = 0;
  private registered = false;
  private isDraining = false;

  constructor(private readonly options: MemoryRoomDirectoryOptions) {
    checkNodeOptions(options);
    this.nodeId = options.nodeId ?? newNodeId();
    this.store = options.store ?? new MemoryDirectoryStore();
    this.ticketTtlMs = options.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS;
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  get fenced(): boolean {
    return !this.registered;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  async start(): Promise<DirectoryReply<{ readonly epoch: number }>> {
    this.count('register');
    const rooms = this.owned.takeAllForRepublish();
    const { epoch, conflicts } = this.store.register(
      {
        nodeId: this.nodeId,
        url: this.options.url,
        games: this.options.games,
        maxRooms: this.options.maxRooms,
        maxPrivateRooms: this.options.maxPrivateRooms ?? this.options.maxRooms,
        draining: this.isDraining,
      },
      rooms,
    );
    this.currentEpoch = epoch;
    this.registered = true;
    this.events.fire('registered', { epoch, rooms: rooms.length, conflicts });
    return { ok: true, epoch };
  }

  async stop(): Promise<void> {
    if (!this.registered) return;
    this.count('deregister');
    this.store.deregister(this.nodeId, this.currentEpoch);
    this.registered = false;
  }

  async quickPlay(game: string, maxPlayers: number, options: QuickPlayOptions = {}): Promise<PlacementReply> {
    const refusal = checkNewRoomArgs(game, maxPlayers);
    if (refusal) return refusal;
    return placeWithFreshIds(false, async (ids) => {
      this.count('quickPlay');
      return this.store.quickPlay(game, maxPlayers, ids, this.ticketTtlMs, options.allowCreate ?? true);
    });
  }

  async createRoom(game: string, isPrivate: boolean, maxPlayers: number): Promise<PlacementReply> {
    const refusal = checkNewRoomArgs(game, maxPlayers);
    if (refusal) return refusal;
    return placeWithFreshIds(isPrivate, async (ids) => {
      this.count('createRoom');
      return this.store.createRoom(game, isPrivate, maxPlayers, ids, this.ticketTtlMs);
    });
  }

  async joinByCode(code: string): Promise<PlacementReply> {
    const normalized = normalizeJoinCode(code);
    if (!normalized) return badRequest(`"${code}" is not a join code`);
    this.count('joinByCode');
    return this.store.joinByCode(normalized, newTicketId(), this.ticketTtlMs);
  }

  async joinById(roomId: string): Promise<PlacementReply> {
    if (!isValidRoomId(roomId)) return badRequest(`"${roomId}" is not a room id`);
    this.count('joinById');
    return this.store.joinById(roomId, newTicketId(), this.ticketTtlMs);
  }

  async redeem(ticket: string): Promise<DirectoryReply<{ readonly seat: RedeemedSeat }>> {
    if (!this.registered) return NOT_STARTED;
    this.count('redeem');
    const reply = this.store.redeem(ticket, this.nodeId, this.currentEpoch);
    if (reply.ok) this.owned.noteRedeemed(reply.seat.roomId, ticket);
    return reply;
  }

  reportRoom(report: RoomReport): void {
    checkReport(report);
    this.owned.report(report);
    this.applyReports();
  }

  removeRoom(roomId: string): void {
    this.owned.remove(roomId);
    this.applyReports();
  }

  async flush(): Promise<DirectoryReply<object>> {
    return this.applyReports();
  }

  async setDraining(draining: boolean): Promise<DirectoryReply<object>> {
    this.isDraining = draining;
    if (this.registered) this.store.setDraining(this.nodeId, this.currentEpoch, draining);
    return { ok: true };
  }

  async publicRooms(game?: string, limit: number = LIMITS.maxListedRooms): Promise<DirectoryReply<{ readonly rooms: readonly PublicRoom[] }>> {
    if (game !== undefined && !isSafeName(game)) return badRequest(`bad game name "${game}"`);
    this.count('publicRooms');
    return { ok: true, rooms: this.store.publicRooms(game, clampListLimit(limit)) };
  }

  async nodes(limit = 100): Promise<DirectoryReply<{ readonly nodes: readonly NodeSummary[] }>> {
    this.count('nodes');
    return { ok: true, nodes: this.store.nodes(clampListLimit(limit)) };
  }

  async locateRooms(roomIds: readonly string[]): Promise<DirectoryReply<{ readonly rooms: readonly (RoomLocation | null)[] }>> {
    const refusal = checkLocateArgs(roomIds);
    if (refusal) return refusal;
    this.count('locate');
    return { ok: true, rooms: this.store.locate(roomIds) };
  }

  commandCounts(): Readonly<Record<DirectoryOp, number>> {
    return Object.fromEntries(DIRECTORY_OPS.map((op) => [op, this.counts.get(op) ?? 0])) as Record<DirectoryOp, number>;
  }

  private count(op: DirectoryOp): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
  }

  private applyReports(): DirectoryReply<object> {
    if (!this.registered || !this.owned.hasPending) return { ok: true };
    this.count('report');
    const reply = this.store.report(this.nodeId, this.currentEpoch, this.owned.takeBatch(Number.MAX_SAFE_INTEGER));
    return reply.ok ? { ok: true } : reply;
  }
}
