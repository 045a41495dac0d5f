// One socket.io connection: validates everything the client sends, answers requests through acks with
// { ok, ... } or { ok: false, error }, rate-limits, and links the socket to its seat in a room.
// A bad packet only ever affects this connection.

import type { Socket } from 'socket.io';
import type { ShortcutHandler } from '../shared/net/msgpack-parser.js';
import {
  EV,
  LIMITS,
  type ChatMessage,
  type ErrorBody,
  type ErrorCode,
  type JoinInfo,
  type NoticeMessage,
  type Reply,
  type RoomClosedMessage,
  PROTOCOL_VERSION,
} from '../shared/protocol.js';
import {
  ValidationError,
  validateChat,
  validateClaimSeat,
  validateCreateRoom,
  validateEmpty,
  inputPayload,
  inputRenderTick,
  validateInputEnvelope,
  validateJoinRoom,
  validateListRooms,
  validateQuickPlay,
  validateRejoin,
} from '../shared/protocol-validate.js';
import type { AnyGame } from '../shared/game/game-definition.js';
import type { Identity } from './auth.js';
import { isGame, type HostedGames } from './hosted-games.js';
import type { Logger } from './logger.js';
import type { Placement } from './cluster/room-directory.js';
import { isPlacement, type Matchmaker } from './matchmaker.js';
import type { ServerMetrics } from './metrics.js';
import { AbuseTracker, TokenBucket } from './rate-limiter.js';
import { ReconnectTokens } from './reconnect-token.js';
import type { PlayerLink, Room, Seat } from './room.js';
import type { RoomHost } from './room-host.js';
import type { RoomRequester } from './room-quotas.js';
import { sendSnapshot } from './snapshot-sender.js';

export interface ConnectionDeps {
  readonly matchmaker: Matchmaker;
  /** The games this server hosts: a request for another is refused (UNKNOWN_GAME). */
  readonly games: HostedGames;
  /** The rooms this node runs. */
  readonly rooms: RoomHost;
  /** This node's id: a placement on another node is answered with a redirect there. */
  readonly nodeId: string;
  readonly tokens: ReconnectTokens;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  readonly tickRate: number;
  /** INPUTS_PER_MESSAGE: what joining clients are asked to batch (JoinInfo.inputsPerMessage). */
  readonly inputsPerMessage: number;
  /** MAX_PLAYERS_PER_ROOM: no room of any game seats more. */
  readonly maxPlayersPerRoom: number;
  /** Counts bytes written straight to the WebSocket (engine.io's 'packetCreate' counts the others). */
  readonly countDirectBytes: (bytes: number) => void;
  /** Whether seated players' sockets join the socket.io room named after their room (see joinSocketRoom). */
  readonly socketRooms: boolean;
  /** Told once, when the connection ends (its only 'disconnect' listener: one per connection, see bind()). */
  readonly connectionClosed: (connection: PlayerConnection) => void;
}

/** Every request answers with one of these; the payload type per event is documented in protocol.ts. */
type AnyReply = Reply<Record<string, unknown>>;
type Ack = (reply: AnyReply) => void;
type RequestHandler = (connection: PlayerConnection, payload: unknown) => AnyReply | Promise<AnyReply>;

function fail(code: ErrorCode, message: string): { ok: false; error: ErrorBody } {
  return { ok: false, error: { code, message } };
}

export class PlayerConnection implements PlayerLink {
  /**
   * The acknowledged requests a client may send, and what answers each. One table for every connection,
   * dispatched by one listener per connection (onEvent), not a listener per request per connection.
   */
  private static readonly requests = new Map<string, RequestHandler>([
    [EV.listRooms, (c, p) => c.listRooms(p)],
    [EV.quickPlay, (c, p) => c.quickPlay(p)],
    [EV.createRoom, (c, p) => c.createRoom(p)],
    [EV.joinRoom, (c, p) => c.joinRoom(p)],
    [EV.rejoinRoom, (c, p) => c.rejoinRoom(p)],
    [EV.claimSeat, (c, p) => c.claimSeat(p)],
    [EV.leaveRoom, (c, p) => c.leaveRoom(p)],
    [EV.sendChat, (c, p) => c.sendChatLine(p)],
  ]);

