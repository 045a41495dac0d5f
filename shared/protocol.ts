// Every event name, payload type, error code and limit of the client/server protocol, in one place.
// The byte layout of snapshots is in docs/SNAPSHOT-SPEC.md; the socket.io packet format in
// shared/net/msgpack-parser.ts. Validators for client payloads live in shared/protocol-validate.ts.

/** Bumped on any incompatible change; exchanged in the handshake and echoed in every join result. */
export const PROTOCOL_VERSION = 5;

/** Event names. Hot-path events are one character to keep per-packet overhead down. */
export const EV = {
  // client -> server, fire-and-forget
  input: 'i',
  // client -> server requests, each answered through the socket.io ack with a Reply<T>
  listRooms: 'room:list',
  quickPlay: 'room:quick',
  createRoom: 'room:create',
  joinRoom: 'room:join',
  rejoinRoom: 'room:rejoin',
  claimSeat: 'room:claim',
  leaveRoom: 'room:leave',
  sendChat: 'chat:send',
  // server -> client
  snapshot: 's',
  chat: 'chat',
  notice: 'notice',
  roomClosed: 'room:closed',
} as const;

export type ClientRequestEvent =
  | typeof EV.listRooms
  | typeof EV.quickPlay
  | typeof EV.createRoom
  | typeof EV.joinRoom
  | typeof EV.rejoinRoom
  | typeof EV.claimSeat
  | typeof EV.leaveRoom
  | typeof EV.sendChat;

export const LIMITS = {
  maxNameLength: 16,
  maxChatLength: 200,
  /** Room ids are server-generated; join codes are 6 characters from JOIN_CODE_ALPHABET. */
  maxRoomIdLength: 32,
  joinCodeLength: 6,
  maxTokenLength: 256,
  /** Largest legitimate client packet is a chat line: 200 chars x 4 UTF-8 bytes + envelope. */
  maxClientPacketBytes: 1024,
  /** Inputs one input message may carry (InputMessage). */
  maxInputsPerMessage: 4,
  /**
   * engine.io maxHttpBufferSize: one long-polling POST may batch a round trip's worth of inputs plus a
   * chat line, so it is a few packets, not one.
   */
  maxHttpBufferSize: 16 * 1024,
  /** Largest server packet a client accepts (a full snapshot of a crowded area). */
  maxServerPacketBytes: 1024 * 1024,
  /** Rooms returned by one room:list. */
  maxListedRooms: 100,
} as const;

export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Starts the name of every server-hosted bot, and of no person (sanitizeName removes it from names people choose). */
export const BOT_NAME_MARK = '🤖';

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_EVENT'
  | 'PROTOCOL_MISMATCH'
  | 'AUTH_FAILED'
  | 'ROOM_NOT_FOUND'
  | 'ROOM_FULL'
  | 'SERVER_FULL'
  /** Admission: this client address already holds MAX_CONNECTIONS_PER_ADDRESS connections. */
  | 'TOO_MANY_CONNECTIONS'
  /** Admission: the server is short of a resource (descriptors, memory) and refuses new work for now. */
  | 'SERVER_BUSY'
  /** A per-address or per-identity quota (e.g. rooms created) is used up. */
  | 'QUOTA_EXCEEDED'
  | 'ALREADY_IN_ROOM'
  | 'NOT_IN_ROOM'
  | 'BAD_TOKEN'
  | 'RATE_LIMITED'
  | 'SHUTTING_DOWN'
  /** Matchmaking cannot reach the cluster's room directory (Redis) for now; running matches are not affected. */
  | 'DIRECTORY_UNAVAILABLE'
  /** A seat ticket is unknown, expired, already used, or for another node. */
  | 'BAD_TICKET'
  /** The request names a game this server does not host (the message lists those it does). */
  | 'UNKNOWN_GAME'
  | 'INTERNAL';

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Reply<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: ErrorBody };

/** Handshake `auth` field, checked in io.use before the connection is accepted. */
export interface HandshakeAuth {
  readonly protocol: number;
  readonly name?: string;
  /** Opaque credential for a custom verifier (the default guest verifier ignores it). */
  readonly token?: string;
}

// ---- requests ----

/**
 * Requests that pick a game name it with `game` (a GameDefinition's name, see GET /api/games); without it,
 * the server's first game.
 */
export interface ListRoomsRequest {
  /** Only this game's rooms; all games' without it. */
  readonly game?: string;
}
export interface RoomSummary {
  readonly roomId: string;
  readonly game: string;
  /** Seats taken, plus seats reserved for players on their way in. */
  readonly players: number;
  readonly maxPlayers: number;
  /** The node (server process) that runs the room. */
  readonly nodeId: string;
}
export type ListRoomsReply = Reply<{ readonly rooms: readonly RoomSummary[] }>;

