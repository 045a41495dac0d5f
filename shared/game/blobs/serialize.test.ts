import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { PELLET_COUNT } from './constants.js';
import { blobsGame } from './index.js';
import { BLOB_KEY_BOOST, BLOB_KEY_MOVE } from './input.js';
import { joinsAtStart, runScenario } from './test-support.js';
import type { BlobsWorld } from './world.js';

let busy: BlobsWorld | null = null;

/** A (fresh copy of a) world mid-match: blobs dead and alive, boosting, pellets waiting to reappear. */
function busyWorld(): BlobsWorld {
  busy ??= findBusyWorld();
  return blobsGame.deserialize(blobsGame.serialize(busy));
}

function findBusyWorld(): BlobsWorld {
  let found: BlobsWorld | null = null;
  runScenario({
    seed: 5,
    brainSeed: 6,
    ticks: 1800,
    joins: joinsAtStart(16),
    noHashes: true,
    onStep: (world) => {
      const interesting =
        world.players.some((p) => !p.alive) && world.players.some((p) => p.boostTicks > 0) && world.players.some((p) => p.decayCarry > 0);
      if (!found && interesting) found = blobsGame.deserialize(blobsGame.serialize(world));
    },
  });
  if (!found) throw new Error('no busy moment in the scenario');
  return found;
}

