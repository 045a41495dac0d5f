// Shared by the netcode benchmark and the netcode integration tests: arena players on real NetClients
// (optionally behind a NetworkConditions layer), each with a ClientSession driven by a frame loop the way
// a browser's requestAnimationFrame would drive it, and a few seeded input patterns.

import { NetClient, type NetClientOptions } from '../../shared/client/net-client.js';
import type { ClientSession, RenderFrame } from '../../shared/client/client-session.js';
import { NetworkConditions, type NetworkConditionsOptions } from '../../shared/client/network-conditions.js';
import { createArenaSession } from '../../shared/game/arena/client-models.js';
import { createPrng, nextUint32 } from '../../shared/game/prng.js';
import {
  arenaGame,
  DIRECTION_KEYS,
  KEY_DOWN,
  KEY_FIRE_PRIMARY,
  KEY_FIRE_SECONDARY,
  KEY_LEFT,
  KEY_RIGHT,
  KEY_UP,
  PLAYER_FIELD,
  type ArenaInput,
  type PlayerMotion,
} from '../../shared/game/arena/index.js';

export type ArenaSession = ClientSession<PlayerMotion, ArenaInput>;

export interface ArenaPlayer {
  readonly name: string;
  readonly net: NetClient;
  readonly session: ArenaSession;
  readonly conditions: NetworkConditions | null;
  /** Chooses the input held for the next frame (called before every frame). */
  brain: (frame: RenderFrame | null, player: ArenaPlayer) => ArenaInput;
  /** Called after every frame. */
  onFrame?: (frame: RenderFrame, player: ArenaPlayer) => void;
  last: RenderFrame | null;
}

export interface PlayerOptions {
  readonly name: string;
  readonly conditions?: NetworkConditionsOptions;
  readonly brain?: ArenaPlayer['brain'];
  readonly net?: Partial<NetClientOptions>;
}

/** Connects a NetClient (through the given network conditions) and wraps it in an arena ClientSession. */
export async function connectPlayer(url: string, options: PlayerOptions): Promise<ArenaPlayer> {
  const conditions = options.conditions ? new NetworkConditions(options.conditions) : null;
  const net = new NetClient({
    url,
    games: [arenaGame],
    name: options.name,
    reconnection: false,
    ...(conditions ? { snapshotGate: conditions.snapshotGate, outgoingGate: conditions.outgoingGate } : {}),
    ...options.net,
  });
  await net.connect();
  const session = createArenaSession(net);
  return { name: options.name, net, session, conditions, brain: options.brain ?? (() => ({ keys: 0, aim: 0 })), last: null };
}

/**
 * Calls every player's brain and session.frame(performance.now()) every `intervalMs` (a 60 fps loop),
 * as a browser would on each animation frame. Like a browser, which handles the network messages that
 * came in before it runs the next animation frame, the frame runs after this turn's I/O (setImmediate):
 * with the server in the same process, a frame running straight from its timer would see a snapshot
 * the server sent in the same turn only on the next frame.
 */
export class FrameLoop {
  private timer: ReturnType<typeof setInterval> | null = null;
  readonly players: ArenaPlayer[] = [];
  frames = 0;

  constructor(private readonly intervalMs = 16) {}