export interface QuickPlayRequest {
  readonly game?: string;
}
export interface CreateRoomRequest {
  /** Private rooms are not listed and not used by quick play; they are joined by code. */
  readonly private: boolean;
  readonly game?: string;
}

/** A game the server hosts, as GET /api/games lists it (rooms and players: public rooms of the whole cluster). */
export interface GameSummary {
  readonly name: string;
  readonly title: string;
  readonly maxPlayers: number;
  readonly rooms: number;
  readonly players: number;
}
export interface JoinRoomRequest {
  /** Either a room id (from room:list) or a join code. */
  readonly roomId?: string;
  readonly code?: string;
}
export interface RejoinRoomRequest {
  /** The reconnect token from the last JoinInfo. */
  readonly token: string;
}

/** What a client needs to play, returned by quick play, create, join and rejoin. */
export interface JoinInfo {
  readonly protocol: number;
  readonly game: string;
  readonly roomId: string;
  /** Present for private rooms: the code to share. */
  readonly code?: string;
  readonly playerId: number;
  readonly name: string;
  readonly tickRate: number;
  readonly snapshotRate: number;
  /**
   * How many consecutive inputs the server asks the client to send per message (1: one message a tick;
   * 2: every other tick, half the messages for a tick more of input delay). Absent: 1.
   */
  readonly inputsPerMessage?: number;
  /** Server tick at the moment of joining. */
  readonly tick: number;
  /** Lag compensation cap, in ticks. */
  readonly lagCompensationTicks: number;
  /** The last input sequence the server applied for this player (0 for a new player). */
  readonly lastInputSeq: number;
  /** Signed credential to take the same seat back after a disconnect, within the grace period. */
  readonly reconnectToken: string;
  readonly reconnectGraceMs: number;
}

/** How many inputs a message should carry, as the server asked (JoinInfo.inputsPerMessage), within the protocol's bounds. */
export function inputsPerMessageOf(join: Pick<JoinInfo, 'inputsPerMessage'> | null): number {
  const asked = join?.inputsPerMessage;
  if (typeof asked !== 'number' || !Number.isInteger(asked)) return 1;
  return Math.min(LIMITS.maxInputsPerMessage, Math.max(1, asked));
}
/**
 * The room is on another node of the cluster: connect to `url` (socket.io path: the URL's path +
 * "socket.io/") and send room:claim with the ticket within expiresInMs, or, without a ticket (a rejoin),
 * room:rejoin with the reconnect token.
 */
export interface SeatRedirect {
  readonly url: string;
  readonly roomId: string;
  readonly ticket?: string;
  readonly expiresInMs?: number;
}
export interface ClaimSeatRequest {
  /** The ticket of a SeatRedirect. */
  readonly ticket: string;
}
export type JoinReply = Reply<{ readonly join: JoinInfo }> | Reply<{ readonly redirect: SeatRedirect }>;
export type LeaveReply = Reply<Record<string, never>>;

export interface SendChatRequest {
  readonly text: string;
}
export type SendChatReply = Reply<{ readonly id: number }>;

// ---- fire-and-forget ----

/**
 * One input or a few consecutive ones, as a tuple to keep it small: [seq, ackTick, renderTick, payload,
 * ...later], later being pairs [renderTickOffset, payload].
 * - seq: strictly increasing per player (1, 2, ...), echoed back in snapshots once applied.
 * - ackTick: the newest snapshot tick the client has applied (-1 for none): the server's baseline.
 * - renderTick: the tick the player was looking at (remote entities), for lag compensation.
 * - payload: the game's own input, validated by GameDefinition.parseInput.
 * - later: the inputs of the next ticks, when the client batches (JoinInfo.inputsPerMessage): the i-th
 *   pair is input seq + i, chosen at renderTick + renderTickOffset. At most LIMITS.maxInputsPerMessage
 *   inputs in all.
 */
export type InputMessage = readonly [seq: number, ackTick: number, renderTick: number, payload: unknown, ...later: unknown[]];

// ---- server -> client ----

/** A snapshot is sent as raw bytes (see docs/SNAPSHOT-SPEC.md): spliced from pre-encoded entities. */
export type SnapshotMessage = Uint8Array;

export interface ChatMessage {
  readonly id: number;
  readonly playerId: number;
  readonly name: string;
  readonly text: string;
  readonly tick: number;
}

export interface NoticeMessage {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface RoomClosedMessage {
  /** 'lost': the node running the room stopped (crashed, or cut off) and the room is gone. */
  readonly reason: 'shutdown' | 'disposed' | 'kicked' | 'lost';
  readonly message: string;
}

/**
 * socket.io's reserved event names: never valid as application events in either direction. "error" is
 * not reserved by socket.io 4.8, which dispatches a client's "error" event like any other, but its server
 * Socket emits "error" itself (a rejected packet, a middleware error) to listeners that expect an Error:
 * a client must not be able to call them with anything else.
 */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'error',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);
