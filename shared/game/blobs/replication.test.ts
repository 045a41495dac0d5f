// Blobs through the real codec: a client whose blob crosses the map sees exactly the server's world
// around it, every tick, while pellets enter and leave its interest area; what dead reckoning costs.

import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { Replicator, type ReplicationClient } from '../../codec/replicator.js';
import type { EntityState, EntityView, GameEvent } from '../../codec/schema.js';
import { SnapshotMirror, type AppliedSnapshot } from '../../codec/snapshot-mirror.js';
import { aimFromVector } from '../arena/directions.js';
import { createPrng, nextInt } from '../prng.js';
import { ACCELERATION, PELLET_ID_BASE, SPAWN_PROTECTION_TICKS, START_MASS, WORLD_SIZE } from './constants.js';
import { RELIABLE_EVENTS } from './events.js';
import { blobsGame } from './index.js';
import { BLOB_KEY_MOVE, type BlobsInput } from './input.js';
import { blobSpeed } from './mass.js';
import { TestBlobs, runScenario } from './test-support.js';
import { BLOBS_SCHEMA, KIND_BLOB, KIND_PELLET } from './view.js';
import type { BlobsWorld } from './world.js';

const RADIUS = blobsGame.interestRadius as number;
/** The server's room grid: cells of half the interest radius, so 2 rings of cells around the focus cell. */
const CELL = RADIUS / 2;
const RINGS = 2;
const GLOBAL = BLOBS_SCHEMA.kinds.map((k) => k.global === true);

type Row = [id: number, kind: number, values: unknown[]];

function rows(entities: Iterable<EntityState | EntityView>): Row[] {
  return [...entities].sort((a, b) => a.id - b.id).map((e) => [e.id, e.kind, [...e.values]]);
}

/** The server's view of a focus' interest area: every global entity, and the others in its block of cells. */
function interestArea(views: readonly EntityView[], focus: { x: number; y: number } | null, rings: number): EntityView[] {
  const cell = (c: number): number => Math.floor(c / CELL);
  return views.filter(
    (v) =>
      GLOBAL[v.kind] ||
      (focus !== null && Math.abs(cell(v.x) - cell(focus.x)) <= rings && Math.abs(cell(v.y) - cell(focus.y)) <= rings),
  );
}

/** A client of the room: its replicator entry, its mirror, snapshots lost at random, acks late at random. */
class LossyLink {
  readonly client: ReplicationClient;
  readonly mirror = new SnapshotMirror(BLOBS_SCHEMA);
  private readonly pending: { due: number; tick: number }[] = [];
  readonly seen = { pelletEnters: 0, pelletLeaves: 0, reliable: 0, dropped: 0 };

  constructor(
    readonly replicator: Replicator,
    private readonly rng = createPrng(99),
  ) {
    this.client = replicator.addClient();
  }

  /** Sends the latest tick; returns the applied snapshot, or null when it was "lost". */
  send(tick: number, focus: { x: number; y: number } | null, lossy: boolean): AppliedSnapshot | null {
    const header = { lastInputSeq: tick, lastInputTick: tick, inputQueueDepth: 0 };
    const bytes = this.replicator.encodeFor(this.client, focus, header);
    if (lossy && nextInt(this.rng, 100) < 15) {
      this.seen.dropped++;
      return null;
    }
    const applied = this.mirror.apply(bytes) as AppliedSnapshot;
    this.seen.pelletEnters += applied.entered.filter((id) => id >= PELLET_ID_BASE).length;
    this.seen.pelletLeaves += applied.left.filter((id) => id >= PELLET_ID_BASE).length;
    this.seen.reliable += applied.events.filter(({ event }) => RELIABLE_EVENTS.includes(event[0] as number)).length;
    this.pending.push({ due: tick + nextInt(this.rng, 6), tick });
    for (let k = this.pending.length - 1; k >= 0; k--) {
      if (this.pending[k].due <= tick) this.replicator.acknowledge(this.client, this.pending.splice(k, 1)[0].tick);
    }
    return applied;
  }
}

/** Steers player 1 through the four corners of the world, again and again. */
function traveller(): (world: BlobsWorld) => BlobsInput {
  const margin = 3000;
  const corners = [
    [margin, margin],
    [WORLD_SIZE - margin, margin],
    [WORLD_SIZE - margin, WORLD_SIZE - margin],
    [margin, WORLD_SIZE - margin],
  ];
  let next = 1;
  return (world) => {
    const me = world.players[0];
    let [tx, ty] = corners[next];
    if (Math.hypot(tx - me.x, ty - me.y) < 600) {
      next = (next + 1) % corners.length;
      [tx, ty] = corners[next];
    }
    return { keys: BLOB_KEY_MOVE, aim: aimFromVector(tx - me.x, ty - me.y) };
  };
}