  private room: Room | null = null;
  private seat: Seat | null = null;
  private closed = false;
  /** A request that seats the player is being answered (matchmaking is asynchronous): one at a time. */
  private entering = false;
  private readonly inputBucket: TokenBucket;
  /**
   * The parsed payloads of the input message being handled: written by index and cleared to null after,
   * never resized (setting an array's length to 0 drops its storage, and the next push allocates anew).
   */
  private readonly parsedInputs: unknown[] = new Array<unknown>(LIMITS.maxInputsPerMessage).fill(null);
  private readonly requestBucket = new TokenBucket(10, 20);
  private readonly chatBucket = new TokenBucket(0.5, 5);
  private readonly floodTracker: AbuseTracker;
  private readonly invalidTracker = new AbuseTracker(20, 10_000);
  /** Whom room quotas count this connection's creations against. */
  private readonly requester: RoomRequester;

  constructor(
    private readonly socket: Socket,
    private readonly identity: Identity,
    /** The client's address (server/client-address.ts). */
    readonly address: string,
    private readonly deps: ConnectionDeps,
  ) {
    this.requester = { address, userId: identity.userId };
    // Legitimate clients send one input per tick; long-polling batches a round trip's worth at once.
    this.inputBucket = new TokenBucket(deps.tickRate * 2, deps.tickRate * 2);
    this.floodTracker = new AbuseTracker(deps.tickRate * 3, 5_000);
    this.bind();
  }

  /**
   * The connection's logger, made per line: a connection logs a few lines in its life, and a child logger
   * held for its whole life cost every connection its fields.
   */
  private get log(): Logger {
    return this.deps.log.child({ socket: this.socket.id, user: this.identity.userId });
  }

  get currentRoom(): Room | null {
    return this.room;
  }

  // ---- PlayerLink (called by the room) ----

  sendSnapshot(bytes: Uint8Array): void {
    // Volatile and pre-encoded: see snapshot-sender.ts and snapshot-packet.ts.
    const sent = sendSnapshot(this.socket, bytes);
    if (sent.path === 'direct') this.deps.countDirectBytes(sent.bytes);
  }

  sendChat(message: ChatMessage): void {
    this.socket.emit(EV.chat, message);
  }

  sendNotice(notice: NoticeMessage): void {
    this.socket.emit(EV.notice, notice);
  }

  sendRoomClosed(message: RoomClosedMessage): void {
    this.socket.emit(EV.roomClosed, message);
    if (this.room) this.leaveSocketRoom(this.room.id);
    this.room = null;
    this.seat = null;
  }

  // ---- socket wiring ----

  private bind(): void {
    const s = this.socket;
    // Every event of the client, requests and inputs that took socket.io's dispatch included.
    s.onAny(this.onEvent);
    // With our parser, inputs skip socket.io's event dispatch (see setShortcut) and are handled as they
    // are decoded. Order among the client's packets: socket.io dispatches its events two ticks after
    // decoding, so inputs were always handled before requests that arrived in the same read, and after
    // those of earlier reads; it is the same now.
    const decoder = (s.client as unknown as { decoder?: { setShortcut?: (name: string, handler: ShortcutHandler) => void } }).decoder;
    if (typeof decoder?.setShortcut === 'function') decoder.setShortcut(EV.input, this.onShortcutInput);
    s.on('error', (err: unknown) => {
      // Only our parser raises this (engine.io transport failures arrive as a disconnect): the client
      // sent what no client of ours sends, and socket.io is closing the connection.
      this.deps.metrics.packetsRejected.inc();
      this.log.warn('packet rejected', { reason: err instanceof Error ? err.message : String(err) });
      this.closed = true;
      this.giveUpSeat('packet rejected');
    });
    // The connection's only 'disconnect' listener: the server's own bookkeeping runs from it too
    // (deps.connectionClosed), a listener each would cost every connection a closure and its context.
    s.on('disconnect', (reason) => this.onDisconnect(reason));
  }

