// The room directory of a cluster: which rooms exist, on which node, with how many seats taken, and where
// the next player goes. Every node process holds one RoomDirectory instance: it is that node's lease
// (membership) in the cluster and its client of the shared directory. Placement answers plain data (a
// Placement naming the room, its node and a single-use seat ticket), never live Room objects: the owning
// node redeems the ticket when the player connects to it, and creates its local Room lazily when the first
// ticket of a new room is redeemed.
//
// Implementations: RedisRoomDirectory (a cluster of processes sharing one Redis) and MemoryRoomDirectory
// (the embedded single-process default, same semantics). docs/SCALING.md describes the model.

import type { Emitter } from '../../shared/util/emitter.js';
import type { ErrorCode } from '../../shared/protocol.js';

/**
 * Error codes of the directory. The shared protocol's codes where one fits (ROOM_NOT_FOUND, ROOM_FULL,
 * SERVER_FULL, BAD_REQUEST), plus directory-specific ones:
 * - DIRECTORY_UNAVAILABLE: Redis is unreachable, restarting or did not answer in time; nothing may be
 *   assumed about whether a write happened (a placement that timed out may have reserved a seat: it
 *   expires with its ticket).
 * - TICKET_INVALID: unknown, expired, already redeemed, or issued before the node's last re-registration.
 * - TICKET_WRONG_NODE: the ticket is for another node (it is not consumed: the client may still go there).
 * - NODE_FENCED: this node's lease is lost; it redeems nothing until it has registered again.
 * - CODE_TAKEN, ROOM_ID_TAKEN: the caller-generated join code or room id exists; retried internally.
 */
export type DirectoryErrorCode =
  | Extract<ErrorCode, 'ROOM_NOT_FOUND' | 'ROOM_FULL' | 'SERVER_FULL' | 'BAD_REQUEST'>
  | 'DIRECTORY_UNAVAILABLE'
  | 'TICKET_INVALID'
  | 'TICKET_WRONG_NODE'
  | 'NODE_FENCED'
  | 'CODE_TAKEN'
  | 'ROOM_ID_TAKEN';

export interface DirectoryError {
  readonly code: DirectoryErrorCode;
  readonly message: string;
}

/** Every directory call resolves (never rejects) with this, shaped like the protocol's Reply<T>. */
export type DirectoryReply<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: DirectoryError };

/** Where a player goes: the room, the node that owns it (its public URL) and the seat ticket to show there. */
export interface Placement {
  readonly roomId: string;
  readonly game: string;
  readonly nodeId: string;
  /** The owning node's public URL: the client connects there. */
  readonly nodeUrl: string;
  /** Single-use seat ticket, redeemed by the owning node within ticketTtlMs. */
  readonly ticket: string;
  /** When the ticket and its reserved seat expire (ms since the epoch, the directory's clock). */
  readonly ticketExpiresAt: number;
  readonly isPrivate: boolean;
  /** Join code of a private room, null for public rooms. */
  readonly code: string | null;
  readonly maxPlayers: number;
  /** True when this placement opened the room (quick play found no free seat, or createRoom). */
  readonly created: boolean;
}

/** What the owning node learns when it redeems a ticket. */
export interface RedeemedSeat {
  readonly roomId: string;
  readonly game: string;
  readonly isPrivate: boolean;
  readonly code: string | null;
  readonly maxPlayers: number;
  /**
   * The owner has not reported this room yet: create the local Room (with this id, code and maxPlayers)
   * if it does not exist already. Several tickets of a new room may say so: creation must be idempotent.
   */
  readonly create: boolean;
}

/** The owner's view of one of its rooms, reported after every change (coalesced into batches). */
export interface RoomReport {
  readonly roomId: string;
  readonly game: string;
  readonly isPrivate: boolean;
  readonly code: string | null;
  /** Seats taken (players in the room, connected or within their reconnect grace). */
  readonly players: number;
  readonly maxPlayers: number;
}

/** One row of the public room list. */
export interface PublicRoom {
  readonly roomId: string;
  readonly game: string;
  readonly players: number;
  /** Seats reserved by placements whose players have not joined (or not been reported) yet. */
  readonly reserved: number;
  readonly maxPlayers: number;
  readonly nodeId: string;
  readonly nodeUrl: string;
}

/** Where a room lives: its node, while the directory has the room on a node that holds its lease. */
export interface RoomLocation {
  readonly roomId: string;
  readonly nodeId: string;
  readonly nodeUrl: string;
}

/** One live node, as /api/nodes shows it. */
export interface NodeSummary {
  readonly nodeId: string;
  readonly url: string;
  readonly games: readonly string[];
  readonly rooms: number;
  readonly players: number;
  readonly maxRooms: number;
  readonly draining: boolean;
  /** Time since the lease was last renewed (ms). */
  readonly leaseAgeMs: number;
}

export interface QuickPlayOptions {
  /**
   * False: only join an existing room (a requester out of its room-creation quota); answers ROOM_NOT_FOUND
   * when no room has a free seat. Default true.
   */
  readonly allowCreate?: boolean;
}

/** Directory operations, as counted by commandCounts(). */
export const DIRECTORY_OPS = [
  'loadScripts',
  'register',
  'renew',
  'reap',
  'quickPlay',
  'createRoom',
  'joinByCode',
  'joinById',
  'redeem',
  'report',
  'publicRooms',
  'nodes',
  'locate',
  'deregister',
] as const;

export type DirectoryOp = (typeof DIRECTORY_OPS)[number];

