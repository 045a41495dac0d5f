// A room is one match: an authoritative world stepped at a fixed tick, the seats of its players, their
// input queues, and the replicator that turns each tick's world into per-client deltas. A room knows
// nothing about sockets: it talks to each player through a PlayerLink.

import type { EntityState, EntityView, GameEvent } from '../shared/codec/schema.js';
import { Replicator, type ReplicationClient } from '../shared/codec/index.js';
import type { AnyGame, GameBot, PlayerScore } from '../shared/game/game-definition.js';
import { stepTick } from '../shared/game/step-tick.js';
import { botName } from './bot-names.js';
import type { ChatMessage, NoticeMessage, RoomClosedMessage } from '../shared/protocol.js';

/** The room's way to reach one connected player (a socket.io socket in production). */
export interface PlayerLink {
  sendSnapshot(bytes: Uint8Array): void;
  sendChat(message: ChatMessage): void;
  sendNotice(notice: NoticeMessage): void;
  sendRoomClosed(message: RoomClosedMessage): void;
}

/** Hooks for whoever records or observes the match (the recorder, metrics); all optional. */
export interface RoomObserver {
  onPlayerJoined?(room: Room, tick: number, playerId: number, name: string): void;
  onPlayerLeft?(room: Room, tick: number, playerId: number): void;
  /** After each simulated tick: the inputs applied (seat order) and the events produced. */
  onTick?(room: Room, tick: number, applied: readonly AppliedInput[], events: readonly GameEvent[]): void;
  onSnapshot?(room: Room, tick: number, views: readonly EntityView[]): void;
  onClosed?(room: Room, reason: RoomClosedMessage['reason']): void;
}

export interface AppliedInput {
  readonly playerId: number;
  /** 0 when the server applied the idle input because nothing was queued. */
  readonly seq: number;
  readonly renderTick: number;
  readonly payload: unknown;
}

export interface RoomOptions {
  readonly id: string;
  /** Join code; null for public rooms. */
  readonly code: string | null;
  readonly game: AnyGame;
  readonly seed: number;
  readonly tickRate: number;
  readonly snapshotRate: number;
  readonly maxPlayers: number;
  readonly lagCompensationTicks: number;
  readonly reconnectGraceMs: number;
  readonly emptyRoomGraceMs: number;
  /**
   * Dispose of the room once no player has been connected for this long, even while seats are still
   * held for the reconnect grace (private rooms: nobody else can find them, so nobody would come).
   * Null (public rooms): only the empty-room grace applies.
   */
  readonly unattendedGraceMs?: number | null;
  /** Interest radius in world units for the replicator. */
  readonly interestRadius: number;
  /**
   * While a human is seated, seats are topped up to this many with bots (the game's createBot) that play
   * through the same input queue; a bot gives its seat up to a human and all leave with the last human.
   * 0 or omitted (or a game without bots): none.
   */
  readonly botFill?: number;
  /** Inputs buffered per player; when full the oldest is dropped to keep latency bounded. */
  readonly inputQueueLimit?: number;
  readonly snapshotHistoryTicks?: number;
  readonly now?: () => number;
  readonly observer?: RoomObserver;
  /**
   * Replaces how the room's snapshots reach its players: given the room once, it returns what each
   * snapshot tick is handed instead of the per-client acked deltas (GameServerOptions.roomSnapshots).
   */
  readonly snapshotSender?: (room: Room) => RoomSnapshotSender;
}

/**
 * Sends one snapshot tick's world (every entity's view) to the room's players. The observer still sees
 * the snapshot; the tick's game events are not passed on (the baselines it exists for send state only).
 */
export type RoomSnapshotSender = (tick: number, views: readonly EntityView[]) => void;

/** Recycled through the room's spare list once applied or dropped (one object per input otherwise). */
interface QueuedInput {
  seq: number;
  renderTick: number;
  payload: unknown;
}

export interface Seat {
  readonly playerId: number;
  /**
   * This occupancy of the seat, unique within the room and never reused (player ids are): a reconnect
   * token names it, so the token is worthless once the player leaves or the id goes to someone else.
   */
  readonly occupancy: number;
  readonly name: string;
  link: PlayerLink | null;
  replication: ReplicationClient | null;
  /** The newest snapshot tick the connection acknowledged since the last snapshot was encoded, or -1. */
  pendingAck: number;
  readonly queue: QueuedInput[];
  /** Highest sequence accepted into the queue (duplicates and replays are dropped). */
  lastQueuedSeq: number;
  lastAppliedSeq: number;
  lastAppliedTick: number;
  lastPayload: unknown;
  disconnectedAt: number | null;
  /** A server-hosted bot's brain; null for a human. */
  readonly bot: GameBot<unknown> | null;
}