describe('blobs replication: a client crossing the map', () => {
  it('the mirror equals the server view of its interest area every tick, pellets entering and leaving; reliable events arrive once', () => {
    const TICKS = 1200;
    // Exact: no hysteresis, so the client holds exactly its block of cells.
    const exact = new LossyLink(new Replicator(BLOBS_SCHEMA, { interestRadius: RADIUS, cellSize: CELL, hysteresisCells: 0 }), createPrng(1));
    // As the server runs it (one cell of hysteresis), with the same losses.
    const server = new LossyLink(new Replicator(BLOBS_SCHEMA, { interestRadius: RADIUS, cellSize: CELL }), createPrng(2));
    const steer = traveller();
    const worldRef: { current: BlobsWorld | null } = { current: null };
    let reliableSent = 0;
    let lastFocus: { x: number; y: number } | null = null;
    let travelled = 0;
    runScenario({
      seed: 11,
      brainSeed: 12,
      ticks: TICKS,
      joins: [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6], [0, 7], [0, 8]],
      noHashes: true,
      mapInput: (_tick, playerId, input) => (playerId === 1 ? steer(worldRef.current as BlobsWorld) : input),
      beforeStep: (world) => {
        world.players[0].protectTicks = SPAWN_PROTECTION_TICKS; // the traveller is never eaten
      },
      swapWorld: (world, tick) => {
        if (tick === 1) world.phaseTicksLeft = 500; // a match end (a reliable event) and an intermission inside the run
        worldRef.current = world;
        return world;
      },
      onStep: (world, tick, events: readonly GameEvent[]) => {
        const views = blobsGame.view(world);
        const tickEvents = events.map((event) => ({ tick, event }));
        exact.replicator.commitTick(tick, views, tickEvents);
        server.replicator.commitTick(tick, views, tickEvents);
        reliableSent += events.filter((e) => RELIABLE_EVENTS.includes(e[0] as number)).length;
        const focus = blobsGame.focusOf(world, 1);
        if (focus === null) throw new Error('the traveller died');
        if (lastFocus) travelled += Math.abs(focus.x - lastFocus.x) + Math.abs(focus.y - lastFocus.y);
        lastFocus = focus;
        const lossy = tick > 5 && tick < TICKS - 10;

        const a = exact.send(tick, focus, lossy);
        if (a !== null) expect(rows(a.state.values())).toEqual(rows(interestArea(views, focus, RINGS)));

        const b = server.send(tick, focus, lossy);
        if (b !== null) {
          const held = new Set(b.state.keys());
          // Everything in the block is held, nothing beyond one more ring, all with the server's values.
          for (const v of interestArea(views, focus, RINGS)) expect(held.has(v.id)).toBe(true);
          const outer = new Map(interestArea(views, focus, RINGS + 1).map((v) => [v.id, v]));
          for (const e of b.state.values()) expect([...e.values]).toEqual([...(outer.get(e.id)?.values ?? [])]);
          // What is on screen (within the interest radius) is there.
          const onScreen = views.filter((v) => !GLOBAL[v.kind] && Math.abs(v.x - focus.x) <= RADIUS && Math.abs(v.y - focus.y) <= RADIUS);
          expect(onScreen.filter((v) => !held.has(v.id))).toEqual([]);
        }
      },
    });
    expect(travelled).toBeGreaterThan(WORLD_SIZE);
    for (const link of [exact, server]) {
      expect(link.seen.dropped).toBeGreaterThan(50);
      expect(link.seen.pelletEnters).toBeGreaterThan(300);
      expect(link.seen.pelletLeaves).toBeGreaterThan(300);
      // The last snapshots were applied, so every reliable event arrived, exactly once (the mirror dedups).
      expect(link.seen.reliable).toBe(reliableSent);
    }
    expect(reliableSent).toBeGreaterThan(0);
    console.info(
      `[blobs replication] ${TICKS} ticks, traveller moved ${(travelled / 4).toFixed(0)} px; pellets entered/left: ` +
        `exact ${exact.seen.pelletEnters}/${exact.seen.pelletLeaves}, server ${server.seen.pelletEnters}/${server.seen.pelletLeaves}; ` +
        `bytes per snapshot (server grid) ${(server.replicator.stats.snapshotBytes / TICKS).toFixed(1)}`,
    );
  }, 60_000); // 2-6 s here on a loaded 2-core machine
});

/** Elements of a snapshot after the 5-element header (0: header only). */
const sections = (bytes: Uint8Array): number => (decode(bytes) as unknown[]).length - 5;

describe('blobs replication: dead reckoning', () => {
  it('a blob steering one way costs 0 bytes per tick once at speed; pellets and idle blobs cost nothing', () => {
    const game = new TestBlobs([[1, 3000, WORLD_SIZE / 2, START_MASS], [2, 12000, 12000, START_MASS]], { pellets: false });
    const replicator = new Replicator(BLOBS_SCHEMA, { interestRadius: 1e6 }); // sees the whole world
    const client = replicator.addClient();
    const mirror = new SnapshotMirror(BLOBS_SCHEMA);
    const sizes: number[] = [];
    for (let i = 0; i < 60; i++) {
      const tick = game.tick;
      game.step({ 1: { keys: BLOB_KEY_MOVE, aim: 0 } });
      const views = blobsGame.view(game.world);
      replicator.commitTick(tick, views, []);
      const bytes = replicator.encodeFor(client, { x: 12000, y: 12000 }, { lastInputSeq: tick, lastInputTick: tick, inputQueueDepth: 0 });
      sizes.push(sections(bytes));
      const applied = mirror.apply(bytes) as AppliedSnapshot;
      expect(rows([...applied.state.values()].filter((e) => e.kind === KIND_BLOB))).toEqual(rows(views.filter((v) => v.kind === KIND_BLOB)));
      replicator.acknowledge(client, tick);
    }
    const accelerating = Math.ceil(blobSpeed(START_MASS) / ACCELERATION);
    expect(sizes.slice(accelerating + 2)).toEqual(new Array(60 - accelerating - 2).fill(0));
  });

  it('pellets are static, blob x/y are velocity-predicted', () => {
    const fields = BLOBS_SCHEMA.kinds[KIND_BLOB].fields;
    expect(fields[0]).toMatchObject({ name: 'x', delta: true, velocity: 'vx' });
    expect(fields[1]).toMatchObject({ name: 'y', delta: true, velocity: 'vy' });
    expect(BLOBS_SCHEMA.kinds[KIND_PELLET].fields.every((f) => f.velocity === undefined)).toBe(true);
  });
});
