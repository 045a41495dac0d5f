import { describe, expect, it } from 'vitest';
import {
  MAX_HEALTH,
  RESPAWN_TICKS,
  RIFLE_COOLDOWN_TICKS,
  RIFLE_DAMAGE,
  ROCKET_COOLDOWN_TICKS,
  ROCKET_DIRECT_DAMAGE,
  ROCKET_RADIUS,
  ROCKET_SPEED,
  ROCKET_SPLASH_DAMAGE,
  SPAWN_PROTECTION_TICKS,
  WEAPON_RIFLE,
  WEAPON_ROCKET,
} from './constants.js';
import { EVT_EXPLODE, EVT_HIT, EVT_KILL, EVT_LAUNCH, EVT_RESPAWN, EVT_SHOT } from './events.js';
import { firstWallHit } from './geometry.js';
import { KEY_FIRE_PRIMARY, KEY_FIRE_SECONDARY, KEY_RIGHT } from './input.js';
import { LAG_COMPENSATION_TICKS } from './lag-compensation.js';
import { ARENA_MAP } from './map.js';
import { TestArena, eventsOf } from './test-support.js';
import { px } from './units.js';

// Aim steps of the four axis directions (exact table entries): right, down, left, up.
const RIGHT = 0;
const DOWN = 1024;

// A clear lane at y = 800 px between the left divider and the central block (asserted below), and the
// central block itself, 1136..1264 px wide, as a wall to shoot through.
const LANE_Y = 800;

describe('test map assumptions', () => {
  it('has a clear lane at y = 800 px from x = 450 to 1000 px and a wall between 1000 and 1400 px', () => {
    expect(firstWallHit(px(450), px(LANE_Y), px(550), 0, ARENA_MAP.walls, 0)).toBeNull();
    expect(firstWallHit(px(1000), px(LANE_Y), px(400), 0, ARENA_MAP.walls, 0)).not.toBeNull();
  });
});

describe('hitscan rifle', () => {
  it('hits a target in line, with a tracer ending on its hit circle', () => {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT } });
    const [shot] = eventsOf(events, EVT_SHOT);
    expect(shot).toEqual([EVT_SHOT, 1, px(450), px(LANE_Y), px(1000 - 16), px(LANE_Y), 2]);
    expect(eventsOf(events, EVT_HIT)).toEqual([[EVT_HIT, 2, 1, RIFLE_DAMAGE, WEAPON_RIFLE, MAX_HEALTH - RIFLE_DAMAGE]]);
    expect(arena.player(2).hp).toBe(MAX_HEALTH - RIFLE_DAMAGE);
  });

  it('misses a target it is not aimed at', () => {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: DOWN } });
    expect(eventsOf(events, EVT_SHOT)[0][6]).toBe(0);
    expect(arena.player(2).hp).toBe(MAX_HEALTH);
  });

  it('does not hit through a wall: the tracer stops on the wall', () => {
    const arena = new TestArena([[1, 1000, LANE_Y], [2, 1400, LANE_Y]]);
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT } });
    const [shot] = eventsOf(events, EVT_SHOT);
    expect(shot[6]).toBe(0);
    expect(shot[4]).toBe(px(1136)); // the central block's left face
    expect(arena.player(2).hp).toBe(MAX_HEALTH);
  });

  it('enforces the cooldown: holding the trigger fires once every RIFLE_COOLDOWN_TICKS', () => {
    const arena = new TestArena([[1, 450, LANE_Y]]);
    const shots: number[] = [];
    for (let i = 0; i < 60; i++) {
      const tick = arena.tick;
      if (eventsOf(arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT } }), EVT_SHOT).length > 0) shots.push(tick);
    }
    expect(shots.length).toBe(60 / RIFLE_COOLDOWN_TICKS);
    for (let i = 1; i < shots.length; i++) expect(shots[i] - shots[i - 1]).toBe(RIFLE_COOLDOWN_TICKS);
  });
});

