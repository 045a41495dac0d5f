// A bot for the naive baseline server (sim/bench/naive/): socket.io's default JSON parser, the full state
// in a 'state' event every tick, inputs without acks. Only used by the benchmarks' side-by-side runs.

import { io, type Socket } from 'socket.io-client';
import { encodeArenaInput } from '../../shared/game/arena/index.js';
import { EV, PROTOCOL_VERSION, type JoinReply } from '../../shared/protocol.js';
import { wireSize } from '../../shared/util/wire-size.js';
import { ArenaBrain, type BotBehaviour } from '../../shared/game/arena/bot-brain.js';
import { NAIVE_STATE_EVENT, type FullStateMessage } from '../bench/naive/full-state.js';
import type { JoinTarget } from './bot.js';
import { Reservoir } from './percentiles.js';

export class NaiveBot {
  readonly socket: Socket;
  readonly snapshotIntervals = new Reservoir(5000);
  readonly rtt = new Reservoir(1);
  snapshotsReceived = 0;
  bytesIn = 0;
  bytesOut = 0;
  disconnects = 0;
  decodeErrors = 0;
  connected = false;
  failed: string | null = null;
  private readonly brain: ArenaBrain;
  private playerId = 0;
  private seq = 0;
  private lastState: FullStateMessage | null = null;
  private lastAt: number | null = null;
  private lastTick = -1;
  violationCount = 0;
  private startedAt = 0;

  constructor(url: string, name: string, behaviour: BotBehaviour, seed: number) {
    this.brain = new ArenaBrain(behaviour, seed);
    this.socket = io(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, name }, reconnection: false, autoConnect: false });
    this.socket.on(NAIVE_STATE_EVENT, (state: FullStateMessage) => {
      const now = performance.now();
      if (state.tick <= this.lastTick) this.violationCount++;
      this.lastTick = state.tick;
      if (this.lastAt !== null) this.snapshotIntervals.add(now - this.lastAt);
      this.lastAt = now;
      this.lastState = state;
      this.snapshotsReceived++;
    });
    this.socket.on('disconnect', () => this.disconnects++);
    this.socket.io.on('open', () => {
      this.socket.io.engine.on('packetCreate', (p: { data?: unknown }) => (this.bytesOut += wireSize(p.data)));
      this.socket.io.engine.on('packet', (p: { data?: unknown }) => (this.bytesIn += wireSize(p.data)));
    });
  }

  async start(target: JoinTarget): Promise<string> {
    this.startedAt = performance.now();
    try {
      await new Promise<void>((resolve, reject) => {
        this.socket.once('connect', resolve);
        this.socket.once('connect_error', reject);
        this.socket.connect();
      });
      const [event, payload] =
        target.kind === 'quick'
          ? [EV.quickPlay, {}]
          : target.kind === 'create'
            ? [EV.createRoom, { private: false }]
            : [EV.joinRoom, { roomId: target.roomId }];
      const reply = (await this.socket.timeout(15_000).emitWithAck(event, payload)) as JoinReply;
      if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
      if (!('join' in reply)) throw new Error('the naive baseline plays on one process; it was redirected to another node');
      this.playerId = reply.join.playerId;
      this.connected = true;
      return reply.join.roomId;
    } catch (err) {
      this.failed = err instanceof Error ? err.message : String(err);
      this.socket.close();
      throw err;
    }
  }

  update(_now: number): void {
    if (!this.connected) return;
    const players = (this.lastState?.entities ?? []).filter((e) => e.kind === 'player');
    const me = players.find((p) => p.id === this.playerId);
    const input = this.brain.think({
      self: me ? { x: me.x as number, y: me.y as number, alive: ((me.flags as number) & 1) === 1 } : null,
      enemies: players.filter((p) => p.id !== this.playerId && ((p.flags as number) & 1) === 1).map((p) => ({ x: p.x as number, y: p.y as number })),
    });
    this.socket.emit(EV.input, [++this.seq, -1, Math.max(0, this.lastTick), encodeArenaInput(input)]);
  }

  get inputsSent(): number {
    return this.seq;
  }
  get correctionRate(): number {
    return 0;
  }
  get correctionsPerMin(): number {
    return 0;
  }
  elapsedSec(now: number): number {
    return Math.max(0.001, (now - this.startedAt) / 1000);
  }
  stop(): void {
    this.socket.close();
  }
}

