// One bot: a player that connects through the same NetClient (and, unless light, the same predicting
// ClientSession) as the browser game, plays with its game's bot brain (GameDefinition.createBot), and
// checks what it receives. Its NetClient runs on the lean WebSocket-only socket.io client
// (sim/net/lean-socket.ts) rather than socket.io-client: same protocol, a fraction of the CPU per message.

import { NetClient } from '../../shared/client/net-client.js';
import type { ClientSession } from '../../shared/client/client-session.js';
import { NetworkConditions, type NetworkConditionsOptions } from '../../shared/client/network-conditions.js';
import type { AppliedSnapshot } from '../../shared/codec/index.js';
import type { JoinInfo } from '../../shared/protocol.js';
import type { EntityState } from '../../shared/codec/schema.js';
import type { AnyGame, GameBot } from '../../shared/game/game-definition.js';
import { TOOL_GAMES, toolGame } from '../games.js';
import { openLeanSocket, type LeanSocket } from '../net/lean-socket.js';
import { Reservoir } from './percentiles.js';
import { SendTimes } from './send-times.js';

export interface BotOptions {
  readonly url: string;
  readonly name: string;
  /** The game it plays (a name in sim/games.ts) and one of that game's botBehaviours. */
  readonly game: string;
  readonly behaviour: string;
  readonly seed: number;
  /** Light bots skip prediction and interpolation: they send inputs and apply snapshots only. */
  readonly light: boolean;
  readonly conditions: NetworkConditionsOptions | null;
}

export type JoinTarget = { kind: 'quick' } | { kind: 'create' } | { kind: 'room'; roomId: string };
/** Where a seated bot can move to (switchRoom): also a new private room, or a private room by its code. */
export type RoomTarget = JoinTarget | { kind: 'private' } | { kind: 'code'; code: string };

/** Protocol violations a bot notices in what the server sends. */
export interface BotViolations {
  nonMonotonicTicks: number;
  ackBeyondSent: number;
  ackWentBack: number;
}

export class Bot {
  readonly net: NetClient<LeanSocket>;
  readonly rtt = new Reservoir(5000);
  readonly snapshotIntervals = new Reservoir(5000);
  readonly violations: BotViolations = { nonMonotonicTicks: 0, ackBeyondSent: 0, ackWentBack: 0 };
  disconnects = 0;
  connected = false;
  failed: string | null = null;
  private readonly game: AnyGame;
  private readonly session: ClientSession<unknown, unknown> | null;
  private readonly brain: GameBot<unknown>;
  private readonly sentAt = new SendTimes();
  private lastTick = -1;
  private lastAck = 0;
  private lastSnapshotAt: number | null = null;
  private startedAt = 0;

  constructor(options: BotOptions) {
    const conditions = options.conditions ? new NetworkConditions(options.conditions) : null;
    const game = toolGame(options.game);
    if (!game?.rules.createBot) throw new Error(`bots: no bots for game "${options.game}"`);
    this.game = game.rules;
    const brain = game.rules.createBot.call(game.rules, options.seed, options.behaviour);
    this.brain = brain;
    this.net = new NetClient({
      url: options.url,
      games: TOOL_GAMES.map((g) => g.rules),
      name: options.name,
      reconnection: true,
      openConnection: openLeanSocket,
      // A light bot's brain sees the mirror itself: when it reads only some entities, only those are kept.
      ...(options.light && brain.reads ? { sight: (join: JoinInfo) => brain.reads!(join.playerId) } : {}),
      ...(conditions ? { snapshotGate: conditions.snapshotGate, outgoingGate: conditions.outgoingGate } : {}),
    });
    if (!options.light && !game.createSession) throw new Error(`bots: the ${options.game} game has no predicting client for bots here; use --light`);
    this.session = options.light ? null : game.createSession!(this.net);
    this.session?.on('input', (sent) => this.sentAt.record(sent.seq, sent.sentAt));
    this.net.on('snapshot', (snap) => this.onSnapshot(snap));
    this.net.on('disconnected', () => this.disconnects++);
    // A new room has its own ticks and input acks: the checks start over (a rejoin keeps them).
    this.net.on('joined', () => this.resetRoomTracking());
  }

  async start(target: JoinTarget): Promise<string> {
    this.startedAt = performance.now();
    try {
      await this.net.connect(15_000);
      const join = await this.enter(target);
      this.connected = true;
      return join.roomId;
    } catch (err) {
      this.failed = err instanceof Error ? err.message : String(err);
      this.net.close();
      throw err;
    }
  }

