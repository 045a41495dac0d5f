import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../codec/schema.js';
import { LoopbackServer, VirtualTime } from '../../client/loopback.test-support.js';
import type { NetworkConditionsOptions } from '../../client/network-conditions.js';
import type { GameDefinition } from '../game-definition.js';
import { createPrng, nextInt } from '../prng.js';
import { arenaInterpolation, arenaPrediction, createArenaPrediction, createArenaSession, type KnownWorld } from './client-models.js';
import { INTERMISSION_TICKS, MATCH_ENTITY_ID } from './constants.js';
import { EVT_MATCH_END, EVT_RESPAWN } from './events.js';
import { arenaGame } from './index.js';
import { KEY_DOWN, KEY_FIRE_PRIMARY, KEY_RIGHT, idleArenaInput, type ArenaInput } from './input.js';
import { stepMotion } from './movement.js';
import { AIM_STEPS } from './units.js';
import {
  KIND_MATCH,
  KIND_PLAYER,
  KIND_PLAYER_INFO,
  KIND_PROJECTILE,
  PHASE_INTERMISSION,
  PHASE_PLAYING,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  PROJECTILE_FIELD,
  viewArena,
} from './view.js';
import type { ArenaWorld } from './world.js';

function world() {
  const w = arenaGame.createWorld(3);
  arenaGame.addPlayer(w, 1, 'a');
  return w;
}

describe('arenaPrediction', () => {
  it('predicts with the server step: a player entity stepped on the client equals the server view after the step', () => {
    const w = world();
    let tick = 0;
    for (const keys of [KEY_RIGHT, KEY_RIGHT, KEY_RIGHT | KEY_DOWN, KEY_DOWN, 0, KEY_RIGHT | KEY_FIRE_PRIMARY]) {
      const before = viewArena(w).find((v) => v.id === 1)!;
      const state = arenaPrediction.fromEntity(before)!;
      arenaGame.applyInput(w, 1, { keys, aim: 0 }, { tick, renderTick: tick });
      arenaGame.step(w, tick++);
      const after = viewArena(w).find((v) => v.id === 1)!;
      const predicted = arenaPrediction.step(state, { keys, aim: 0 });
      expect(arenaPrediction.toEntity(before, predicted).values.slice(0, 4)).toEqual(after.values.slice(0, 4));
      expect(arenaPrediction.equals!(predicted, arenaPrediction.fromEntity(after)!)).toBe(true);
    }
  });

  it('does not predict the dead or other kinds, and repeats movement keys (not fire) on idle ticks', () => {
    const alive = { id: 1, kind: KIND_PLAYER, values: [100, 200, 1, 2, 0, 100, PLAYER_FLAG_ALIVE, 0] };
    const dead = { id: 1, kind: KIND_PLAYER, values: [100, 200, 0, 0, 0, 0, 0, 99] };
    expect(arenaPrediction.fromEntity(alive)).toEqual({ x: 100, y: 200, vx: 1, vy: 2 });
    expect(arenaPrediction.fromEntity(dead)).toBeNull();
    expect(arenaPrediction.fromEntity({ id: 1000, kind: KIND_PROJECTILE, values: [1, 2, 3, 4, 1] })).toBeNull();
    expect(arenaPrediction.idleInput!({ keys: KEY_RIGHT | KEY_FIRE_PRIMARY, aim: 7 })).toEqual(idleArenaInput({ keys: KEY_RIGHT | KEY_FIRE_PRIMARY, aim: 7 }));
    expect(arenaPrediction.position({ x: 5, y: 6, vx: 0, vy: 0 })).toEqual({ x: 5, y: 6 });
    expect(arenaPrediction.step({ x: 400, y: 400, vx: 0, vy: 0 }, { keys: KEY_RIGHT, aim: 0 })).toEqual(stepMotion({ x: 400, y: 400, vx: 0, vy: 0 }, KEY_RIGHT));
  });
});

describe('createArenaPrediction (the match clock)', () => {
  const alive = { id: 1, kind: KIND_PLAYER, values: [4000, 4000, 30, 0, 0, 100, PLAYER_FLAG_ALIVE, 0] };
  const known = (latestTick: number, phase: number, endTick: number): KnownWorld => ({
    latestTick,
    entities: new Map<number, EntityState>([[MATCH_ENTITY_ID, { id: MATCH_ENTITY_ID, kind: KIND_MATCH, values: [1, phase, endTick, 9000] }]]),
  });

  it('moves up to the match end tick, stops there with no velocity, stands still after it', () => {
    // The snapshot of tick 100; the match's last step is tick 102.
    const model = createArenaPrediction(() => known(100, PHASE_PLAYING, 102));
    const right = { keys: KEY_RIGHT, aim: 0 };
    let s = model.fromEntity(alive)!;
    s = model.step(s, right); // tick 101
    expect(s).toEqual(stepMotion({ x: 4000, y: 4000, vx: 30, vy: 0 }, KEY_RIGHT));
    const moved = stepMotion(s, KEY_RIGHT);
    s = model.step(s, right); // tick 102: the last step moves, then the match end stops everyone
    expect(s).toEqual({ x: moved.x, y: moved.y, vx: 0, vy: 0 });
    for (let i = 0; i < 5; i++) s = model.step(s, right); // the break: nothing moves
    expect(s).toEqual({ x: moved.x, y: moved.y, vx: 0, vy: 0 });
  });

  it('predicts nothing during the intermission (the respawn that ends it is the server’s to draw)', () => {
    expect(createArenaPrediction(() => known(100, PHASE_INTERMISSION, 300)).fromEntity(alive)).toBeNull();
    // Without a match entity (not received yet) it is the plain motion.
    const bare = createArenaPrediction(() => ({ latestTick: 5, entities: new Map() }));
    expect(bare.step(bare.fromEntity(alive)!, { keys: KEY_RIGHT, aim: 0 })).toEqual(stepMotion({ x: 4000, y: 4000, vx: 30, vy: 0 }, KEY_RIGHT));
  });
});