  private readonly onEvent = (event: string, ...args: unknown[]): void => {
    if (event === EV.input) {
      this.onInput(args, 0);
      return;
    }
    const ack = args[args.length - 1];
    const handler = PlayerConnection.requests.get(event);
    if (handler !== undefined) {
      this.request(event, args, ack, handler);
      return;
    }
    if (typeof ack === 'function') (ack as Ack)(fail('UNKNOWN_EVENT', `unknown event "${event.slice(0, 40)}"`));
    this.invalid('unknown_event', `unknown event "${event.slice(0, 40)}"`);
  };

  /** An acknowledged request: rate limit, validate, answer exactly once, never throw. */
  private request(event: string, args: unknown[], ack: unknown, handler: RequestHandler): void {
    const payloadArgs = typeof ack === 'function' ? args.slice(0, -1) : args;
    if (typeof ack !== 'function') this.invalid('missing_ack', `${event} must be sent with an acknowledgement callback`);
    void this.runRequest(event, payloadArgs, handler).then((reply) => {
      this.deps.metrics.requests.inc({ event, outcome: reply.ok ? 'ok' : reply.error.code });
      if (typeof ack === 'function') (ack as Ack)(reply);
    });
  }

  private async runRequest(event: string, payloadArgs: unknown[], handler: RequestHandler): Promise<AnyReply> {
    if (this.closed) return fail('SHUTTING_DOWN', 'connection is closing');
    if (!this.requestBucket.take()) {
      this.flood('requests');
      return fail('RATE_LIMITED', 'too many requests; slow down');
    }
    if (payloadArgs.length > 1) {
      this.invalid('bad_request', `${event}: expected one payload argument`);
      return fail('BAD_REQUEST', `${event}: expected one payload argument`);
    }
    try {
      const reply = await handler(this, payloadArgs[0]);
      if (!reply.ok && reply.error.code === 'BAD_REQUEST') this.invalid('bad_request', reply.error.message);
      return reply;
    } catch (err) {
      this.log.error('request handler failed', { event, err });
      return fail('INTERNAL', 'internal error');
    }
  }

  // ---- requests ----

  private async listRooms(payload: unknown): Promise<AnyReply> {
    const body = validateListRooms(payload);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    // Only hosted games: the matchmaker keeps one cached list per name it is asked for.
    const game = body.game === undefined ? undefined : this.deps.games.resolve(body.game);
    if (game !== undefined && !isGame(game)) return { ok: false, error: game };
    const rooms = await this.deps.matchmaker.listPublicRooms(game?.name);
    return Array.isArray(rooms) ? { ok: true, rooms } : { ok: false, error: rooms as ErrorBody };
  }

  private quickPlay(payload: unknown): Promise<AnyReply> | AnyReply {
    const body = validateQuickPlay(payload);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    const game = this.deps.games.resolve(body.game);
    if (!isGame(game)) return { ok: false, error: game };
    return this.enterVia(() => this.deps.matchmaker.quickPlay(this.matchmade(game), this.requester));
  }

  private createRoom(payload: unknown): Promise<AnyReply> | AnyReply {
    const body = validateCreateRoom(payload);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    const game = this.deps.games.resolve(body.game);
    if (!isGame(game)) return { ok: false, error: game };
    return this.enterVia(() => this.deps.matchmaker.createRoom(this.matchmade(game), body.private, this.requester));
  }

  /** A game's name and room size (the game's own cap, within the server's MAX_PLAYERS_PER_ROOM). */
  private matchmade(game: AnyGame): { name: string; maxPlayers: number } {
    return { name: game.name, maxPlayers: Math.min(this.deps.maxPlayersPerRoom, game.maxPlayers) };
  }