  /** Leaves the current room (if seated) and sits down elsewhere, on the same connection. */
  async switchRoom(target: RoomTarget): Promise<JoinInfo> {
    if (this.net.join) await this.net.leave();
    return this.enter(target);
  }

  /**
   * Drops the connection as a network failure would (the transport closes, the client did not ask to
   * disconnect): socket.io reconnects and the NetClient takes the seat back with its reconnect token.
   * Resolves with the seat taken back; rejects when the rejoin is refused or takes over `timeoutMs`.
   */
  dropConnection(timeoutMs: number): Promise<JoinInfo> {
    if (!this.net.join) return Promise.reject(new Error('dropConnection: not seated'));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        offRejoined();
        offFailed();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`TIMEOUT: seat not taken back within ${timeoutMs} ms of a dropped connection`));
      }, timeoutMs);
      const offRejoined = this.net.on('rejoined', (join) => {
        done();
        resolve(join);
      });
      const offFailed = this.net.on('rejoinFailed', (err) => {
        done();
        reject(err);
      });
      this.net.socket.io.engine?.close();
    });
  }

  /** Called by the driver loop: light bots once per tick, full bots every frame. */
  update(now: number): void {
    if (!this.connected || !this.net.join) return;
    const playerId = this.net.join.playerId;
    if (this.session) {
      // The brain sees what the player's screen shows: remote entities interpolated, itself predicted.
      const frame = this.session.frame(now);
      this.session.setInput(this.brain.think({ playerId, tick: Math.floor(frame.renderTick), entities: frame.entities }));
    } else {
      const input = this.brain.think({ playerId, tick: this.net.mirror.latestTick, entities: this.net.mirror.entities });
      const seq = this.net.sendInput(this.game.encodeInput(input));
      this.sentAt.record(seq, now);
    }
  }

  get correctionRate(): number {
    return this.session?.stats.correctionRate ?? 0;
  }
  get correctionsPerMin(): number {
    return this.session?.stats.correctionsPerMin ?? 0;
  }
  get decodeErrors(): number {
    return this.net.stats.decodeErrors;
  }
  get inputsSent(): number {
    return this.net.stats.inputsSent;
  }
  get snapshotsReceived(): number {
    return this.net.stats.snapshots;
  }
  get bytesIn(): number {
    return this.net.stats.bytesIn;
  }
  get bytesOut(): number {
    return this.net.stats.bytesOut;
  }
  get violationCount(): number {
    const v = this.violations;
    return v.nonMonotonicTicks + v.ackBeyondSent + v.ackWentBack;
  }
  /** Seconds since start, for per-second rates. */
  elapsedSec(now: number): number {
    return Math.max(0.001, (now - this.startedAt) / 1000);
  }

  stop(): void {
    this.session?.dispose();
    this.net.close();
  }

  private enter(target: RoomTarget): Promise<JoinInfo> {
    switch (target.kind) {
      case 'quick':
        return this.net.quickPlay(this.game.name);
      case 'create':
        return this.net.createRoom(false, this.game.name);
      case 'private':
        return this.net.createRoom(true, this.game.name);
      case 'room':
        return this.net.joinRoom({ roomId: target.roomId });
      case 'code':
        return this.net.joinRoom({ code: target.code });
    }
  }

  private resetRoomTracking(): void {
    this.lastTick = -1;
    this.lastAck = 0;
    this.lastSnapshotAt = null;
    this.sentAt.clear();
  }

  private onSnapshot(snap: AppliedSnapshot): void {
    const now = performance.now();
    if (snap.tick <= this.lastTick) this.violations.nonMonotonicTicks++;
    this.lastTick = snap.tick;
    if (this.lastSnapshotAt !== null) this.snapshotIntervals.add(now - this.lastSnapshotAt);
    this.lastSnapshotAt = now;
    // The acknowledged input must be one we sent, and acks never go backwards.
    if (snap.lastInputSeq > this.net.lastSeq) this.violations.ackBeyondSent++;
    if (snap.lastInputSeq < this.lastAck) this.violations.ackWentBack++;
    if (snap.lastInputSeq > this.lastAck) {
      const sent = this.sentAt.sentAt(snap.lastInputSeq);
      if (sent !== undefined) this.rtt.add(now - sent);
      this.lastAck = snap.lastInputSeq;
    }
  }
}