export type InputOutcome = 'queued' | 'duplicate' | 'overflow';

const MAX_PLAYER_ID = 255;

export class Room {
  readonly id: string;
  readonly code: string | null;
  readonly game: AnyGame;
  readonly seed: number;
  readonly createdAt = Date.now();
  readonly snapshotInterval: number;
  /** A snapshot was skipped on a stale tick: the next step that may send one does. */
  private snapshotOwed = false;
  private skippedSnapshots = 0;
  private readonly options: RoomOptions;
  private readonly world: unknown;
  private readonly replicator: Replicator;
  private readonly seats = new Map<number, Seat>();
  private readonly pendingEvents: { tick: number; event: GameEvent }[] = [];
  private readonly now: () => number;
  private currentTick = 0;
  private emptySince: number | null;
  /** Since when no seat has had a connection (null while someone is connected). */
  private unattendedSince: number | null;
  private occupancies = 0;
  private closed = false;
  private chatCounter = 0;
  private lastPlayerId = 0;
  private humans = 0;
  /** What the bots see: the entities of the last snapshot tick (as a client would, a little behind). */
  private readonly botSight = new Map<number, EntityState>();
  /** Replaces the replicator's per-client deltas when set (RoomOptions.snapshotSender). */
  private readonly snapshotSender: RoomSnapshotSender | null;
  /** Queue entries no longer in any queue, reused by queueInput. */
  private readonly spareInputs: QueuedInput[] = [];
  /** The header of the snapshot being encoded, refilled per client (encodeFor reads it and keeps nothing). */
  private readonly snapshotHeader = { lastInputSeq: 0, lastInputTick: 0, inputQueueDepth: 0 };
  /** A tick's encoded snapshots and the seats they are for, between encoding them all and sending them all. */
  private readonly outgoing: (Uint8Array | undefined)[] = [];
  private readonly outgoingSeats: (Seat | undefined)[] = [];

  constructor(options: RoomOptions) {
    this.options = options;
    this.id = options.id;
    this.code = options.code;
    this.game = options.game;
    this.seed = options.seed;
    this.now = options.now ?? (() => performance.now());
    this.snapshotInterval = Math.max(1, Math.round(options.tickRate / options.snapshotRate));
    this.world = options.game.createWorld(options.seed);
    this.replicator = new Replicator(options.game.schema, {
      historyTicks: options.snapshotHistoryTicks ?? 64,
      interestRadius: options.interestRadius,
      // Half-radius cells: a client sees a 5x5 block, a tighter fit to its radius than 3x3 full cells.
      cellSize: Math.max(1, options.interestRadius / 2),
    });
    this.emptySince = this.now();
    this.unattendedSince = this.emptySince;
    // Last: the factory is handed a fully built room.
    this.snapshotSender = options.snapshotSender?.(this) ?? null;
  }

