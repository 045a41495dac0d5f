// Helpers shared by the arena tests: a seeded bot that plays (moves, aims at the nearest enemy, fires
// both weapons) and a scenario runner that drives a world the way the server does (inputs with a
// render tick behind the current tick, then one step). Not used by the game itself.

import type { GameEvent } from '../../codec/schema.js';
import { createPrng, nextInt, type PrngState } from '../prng.js';
import { aimFromVector } from './directions.js';
import { arenaGame } from './index.js';
import { KEY_DOWN, KEY_FIRE_PRIMARY, KEY_FIRE_SECONDARY, KEY_LEFT, KEY_RIGHT, KEY_UP, type ArenaInput } from './input.js';
import { LAG_COMPENSATION_TICKS } from './lag-compensation.js';
import { isPlayerPositionBlocked } from './movement.js';
import { px } from './units.js';
import type { ArenaPlayer, ArenaWorld } from './world.js';
import { stepTick } from '../step-tick.js';

/** A bot's input for one tick: random movement biased toward the nearest enemy, aim at it, fire often. */
export function botInput(world: ArenaWorld, playerId: number, rng: PrngState): ArenaInput {
  const me = world.players.find((p) => p.id === playerId);
  let keys = 0;
  let aim = nextInt(rng, 4096);
  const enemies = world.players.filter((p) => p.alive && p.id !== playerId);
  if (me && enemies.length > 0) {
    let target = enemies[0];
    let best = Infinity;
    for (const e of enemies) {
      const d = (e.x - me.x) ** 2 + (e.y - me.y) ** 2;
      if (d < best) [best, target] = [d, e];
    }
    aim = (aimFromVector(target.x - me.x, target.y - me.y) + nextInt(rng, 41) - 20 + 4096) % 4096;
    if (nextInt(rng, 10) < 6) {
      if (target.x > me.x + 200) keys |= KEY_RIGHT;
      if (target.x < me.x - 200) keys |= KEY_LEFT;
      if (target.y > me.y + 200) keys |= KEY_DOWN;
      if (target.y < me.y - 200) keys |= KEY_UP;
    } else {
      keys |= nextInt(rng, 16);
    }
  } else {
    keys |= nextInt(rng, 16);
  }
  if (nextInt(rng, 2) === 0) keys |= KEY_FIRE_PRIMARY;
  if (nextInt(rng, 8) === 0) keys |= KEY_FIRE_SECONDARY;
  return { keys, aim };
}

export interface ScenarioOptions {
  readonly seed: number;
  /** Seed of the bots' input stream. */
  readonly inputSeed: number;
  readonly ticks: number;
  /** [tick, playerId] joins; a join happens before that tick's inputs. */
  readonly joins: readonly (readonly [number, number])[];
  /** Called after every step with the world, tick and events. */
  readonly onStep?: (world: ArenaWorld, tick: number, events: readonly GameEvent[]) => void;
  /** Lets a test alter (or replace) an input before it is applied. */
  readonly mapInput?: (tick: number, playerId: number, input: ArenaInput) => ArenaInput;
  /** Replaces the world before a tick's inputs (e.g. with a deserialized copy). */
  readonly swapWorld?: (world: ArenaWorld, tick: number) => ArenaWorld;
}

/** Runs a bot match and returns the per-tick hashes. */
export function runScenario(options: ScenarioOptions): { world: ArenaWorld; hashes: number[] } {
  let world = arenaGame.createWorld(options.seed);
  const rng = createPrng(options.inputSeed);
  const hashes: number[] = [];
  for (let tick = 0; tick < options.ticks; tick++) {
    if (options.swapWorld) world = options.swapWorld(world, tick);
    for (const [joinTick, id] of options.joins) if (joinTick === tick) arenaGame.addPlayer(world, id, `bot${id}`);
    const inputs = world.players.map((p) => {
      let payload = botInput(world, p.id, rng);
      if (options.mapInput) payload = options.mapInput(tick, p.id, payload);
      return { playerId: p.id, payload, renderTick: Math.max(0, tick - 2 - nextInt(rng, LAG_COMPENSATION_TICKS)) };
    });
    const events = stepTick(arenaGame, world, tick, inputs);
    options.onStep?.(world, tick, events);
    hashes.push(arenaGame.hash(world));
  }
  return { world, hashes };
}

/** One player's input in a TestArena step, with an optional render tick (defaults to the current tick). */
export interface TestInput {
  readonly keys?: number;
  readonly aim?: number;
  readonly renderTick?: number;
}

/**
 * A small driver for rule tests: players placed by hand (in px), unprotected, stepped tick by tick the
 * way the server does it (an input for every player every tick, idle when the test gives none).
 */
export class TestArena {
  readonly world: ArenaWorld;
  /** The next tick to step. */
  tick = 0;
  private readonly last = new Map<number, ArenaInput>();

  constructor(players: readonly (readonly [id: number, xPx: number, yPx: number])[], seed = 1) {
    this.world = arenaGame.createWorld(seed);
    for (const [id, xPx, yPx] of players) {
      arenaGame.addPlayer(this.world, id, `p${id}`);
      this.place(id, xPx, yPx);
    }
  }

  player(id: number): ArenaPlayer {
    const p = this.world.players.find((q) => q.id === id);
    if (!p) throw new Error(`no player ${id}`);
    return p;
  }

  /** Teleports a player (at rest, unprotected); fails the test setup if the spot is inside a wall. */
  place(id: number, xPx: number, yPx: number): void {
    const p = this.player(id);
    const x = px(xPx);
    const y = px(yPx);
    if (isPlayerPositionBlocked(x, y)) throw new Error(`test setup: (${xPx}, ${yPx}) px is blocked by a wall`);
    Object.assign(p, { x, y, vx: 0, vy: 0, protectTicks: 0 });
  }

  step(inputs: Readonly<Record<number, TestInput>> = {}): GameEvent[] {
    const tick = this.tick++;
    const applied = this.world.players.map((p) => {
      const given = inputs[p.id];
      const payload: ArenaInput = given
        ? { keys: given.keys ?? 0, aim: given.aim ?? this.last.get(p.id)?.aim ?? 0 }
        : arenaGame.idleInput(this.last.get(p.id) ?? null);
      this.last.set(p.id, payload);
      return { playerId: p.id, payload, renderTick: given?.renderTick ?? tick };
    });
    return stepTick(arenaGame, this.world, tick, applied);
  }

  /** Steps `n` ticks with the same inputs; returns all events. */
  run(n: number, inputs: Readonly<Record<number, TestInput>> = {}): GameEvent[] {
    const events: GameEvent[] = [];
    for (let i = 0; i < n; i++) events.push(...this.step(inputs));
    return events;
  }
}

/** The events of one type. */
export function eventsOf(events: readonly GameEvent[], code: number): GameEvent[] {
  return events.filter((e) => e[0] === code);
}