  add(player: ArenaPlayer): void {
    this.players.push(player);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => setImmediate(() => this.timer && this.tick(performance.now())), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(now: number): void {
    this.frames++;
    for (const p of this.players) {
      p.session.setInput(p.brain(p.last, p));
      const frame = p.session.frame(now);
      p.last = frame;
      p.onFrame?.(frame, p);
    }
  }
}

export function closePlayer(p: ArenaPlayer): void {
  p.session.dispose();
  p.conditions?.dispose();
  p.net.close();
}

/** A seeded generator of numbers in [0, 1), for reproducible input patterns. */
export function seededRandom(seed: number): () => number {
  const state = createPrng(seed);
  return () => nextUint32(state) / 4294967296;
}

/** The eight directions plus standing still. */
const DIRECTIONS = [...DIRECTION_KEYS, 0];

export interface RandomWalkOptions {
  /** Mean time between direction changes, ms (default 400). */
  readonly changeEveryMs?: number;
  /** Chance per frame of holding the rifle / rocket trigger. */
  readonly fire?: number;
  readonly rocket?: number;
  /** Never pick "stand still" (default false). */
  readonly alwaysMove?: boolean;
}

/** Random-walk inputs: a random direction (or standing still), changed every ~changeEveryMs, random aim. */
export function randomWalk(seed: number, options: RandomWalkOptions = {}): ArenaPlayer['brain'] {
  const random = seededRandom(seed);
  const changeChance = 16 / (options.changeEveryMs ?? 400);
  const choices = options.alwaysMove ? DIRECTIONS.filter((d) => d !== 0) : DIRECTIONS;
  let move = choices[Math.floor(random() * choices.length)];
  let aim = 0;
  return () => {
    if (random() < changeChance) {
      move = choices[Math.floor(random() * choices.length)];
      aim = Math.floor(random() * 4096);
    }
    let keys = move;
    if (options.fire && random() < options.fire) keys |= KEY_FIRE_PRIMARY;
    if (options.rocket && random() < options.rocket) keys |= KEY_FIRE_SECONDARY;
    return { keys, aim };
  };
}

/**
 * A random walk that stays within `radius` (world units) of `anchor`: beyond it, the player heads back
 * toward the anchor until it is within half the radius again. Keeps a group of players in each other's
 * area of interest.
 */
export function leashedWalk(seed: number, anchor: { x: number; y: number }, radius: number, options: RandomWalkOptions = {}): ArenaPlayer['brain'] {
  const wander = randomWalk(seed, { alwaysMove: true, ...options });
  let returning = false;
  return (frame, player) => {
    const input = wander(frame, player);
    const me = frame?.local;
    if (!me) return input;
    const dx = anchor.x - (me.values[PLAYER_FIELD.x] as number);
    const dy = anchor.y - (me.values[PLAYER_FIELD.y] as number);
    const d = Math.hypot(dx, dy);
    if (d > radius) returning = true;
    else if (d < radius / 2) returning = false;
    if (!returning) return input;
    let keys = input.keys & (KEY_FIRE_PRIMARY | KEY_FIRE_SECONDARY);
    if (Math.abs(dx) > d * 0.38) keys |= dx > 0 ? KEY_RIGHT : KEY_LEFT;
    if (Math.abs(dy) > d * 0.38) keys |= dy > 0 ? KEY_DOWN : KEY_UP;
    return { keys, aim: input.aim };
  };
}

/** x, y of a player entity in a frame. */
export function positionOf(frame: RenderFrame, id: number): { x: number; y: number } | null {
  const e = frame.entities.get(id);
  if (!e) return null;
  return { x: e.values[PLAYER_FIELD.x] as number, y: e.values[PLAYER_FIELD.y] as number };
}

/**
 * Watches the remote players in a player's frames and keeps the worst per-frame move, in steps of
 * `stepUnits` per tick of render time advanced (at least one tick: a 60 fps frame advances ~half a tick).
 */
export class JumpMeter {
  worst = 0;
  samples = 0;
  /** What the worst move was, for the test log. */
  worstDetail = '';
  private previous: RenderFrame | null = null;

  constructor(
    private readonly localId: () => number,
    private readonly stepUnits: number,
    private readonly kind = 0,
  ) {}

  private readonly recent: RenderFrame[] = [];

  observe(frame: RenderFrame): void {
    const prev = this.previous;
    this.previous = frame;
    this.recent.push(frame);
    if (this.recent.length > 6) this.recent.shift();
    if (prev === null) return;
    const ticks = Math.max(1, frame.renderTick - prev.renderTick);
    const local = this.localId();
    for (const [id, e] of frame.entities) {
      if (id === local || e.kind !== this.kind) continue;
      const before = prev.entities.get(id);
      if (!before) continue;
      const d = Math.hypot(
        (e.values[PLAYER_FIELD.x] as number) - (before.values[PLAYER_FIELD.x] as number),
        (e.values[PLAYER_FIELD.y] as number) - (before.values[PLAYER_FIELD.y] as number),
      );
      this.samples++;
      const ratio = d / (this.stepUnits * ticks);
      if (ratio > this.worst) {
        this.worst = ratio;
        const at = (f: RenderFrame) => {
          const v = f.entities.get(id)?.values;
          return `${f.renderTick.toFixed(2)}:(${v ? `${(v[0] as number).toFixed(1)},${(v[1] as number).toFixed(1)}` : '-'})`;
        };
        this.worstDetail =
          `entity ${id} moved ${d.toFixed(1)} units while the render tick advanced ${(frame.renderTick - prev.renderTick).toFixed(2)}; ` +
          `frames ${[...this.recent, frame].map(at).join(' ')}`;
      }
    }
  }

  reset(): void {
    this.previous = null;
  }
}