/** Random movement keys, changed every ~10 frames, firing now and then. */
function randomKeys(seed: number): () => ArenaInput {
  const rng = createPrng(seed);
  let keys = KEY_RIGHT;
  return () => {
    if (nextInt(rng, 10) === 0) keys = nextInt(rng, 16) | (nextInt(rng, 3) === 0 ? KEY_FIRE_PRIMARY : 0);
    return { keys, aim: nextInt(rng, AIM_STEPS) };
  };
}

/**
 * A real Room on virtual time with a 3 s match, then the intermission, then 3 s of the next match;
 * three players moving at random, the first one's session measured under `conditions`.
 */
function acrossMatchEnd(conditions: Partial<NetworkConditionsOptions>, seed: number) {
  const MATCH = 90;
  const time = new VirtualTime();
  const game: GameDefinition<ArenaWorld, ArenaInput> = { ...arenaGame, createWorld: (s) => ({ ...arenaGame.createWorld(s), phaseTicksLeft: MATCH }) };
  const server = new LoopbackServer(time, { game: game as unknown as GameDefinition<unknown, unknown>, seed });
  const sessions = ['me', 'b', 'c'].map((name, i) => {
    const client = server.connect(name, i === 0 ? { seed: seed + 100, ...conditions } : {});
    const session = createArenaSession(client, { now: () => time.now() });
    const input = randomKeys(seed * 10 + i);
    time.every(16, () => {
      session.setInput(input());
      session.frame(time.now());
    });
    return { client, session };
  });
  time.runUntil(((MATCH + INTERMISSION_TICKS) / 30 + 3) * 1000);
  const ends = server.events.filter((e) => e.event[0] === EVT_MATCH_END).map((e) => e.tick);
  const starts = server.events.filter((e) => e.event[0] === EVT_RESPAWN && e.tick > MATCH + INTERMISSION_TICKS - 5).map((e) => e.tick);
  return { stats: sessions[0]!.session.stats, ends, starts };
}

describe('arena session across a match end (loopback, virtual time)', () => {
  // Measured (seeds 1-4): 0 corrections on both links over ~175 predicted ticks. The motion alone
  // (arenaPrediction) slides on through the break, which the server corrects: 118-192 corrections.
  for (const [name, conditions] of [
    ['a clean link', {}],
    ['100 ms RTT, 20 ms jitter, 5 % loss', { latencyMs: 50, jitterMs: 20, snapshotLoss: 0.05 }],
  ] as const) {
    it(`on ${name}: prediction through the match end, the intermission and the next start makes no correction`, () => {
      const run = acrossMatchEnd(conditions, 1);
      expect(run.ends).toHaveLength(1);
      expect(run.starts.length).toBeGreaterThanOrEqual(3); // everyone respawned for the next match
      expect(run.stats.predictedTicks).toBeGreaterThan(120);
      expect(run.stats.corrections).toBe(0);
    });
  }
});

describe('arenaInterpolation', () => {
  it('blends player and rocket positions and the aim angle, nothing else', () => {
    expect(arenaInterpolation.lerpFields(KIND_PLAYER)).toEqual([PLAYER_FIELD.x, PLAYER_FIELD.y]);
    expect(arenaInterpolation.lerpFields(KIND_PROJECTILE)).toEqual([PROJECTILE_FIELD.x, PROJECTILE_FIELD.y]);
    expect(arenaInterpolation.lerpFields(KIND_PLAYER_INFO)).toEqual([]);
    expect(arenaInterpolation.angleFields(KIND_PLAYER)).toEqual([{ index: PLAYER_FIELD.aim, steps: AIM_STEPS }]);
    expect(arenaInterpolation.positionFields(KIND_MATCH)).toBeNull();
    expect(arenaInterpolation.positionFields(KIND_PROJECTILE)).toEqual({ x: PROJECTILE_FIELD.x, y: PROJECTILE_FIELD.y });
  });

  it('flags a respawn as a discontinuity, and nothing else', () => {
    const at = (flags: number) => ({ id: 1, kind: KIND_PLAYER, values: [0, 0, 0, 0, 0, 100, flags, 0] });
    expect(arenaInterpolation.discontinuous!(at(0), at(PLAYER_FLAG_ALIVE))).toBe(true);
    expect(arenaInterpolation.discontinuous!(at(PLAYER_FLAG_ALIVE), at(0))).toBe(false);
    expect(arenaInterpolation.discontinuous!(at(PLAYER_FLAG_ALIVE), at(PLAYER_FLAG_ALIVE))).toBe(false);
    // Faster than anything moves between two snapshots, slower than a spawn hop.
    expect(arenaInterpolation.teleportDistance).toBeGreaterThan(67 * 3);
  });
});