describe('lag compensation', () => {
  /** The target stands in the lane until `seenTick`, then steps out of the line of fire; 3 ticks pass. */
  function movedTarget(): { arena: TestArena; seenTick: number } {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    arena.run(5);
    const seenTick = arena.tick - 1;
    arena.place(2, 1000, 1150);
    arena.run(3);
    return { arena, seenTick };
  }

  it('hits a target that moved away since renderTick when aimed at its renderTick position', () => {
    const { arena, seenTick } = movedTarget();
    expect(arena.tick - seenTick).toBeLessThanOrEqual(LAG_COMPENSATION_TICKS);
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT, renderTick: seenTick } });
    const [shot] = eventsOf(events, EVT_SHOT);
    expect(shot[6]).toBe(2);
    expect(shot[4]).toBe(px(1000 - 16)); // the tracer ends where the shooter saw the target
    expect(arena.player(2).hp).toBe(MAX_HEALTH - RIFLE_DAMAGE);
  });

  it('misses the same shot judged at the present', () => {
    const { arena } = movedTarget();
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT, renderTick: arena.tick } });
    expect(eventsOf(events, EVT_SHOT)[0][6]).toBe(0);
    expect(arena.player(2).hp).toBe(MAX_HEALTH);
  });

  /**
   * Ticks 0..19: the target stands in the lane (ancient position). Tick 20: right below the shooter
   * (the oldest kept frame when firing at tick 28). Ticks 21..27: far away.
   */
  function ancientHistory(): TestArena {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    arena.run(20);
    arena.place(2, 450, 1100);
    arena.step();
    arena.place(2, 1700, 300);
    arena.run(7);
    expect(arena.tick).toBe(28);
    expect(arena.world.history.length).toBe(LAG_COMPENSATION_TICKS);
    expect(arena.world.history[0].tick).toBe(28 - LAG_COMPENSATION_TICKS);
    return arena;
  }

  it('clamps a renderTick older than the cap to the oldest kept tick: hit where the target was then', () => {
    const arena = ancientHistory();
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: DOWN, renderTick: 3 } });
    expect(eventsOf(events, EVT_SHOT)[0][6]).toBe(2);
    expect(arena.player(2).hp).toBe(MAX_HEALTH - RIFLE_DAMAGE);
  });

  it('never judges older than the cap: the position at the (too old) renderTick is a miss', () => {
    const arena = ancientHistory();
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT, renderTick: 3 } });
    expect(eventsOf(events, EVT_SHOT)[0][6]).toBe(0);
    expect(arena.player(2).hp).toBe(MAX_HEALTH);
  });

  it('keeps the history capped at LAG_COMPENSATION_TICKS frames, one per tick', () => {
    const arena = new TestArena([[1, 450, LANE_Y]]);
    arena.run(50);
    expect(arena.world.history.map((f) => f.tick)).toEqual(Array.from({ length: LAG_COMPENSATION_TICKS }, (_, i) => 42 + i));
  });
});

describe('rocket', () => {
  it('travels at constant velocity, hits the target, damages it and disappears', () => {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    const launchEvents = arena.step({ 1: { keys: KEY_FIRE_SECONDARY, aim: RIGHT } });
    const [launch] = eventsOf(launchEvents, EVT_LAUNCH);
    const rocketId = launch[2];
    const rocket = arena.world.projectiles[0];
    expect(rocket).toMatchObject({ id: rocketId, owner: 1, vx: ROCKET_SPEED, vy: 0, x: px(450) + ROCKET_SPEED });

    let explosion: readonly (number | string)[] | undefined;
    const hits: (readonly (number | string)[])[] = [];
    for (let i = 0; i < 60 && !explosion; i++) {
      const before = arena.world.projectiles[0]?.x;
      const events = arena.step();
      explosion = eventsOf(events, EVT_EXPLODE)[0];
      hits.push(...eventsOf(events, EVT_HIT));
      if (!explosion) expect(arena.world.projectiles[0].x - before).toBe(ROCKET_SPEED);
    }
    expect(explosion).toBeDefined();
    expect(explosion?.[1]).toBe(rocketId);
    expect(explosion?.[5]).toBe(2); // direct hit on player 2
    expect(hits).toEqual([[EVT_HIT, 2, 1, ROCKET_DIRECT_DAMAGE, WEAPON_ROCKET, MAX_HEALTH - ROCKET_DIRECT_DAMAGE]]);
    expect(arena.world.projectiles).toEqual([]);
    expect(arena.player(1).hp).toBe(MAX_HEALTH); // far from the blast
  });

  it('explodes on walls, with splash hurting a player beside the blast', () => {
    const arena = new TestArena([[1, 1000, LANE_Y], [2, 1110, 770]]);
    let explosion: readonly (number | string)[] | undefined;
    const hits: (readonly (number | string)[])[] = [];
    let events = arena.step({ 1: { keys: KEY_FIRE_SECONDARY, aim: RIGHT } });
    for (let i = 0; i < 10 && !explosion; i++) {
      explosion = eventsOf(events, EVT_EXPLODE)[0];
      hits.push(...eventsOf(events, EVT_HIT));
      if (!explosion) events = arena.step();
    }
    expect(explosion?.[3]).toBe(px(1136) - ROCKET_RADIUS); // flush with the central block, no direct hit
    expect(explosion?.[5]).toBe(0);
    expect(hits.length).toBe(1);
    const [, target, attacker, damage, weapon] = hits[0];
    expect([target, attacker, weapon]).toEqual([2, 1, WEAPON_ROCKET]);
    expect(damage).toBeGreaterThan(0);
    expect(damage).toBeLessThanOrEqual(ROCKET_SPLASH_DAMAGE);
  });

  it('enforces its cooldown', () => {
    const arena = new TestArena([[1, 450, LANE_Y]]);
    const launches = eventsOf(arena.run(2 * ROCKET_COOLDOWN_TICKS, { 1: { keys: KEY_FIRE_SECONDARY, aim: DOWN } }), EVT_LAUNCH);
    expect(launches.length).toBe(2);
  });

  it('hurts its owner a little when fired into a wall at point blank, and a suicide costs a point', () => {
    const arena = new TestArena([[1, 1100, LANE_Y]]);
    arena.player(1).hp = 5;
    const events = arena.run(5, { 1: { keys: KEY_FIRE_SECONDARY, aim: RIGHT } });
    expect(eventsOf(events, EVT_KILL)).toEqual([[EVT_KILL, 1, 1, WEAPON_ROCKET]]);
    expect(arena.player(1)).toMatchObject({ alive: false, deaths: 1, kills: 0, score: -1 });
  });
});