describe('serialize / deserialize', () => {
  it('round-trips exactly (through msgpack) and preserves the hash; a keyframe is about 8 KB', () => {
    const world = busyWorld();
    const data = blobsGame.serialize(world);
    const restored = blobsGame.deserialize(decode(encode(data)));
    expect(blobsGame.serialize(restored)).toEqual(data);
    expect(blobsGame.hash(restored)).toBe(blobsGame.hash(world));
    expect(restored).toEqual(world);
    const bytes = encode(data).byteLength;
    expect(bytes).toBeLessThan(9000); // 7 bytes a pellet, ~40 a player
    console.info(`[blobs serialize] keyframe of 16 players and ${PELLET_COUNT} pellets: ${bytes} bytes of msgpack`);
  });

  it('keeps a pending boost request taken between applyInput and step', () => {
    const world = blobsGame.createWorld(1);
    blobsGame.addPlayer(world, 1, 'a');
    world.players[0].mass = 50;
    blobsGame.step(world, 0);
    blobsGame.applyInput(world, 1, { keys: BLOB_KEY_MOVE | BLOB_KEY_BOOST, aim: 100 }, { tick: 1, renderTick: 1 });
    const copy = blobsGame.deserialize(blobsGame.serialize(world));
    expect(blobsGame.step(copy, 1)).toEqual(blobsGame.step(world, 1));
    expect(blobsGame.hash(copy)).toBe(blobsGame.hash(world));
    expect(world.players[0].boostTicks).toBeGreaterThan(0);
  });

  it('produces a deep copy (mutating the world afterwards does not change the serialized data)', () => {
    const world = busyWorld();
    const data = blobsGame.serialize(world);
    const before = structuredClone(data);
    world.players[0].x += 1;
    world.rng[0] = 0;
    world.pellets[0].x += 1;
    expect(data).toEqual(before);
  });

  it('changes the hash when any part of the state changes', () => {
    const world = busyWorld();
    const h = blobsGame.hash(world);
    const alive = world.players.findIndex((p) => p.alive);
    const mutations: ((w: BlobsWorld) => void)[] = [
      (w) => (w.tick += 1),
      (w) => (w.rng[3] ^= 1),
      (w) => (w.matchNumber += 1),
      (w) => (w.intermission = true),
      (w) => (w.phaseTicksLeft -= 1),
      (w) => (w.players[alive].vx += 1),
      (w) => (w.players[alive].mass += 1),
      (w) => (w.players[alive].decayCarry += 1),
      (w) => (w.players[1].boostCooldown += 1),
      (w) => (w.players[2].name += '!'),
      (w) => (w.players[3].pellets += 1),
      (w) => (w.pellets[999].y += 1),
      (w) => (w.pellets[500].respawnTicks += 1),
    ];
    for (const mutate of mutations) {
      const copy = blobsGame.deserialize(blobsGame.serialize(world));
      mutate(copy);
      expect(blobsGame.hash(copy)).not.toBe(h);
    }
  });

  describe('rejects bad data with a clear error', () => {
    const good = (): Record<string, unknown> => structuredClone(blobsGame.serialize(busyWorld())) as unknown as Record<string, unknown>;
    type Patch = (d: Record<string, unknown> & { players: unknown[][]; pellets: unknown[] }) => unknown;
    const living = (d: { players: unknown[][] }): unknown[] => d.players.find((p) => p[10] === 1) as unknown[];
    const dead = (d: { players: unknown[][] }): unknown[] => d.players.find((p) => p[10] === 0) as unknown[];
    const cases: [string, Patch, RegExp][] = [
      ['not an object', () => 42, /^blobs world: root must be an object/],
      ['an arena world', (d) => ({ ...d, format: 'arena/1' }), /^blobs world: format must be 'blobs\/1'/],
      ['a missing field', (d) => ({ ...d, tick: undefined }), /^blobs world: tick must be an integer/],
      ['a float tick', (d) => ({ ...d, tick: 1.5 }), /tick must be an integer, got 1.5/],
      ['a bad rng', (d) => ({ ...d, rng: [1, 2, 3] }), /rng/],
      ['a zero phase clock', (d) => ({ ...d, phaseTicksLeft: 0 }), /phaseTicksLeft must be in/],
      [
        'an intermission longer than the intermission',
        (d) => ({ ...d, intermission: 1, phaseTicksLeft: 1000 }),
        /phaseTicksLeft must be in \[1, 150\]/,
      ],
      ['a player tuple too short', (d) => void d.players[0].pop(), /^blobs world: players\[0\] must have 20 elements/],
      ['a player id out of range', (d) => void (d.players[0][0] = 256), /players\[0\]\[0\] \(id\)/],
      ['unsorted players', (d) => void d.players.reverse(), /player ids must be strictly increasing/],
      ['a non-string name', (d) => void (d.players[1][1] = 7), /players\[1\]\[1\] \(name\) must be a string/],
      ['a float position', (d) => void (d.players[0][2] = 10.5), /players\[0\]\[2\] \(x\)/],
      ['a position outside the world', (d) => void (d.players[0][3] = -1), /players\[0\]\[3\] \(y\) must be in/],
      ['NaN velocity', (d) => void (d.players[0][4] = Number.NaN), /\(vx\) must be an integer/],
      ['unknown key bits', (d) => void (d.players[0][6] = 4), /\(keys\)/],
      ['aim out of range', (d) => void (d.players[0][7] = 4096), /\(aim\)/],
      ['a living blob without mass', (d) => void (living(d)[8] = 0), /\(mass\) must be positive for a living blob/],
      ['a dead blob with mass', (d) => void (dead(d)[8] = 10), /\(mass\) must be 0 for a dead blob/],
      ['too much mass', (d) => void (living(d)[8] = 10001), /\(mass\) must be in \[0, 10000\]/],
      ['a decay carry of a whole unit', (d) => void (d.players[0][9] = 15000), /\(decayCarry\)/],
      ['alive not a bit', (d) => void (d.players[0][10] = 2), /\(alive\)/],
      ['a boost request not a bit', (d) => void (d.players[0][15] = 2), /\(boostRequest\)/],
      ['a pellet missing', (d) => void d.pellets.pop(), /^blobs world: pellets must have 3000 elements/],
      ['a pellet outside the world', (d) => void (d.pellets[3] = 24001), /pellets\[3\] \(x of slot 1\) must be in/],
      ['a pellet delay too long', (d) => void (d.pellets[5] = 91), /pellets\[5\] \(respawnTicks of slot 1\)/],
    ];
    for (const [what, patch, message] of cases) {
      it(`rejects ${what}`, () => {
        const data = good() as Parameters<Patch>[0];
        const patched = patch(data);
        expect(() => blobsGame.deserialize(patched === undefined ? data : patched)).toThrow(message);
      });
    }

    it('ignores inherited properties (no prototype tricks)', () => {
      const data = Object.create(good()) as object;
      expect(() => blobsGame.deserialize(data)).toThrow(/format/);
    });
  });
});
