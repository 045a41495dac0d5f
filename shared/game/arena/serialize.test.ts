import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { FNV_OFFSET_BASIS, hashValue, type HashableValue } from '../hash.js';
import { INTERMISSION_TICKS } from './constants.js';
import { KEY_FIRE_PRIMARY, KEY_FIRE_SECONDARY } from './input.js';
import { arenaGame } from './index.js';
import { serializeArenaWorld } from './serialize.js';
import { runScenario } from './test-support.js';
import type { ArenaWorld } from './world.js';

let busy: ArenaWorld | null = null;

/** A (fresh copy of a) world mid-fight: players dead and alive, rockets in flight, a full history. */
function busyWorld(): ArenaWorld {
  busy ??= findBusyWorld();
  return arenaGame.deserialize(arenaGame.serialize(busy));
}

function findBusyWorld(): ArenaWorld {
  let found: ArenaWorld | null = null;
  runScenario({
    seed: 5,
    inputSeed: 6,
    ticks: 900,
    joins: [[0, 1], [0, 2], [0, 3], [5, 9]],
    onStep: (world) => {
      if (!found && world.tick > 300 && world.projectiles.length > 0 && world.players.some((p) => !p.alive)) {
        found = arenaGame.deserialize(arenaGame.serialize(world));
      }
    },
  });
  if (!found) throw new Error('no busy moment in the scenario');
  return found;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

describe('serialize / deserialize', () => {
  it('round-trips exactly (through msgpack) and preserves the hash', () => {
    const world = busyWorld();
    const data = arenaGame.serialize(world);
    const restored = arenaGame.deserialize(decode(encode(data)));
    expect(arenaGame.serialize(restored)).toEqual(data);
    expect(arenaGame.hash(restored)).toBe(arenaGame.hash(world));
    expect(restored).toEqual(world);
    expect(encode(data).byteLength).toBeLessThan(2000);
  });

  it('writes a world in play exactly as before the intermission existed; a keyframe without the flag loads as a match in play', () => {
    const world = busyWorld();
    const data = arenaGame.serialize(world) as unknown as Record<string, HashableValue>;
    // The keys (and so the bytes, checkpoint digests and hashes) of keyframes written before the break existed.
    const before = ['format', 'tick', 'rng', 'matchNumber', 'matchTicksLeft', 'nextProjectileId', 'players', 'projectiles', 'history'];
    expect(Object.keys(data)).toEqual(before);
    expect(arenaGame.hash(world)).toBe(hashValue(FNV_OFFSET_BASIS, before.map((k) => data[k]!)));
    const old = arenaGame.deserialize(decode(encode(data)));
    expect(old.intermission).toBe(false);
    expect(old).toEqual(world);
  });

  it('round-trips the intermission, which changes the hash', () => {
    const world = busyWorld();
    world.intermission = true;
    world.phaseTicksLeft = INTERMISSION_TICKS;
    const data = serializeArenaWorld(world);
    expect(data.intermission).toBe(true);
    const restored = arenaGame.deserialize(decode(encode(data)));
    expect(restored).toEqual(world);
    expect(arenaGame.hash(restored)).toBe(arenaGame.hash(world));
    expect(arenaGame.hash(restored)).not.toBe(arenaGame.hash({ ...world, intermission: false }));
  });

  it('keeps a pending fire request taken between applyInput and step', () => {
    const world = arenaGame.createWorld(1);
    arenaGame.addPlayer(world, 1, 'a');
    arenaGame.step(world, 0);
    arenaGame.applyInput(world, 1, { keys: KEY_FIRE_PRIMARY | KEY_FIRE_SECONDARY, aim: 100 }, { tick: 1, renderTick: 0 });
    const copy = arenaGame.deserialize(arenaGame.serialize(world));
    expect(arenaGame.step(copy, 1)).toEqual(arenaGame.step(world, 1));
    expect(arenaGame.hash(copy)).toBe(arenaGame.hash(world));
  });

  it('produces a deep copy (mutating the world afterwards does not change the serialized data)', () => {
    const world = busyWorld();
    const data = arenaGame.serialize(world);
    const before = clone(data);
    world.players[0].x += 1;
    world.rng[0] = 0;
    world.projectiles[0].x += 1;
    expect(data).toEqual(before);
  });

  it('changes the hash when any part of the state changes', () => {
    const world = busyWorld();
    const h = arenaGame.hash(world);
    const mutations: ((w: ArenaWorld) => void)[] = [
      (w) => (w.tick += 1),
      (w) => (w.rng[3] ^= 1),
      (w) => (w.phaseTicksLeft -= 1),
      (w) => (w.nextProjectileId += 1),
      (w) => (w.players[0].vx += 1),
      (w) => (w.players[1].primaryCooldown += 1),
      (w) => (w.players[2].name += '!'),
      (w) => (w.projectiles[0].ticksLeft -= 1),
      (w) => w.history.shift(),
    ];
    for (const mutate of mutations) {
      const copy = arenaGame.deserialize(arenaGame.serialize(world));
      mutate(copy);
      expect(arenaGame.hash(copy)).not.toBe(h);
    }
  });

  describe('rejects bad data with a clear error', () => {
    const good = (): Record<string, unknown> => clone(arenaGame.serialize(busyWorld())) as unknown as Record<string, unknown>;
    type Patch = (d: Record<string, unknown> & { players: unknown[][]; projectiles: unknown[][]; history: unknown[][] }) => unknown;
    const cases: [string, Patch, RegExp][] = [
      ['not an object', () => 42, /root must be an object/],
      ['an array', () => [], /root must be an object/],
      ['a wrong format tag', (d) => ({ ...d, format: 'arena/0' }), /format/],
      ['a missing field', (d) => ({ ...d, tick: undefined }), /tick must be an integer/],
      ['a float tick', (d) => ({ ...d, tick: 1.5 }), /tick must be an integer, got 1.5/],
      ['a bad rng', (d) => ({ ...d, rng: [1, 2, 3] }), /rng/],
      ['a zero match clock', (d) => ({ ...d, matchTicksLeft: 0 }), /matchTicksLeft must be in/],
      ['an intermission flag other than true', (d) => ({ ...d, intermission: 1 }), /intermission must be true when present/],
      ['an intermission longer than the break', (d) => ({ ...d, intermission: true, matchTicksLeft: INTERMISSION_TICKS + 1 }), /matchTicksLeft must be in/],
      ['a player tuple too short', (d) => void d.players[0].pop(), /players\[0\] must have 19 elements/],
      ['a player id out of range', (d) => void (d.players[0][0] = 256), /players\[0\]\[0\] \(id\)/],
      ['unsorted players', (d) => void d.players.reverse(), /player ids must be strictly increasing/],
      ['a non-string name', (d) => void (d.players[1][1] = 7), /players\[1\]\[1\] \(name\) must be a string/],
      ['a float position', (d) => void (d.players[0][2] = 10.5), /players\[0\]\[2\] \(x\)/],
      ['NaN velocity', (d) => void (d.players[0][4] = Number.NaN), /\(vx\) must be an integer/],
      ['unknown key bits', (d) => void (d.players[0][6] = 64), /\(keys\)/],
      ['aim out of range', (d) => void (d.players[0][7] = 4096), /\(aim\)/],
      ['too much health', (d) => void (d.players[0][8] = 101), /\(hp\)/],
      ['alive not a bit', (d) => void (d.players[0][9] = 2), /\(alive\)/],
      ['a bad fire request', (d) => void (d.players[0][12] = 1), /\(fireRequest\) has non-fire bits/],
      ['duplicate projectile ids', (d) => void d.projectiles.push(d.projectiles[0]), /projectile.*unique/],
      ['a projectile id out of range', (d) => void (d.projectiles[0][0] = 5), /projectiles\[0\]\[0\] \(id\)/],
      ['too long a history', (d) => void d.history.push(...d.history), /history must have at most 8/],
      ['a ragged circle list', (d) => void (d.history[0][1] as unknown[]).pop(), /multiple of 5/],
      ['unordered history', (d) => void d.history.reverse(), /frame ticks must be strictly increasing/],
    ];
    for (const [what, patch, message] of cases) {
      it(`rejects ${what}`, () => {
        const data = good() as Parameters<Patch>[0];
        const patched = patch(data);
        expect(() => arenaGame.deserialize(patched === undefined ? data : patched)).toThrow(message);
      });
    }

    it('ignores inherited properties (no prototype tricks)', () => {
      const proto = good();
      const data = Object.create(proto) as object;
      expect(() => arenaGame.deserialize(data)).toThrow(/format/);
    });
  });
});