describe('death and respawn', () => {
  it('kills at 0 hp, credits the killer, respawns after the delay with full health and protection', () => {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    arena.player(2).hp = RIFLE_DAMAGE;
    const deathTick = arena.tick;
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT }, 2: { keys: KEY_RIGHT } });
    expect(eventsOf(events, EVT_KILL)).toEqual([[EVT_KILL, 1, 2, WEAPON_RIFLE]]);
    expect(arena.player(1)).toMatchObject({ kills: 1, score: 1, deaths: 0 });
    expect(arena.player(2)).toMatchObject({ alive: false, hp: 0, deaths: 1, vx: 0, vy: 0 });
    const deathPos = { x: arena.player(2).x, y: arena.player(2).y };

    let respawnTick = -1;
    let respawn: readonly (number | string)[] = [];
    for (let i = 0; i < RESPAWN_TICKS + 5 && respawnTick < 0; i++) {
      const tick = arena.tick;
      const e = arena.step({ 2: { keys: KEY_RIGHT | KEY_FIRE_PRIMARY } }); // dead players neither move nor fire
      if (eventsOf(e, EVT_RESPAWN).length > 0) {
        respawnTick = tick;
        respawn = eventsOf(e, EVT_RESPAWN)[0];
      } else {
        expect(arena.player(2)).toMatchObject({ alive: false, ...deathPos });
        expect(eventsOf(e, EVT_SHOT)).toEqual([]);
      }
    }
    expect(respawnTick - deathTick).toBe(RESPAWN_TICKS);
    const p2 = arena.player(2);
    expect(p2).toMatchObject({ alive: true, hp: MAX_HEALTH });
    expect(p2.protectTicks).toBe(SPAWN_PROTECTION_TICKS - 1);
    expect(respawn[1]).toBe(2);
    expect(ARENA_MAP.spawns).toContainEqual({ x: respawn[2], y: respawn[3] });
  });

  it('two players who kill each other on the same tick trade (both die, both score)', () => {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    arena.player(1).hp = RIFLE_DAMAGE;
    arena.player(2).hp = RIFLE_DAMAGE;
    const events = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT }, 2: { keys: KEY_FIRE_PRIMARY, aim: 2048 } });
    expect(eventsOf(events, EVT_KILL)).toEqual([
      [EVT_KILL, 1, 2, WEAPON_RIFLE],
      [EVT_KILL, 2, 1, WEAPON_RIFLE],
    ]);
    expect(arena.player(1)).toMatchObject({ alive: false, kills: 1, deaths: 1 });
    expect(arena.player(2)).toMatchObject({ alive: false, kills: 1, deaths: 1 });
  });

  it('spawn protection blocks damage and ends when the protected player fires', () => {
    const arena = new TestArena([[1, 450, LANE_Y], [2, 1000, LANE_Y]]);
    arena.player(2).protectTicks = SPAWN_PROTECTION_TICKS;
    const blocked = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT } });
    expect(eventsOf(blocked, EVT_SHOT)[0][6]).toBe(2); // the shot stops on the shielded player...
    expect(eventsOf(blocked, EVT_HIT)).toEqual([]); // ...without damage
    arena.step({ 2: { keys: KEY_FIRE_PRIMARY, aim: DOWN } });
    expect(arena.player(2).protectTicks).toBe(0);
    arena.run(RIFLE_COOLDOWN_TICKS);
    const hit = arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: RIGHT } });
    expect(eventsOf(hit, EVT_HIT).length).toBe(1);
  });
});
