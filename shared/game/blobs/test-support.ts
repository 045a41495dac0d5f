// Helpers shared by the blobs tests: a scenario runner that drives a world the way the server does,
// with bot brains reading what each player would see, and a small driver for rule tests with blobs
// placed by hand. Not used by the game itself.

import type { EntityView, GameEvent } from '../../codec/schema.js';
import { createBlobsBrain, type BlobsBrain } from './bot-brain.js';
import { blobsBotView } from './bot-view.js';
import { PELLET_RESPAWN_TICKS } from './constants.js';
import { blobsGame } from './index.js';
import type { BlobsInput } from './input.js';
import { BLOBS_SCHEMA } from './view.js';
import type { BlobsPlayer, BlobsWorld } from './world.js';

const GLOBAL_KIND: readonly boolean[] = BLOBS_SCHEMA.kinds.map((k) => k.global === true);

/** The non-global entities within `radius` of `focus` on both axes, and every global one. */
export function visibleViews(views: readonly EntityView[], focus: { x: number; y: number } | null, radius: number): EntityView[] {
  const out: EntityView[] = [];
  for (const v of views) {
    const visible = GLOBAL_KIND[v.kind] || (focus !== null && Math.abs(v.x - focus.x) <= radius && Math.abs(v.y - focus.y) <= radius);
    if (visible) out.push(v);
  }
  return out;
}

export interface ScenarioOptions {
  readonly seed: number;
  /** Seed of the brains: player p's brain is seeded with brainSeed * 1000 + p. */
  readonly brainSeed: number;
  readonly ticks: number;
  /** [tick, playerId] joins; a join happens before that tick's inputs. */
  readonly joins: readonly (readonly [number, number])[];
  /** Called after every step with the world, tick and events. */
  readonly onStep?: (world: BlobsWorld, tick: number, events: readonly GameEvent[]) => void;
  /** Called before every step, after the inputs were applied. */
  readonly beforeStep?: (world: BlobsWorld, tick: number) => void;
  /** Lets a test alter (or replace) an input before it is applied. */
  readonly mapInput?: (tick: number, playerId: number, input: BlobsInput) => BlobsInput;
  /** Replaces the world before a tick's inputs (e.g. with a deserialized copy). */
  readonly swapWorld?: (world: BlobsWorld, tick: number) => BlobsWorld;
  /** Skip hashing every tick (hashes stays empty). */
  readonly noHashes?: boolean;
}

/** Joins `n` players (ids 1..n) at tick 0. */
export function joinsAtStart(n: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [0, i + 1]);
}

/**
 * Runs a match of bot brains, each thinking on what its player sees (the entities within the interest
 * radius of its focus), and returns the per-tick hashes.
 */
export function runScenario(options: ScenarioOptions): { world: BlobsWorld; hashes: number[] } {
  let world = blobsGame.createWorld(options.seed);
  const brains = new Map<number, BlobsBrain>();
  const hashes: number[] = [];
  const radius = blobsGame.interestRadius ?? Infinity;
  for (let tick = 0; tick < options.ticks; tick++) {
    if (options.swapWorld) world = options.swapWorld(world, tick);
    for (const [joinTick, id] of options.joins) {
      if (joinTick !== tick) continue;
      blobsGame.addPlayer(world, id, `bot${id}`);
      brains.set(id, createBlobsBrain(options.brainSeed * 1000 + id));
    }
    const views = blobsGame.view(world);
    for (const p of world.players) {
      const seen = visibleViews(views, blobsGame.focusOf(world, p.id), radius);
      let input = (brains.get(p.id) as BlobsBrain).think(blobsBotView(p.id, seen));
      if (options.mapInput) input = options.mapInput(tick, p.id, input);
      blobsGame.applyInput(world, p.id, input, { tick, renderTick: tick });
    }
    options.beforeStep?.(world, tick);
    const events = blobsGame.step(world, tick);
    options.onStep?.(world, tick, events);
    if (!options.noHashes) hashes.push(blobsGame.hash(world));
  }
  return { world, hashes };
}

/** One player's input in a TestBlobs step. */
export interface TestInput {
  readonly keys?: number;
  readonly aim?: number;
}

/**
 * A small driver for rule tests: blobs placed by hand (in units) with chosen masses, unprotected,
 * stepped tick by tick the way the server does it (an input for every player every tick, idle when the
 * test gives none). Pellets can be taken off the map so they do not change masses.
 */
export class TestBlobs {
  readonly world: BlobsWorld;
  /** The next tick to step. */
  tick = 0;
  private readonly last = new Map<number, BlobsInput>();
  /** Pellets are kept off the map (clearPellets). */
  private holdPellets = false;

  constructor(
    players: readonly (readonly [id: number, x: number, y: number, mass: number])[],
    options: { seed?: number; pellets?: boolean } = {},
  ) {
    this.world = blobsGame.createWorld(options.seed ?? 1);
    if (options.pellets === false) this.clearPellets();
    for (const [id, x, y, mass] of players) {
      blobsGame.addPlayer(this.world, id, `p${id}`);
      this.place(id, x, y, mass);
    }
  }

  player(id: number): BlobsPlayer {
    const p = this.world.players.find((q) => q.id === id);
    if (!p) throw new Error(`no player ${id}`);
    return p;
  }

  /** Teleports a blob (at rest, unprotected, with `mass`). */
  place(id: number, x: number, y: number, mass: number): void {
    Object.assign(this.player(id), { x, y, vx: 0, vy: 0, mass, best: mass, protectTicks: 0 });
  }

  /** Takes every pellet off the map for as long as the test runs (a respawn delay that never ends). */
  clearPellets(): void {
    for (const pellet of this.world.pellets) pellet.respawnTicks = PELLET_RESPAWN_TICKS;
    this.holdPellets = true;
  }

  step(inputs: Readonly<Record<number, TestInput>> = {}): GameEvent[] {
    const tick = this.tick++;
    for (const p of this.world.players) {
      const given = inputs[p.id];
      const input: BlobsInput = given
        ? { keys: given.keys ?? 0, aim: given.aim ?? this.last.get(p.id)?.aim ?? 0 }
        : blobsGame.idleInput(this.last.get(p.id) ?? null);
      this.last.set(p.id, input);
      blobsGame.applyInput(this.world, p.id, input, { tick, renderTick: tick });
    }
    if (this.holdPellets) for (const pellet of this.world.pellets) pellet.respawnTicks = PELLET_RESPAWN_TICKS;
    return blobsGame.step(this.world, tick);
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

/** Pellets on the map now. */
export function pelletsOnMap(world: BlobsWorld): number {
  return world.pellets.filter((p) => p.respawnTicks === 0).length;
}

/** Total mass of the living blobs. */
export function totalMass(world: BlobsWorld): number {
  return world.players.reduce((sum, p) => sum + p.mass, 0);
}