  private joinRoom(payload: unknown): Promise<AnyReply> | AnyReply {
    const body = validateJoinRoom(payload);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    return this.enterVia(() => this.deps.matchmaker.joinRoom(body));
  }

  /** The seat of a redirect: this node owns the room, the ticket says which. */
  private claimSeat(payload: unknown): Promise<AnyReply> | AnyReply {
    const body = validateClaimSeat(payload);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    return this.enterVia(async () => body.ticket);
  }

  /**
   * Seats the player where `place` says: a placement on this node (or a ticket for it) is claimed here;
   * a placement on another node is answered with a redirect there. One at a time per connection.
   */
  private async enterVia(place: () => Promise<Placement | ErrorBody | string>): Promise<AnyReply> {
    if (this.seat) return this.alreadyInRoom();
    if (this.entering) return fail('ALREADY_IN_ROOM', 'already joining a room');
    this.entering = true;
    try {
      const placed = await place();
      if (typeof placed !== 'string' && !isPlacement(placed)) return { ok: false, error: placed };
      if (typeof placed !== 'string' && placed.nodeId !== this.deps.nodeId) {
        const expiresInMs = Math.max(0, placed.ticketExpiresAt - Date.now());
        return { ok: true, redirect: { url: placed.nodeUrl, roomId: placed.roomId, ticket: placed.ticket, expiresInMs } };
      }
      const ticket = typeof placed === 'string' ? placed : placed.ticket;
      const joined = await this.deps.rooms.claim(ticket, (room) => this.enter(room));
      return 'ok' in joined ? joined : { ok: false, error: joined };
    } finally {
      this.entering = false;
    }
  }

  private async rejoinRoom(payload: unknown): Promise<AnyReply> {
    const body = validateRejoin(payload);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    if (this.seat) return this.alreadyInRoom();
    const roomId = ReconnectTokens.roomOf(body.token);
    if (roomId === null) return fail('BAD_TOKEN', 'reconnect token is invalid');
    const room = this.deps.rooms.get(roomId);
    if (!room || room.isClosed) {
      // Not here: the room may run on another node (the player reloaded the page, or came back through
      // another node after a network change). Only the owning node checks the token.
      const where = await this.deps.matchmaker.locateRoom(roomId);
      if (!('code' in where) && where.nodeId !== this.deps.nodeId) return { ok: true, redirect: { url: where.nodeUrl, roomId } };
      if ('code' in where && where.code !== 'ROOM_NOT_FOUND') return { ok: false, error: where };
      // A token of ours is sure to be authentic; another node's cannot be told from a forgery.
      return this.deps.tokens.verify(body.token)
        ? fail('ROOM_NOT_FOUND', 'the room is gone')
        : fail('BAD_TOKEN', 'reconnect token is invalid, or the room it was for is gone');
    }
    const claim = this.deps.tokens.verify(body.token);
    if (!claim) return fail('BAD_TOKEN', 'reconnect token is invalid');
    const held = room.heldSeat(claim.playerId, claim.occupancy);
    if (!held) {
      return fail('BAD_TOKEN', 'this seat is no longer yours: it was left, given up after the reconnect grace period, or given to another player');
    }
    if (held.link && held.link !== this) {
      // The same player on a new connection: the old one (half-open, or another tab) loses the seat.
      held.link.sendRoomClosed({ reason: 'kicked', message: 'this seat was taken over by a new connection' });
      room.detach(claim.playerId);
    }
    const seat = room.reattach(claim.playerId, this);
    if (!seat) return fail('BAD_TOKEN', 'the seat is no longer held');
    this.room = room;
    this.seat = seat;
    this.joinSocketRoom(room.id);
    this.log.info('player rejoined', { room: room.id, player: seat.playerId });
    return { ok: true, join: this.joinInfo(room, seat) };
  }

