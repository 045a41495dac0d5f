// The arena through the real codec: what its schema flags (velocity prediction of x/y, reliable event
// types) cost on the wire, and that a client's mirror always equals the server's view.

import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { Replicator, type ReplicationClient } from '../../codec/replicator.js';
import type { EntityState, EntityView, GameEvent } from '../../codec/schema.js';
import { SnapshotMirror, type AppliedSnapshot } from '../../codec/snapshot-mirror.js';
import { createPrng, nextInt } from '../prng.js';
import { ACCELERATION, MAX_SPEED, PLAYER_RADIUS } from './constants.js';
import { EVT_MATCH_END, EVT_SHOT, RELIABLE_EVENTS } from './events.js';
import { arenaGame } from './index.js';
import { KEY_FIRE_SECONDARY, KEY_RIGHT } from './input.js';
import { runScenario, TestArena } from './test-support.js';
import { px } from './units.js';
import { ARENA_SCHEMA, KIND_PLAYER, KIND_PROJECTILE, PLAYER_FIELD } from './view.js';
import type { ArenaWorld } from './world.js';

/** Sees the whole map, so the mirror must equal the full view. */
const EVERYTHING = 1e6;

function asState(views: readonly EntityView[]): [number, number, unknown[]][] {
  return [...views].sort((a, b) => a.id - b.id).map((v) => [v.id, v.kind, [...v.values]]);
}

function plain(state: ReadonlyMap<number, EntityState>): [number, number, unknown[]][] {
  return [...state.values()].sort((a, b) => a.id - b.id).map((e) => [e.id, e.kind, [...e.values]]);
}

/** One client of a TestArena with acknowledgements `ackDelay` snapshots late. */
class Link {
  readonly replicator = new Replicator(ARENA_SCHEMA, { interestRadius: EVERYTHING });
  readonly client: ReplicationClient = this.replicator.addClient();
  readonly mirror = new SnapshotMirror(ARENA_SCHEMA);
  private readonly acks: number[] = [];

  constructor(
    readonly arena: TestArena,
    readonly ackDelay: number,
  ) {}

  /** Steps the arena, sends the tick's snapshot, checks the mirror; returns the snapshot bytes. */
  step(inputs: Parameters<TestArena['step']>[0] = {}): Uint8Array {
    const tick = this.arena.tick;
    const events = this.arena.step(inputs);
    const views = arenaGame.view(this.arena.world);
    this.replicator.commitTick(tick, views, events.map((event) => ({ tick, event })));
    const bytes = this.replicator.encodeFor(this.client, { x: 0, y: 0 }, { lastInputSeq: tick, lastInputTick: tick, inputQueueDepth: 0 });
    const applied = this.mirror.apply(bytes) as AppliedSnapshot;
    expect(plain(applied.state)).toEqual(asState(views));
    this.acks.push(tick);
    if (this.acks.length > this.ackDelay) this.replicator.acknowledge(this.client, this.acks.shift() as number);
    return bytes;
  }
}

/** Elements of a snapshot after the 5-element header (0: header only). */
const sections = (bytes: Uint8Array) => (decode(bytes) as unknown[]).length - 5;

describe('arena replication: velocity prediction', () => {
  it('the movement rule is dead reckoning: at constant velocity x(T) = x(B) + vx(B) * (T - B)', () => {
    const arena = new TestArena([[1, 450, 800]]);
    arena.run(MAX_SPEED / ACCELERATION, { 1: { keys: KEY_RIGHT } }); // accelerated to top speed
    const p = arena.player(1);
    expect(p.vx).toBe(MAX_SPEED);
    const [x0, vx0] = [p.x, p.vx];
    for (let dt = 1; dt <= 20; dt++) {
      arena.step({ 1: { keys: KEY_RIGHT } });
      expect(p.x).toBe(x0 + vx0 * dt);
      expect(p.vx).toBe(vx0);
    }
  });

  for (const ackDelay of [0, 3]) {
    it(`a player running straight costs 0 bytes per tick after accelerating; the wall stop costs a residual (acks ${ackDelay} late)`, () => {
      // At (450, 800) px running right, the centre block (x 1136 px) stops it after ~90 ticks.
      const link = new Link(new TestArena([[1, 450, 800], [2, 1000, 480]]), ackDelay);
      const player = link.arena.player(1);
      const sizes: number[] = [];
      const run = { 1: { keys: KEY_RIGHT } };
      let wallTick = -1;
      for (let i = 0; i < 130; i++) {
        const before = player.vx;
        sizes.push(sections(link.step(run)));
        if (wallTick < 0 && before > 0 && player.vx === 0) wallTick = i;
      }
      expect(wallTick).toBeGreaterThan(60);
      expect(player.x).toBe(px(1136) - PLAYER_RADIUS);
      const accelerating = MAX_SPEED / ACCELERATION; // ticks 0..5 change vx
      // Until the velocity of the baseline is the running velocity, residuals; then nothing at all.
      expect(sizes.slice(0, accelerating).every((n) => n > 0)).toBe(true);
      expect(sizes.slice(accelerating + ackDelay + 1, wallTick)).toEqual(new Array(wallTick - accelerating - ackDelay - 1).fill(0));
      // The stop is a residual (x and vx) until a baseline with vx 0 is acknowledged, then nothing again.
      expect(sizes[wallTick]).toBeGreaterThan(0);
      expect(sizes.slice(wallTick + ackDelay + 2)).toEqual(new Array(130 - wallTick - ackDelay - 2).fill(0));
    });
  }

  it('a rocket in flight costs 0 bytes once its enter is acknowledged', () => {
    const link = new Link(new TestArena([[1, 450, 800]]), 2);
    link.step();
    link.step({ 1: { keys: KEY_FIRE_SECONDARY, aim: 0 } });
    expect([...link.mirror.entities.values()].filter((e) => e.kind === KIND_PROJECTILE).length).toBe(1);
    const rocket = link.arena.world.projectiles[0];
    expect(rocket.vx).toBeGreaterThan(0);
    const sizes: number[] = [];
    while (link.arena.world.projectiles.length > 0) sizes.push(sections(link.step()));
    // Resent as an enter until a snapshot holding it is acknowledged (2 late), then free until it explodes.
    expect(sizes.slice(3, -1).length).toBeGreaterThan(5);
    expect(sizes.slice(3, -1).every((n) => n === 0)).toBe(true);
  });

  it('x and y of players and projectiles are predicted from vx and vy', () => {
    for (const kind of [KIND_PLAYER, KIND_PROJECTILE]) {
      const fields = ARENA_SCHEMA.kinds[kind].fields;
      expect(fields[0]).toMatchObject({ name: 'x', delta: true, velocity: 'vx' });
      expect(fields[1]).toMatchObject({ name: 'y', delta: true, velocity: 'vy' });
    }
    expect(ARENA_SCHEMA.kinds[KIND_PLAYER].fields[PLAYER_FIELD.aim]).toMatchObject({ name: 'aim', delta: true });
  });
});

