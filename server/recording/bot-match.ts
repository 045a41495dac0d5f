// An in-process arena room played by seeded bots (shared/game/arena/bot-brain.ts), with no network: the real
// Room, fed inputs as PlayerConnection would queue them. Used by the recording tests and benchmark.

import type { EntityView } from '../../shared/codec/schema.js';
import { KIND_PLAYER, PLAYER_FIELD, PLAYER_FLAG_ALIVE, arenaGame } from '../../shared/game/arena/index.js';
import type { AnyGame } from '../../shared/game/game-definition.js';
import { ArenaBrain, type BotBehaviour } from '../../shared/game/arena/bot-brain.js';
import { Room, type PlayerLink, type RoomObserver, type Seat } from '../room.js';
import { combineObservers } from './service.js';
import { createPrng, nextInt, type PrngState } from '../../shared/game/prng.js';

const silentLink: PlayerLink = { sendSnapshot() {}, sendChat() {}, sendNotice() {}, sendRoomClosed() {} };

interface Bot {
  seat: Seat;
  brain: ArenaBrain;
  seq: number;
  /** Ticks between the snapshot it renders and the tick its input is applied (a latency model). */
  offset: number;
}

export interface BotMatchOptions {
  readonly roomId?: string;
  readonly seed?: number;
  readonly observer?: RoomObserver;
  readonly behaviour?: BotBehaviour;
  readonly lagCompensationTicks?: number;
}

/** What a bot match fed its room (players joined at the start, then inputs), to replay without bots. */
export interface MatchScript {
  readonly seed: number;
  readonly roomId: string;
  readonly names: string[];
  /** [tick, playerId, seq, renderTick, payload], in queueing order. */
  readonly inputs: [number, number, number, number, unknown][];
  ticks: number;
}

function newRoom(roomId: string, seed: number, observer: RoomObserver | undefined, lagCompensationTicks = 8): Room {
  return new Room({
    id: roomId,
    code: null,
    game: arenaGame as unknown as AnyGame,
    seed,
    tickRate: arenaGame.tickRate,
    snapshotRate: arenaGame.tickRate,
    maxPlayers: arenaGame.maxPlayers,
    lagCompensationTicks,
    reconnectGraceMs: 1e12,
    emptyRoomGraceMs: 1e12,
    interestRadius: arenaGame.interestRadius ?? 1e9,
    observer,
  });
}

/**
 * Plays a captured script into a fresh room (same seed, same joins, same inputs, so the same match),
 * calling `between` after each tick (e.g. to let deferred work run). Returns the room.
 */
export async function playScript(script: MatchScript, observer: RoomObserver | undefined, between: () => Promise<void> | void): Promise<Room> {
  const room = newRoom(script.roomId, script.seed, observer);
  const seats = new Map<number, Seat>();
  for (const name of script.names) {
    const seat = room.join(name, silentLink);
    seats.set(seat.playerId, seat);
  }
  let next = 0;
  for (let tick = 1; tick <= script.ticks; tick++) {
    for (; next < script.inputs.length && script.inputs[next]![0] === tick; next++) {
      const [, playerId, seq, renderTick, payload] = script.inputs[next]!;
      room.queueInput(seats.get(playerId)!, seq, renderTick, payload);
    }
    room.step();
    await between();
  }
  return room;
}

export class BotMatch {
  readonly room: Room;
  private readonly bots = new Map<number, Bot>();
  private views: readonly EntityView[] = [];
  private script: MatchScript | null = null;
  private readonly rng: PrngState;

  constructor(private readonly options: BotMatchOptions = {}) {
    this.rng = createPrng(options.seed ?? 1);
    const viewer: RoomObserver = { onSnapshot: (_room, _tick, views) => void (this.views = views) };
    this.room = newRoom(options.roomId ?? 'bench-room', options.seed ?? 1, combineObservers(options.observer, viewer), options.lagCompensationTicks);
  }

  get playerIds(): number[] {
    return [...this.bots.keys()];
  }

  join(name: string): number {
    if (this.script) this.script.names.push(name);
    const seat = this.room.join(name, silentLink);
    this.bots.set(seat.playerId, { seat, brain: new ArenaBrain(this.options.behaviour ?? 'fight', seat.playerId * 7919 + 13), seq: 0, offset: 3 });
    return seat.playerId;
  }

  leave(playerId: number): void {
    this.bots.delete(playerId);
    this.room.leave(playerId);
  }

  /** Every bot decides from the last snapshot and queues its input; then the room steps. */
  step(): void {
    const players = this.views.filter((v) => v.kind === KIND_PLAYER);
    const tick = this.room.tick + 1;
    for (const [id, bot] of this.bots) {
      const self = players.find((p) => p.id === id);
      const alive = (v: EntityView) => ((v.values[PLAYER_FIELD.flags] as number) & PLAYER_FLAG_ALIVE) !== 0;
      const input = bot.brain.think({
        self: self ? { x: self.x, y: self.y, alive: alive(self) } : null,
        enemies: players.filter((p) => p.id !== id && alive(p)).map((p) => ({ x: p.x, y: p.y })),
      });
      // Latency wanders between 1 and 7 ticks; now and then an input is late (the idle input applies).
      if (this.next(10) === 0) bot.offset = Math.max(1, Math.min(7, bot.offset + this.next(3) - 1));
      if (this.next(50) === 0) continue;
      this.room.queueInput(bot.seat, ++bot.seq, tick - bot.offset, input);
      this.script?.inputs.push([tick, id, bot.seq, tick - bot.offset, input]);
    }
    this.room.step();
    if (this.script) this.script.ticks = this.room.tick;
  }

  /** Starts capturing everything fed to the room, to play it again without the bots (see playScript). */
  captureScript(): MatchScript {
    this.script = { seed: this.options.seed ?? 1, roomId: this.options.roomId ?? 'bench-room', names: [], inputs: [], ticks: 0 };
    return this.script;
  }

  private next(n: number): number {
    return nextInt(this.rng, n);
  }
}
