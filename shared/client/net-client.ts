// The headless netcode client every player runs: the Phaser game and the sim/ bots sit on this same
// class. It connects with our msgpack parser (WebSocket first, long-polling fallback), makes
// acknowledged requests with timeouts, sends inputs with sequence numbers and snapshot acks, keeps a
// mirror of the world from deltas, and takes its seat back after a reconnect. In a cluster it follows
// the matchmaker to the node that owns the room (a redirect: connect there, claim the seat with the
// ticket), and back to its first server when that node is lost.

import { io, type Socket } from 'socket.io-client';
import type { ClientConnection, OpenConnection } from './client-connection.js';
import { SightMirror, SnapshotMirror, type AppliedSnapshot, type Sight, type SnapshotApplier } from '../codec/index.js';
import type { ReplicationSchema } from '../codec/schema.js';
import { clientParser } from '../net/msgpack-parser.js';
import {
  EV,
  inputsPerMessageOf,
  PROTOCOL_VERSION,
  type ChatMessage,
  type SeatRedirect,
  type ErrorCode,
  type InputMessage,
  type JoinInfo,
  type NoticeMessage,
  type Reply,
  type RoomClosedMessage,
  type RoomSummary,
} from '../protocol.js';
import { Emitter } from '../util/emitter.js';
import { wireSize } from '../util/wire-size.js';

export type Transport = 'websocket' | 'polling';

export interface NetClientOptions<C extends ClientConnection = Socket> {
  /**
   * Server URL, e.g. http://localhost:3000, or a node behind a proxy under a path prefix,
   * e.g. https://play.example.com/node/3001/ (socket.io is then at that path + "socket.io/").
   */
  readonly url: string;
  /**
   * The games this client can show (a GameDefinition is one): the join reply names the room's game, and
   * its schema decodes the snapshots. Requests that name no game get the server's default game.
   */
  readonly games: readonly { readonly name: string; readonly schema: ReplicationSchema }[];
  readonly name?: string;
  /** Default: WebSocket first, long-polling when it cannot be opened. */
  readonly transports?: readonly Transport[];
  readonly requestTimeoutMs?: number;
  /** socket.io's automatic reconnection with exponential backoff (default on). */
  readonly reconnection?: boolean;
  /** Snapshot states kept as possible delta baselines. */
  readonly historyTicks?: number;
  /**
   * The only entities this client reads once seated (GameBot.reads), when it reads only some: its mirror
   * then keeps just those (a SightMirror). For load-testing bots; absent, it mirrors everything it receives.
   */
  readonly sight?: (join: JoinInfo) => Sight | undefined;
  /**
   * Sees every incoming snapshot before it is applied and decides when (or whether) to deliver it:
   * the hook the network-conditions layer uses to add latency or drop snapshots as a skipped volatile
   * emit would. Default: deliver at once.
   */
  readonly snapshotGate?: (bytes: Uint8Array, deliver: () => void) => void;
  /**
   * Sees every outgoing input and request and decides when to send it (`bytes`: its approximate size):
   * the hook the network-conditions layer uses to delay the uplink. It must keep the order. A message
   * whose connection dropped while it was held back is lost, as it would be on the wire. Default: send at once.
   */
  readonly outgoingGate?: (send: () => void, bytes?: number) => void;
  /**
   * Opens the connection to each node (default: socket.io-client's io(), what the browser uses). Tools
   * inject a lighter client of the same protocol here (the bots: sim/net/lean-socket.ts).
   */
  readonly openConnection?: OpenConnection<C>;
}

export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode | 'TIMEOUT' | 'DISCONNECTED',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RequestError';
  }
}

export interface NetClientStats {
  bytesIn: number;
  bytesOut: number;
  snapshots: number;
  fullSnapshots: number;
  decodeErrors: number;
  inputsSent: number;
}

export interface NetClientEvents {
  snapshot: AppliedSnapshot;
  chat: ChatMessage;
  notice: NoticeMessage;
  roomClosed: RoomClosedMessage;
  joined: JoinInfo;
  /** The seat was taken back after a reconnect: prediction and interpolation state must reset. */
  rejoined: JoinInfo;
  rejoinFailed: RequestError;
  disconnected: string;
  /** Connected to another node of the cluster (its URL): the matchmaker placed the player there. */
  moved: string;
  reconnecting: number;
  connectError: Error;
  decodeError: Error;
}

/** Redirects followed for one request at most (a rejoin may be sent on, then find the room moved again). */
const MAX_REDIRECTS = 2;