  private leaveRoom(payload: unknown): AnyReply {
    const body = validateEmpty(payload, EV.leaveRoom);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    if (!this.room || !this.seat) return fail('NOT_IN_ROOM', 'not in a room');
    this.giveUpSeat('left');
    return { ok: true };
  }

  private sendChatLine(payload: unknown): AnyReply {
    const body = validateChat(payload);
    if (body instanceof ValidationError) return fail('BAD_REQUEST', body.message);
    if (!this.room || !this.seat) return fail('NOT_IN_ROOM', 'join a room before chatting');
    if (!this.chatBucket.take()) {
      this.flood('chat');
      return fail('RATE_LIMITED', 'you are sending messages too fast');
    }
    const message = this.room.chat(this.seat, body.text);
    return { ok: true, id: message.id };
  }

  private enter(room: Room): AnyReply {
    // Gone while matchmaking was answered: nobody to seat (the room still learns of the claim).
    if (this.closed) return fail('SHUTTING_DOWN', 'connection is closing');
    if (!room.hasFreeSeat) return fail('ROOM_FULL', `room is full (${room.humanCount}/${room.maxPlayers})`);
    const seat = room.join(this.identity.name, this);
    this.room = room;
    this.seat = seat;
    this.joinSocketRoom(room.id);
    this.log.info('player joined', { room: room.id, player: seat.playerId, name: seat.name });
    return { ok: true, join: this.joinInfo(room, seat) };
  }

  private joinInfo(room: Room, seat: Seat): JoinInfo {
    const settings = room.settings;
    return {
      protocol: PROTOCOL_VERSION,
      game: room.game.name,
      roomId: room.id,
      ...(room.code ? { code: room.code } : {}),
      playerId: seat.playerId,
      name: seat.name,
      tickRate: settings.tickRate,
      snapshotRate: settings.snapshotRate,
      inputsPerMessage: this.deps.inputsPerMessage,
      tick: room.tick,
      lagCompensationTicks: settings.lagCompensationTicks,
      lastInputSeq: seat.lastQueuedSeq,
      reconnectToken: this.deps.tokens.sign({ roomId: room.id, playerId: seat.playerId, occupancy: seat.occupancy }),
      reconnectGraceMs: settings.reconnectGraceMs,
    };
  }

  private alreadyInRoom(): AnyReply {
    return fail('ALREADY_IN_ROOM', `already in room ${this.room?.id}; leave it first`);
  }

  // ---- inputs ----

  /** An input packet's data, [EV.input, ...args], from the parser shortcut. */
  private readonly onShortcutInput = (data: readonly unknown[]): void => {
    if (this.socket.connected) this.onInput(data, 1);
  };

  /** An input event's arguments: args[first..]. */
  private onInput(args: readonly unknown[], first: number): void {
    const { metrics } = this.deps;
    if (args.length - first !== 1) {
      metrics.inputsRejected.inc({ reason: 'malformed' });
      this.invalid('bad_input', 'input: expected exactly one argument');
      return;
    }
    const envelope = validateInputEnvelope(args[first]);
    if (envelope instanceof ValidationError) {
      metrics.inputsRejected.inc({ reason: 'malformed' });
      this.invalid('bad_input', envelope.message);
      return;
    }
    // The rate limit counts inputs, not messages: a batch spends one token per input it carries. (A flood
    // of malformed messages spends none: the invalid-message tracker cuts it off sooner.)
    const count = envelope.count;
    if (!this.inputBucket.take(count)) {
      metrics.inputsRejected.inc({ reason: 'rate_limited' }, count);
      this.flood('inputs');
      return;
    }
    const room = this.room;
    const seat = this.seat;
    if (!room || !seat) {
      metrics.inputsRejected.inc({ reason: 'not_in_room' }, count);
      return;
    }
    // Every payload is checked before any is queued: a message is applied whole or not at all.
    const parsed = this.parsedInputs;
    for (let i = 0; i < count; i++) {
      const payload = room.game.parseInput(inputPayload(envelope, i));
      if (payload === null) {
        parsed.fill(null);
        metrics.inputsRejected.inc({ reason: 'invalid_payload' }, count);
        const which = count === 1 ? 'payload' : `payload ${i + 1} of ${count}`;
        this.invalid('bad_input', `input: ${which} is not a valid input for this game`);
        return;
      }
      parsed[i] = payload;
    }
    room.acknowledgeSnapshot(seat, envelope.ackTick);
    for (let i = 0; i < count; i++) {
      const outcome = room.queueInput(seat, envelope.seq + i, inputRenderTick(envelope, i), parsed[i]);
      if (outcome === 'duplicate') metrics.inputsRejected.inc({ reason: 'duplicate' });
      else if (outcome === 'overflow') metrics.inputsRejected.inc({ reason: 'queue_overflow' });
    }
    parsed.fill(null, 0, count);
  }

