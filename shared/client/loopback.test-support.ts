// Test support: the real server Room and the real snapshot codec wired to ClientSessions over the real
// NetworkConditions links, all on virtual time, so a unit test can play a minute of a match under any
// latency, jitter and loss in a fraction of a second, deterministically. Integration tests do the same
// over real sockets in real time (server/integration/netcode-*.test.ts).

import { SnapshotMirror } from '../codec/snapshot-mirror.js';
import type { EntityView, GameEvent } from '../codec/schema.js';
import { arenaGame } from '../game/arena/index.js';
import type { AnyGame } from '../game/game-definition.js';
import { PROTOCOL_VERSION, type JoinInfo } from '../protocol.js';
import { Emitter } from '../util/emitter.js';
import { Room, type AppliedInput, type PlayerLink, type Seat } from '../../server/room.js';
import type { NetClientEvents } from './net-client.js';
import { NetworkConditions, type NetworkConditionsOptions } from './network-conditions.js';
import type { SessionNet } from './session-types.js';
import type { VirtualTime } from './virtual-time.test-support.js';

export { VirtualTime } from './virtual-time.test-support.js';

/** A client of a LoopbackServer: the SessionNet a ClientSession runs on, like NetClient over a socket. */
export class LoopbackClient extends Emitter<NetClientEvents> implements SessionNet {
  readonly stats = { bytesIn: 0, bytesOut: 0, snapshots: 0 };
  mirror: SnapshotMirror;
  join: JoinInfo | null = null;
  connected = true;
  seat: Seat | null = null;
  private seq = 0;

  constructor(
    readonly server: LoopbackServer,
    readonly conditions: NetworkConditions,
  ) {
    super();
    this.mirror = new SnapshotMirror(server.game.schema);
  }

  get lastSeq(): number {
    return this.seq;
  }

  sendInput(payload: unknown, renderTick: number = Math.max(0, this.mirror.latestTick)): number {
    const seq = ++this.seq;
    const ackTick = this.mirror.latestTick;
    this.stats.bytesOut += 12;
    this.conditions.outgoingGate(() => {
      const seat = this.seat;
      if (!seat || !this.connected) return;
      const parsed = this.server.game.parseInput(payload);
      if (parsed === null) throw new Error('loopback: invalid input payload');
      this.server.room.acknowledgeSnapshot(seat, ackTick);
      this.server.room.queueInput(seat, seq, renderTick, parsed);
    });
    return seq;
  }

  /** Nothing is held: the loopback delivers every input on its own. */
  flushInputs(): void {}

  /** Delivery of one snapshot from the server, through the downlink. */
  receive(bytes: Uint8Array): void {
    this.stats.bytesIn += bytes.length;
    this.conditions.snapshotGate(bytes, () => {
      if (!this.connected || !this.join) return;
      const applied = this.mirror.apply(bytes);
      if (applied === null) return;
      this.stats.snapshots++;
      this.emit('snapshot', applied);
    });
  }

  /** The connection drops (the seat is held by the room). */
  drop(): void {
    this.connected = false;
    if (this.seat) this.server.room.detach(this.seat.playerId);
    this.emit('disconnected', 'transport close');
  }

  /**
   * The connection comes back and the seat is taken back (NetClient does this on its own). With
   * `replyAfterMs`, the room's snapshots to the new connection arrive for that long before the reply
   * does, as they can over a socket when the reply and a snapshot are read together.
   */
  rejoin(replyAfterMs = 0): JoinInfo {
    if (!this.seat || !this.join) throw new Error('loopback: nothing to rejoin');
    this.connected = true;
    this.mirror = new SnapshotMirror(this.server.game.schema);
    this.server.room.reattach(this.seat.playerId, this.server.linkFor(this));
    if (replyAfterMs > 0) this.server.time.runUntil(this.server.time.now() + replyAfterMs);
    const join = { ...this.server.joinInfo(this.seat), lastInputSeq: this.seat.lastQueuedSeq };
    this.seq = Math.max(this.seq, join.lastInputSeq);
    this.join = join;
    this.emit('rejoined', join);
    return join;
  }

  announceJoin(join: JoinInfo, seat: Seat): void {
    this.join = join;
    this.seat = seat;
    this.emit('joined', join);
  }
}

export interface LoopbackServerOptions {
  readonly game?: AnyGame;
  readonly tickRate?: number;
  readonly snapshotRate?: number;
  readonly lagCompensationTicks?: number;
  readonly seed?: number;
}

/** One Room stepped on virtual time, with an observer record of what it applied and sent. */
export class LoopbackServer {
  readonly game: AnyGame;
  readonly room: Room;
  readonly tickMs: number;
  /** Per tick: the inputs applied (after the step). */
  readonly applied = new Map<number, readonly AppliedInput[]>();
  /** Per snapshot tick: the server's entity views. */
  readonly views = new Map<number, Map<number, EntityView>>();
  readonly events: { tick: number; event: GameEvent }[] = [];
  private readonly links = new Map<LoopbackClient, PlayerLink>();
  private running = true;

  constructor(
    readonly time: VirtualTime,
    options: LoopbackServerOptions = {},
  ) {
    this.game = options.game ?? arenaGame;
    const tickRate = options.tickRate ?? 30;
    this.tickMs = 1000 / tickRate;
    this.room = new Room({
      id: 'loopback',
      code: null,
      game: this.game,
      seed: options.seed ?? 7,
      tickRate,
      snapshotRate: options.snapshotRate ?? tickRate,
      maxPlayers: 16,
      lagCompensationTicks: options.lagCompensationTicks ?? 8,
      reconnectGraceMs: 60_000,
      emptyRoomGraceMs: 60_000,
      interestRadius: this.game.interestRadius ?? 1e9,
      now: () => time.now(),
      observer: {
        onTick: (_room, tick, applied, events) => {
          this.applied.set(tick, applied);
          for (const event of events) this.events.push({ tick, event });
        },
        onSnapshot: (_room, tick, views) => {
          this.views.set(tick, new Map(views.map((v) => [v.id, v])));
        },
      },
    });
    time.every(this.tickMs, () => {
      if (!this.running) return false;
      this.room.step();
    }, time.now() + this.tickMs);
  }

  stop(): void {
    this.running = false;
  }

  /** A new client with its own network conditions, seated in the room. */
  connect(name: string, conditions: Partial<NetworkConditionsOptions> = {}): LoopbackClient {
    const net = new NetworkConditions({ latencyMs: 0, jitterMs: 0, snapshotLoss: 0, ...conditions }, this.time);
    const client = new LoopbackClient(this, net);
    const seat = this.room.join(name, this.linkFor(client));
    client.announceJoin(this.joinInfo(seat), seat);
    return client;
  }

  linkFor(client: LoopbackClient): PlayerLink {
    let link = this.links.get(client);
    if (!link) {
      link = {
        sendSnapshot: (bytes) => client.receive(bytes),
        sendChat: () => {},
        sendNotice: () => {},
        sendRoomClosed: () => {},
      };
      this.links.set(client, link);
    }
    return link;
  }

  joinInfo(seat: Seat): JoinInfo {
    const s = this.room.settings;
    return {
      protocol: PROTOCOL_VERSION,
      game: this.game.name,
      roomId: this.room.id,
      playerId: seat.playerId,
      name: seat.name,
      tickRate: s.tickRate,
      snapshotRate: s.snapshotRate,
      tick: this.room.tick,
      lagCompensationTicks: s.lagCompensationTicks,
      lastInputSeq: seat.lastQueuedSeq,
      reconnectToken: 'loopback',
      reconnectGraceMs: s.reconnectGraceMs,
    };
  }
}