describe('arena replication: a lossy bot match', () => {
  it('every applied snapshot equals the server view exactly; kills and match ends arrive exactly once, tracers at most once', () => {
    const rng = createPrng(99);
    const replicator = new Replicator(ARENA_SCHEMA, { interestRadius: EVERYTHING });
    const nearby = new Replicator(ARENA_SCHEMA, { interestRadius: arenaGame.interestRadius!, cellSize: arenaGame.interestRadius! / 2 });
    const client = replicator.addClient();
    const nearClient = nearby.addClient();
    const mirror = new SnapshotMirror(ARENA_SCHEMA);
    const nearMirror = new SnapshotMirror(ARENA_SCHEMA);
    const pending: { due: number; tick: number }[] = [];
    const sent = { reliable: 0, shots: 0 };
    const got = { reliable: 0, shots: 0 };
    let droppedShotTicks = 0;
    let matchEnds = 0;
    const TICKS = 900;
    const shortMatch = (world: ArenaWorld, tick: number): ArenaWorld => {
      if (tick === 1) world.phaseTicksLeft = 400; // a match end inside the run
      return world;
    };
    runScenario({
      seed: 5,
      inputSeed: 6,
      ticks: TICKS,
      joins: [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6]],
      swapWorld: shortMatch,
      onStep: (world, tick, events: readonly GameEvent[]) => {
        const views = arenaGame.view(world);
        const tickEvents = events.map((event) => ({ tick, event }));
        replicator.commitTick(tick, views, tickEvents);
        nearby.commitTick(tick, views, tickEvents);
        const reliable = events.filter((e) => RELIABLE_EVENTS.includes(e[0] as number)).length;
        const shots = events.filter((e) => e[0] === EVT_SHOT).length;
        matchEnds += events.filter((e) => e[0] === EVT_MATCH_END).length;
        sent.reliable += reliable;
        sent.shots += shots;
        const header = { lastInputSeq: tick * 2, lastInputTick: tick, inputQueueDepth: 0 };
        const bytes = replicator.encodeFor(client, { x: 0, y: 0 }, header);
        const focus = arenaGame.focusOf(world, 1);
        const nearBytes = nearby.encodeFor(nearClient, focus, header);
        if (tick > 5 && tick < TICKS - 10 && nextInt(rng, 10) < 2) {
          droppedShotTicks += shots; // 20% of snapshots lost
          return;
        }
        const applied = mirror.apply(bytes) as AppliedSnapshot;
        expect(plain(applied.state)).toEqual(asState(views));
        expect(applied.lastInputSeq).toBe(tick * 2);
        for (const { event } of applied.events) {
          if (RELIABLE_EVENTS.includes(event[0] as number)) got.reliable++;
          if (event[0] === EVT_SHOT) got.shots++;
        }
        // With interest management (and hysteresis), whatever the client holds is exact.
        const near = nearMirror.apply(nearBytes) as AppliedSnapshot;
        for (const [id, entity] of near.state) {
          expect([...entity.values]).toEqual([...(views.find((v) => v.id === id)?.values ?? [])]);
        }
        pending.push({ due: tick + nextInt(rng, 6), tick });
        for (let k = pending.length - 1; k >= 0; k--) {
          if (pending[k].due <= tick) {
            const ack = pending.splice(k, 1)[0].tick;
            replicator.acknowledge(client, ack);
            nearby.acknowledge(nearClient, ack);
          }
        }
      },
    });
    expect(matchEnds).toBe(1);
    expect(sent.reliable).toBeGreaterThan(5);
    expect(droppedShotTicks).toBeGreaterThan(0);
    // The last snapshots were applied, so every reliable event was delivered (exactly once: the mirror
    // dedups, and got would exceed sent otherwise); tracers of dropped snapshots are lost.
    expect(got.reliable).toBe(sent.reliable);
    expect(got.shots).toBe(sent.shots - droppedShotTicks);
  });
});
