import { describe, expect, it } from 'vitest';
import { Replicator } from '../../codec/replicator.js';
import { SnapshotMirror } from '../../codec/snapshot-mirror.js';
import { aimFromVector } from '../arena/directions.js';
import { AIM_STEPS } from '../arena/units.js';
import { createBlobsBrain } from './bot-brain.js';
import { blobsBotView, type BlobsBotView, type SeenBlob } from './bot-view.js';
import { START_MASS, WORLD_SIZE } from './constants.js';
import { EVT_ATE_PELLET, EVT_ATE_PLAYER, EVT_BOOST } from './events.js';
import { blobsGame } from './index.js';
import { BLOB_KEY_BOOST, BLOB_KEY_MOVE, type BlobsInput } from './input.js';
import { joinsAtStart, runScenario, visibleViews } from './test-support.js';
import { BLOBS_SCHEMA } from './view.js';

const MIDDLE = WORLD_SIZE / 2;

/** Smallest difference between two aim steps. */
function aimGap(a: number, b: number): number {
  const d = (((a - b) % AIM_STEPS) + AIM_STEPS) % AIM_STEPS;
  return Math.min(d, AIM_STEPS - d);
}

/** Aim steps of the brain's jitter plus rounding. */
const NOISE = 26;

function blob(id: number, dx: number, dy: number, mass: number, isProtected = false): SeenBlob {
  return { id, x: MIDDLE + dx, y: MIDDLE + dy, mass, protected: isProtected };
}

function view(mass: number, pellets: [number, number][], blobs: SeenBlob[]): BlobsBotView {
  return {
    self: { x: MIDDLE, y: MIDDLE, mass },
    pellets: pellets.map(([dx, dy]) => ({ x: MIDDLE + dx, y: MIDDLE + dy })),
    blobs,
  };
}

function think(v: BlobsBotView, seed = 1): BlobsInput {
  return createBlobsBrain(seed).think(v);
}