  get tick(): number {
    return this.currentTick;
  }
  get isPrivate(): boolean {
    return this.code !== null;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  /** Seats taken, bots included. */
  get playerCount(): number {
    return this.seats.size;
  }
  /** Seats taken by people (what matchmaking and the room list count). */
  get humanCount(): number {
    return this.humans;
  }
  get connectedCount(): number {
    let n = 0;
    for (const seat of this.seats.values()) if (seat.link) n++;
    return n;
  }
  get maxPlayers(): number {
    return this.options.maxPlayers;
  }
  /** A seat for a person: a free one, or one a bot gives up. */
  get hasFreeSeat(): boolean {
    return !this.closed && this.humans < this.options.maxPlayers;
  }
  get settings(): Pick<RoomOptions, 'tickRate' | 'snapshotRate' | 'lagCompensationTicks' | 'reconnectGraceMs'> {
    const { tickRate, snapshotRate, lagCompensationTicks, reconnectGraceMs } = this.options;
    return { tickRate, snapshotRate, lagCompensationTicks, reconnectGraceMs };
  }

  /** Snapshot ticks whose snapshots were skipped because they were stale (see step). */
  get snapshotsSkipped(): number {
    return this.skippedSnapshots;
  }

  seat(playerId: number): Seat | undefined {
    return this.seats.get(playerId);
  }

  /**
   * The seat a reconnect token names, if that same occupancy still holds it: connected (a takeover from
   * a new connection) or disconnected for less than the reconnect grace. Null once the player left, the
   * grace ran out (even before the next step expires the seat) or the id went to another player.
   */
  heldSeat(playerId: number, occupancy: number): Seat | null {
    const seat = this.seats.get(playerId);
    if (!seat || seat.occupancy !== occupancy || this.closed) return null;
    if (seat.disconnectedAt !== null && this.now() - seat.disconnectedAt >= this.options.reconnectGraceMs) return null;
    return seat;
  }

  scores(): PlayerScore[] {
    return this.game.scores(this.world);
  }

  worldHash(): number {
    return this.game.hash(this.world);
  }

  /** A deep copy of the world (game.serialize), e.g. a recording keyframe. */
  serializeWorld(): unknown {
    return this.game.serialize(this.world);
  }

  /** Seats a new player; the caller checked hasFreeSeat. */
  join(name: string, link: PlayerLink): Seat {
    if (!this.hasFreeSeat) throw new Error(`room ${this.id} is full`);
    if (this.seats.size >= this.options.maxPlayers) this.removeOneBot();
    const seat = this.seatPlayer(name, link, null);
    this.fillBots();
    return seat;
  }

  private seatPlayer(name: string, link: PlayerLink | null, bot: GameBot<unknown> | null): Seat {
    const playerId = this.freePlayerId();
    const seat: Seat = {
      playerId,
      occupancy: ++this.occupancies,
      name,
      link,
      replication: this.replicator.addClient(),
      pendingAck: -1,
      queue: [],
      lastQueuedSeq: 0,
      lastAppliedSeq: 0,
      lastAppliedTick: this.currentTick,
      lastPayload: null,
      disconnectedAt: null,
      bot,
    };
    this.seats.set(playerId, seat);
    // Counted before the observers hear of it: the seat report to the directory counts people.
    if (!bot) this.humans++;
    this.game.addPlayer(this.world, playerId, name);
    this.emptySince = null;
    this.unattendedSince = null;
    this.options.observer?.onPlayerJoined?.(this, this.currentTick, playerId, name);
    return seat;
  }

  /** Gives a held seat a new connection (reconnect); the player keeps its body, score and input sequence. */
  reattach(playerId: number, link: PlayerLink): Seat | null {
    const seat = this.seats.get(playerId);
    if (!seat) return null;
    if (seat.replication) this.replicator.removeClient(seat.replication);
    seat.link = link;
    seat.replication = this.replicator.addClient();
    seat.pendingAck = -1;
    seat.disconnectedAt = null;
    // Inputs still queued from before the drop stay: they are applied in order, exactly once (the seat's
    // input stream continues across connections; JoinInfo.lastInputSeq counts them as received).
    this.emptySince = null;
    this.unattendedSince = null;
    return seat;
  }

  /** The connection dropped: hold the seat for the reconnect grace period. */
  detach(playerId: number): void {
    const seat = this.seats.get(playerId);
    if (!seat || !seat.link) return;
    seat.link = null;
    if (seat.replication) this.replicator.removeClient(seat.replication);
    seat.replication = null;
    // What the player sent before the link dropped is still applied, one per tick, then the idle input.
    seat.disconnectedAt = this.now();
    this.noteIfUnattended();
  }

  /** The player left on purpose: free the seat now. */
  leave(playerId: number): void {
    const seat = this.seats.get(playerId);
    if (!seat) return;
    if (seat.replication) this.replicator.removeClient(seat.replication);
    this.seats.delete(playerId);
    if (!seat.bot) this.humans--;
    // Told while the player is still in the world: a recorder keeps the score it leaves with.
    this.options.observer?.onPlayerLeft?.(this, this.currentTick, playerId);
    this.game.removePlayer(this.world, playerId);
    if (!seat.bot) this.fillBots();
    if (this.seats.size === 0) this.emptySince = this.now();
    this.noteIfUnattended();
  }

  /** Bots to keep while people play: botFill seats in all, none once the last person left. */
  private fillBots(): void {
    const createBot = this.game.createBot;
    if (!createBot || this.closed) return;
    const wanted = this.humans === 0 ? 0 : Math.max(0, Math.min(this.options.botFill ?? 0, this.options.maxPlayers) - this.humans);
    let bots = this.seats.size - this.humans;
    while (bots > wanted) {
      this.removeOneBot();
      bots--;
    }
    while (bots < wanted) {
      const index = this.occupancies + 1;
      // Seeded from the room's seed: a recording replays the same bots.
      this.seatPlayer(botName(index), null, createBot.call(this.game, (this.seed * 31 + index) >>> 0));
      bots++;
    }
  }

  /** The bot seated last leaves (a person takes its seat, or no person is left). */
  private removeOneBot(): void {
    let last: Seat | null = null;
    for (const seat of this.seats.values()) if (seat.bot) last = seat;
    if (last) this.leave(last.playerId);
  }

  /** Queues a validated input envelope. The game payload is checked by the caller with game.parseInput. */
  queueInput(seat: Seat, seq: number, renderTick: number, payload: unknown): InputOutcome {
    if (seq <= seat.lastQueuedSeq) return 'duplicate';
    seat.lastQueuedSeq = seq;
    const limit = this.options.inputQueueLimit ?? 8;
    let outcome: InputOutcome = 'queued';
    if (seat.queue.length >= limit) {
      this.recycle(seat.queue.shift());
      outcome = 'overflow';
    }
    const entry = this.spareInputs.pop();
    if (entry === undefined) seat.queue.push({ seq, renderTick, payload });
    else {
      entry.seq = seq;
      entry.renderTick = renderTick;
      entry.payload = payload;
      seat.queue.push(entry);
    }
    return outcome;
  }

  private recycle(entry: QueuedInput | undefined): void {
    if (entry === undefined) return;
    entry.payload = null;
    this.spareInputs.push(entry);
  }

  /**
   * Notes the newest snapshot the connection acknowledged. The replicator hears of it at the next snapshot
   * tick, before the commit, the first thing that reads it (the client's baseline sizes the ring and is
   * what the next delta is encoded against). An input carries the ack and arrives on its own between two
   * ticks: applied there, it would read the client's replication state from memory once per input as well
   * as once per snapshot. Only the newest counts: if the replicator refuses it (a bogus tick), the baseline
   * stays where it was and the client gets deltas against that, as correct, a little larger.
   */
  acknowledgeSnapshot(seat: Seat, tick: number): void {
    if (tick > seat.pendingAck) seat.pendingAck = tick;
  }

  chat(seat: Seat, text: string): ChatMessage {
    const message: ChatMessage = {
      id: ++this.chatCounter,
      playerId: seat.playerId,
      name: seat.name,
      text,
      tick: this.currentTick,
    };
    for (const other of this.seats.values()) other.link?.sendChat(message);
    return message;
  }

  /**
   * One fixed step: apply at most one input per player (seat order is join order, which recordings
   * capture, so re-simulation applies them identically), step the world, and snapshot on snapshot ticks.
   * With `snapshots` 'skip' (a stale tick of a catch-up: the next one is already due) a snapshot due now
   * is owed instead, and sent by the next step that may send: clients see one snapshot for the burst,
   * the newest, and its deltas carry everything the skipped ones would have (events included).
   * Returns the number of inputs applied from queues.
   */
  step(snapshots: 'send' | 'skip' = 'send'): number {
    if (this.closed) return 0;
    const tick = ++this.currentTick;
    const applied: AppliedInput[] = [];
    let fromQueue = 0;
    const cap = this.options.lagCompensationTicks;
    for (const seat of this.seats.values()) {
      if (seat.bot) this.queueInput(seat, seat.lastQueuedSeq + 1, tick, seat.bot.think({ playerId: seat.playerId, tick, entities: this.botSight }));
    }
    for (const seat of this.seats.values()) {
      const queued = seat.queue.shift();
      let input: AppliedInput;
      if (queued) {
        const renderTick = Math.min(tick, Math.max(tick - cap, queued.renderTick));
        input = { playerId: seat.playerId, seq: queued.seq, renderTick, payload: queued.payload };
        seat.lastAppliedSeq = queued.seq;
        seat.lastAppliedTick = tick;
        seat.lastPayload = queued.payload;
        this.recycle(queued);
        fromQueue++;
      } else {
        const idle = this.game.idleInput(seat.link ? seat.lastPayload : null);
        input = { playerId: seat.playerId, seq: 0, renderTick: tick, payload: idle };
      }
      applied.push(input);
    }
    const events = stepTick(this.game, this.world, tick, applied);
    for (const event of events) this.pendingEvents.push({ tick, event });
    this.options.observer?.onTick?.(this, tick, applied, events);
    const scheduled = tick % this.snapshotInterval === 0;
    if (scheduled || this.snapshotOwed) {
      if (snapshots === 'send') {
        this.snapshotOwed = false;
        this.broadcastSnapshot(tick);
      } else {
        if (scheduled) this.skippedSnapshots++;
        this.snapshotOwed = true;
      }
    }
    this.expireSeats();
    return fromQueue;
  }

  /**
   * Why the room should be disposed of now, else null: 'empty' once it has had no seats at all for the
   * empty-room grace; 'unattended' (rooms with an unattended grace) once nobody has been connected for
   * that long, seats held for reconnection or not.
   */
  disposalReason(): 'empty' | 'unattended' | null {
    const now = this.now();
    if (this.emptySince !== null && now - this.emptySince >= this.options.emptyRoomGraceMs) return 'empty';
    const unattendedGraceMs = this.options.unattendedGraceMs ?? null;
    if (unattendedGraceMs !== null && this.unattendedSince !== null && now - this.unattendedSince >= unattendedGraceMs) {
      return 'unattended';
    }
    return null;
  }

  close(reason: RoomClosedMessage['reason'], message: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const seat of this.seats.values()) seat.link?.sendRoomClosed({ reason, message });
    this.options.observer?.onClosed?.(this, reason);
  }