/** C: the connection type, socket.io-client's Socket unless options.openConnection opens another. */
export class NetClient<C extends ClientConnection = Socket> extends Emitter<NetClientEvents> {
  private current: C;
  /** The URL of the node this client is connected (or connecting) to. */
  private currentUrl: string;
  /** Back on the first server after the room's node stopped answering (a failed rejoin then means the room is lost). */
  private cameHome = false;
  /** Trips back to the first server since the seat was last taken (their delay grows with each). */
  private homeTrips = 0;
  /** Pending connect() calls, told when their socket is replaced. */
  private switchWaiters: (() => void)[] = [];
  readonly stats: NetClientStats = { bytesIn: 0, bytesOut: 0, snapshots: 0, fullSnapshots: 0, decodeErrors: 0, inputsSent: 0 };
  private mirrorState: SnapshotApplier;
  private joinInfo: JoinInfo | null = null;
  private seq = 0;
  /**
   * Inputs chosen but not sent yet, while the server asks for several per message (JoinInfo.inputsPerMessage):
   * the message being built, [seq, ackTick, renderTick, payload, ...[renderTickOffset, payload]], and its input count.
   */
  private batch: [seq: number, ackTick: number, renderTick: number, payload: unknown, ...later: unknown[]] = [0, 0, 0, null];
  private batched = 0;
  /** Bumped whenever the mirror is replaced, so a snapshot held back by the gate cannot reach the new one. */
  private generation = 0;
  private readonly options: NetClientOptions<C>;

  constructor(options: NetClientOptions<C>) {
    super();
    if (options.games.length === 0) throw new Error('NetClient: options.games must name at least one game it can show');
    this.options = options;
    this.mirrorState = this.newMirror();
    this.currentUrl = options.url;
    this.current = this.openSocket(options.url);
  }

  /** The socket.io socket of the current node (replaced when the client moves to another node). */
  get socket(): C {
    return this.current;
  }

  /** The URL of the node this client is connected to (options.url until a redirect). */
  get nodeUrl(): string {
    return this.currentUrl;
  }

  get mirror(): SnapshotApplier {
    return this.mirrorState;
  }
  get join(): JoinInfo | null {
    return this.joinInfo;
  }
  get connected(): boolean {
    return this.socket.connected;
  }
  /** The last input sequence number given out by sendInput (sent, or held for the rest of its batch). */
  get lastSeq(): number {
    return this.seq;
  }
  get transport(): string | undefined {
    return this.socket.io.engine?.transport?.name;
  }