describe('blobs brain: decisions', () => {
  it('does nothing without a blob', () => {
    expect(think({ self: null, pellets: [{ x: 1, y: 1 }], blobs: [] }).keys).toBe(0);
  });

  it('steers to the nearest pellet', () => {
    const input = think(view(START_MASS, [[900, 900], [-300, 40], [0, -2000]], []));
    expect(input.keys).toBe(BLOB_KEY_MOVE);
    expect(aimGap(input.aim, aimFromVector(-300, 40))).toBeLessThanOrEqual(NOISE);
  });

  it('leaves a pellet a heavier blob is sitting near for another one', () => {
    const guard = blob(2, 3200, 0, 200);
    const input = think(view(50, [[3000, 0], [0, 3500]], [guard]));
    expect(aimGap(input.aim, aimFromVector(0, 3500))).toBeLessThanOrEqual(NOISE);
  });

  it('flees a heavier blob that comes close, and boosts away when it is about to be caught', () => {
    const far = think(view(50, [[100, 0]], [blob(2, 1000, 0, 200)]));
    expect(aimGap(far.aim, AIM_STEPS / 2)).toBeLessThanOrEqual(NOISE); // away: to the left
    expect(far.keys).toBe(BLOB_KEY_MOVE);
    const close = think(view(50, [], [blob(2, 0, 700, 200)]));
    expect(aimGap(close.aim, (AIM_STEPS * 3) / 4)).toBeLessThanOrEqual(NOISE); // away: up
    expect(close.keys).toBe(BLOB_KEY_MOVE | BLOB_KEY_BOOST);
    // Too light to boost: it just runs.
    expect(think(view(15, [], [blob(2, 0, 400, 200)])).keys).toBe(BLOB_KEY_MOVE);
  });

  it('ignores a protected blob: no fleeing from it, no chasing it', () => {
    const input = think(view(50, [[-500, 0]], [blob(2, 300, 0, 500, true), blob(3, 0, 300, 10, true)]));
    expect(aimGap(input.aim, AIM_STEPS / 2)).toBeLessThanOrEqual(NOISE); // the pellet, to the left
  });

  it('chases a smaller blob within reach and pounces with a boost when the meal pays for it', () => {
    const chase = think(view(100, [[200, 0]], [blob(2, -1500, -1500, 60)]));
    expect(aimGap(chase.aim, aimFromVector(-1, -1))).toBeLessThanOrEqual(NOISE);
    expect(chase.keys).toBe(BLOB_KEY_MOVE);
    expect(think(view(100, [], [blob(2, -700, 0, 60)])).keys).toBe(BLOB_KEY_MOVE | BLOB_KEY_BOOST);
    // A crumb is not worth a boost.
    expect(think(view(100, [], [blob(2, -700, 0, 11)])).keys).toBe(BLOB_KEY_MOVE);
  });

  it('heads back to the middle from a wall when there is nothing to eat', () => {
    const input = createBlobsBrain(3).think({ self: { x: 500, y: MIDDLE, mass: 20 }, pellets: [], blobs: [] });
    expect(aimGap(input.aim, 0)).toBeLessThanOrEqual(NOISE);
  });

  it('is deterministic per seed, and seeds differ', () => {
    const views = Array.from({ length: 200 }, (_, i) => ({ self: { x: 5000 + i * 40, y: 7000, mass: 30 }, pellets: [], blobs: [] }));
    const run = (seed: number): BlobsInput[] => {
      const brain = createBlobsBrain(seed);
      return views.map((v) => brain.think(v));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

describe('blobs brain: the view', () => {
  it('reads the same from a client mirror as from the server view', () => {
    const world = blobsGame.createWorld(4);
    for (let id = 1; id <= 5; id++) blobsGame.addPlayer(world, id, `b${id}`);
    blobsGame.step(world, 0);
    world.players[2].protectTicks = 0;
    const views = blobsGame.view(world);
    const replicator = new Replicator(BLOBS_SCHEMA, { interestRadius: 1e6 });
    const client = replicator.addClient();
    replicator.commitTick(0, views, []);
    const mirror = new SnapshotMirror(BLOBS_SCHEMA);
    mirror.apply(replicator.encodeFor(client, { x: 0, y: 0 }, { lastInputSeq: 0, lastInputTick: 0, inputQueueDepth: 0 }));
    const fromMirror = blobsBotView(2, mirror.entities.values());
    expect(fromMirror).toEqual(blobsBotView(2, views));
    expect(fromMirror.self).toEqual({ x: world.players[1].x, y: world.players[1].y, mass: world.players[1].mass });
    expect(fromMirror.blobs.map((b) => [b.id, b.protected])).toEqual([[1, true], [3, false], [4, true], [5, true]]);
    expect(fromMirror.pellets.length).toBe(views.filter((v) => v.kind === 2).length);
  });
});

describe('blobs brain: 16 brains for a simulated minute', () => {
  it('eat pellets, grow, boost, and someone gets eaten', () => {
    const TICKS = 1800;
    let pellets = 0;
    let meals = 0;
    let boosts = 0;
    const started = performance.now();
    const { world } = runScenario({
      seed: 21,
      brainSeed: 22,
      ticks: TICKS,
      joins: joinsAtStart(16),
      noHashes: true,
      onStep: (_w, _t, events) => {
        for (const e of events) {
          if (e[0] === EVT_ATE_PELLET) pellets++;
          else if (e[0] === EVT_ATE_PLAYER) meals++;
          else if (e[0] === EVT_BOOST) boosts++;
        }
      },
    });
    const elapsed = performance.now() - started;
    const masses = world.players.map((p) => p.mass);
    const mean = masses.reduce((a, b) => a + b, 0) / masses.length;
    console.info(
      `[blobs brains] 16 brains, 60 s in ${elapsed.toFixed(0)} ms: ${pellets} pellets, ${meals} players eaten, ${boosts} boosts; ` +
        `masses ${[...masses].sort((a, b) => b - a).join(' ')}`,
    );
    expect(pellets).toBeGreaterThan(1000); // ~1 a second each, at least
    expect(world.players.every((p) => p.pellets >= 20)).toBe(true);
    expect(mean).toBeGreaterThan(4 * START_MASS);
    expect(Math.max(...world.players.map((p) => p.best))).toBeGreaterThan(10 * START_MASS);
    expect(meals).toBeGreaterThan(0);
    expect(boosts).toBeGreaterThan(0);
    // Every brain saw what a client sees: a sixth of the world or so, never all of it.
    const someone = world.players.find((p) => p.alive)?.id ?? 1;
    const views = blobsGame.view(world);
    const seen = visibleViews(views, blobsGame.focusOf(world, someone), blobsGame.interestRadius as number);
    expect(seen.length).toBeLessThan(views.length / 2);
  });
});

describe('blobsGame.createBot', () => {
  it('plays with the brain on what its player sees, stands still when idle, and refuses an unknown behaviour', () => {
    expect(blobsGame.botBehaviours).toEqual(['play', 'idle']);
    const world = blobsGame.createWorld(4);
    blobsGame.addPlayer(world, 1, 'bot');
    const sight = { playerId: 1, tick: 0, entities: new Map(blobsGame.view(world).map((v) => [v.id, { id: v.id, kind: v.kind, values: v.values }])) };
    const player = blobsBotView(1, sight.entities.values());
    expect(blobsGame.createBot!(5).think(sight)).toEqual(createBlobsBrain(5).think(player));
    expect(blobsGame.createBot!(5, 'play').think(sight).keys).toBe(BLOB_KEY_MOVE);
    expect(blobsGame.createBot!(5, 'idle').think(sight)).toEqual({ keys: 0, aim: 0 });
    expect(() => blobsGame.createBot!(5, 'fight')).toThrow(/unknown behaviour "fight" \(play, idle\)/);
  });
});