  private broadcastSnapshot(tick: number): void {
    const views = this.game.view(this.world);
    if (this.humans > 0 && this.seats.size > this.humans) {
      this.botSight.clear();
      for (const view of views) this.botSight.set(view.id, view);
    }
    if (this.snapshotSender) {
      this.pendingEvents.length = 0;
      this.options.observer?.onSnapshot?.(this, tick, views);
      this.snapshotSender(tick, views);
      return;
    }
    // Acknowledgements first: the commit sizes the tick ring by the clients' baselines.
    for (const seat of this.seats.values()) {
      if (seat.pendingAck < 0) continue;
      if (seat.replication) this.replicator.acknowledge(seat.replication, seat.pendingAck);
      seat.pendingAck = -1;
    }
    this.replicator.commitTick(tick, views, this.pendingEvents);
    this.pendingEvents.length = 0;
    this.options.observer?.onSnapshot?.(this, tick, views);
    // Every snapshot is encoded before any is sent: each send is a system call that evicts the replicator's
    // per-tick caches (the tick, its encoded pieces, the interest lists), which the next encoding would
    // otherwise read back from memory. The encodings are copies (byte-slab.ts), safe to hold meanwhile.
    // The scratch arrays keep their length (emptying an array drops its storage) and hold no references after.
    const outgoing = this.outgoing;
    const outgoingSeats = this.outgoingSeats;
    const header = this.snapshotHeader;
    let count = 0;
    for (const seat of this.seats.values()) {
      if (!seat.link || !seat.replication) continue;
      header.lastInputSeq = seat.lastAppliedSeq;
      header.lastInputTick = seat.lastAppliedTick;
      header.inputQueueDepth = seat.queue.length;
      outgoing[count] = this.replicator.encodeFor(seat.replication, this.game.focusOf(this.world, seat.playerId), header);
      outgoingSeats[count++] = seat;
    }
    for (let i = 0; i < count; i++) {
      const bytes = outgoing[i]!;
      const seat = outgoingSeats[i]!;
      outgoing[i] = undefined;
      outgoingSeats[i] = undefined;
      seat.link?.sendSnapshot(bytes);
    }
  }

  private expireSeats(): void {
    const now = this.now();
    for (const seat of this.seats.values()) {
      if (seat.disconnectedAt !== null && now - seat.disconnectedAt >= this.options.reconnectGraceMs) {
        this.leave(seat.playerId);
      }
    }
  }

  private noteIfUnattended(): void {
    if (this.unattendedSince === null && this.connectedCount === 0) this.unattendedSince = this.now();
  }

  /** Round-robin so a freed id is not reused at once (clients would see a new player as an old one). */
  private freePlayerId(): number {
    for (let i = 0; i < MAX_PLAYER_ID; i++) {
      this.lastPlayerId = (this.lastPlayerId % MAX_PLAYER_ID) + 1;
      if (!this.seats.has(this.lastPlayerId)) return this.lastPlayerId;
    }
    throw new Error('no free player id');
  }
}