  // ---- abuse handling ----

  private flood(what: string): void {
    const verdict = this.floodTracker.violation();
    if (verdict === 'warn') {
      this.sendNotice({ code: 'RATE_LIMITED', message: `too many ${what}; excess is dropped, keep it up and you are disconnected` });
    } else if (verdict === 'cut') {
      this.cutOff('rate_limit', 'RATE_LIMITED', `disconnected: kept flooding ${what}`);
    }
  }

  private invalid(reason: string, message: string): void {
    const verdict = this.invalidTracker.violation();
    if (verdict === 'warn') this.sendNotice({ code: 'BAD_REQUEST', message });
    else if (verdict === 'cut') this.cutOff(reason, 'BAD_REQUEST', `disconnected: too many invalid messages (last: ${message})`);
  }

  private cutOff(reason: string, code: ErrorCode, message: string): void {
    if (this.closed) return;
    this.closed = true;
    this.deps.metrics.disconnectsForAbuse.inc({ reason });
    this.log.warn('client cut off', { reason, message });
    // The seat goes now, not after the reconnect grace: an abuser must not keep a real player's place
    // (its reconnect token dies with the seat).
    this.giveUpSeat('cut off');
    this.sendNotice({ code, message });
    // Let the notice flush before closing the transport.
    setTimeout(() => this.socket.disconnect(true), 50);
  }

  /** Frees this connection's seat at once (a leave, not a detach: nothing is held for a reconnect). */
  private giveUpSeat(why: string): void {
    const { room, seat } = this;
    if (!room || !seat) return;
    this.room = null;
    this.seat = null;
    this.leaveSocketRoom(room.id);
    if (seat.link !== this) return; // taken over by a newer connection of the same player
    room.leave(seat.playerId);
    if (why !== 'left') this.log.info('seat released', { room: room.id, player: seat.playerId, why });
  }

  /**
   * socket.io room membership, used only by room-wide broadcasts (a room snapshot strategy,
   * GameServerOptions.roomSnapshots): without one, nothing reads it, and it costs every player an entry
   * in two of socket.io's maps.
   */
  private joinSocketRoom(roomId: string): void {
    if (this.deps.socketRooms) void this.socket.join(roomId);
  }

  private leaveSocketRoom(roomId: string): void {
    if (this.deps.socketRooms) void this.socket.leave(roomId);
  }

  private onDisconnect(reason: string): void {
    this.closed = true;
    if (this.room && this.seat && this.seat.link === this) {
      this.room.detach(this.seat.playerId);
      this.log.info('player disconnected, seat held', { room: this.room.id, player: this.seat.playerId, reason });
    }
    this.room = null;
    this.seat = null;
    // A client that leaves the namespace but keeps its engine.io connection would hold it, uncounted
    // by admission, for as long as it answers pings: it gets no second session, so close it.
    if (reason === 'client namespace disconnect') this.socket.conn.close();
    this.deps.connectionClosed(this);
  }
}