  /** Opens the connection; rejects with the server's reason (e.g. PROTOCOL_MISMATCH) if refused. */
  connect(timeoutMs = 10_000): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new RequestError('TIMEOUT', `could not connect to ${this.currentUrl} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const s = this.socket;
      // The socket was replaced (the client moved to another node): this attempt is over.
      const onSwitch = () => {
        cleanup();
        reject(new RequestError('DISCONNECTED', 'the connection moved to another server'));
      };
      const onError = (err: Error & { data?: { code?: ErrorCode; message?: string } }) => {
        // A refusal from the server's auth middleware is final; transport errors are retried.
        if (err.data?.code) {
          cleanup();
          this.socket.disconnect();
          reject(new RequestError(err.data.code, err.data.message ?? err.message));
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        s.off('connect', onConnect);
        s.off('connect_error', onError);
        this.switchWaiters = this.switchWaiters.filter((w) => w !== onSwitch);
      };
      this.switchWaiters.push(onSwitch);
      s.on('connect', onConnect);
      s.on('connect_error', onError);
      s.connect();
    });
  }

  close(): void {
    this.socket.disconnect();
  }

  // ---- requests ----

  /** The public rooms of `game` (of every game when omitted). */
  async listRooms(game?: string): Promise<readonly RoomSummary[]> {
    const reply = await this.request<{ rooms: RoomSummary[] }>(EV.listRooms, game === undefined ? {} : { game });
    return reply.rooms;
  }

  /** A seat in a public room of `game` (the server's default game when omitted). */
  quickPlay(game?: string): Promise<JoinInfo> {
    return this.enter(EV.quickPlay, game === undefined ? {} : { game });
  }

  createRoom(isPrivate: boolean, game?: string): Promise<JoinInfo> {
    return this.enter(EV.createRoom, game === undefined ? { private: isPrivate } : { private: isPrivate, game });
  }

  joinRoom(target: { roomId: string } | { code: string }): Promise<JoinInfo> {
    return this.enter(EV.joinRoom, target);
  }

  async leave(): Promise<void> {
    await this.request(EV.leaveRoom, {});
    this.joinInfo = null;
    this.dropHeldInputs();
    this.mirrorState = this.newMirror();
  }

  async chat(text: string): Promise<number> {
    const reply = await this.request<{ id: number }>(EV.sendChat, { text });
    return reply.id;
  }

  /**
   * Takes the seat back with the reconnect token (done automatically after a reconnect). Sent to whichever
   * node this client is on: a node that does not run the room sends it on to the one that does.
   */
  async rejoin(): Promise<JoinInfo> {
    if (!this.joinInfo) throw new RequestError('NOT_IN_ROOM', 'nothing to rejoin');
    const token = this.joinInfo.reconnectToken;
    let reply = await this.request<JoinOrRedirect>(EV.rejoinRoom, { token });
    for (let hops = 0; 'redirect' in reply; hops++) {
      if (hops >= MAX_REDIRECTS) throw new RequestError('INTERNAL', 'too many redirects');
      await this.moveTo(reply.redirect.url);
      reply = await this.request<JoinOrRedirect>(EV.rejoinRoom, { token });
    }
    this.adopt(reply.join);
    return reply.join;
  }

  /** Sends any event and returns the raw reply (for tests of the protocol itself). */
  async rawRequest(event: string, ...args: unknown[]): Promise<Reply<Record<string, unknown>>> {
    return (await this.socket.timeout(this.options.requestTimeoutMs ?? 5000).emitWithAck(event, ...args)) as Reply<
      Record<string, unknown>
    >;
  }

  // ---- inputs ----

  /**
   * Sends one input (call once per tick). Carries the newest applied snapshot tick as the ack, so the
   * server encodes the next deltas against it. Returns the input's sequence number. When the server asks
   * for several inputs per message (JoinInfo.inputsPerMessage), the input waits for the next ones and
   * goes out with the last of them; a batch cut short by a leave or a reconnect is never sent (the
   * inputs are lost, as those in flight on a dropped connection are).
   */
  sendInput(payload: unknown, renderTick: number = Math.max(0, this.mirrorState.latestTick)): number {
    const seq = ++this.seq;
    this.stats.inputsSent++;
    const perMessage = inputsPerMessageOf(this.joinInfo);
    if (perMessage === 1) {
      this.emitInput([seq, this.mirrorState.latestTick, renderTick, payload], payload);
      return seq;
    }
    if (this.batched === 0) this.batch = [seq, 0, renderTick, payload];
    else this.batch.push(renderTick - this.batch[2], payload);
    if (++this.batched >= perMessage) this.flushInputs();
    return seq;
  }

  /** Sends the inputs held for a batch now, however few (nothing when none is held). */
  flushInputs(): void {
    if (this.batched === 0) return;
    // The ack is the newest applied snapshot when the message leaves.
    this.batch[1] = this.mirrorState.latestTick;
    this.batched = 0;
    this.emitInput(this.batch, this.batch[3]);
  }

  /** A batch cut short by a leave or a new seat is never sent (the next input starts a new message). */
  private dropHeldInputs(): void {
    this.batched = 0;
  }

  /** Emits an input message (`sized`: a payload, for the outgoing gate's bandwidth estimate). */
  private emitInput(message: InputMessage, sized: unknown): void {
    const gate = this.options.outgoingGate;
    if (!gate) {
      this.socket.emit(EV.input, message);
      return;
    }
    const connection = this.socket.id;
    gate(() => {
      // Held back by the gate: if the connection it was sent on is gone, so is the message.
      if (this.socket.connected && this.socket.id === connection) this.socket.emit(EV.input, message);
    }, 16 + (message.length / 2 - 1) * estimateSize(sized));
  }

  // ---- internals ----

  private async request<T extends object>(event: string, payload: unknown): Promise<T> {
    if (!this.socket.connected) throw new RequestError('DISCONNECTED', `not connected (sending ${event})`);
    const gate = this.options.outgoingGate;
    if (gate) await new Promise<void>((resolve) => gate(resolve, 32 + estimateSize(payload)));
    let reply: Reply<T>;
    try {
      reply = (await this.socket.timeout(this.options.requestTimeoutMs ?? 5000).emitWithAck(event, payload)) as Reply<T>;
    } catch {
      throw new RequestError('TIMEOUT', `${event} got no answer`);
    }
    if (!reply.ok) throw new RequestError(reply.error.code, reply.error.message);
    return reply;
  }

  private async enter(event: string, payload: unknown): Promise<JoinInfo> {
    let reply = await this.request<JoinOrRedirect>(event, payload);
    for (let hops = 0; 'redirect' in reply; hops++) {
      if (hops >= MAX_REDIRECTS || reply.redirect.ticket === undefined) throw new RequestError('INTERNAL', 'bad redirect');
      reply = await this.follow(reply.redirect);
    }
    this.adopt(reply.join);
    this.emit('joined', reply.join);
    return reply.join;
  }

  /** The room is on another node: connect there and claim the reserved seat with the ticket. */
  private async follow(redirect: SeatRedirect): Promise<JoinOrRedirect> {
    await this.moveTo(redirect.url);
    return this.request<JoinOrRedirect>(EV.claimSeat, { ticket: redirect.ticket });
  }

  /**
   * Connects to another node (a new socket; the old one is closed without a 'disconnected' event: the
   * player did not lose anything). If that node cannot be reached, the client goes back to its first
   * server (so the player can matchmake again) and this rejects.
   */
  private async moveTo(url: string): Promise<void> {
    if (sameNode(url, this.currentUrl) && this.current.connected) return;
    this.switchTo(url);
    const opened = this.current;
    try {
      await this.connect(this.options.requestTimeoutMs ?? 5000);
    } catch (err) {
      // Unless something else moved the client meanwhile.
      if (this.current === opened && !sameNode(url, this.options.url)) {
        this.switchTo(this.options.url);
        this.current.connect();
      }
      throw err;
    }
  }

  /** A seated client whose node stopped answering goes back to its first server, which knows where the room is now. */
  private returnHome(): void {
    if (sameNode(this.currentUrl, this.options.url)) return;
    this.switchTo(this.options.url);
    this.cameHome = true;
    // While the lost node's lease lasts, the first server still sends the client back there: back off.
    const socket = this.current;
    const delay = Math.min(4000, 100 * 2 ** this.homeTrips++);
    setTimeout(() => {
      if (this.current === socket && !socket.connected) socket.connect();
    }, delay);
  }

  /** Replaces the socket with one (not yet connected) to `url`. */
  private switchTo(url: string): void {
    const old = this.current;
    old.removeAllListeners();
    old.io.removeAllListeners();
    old.disconnect();
    this.currentUrl = url;
    this.current = this.openSocket(url);
    for (const onSwitch of this.switchWaiters.splice(0)) onSwitch();
    this.emit('moved', url);
  }

  private openSocket(url: string): C {
    const { origin, path } = socketAddress(url);
    // Without openConnection, C is socket.io-client's Socket (the default type argument), which io() opens.
    const open = this.options.openConnection ?? (io as unknown as OpenConnection<C>);
    const socket = open(origin, {
      path,
      forceNew: true,
      parser: clientParser,
      transports: [...(this.options.transports ?? ['websocket', 'polling'])],
      // If WebSocket cannot be opened, try the next transport instead of failing.
      tryAllTransports: true,
      auth: { protocol: PROTOCOL_VERSION, ...(this.options.name !== undefined ? { name: this.options.name } : {}) },
      reconnection: this.options.reconnection ?? true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 4000,
      // A connection attempt to a node that accepts TCP but never answers (frozen) fails after this.
      timeout: 5000,
      autoConnect: false,
    });
    this.bind(socket);
    return socket;
  }

  private adopt(join: JoinInfo): void {
    const game = this.options.games.find((g) => g.name === join.game);
    if (!game) {
      const known = this.options.games.map((g) => g.name).join(', ');
      throw new RequestError('UNKNOWN_GAME', `the room is of game "${join.game}", which this client cannot show (it knows: ${known})`);
    }
    this.joinInfo = join;
    // Continue the sequence where the server is, so no input is applied twice or skipped as a duplicate.
    this.seq = Math.max(this.seq, join.lastInputSeq);
    this.dropHeldInputs();
    this.mirrorState = this.newMirror(game.schema, this.options.sight?.(join));
  }

  /**
   * A fresh mirror for the joined game's schema (before a join, the first game's: it receives nothing then),
   * of the `sight` entities (ids and kinds) only when given.
   */
  private newMirror(schema: ReplicationSchema = this.options.games[0]!.schema, sight?: Sight): SnapshotApplier {
    this.generation++;
    const historyTicks = this.options.historyTicks ?? 64;
    return sight ? new SightMirror(schema, sight, historyTicks) : new SnapshotMirror(schema, { historyTicks });
  }

  private bind(s: ClientConnection): void {
    s.on(EV.snapshot, (bytes: unknown) => this.onSnapshot(bytes));
    s.on(EV.chat, (m: ChatMessage) => this.emit('chat', m));
    s.on(EV.notice, (m: NoticeMessage) => this.emit('notice', m));
    s.on(EV.roomClosed, (m: RoomClosedMessage) => {
      this.joinInfo = null;
      this.emit('roomClosed', m);
    });
    s.on('disconnect', (reason) => this.emit('disconnected', reason));
    s.on('connect_error', (err) => this.emit('connectError', err));
    s.io.on('reconnect_attempt', (attempt) => this.emit('reconnecting', attempt));
    // Seated on another node that cannot be reached again: ask the first server, which sends the client
    // back if the room is still there, or says it is gone (its node died).
    s.io.on('reconnect_error', () => {
      if (this.joinInfo && s === this.current) this.returnHome();
    });
    s.on('connect', () => {
      if (s.recovered || !this.joinInfo) return;
      // A reconnect while seated: take the seat back.
      const seat = this.joinInfo;
      this.rejoin().then(
        (join) => {
          this.cameHome = false;
          this.homeTrips = 0;
          this.emit('rejoined', join);
        },
        (err: unknown) => {
          const error = err instanceof RequestError ? err : new RequestError('INTERNAL', String(err));
          // Stale: the player sits elsewhere by now, or this attempt's connection was replaced by a newer one.
          if (this.joinInfo !== seat) return;
          if ((error.code === 'TIMEOUT' || error.code === 'DISCONNECTED') && s !== this.current) return;
          this.joinInfo = null;
          if ((error.code === 'ROOM_NOT_FOUND' || error.code === 'BAD_TOKEN') && this.cameHome) {
            this.emit('roomClosed', { reason: 'lost', message: 'The server running your room stopped, so the room is gone. Quick play again.' });
          }
          this.cameHome = false;
          this.emit('rejoinFailed', error);
        },
      );
    });
    // Byte counters from engine.io packets (what really crosses the wire, before framing).
    s.io.on('open', () => {
      const engine = s.io.engine;
      // Block bodies: a listener that returns a value makes EventEmitter check it for a promise, per packet.
      engine?.on('packetCreate', (p: { data?: unknown }) => {
        this.stats.bytesOut += wireSize(p.data);
      });
      engine?.on('packet', (p: { data?: unknown }) => {
        this.stats.bytesIn += wireSize(p.data);
      });
    });
  }

  private onSnapshot(bytes: unknown): void {
    if (!(bytes instanceof Uint8Array) || !this.joinInfo) return;
    const gate = this.options.snapshotGate;
    if (!gate) {
      this.applySnapshot(bytes);
      return;
    }
    const generation = this.generation;
    gate(bytes, () => {
      if (generation === this.generation) this.applySnapshot(bytes);
    });
  }

  private applySnapshot(bytes: Uint8Array): void {
    if (!this.joinInfo) return;
    try {
      const applied = this.mirrorState.apply(bytes);
      if (applied === null) return; // older than what we have (never happens over an ordered transport)
      this.stats.snapshots++;
      if (applied.baselineTick === null) this.stats.fullSnapshots++;
      this.emit('snapshot', applied);
    } catch (err) {
      this.stats.decodeErrors++;
      this.emit('decodeError', err instanceof Error ? err : new Error(String(err)));
    }
  }
}

type JoinOrRedirect = { join: JoinInfo } | { redirect: SeatRedirect };

/** Where socket.io lives for a node URL: its origin, and the URL's path + "socket.io/" (proxies route nodes by path prefix). */
export function socketAddress(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  const prefix = parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname}/`;
  return { origin: parsed.origin, path: `${prefix}socket.io/` };
}

function sameNode(a: string, b: string): boolean {
  const x = socketAddress(a);
  const y = socketAddress(b);
  return x.origin === y.origin && x.path === y.path;
}

/** Rough msgpack size of a small payload, for the outgoing gate's bandwidth accounting. */
function estimateSize(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) && value >= -32 && value < 128 ? 1 : 5;
  if (typeof value === 'string') return value.length + 2;
  if (Array.isArray(value)) return value.reduce((n: number, v: unknown) => n + estimateSize(v), 1);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).reduce((n, [k, v]) => n + k.length + 1 + estimateSize(v), 1);
  }
  return 1;
}