export type FenceReason = 'lease-lost' | 'lease-expired';

export interface DirectoryEvents {
  /** The node holds a lease: at start, and again after a fencing or a Redis restart (rooms republished). */
  registered: { readonly epoch: number; readonly rooms: number; readonly conflicts: readonly RoomConflict[] };
  /**
   * The node lost its lease ('lease-lost': a renewal found it gone or taken; 'lease-expired': no renewal
   * succeeded for a lease period). It redeems nothing until `registered` again.
   */
  fenced: { readonly epoch: number; readonly reason: FenceReason };
  /** The first failed directory call of an outage (one event per outage, not per call). */
  unavailable: { readonly message: string };
  /** The connection to the directory is back after `unavailable`. */
  available: Record<string, never>;
  /** This node's reaper removed dead nodes (and their rooms). */
  reaped: { readonly nodeIds: readonly string[] };
}

/**
 * A room the node republished after a (re)registration that the directory already had elsewhere: its id
 * is another node's room ('room-id'), or its join code now belongs to another room ('code': the room
 * stays listed but can no longer be joined by that code).
 */
export interface RoomConflict {
  readonly roomId: string;
  readonly kind: 'room-id' | 'code';
}

export interface RoomDirectory {
  /** This node's id (random unless configured). */
  readonly nodeId: string;
  /** Fencing epoch of the current registration; 0 before the first one. */
  readonly epoch: number;
  /** True while the node holds no valid lease (before start, after a lost lease, until re-registered). */
  readonly fenced: boolean;
  readonly draining: boolean;
  readonly events: Emitter<DirectoryEvents>;

  /**
   * Registers the node and starts its background work (lease renewal, reaper, report batches). Resolves
   * with the first registration's outcome; on failure the node keeps trying in the background.
   */
  start(): Promise<DirectoryReply<{ readonly epoch: number }>>;
  /** Stops background work and removes the node and its rooms from the directory (graceful shutdown). */
  stop(): Promise<void>;

  /** The fullest public room of `game` with a free seat on a usable node, else a new room on the least-loaded node. */
  quickPlay(game: string, maxPlayers: number, options?: QuickPlayOptions): Promise<DirectoryReply<{ readonly placement: Placement }>>;
  /** A new room on the least-loaded node (with a fresh join code when private); the creator's seat reserved. */
  createRoom(game: string, isPrivate: boolean, maxPlayers: number): Promise<DirectoryReply<{ readonly placement: Placement }>>;
  /** A seat in the private (or public) room with this join code; rooms of draining nodes included. */
  joinByCode(code: string): Promise<DirectoryReply<{ readonly placement: Placement }>>;
  /** A seat in the room with this id (public or private, as the single-process matchmaker allows). */
  joinById(roomId: string): Promise<DirectoryReply<{ readonly placement: Placement }>>;

  /**
   * Consumes a ticket issued for this node under its current epoch. Then create the room locally if
   * `seat.create` says so, seat the player, and reportRoom() (or removeRoom() if the room is not kept): the
   * seat stays reserved in the directory until a report includes its player.
   */
  redeem(ticket: string): Promise<DirectoryReply<{ readonly seat: RedeemedSeat }>>;
  /** Records the state of one of this node's rooms; sent in the next batch (latest state wins). */
  reportRoom(report: RoomReport): void;
  /** This node closed the room: it leaves the directory with the next batch. */
  removeRoom(roomId: string): void;
  /** Sends the pending batch of reports now. */
  flush(): Promise<DirectoryReply<object>>;
  /**
   * Draining: the node gets no new rooms and its rooms leave quick play and the public list; players may
   * still join them by code or id until the node closes them.
   */
  setDraining(draining: boolean): Promise<DirectoryReply<object>>;

  /** Public rooms (of `game`, or of every game), fullest first, at most `limit`. */
  publicRooms(game?: string, limit?: number): Promise<DirectoryReply<{ readonly rooms: readonly PublicRoom[] }>>;
  /** Live nodes, at most `limit`. */
  nodes(limit?: number): Promise<DirectoryReply<{ readonly nodes: readonly NodeSummary[] }>>;
  /** Where each room is (null: not in the directory, or its node is gone), in the order asked; at most MAX_LOCATE_IDS ids. */
  locateRooms(roomIds: readonly string[]): Promise<DirectoryReply<{ readonly rooms: readonly (RoomLocation | null)[] }>>;

  /**
   * Directory round trips this instance sent to Redis since it was created, per operation (NOSCRIPT
   * fallbacks included); MemoryRoomDirectory counts its operations.
   */
  commandCounts(): Readonly<Record<DirectoryOp, number>>;
}

/** Settings common to both implementations. */
export interface DirectoryNodeOptions {
  /** Random when unset. */
  readonly nodeId?: string;
  /** Public URL of this node: where clients connect for its rooms. */
  readonly url: string;
  /** Names of the games this node hosts. */
  readonly games: readonly string[];
  /** Rooms this node may own at once (public and private, new rooms awaiting their first player included). */
  readonly maxRooms: number;
  /** Private rooms at most, within maxRooms (default maxRooms), so quick play is never starved by them. */
  readonly maxPrivateRooms?: number;
  /** Lifetime of a seat ticket (default 15 s). */
  readonly ticketTtlMs?: number;
}

export const DEFAULT_TICKET_TTL_MS = 15_000;
/** Most rows publicRooms and nodes return in one call. */
export const MAX_LISTED_ROWS = 1000;
/** Most room ids one locateRooms call takes. */
export const MAX_LOCATE_IDS = 64;
