import { describe, expect, it } from 'vitest';
import { INTERMISSION_TICKS, MATCH_ENTITY_ID, MATCH_TICKS, RIFLE_DAMAGE, ROCKET_DIRECT_DAMAGE } from './constants.js';
import { EVT_MATCH_END, EVT_RESPAWN } from './events.js';
import { arenaGame } from './index.js';
import { KEY_FIRE_PRIMARY, KEY_FIRE_SECONDARY, KEY_RIGHT } from './input.js';
import { serializeArenaWorld } from './serialize.js';
import { TestArena, eventsOf, runScenario } from './test-support.js';
import { KIND_PLAYER, MATCH_FIELD, PHASE_INTERMISSION, PHASE_PLAYING, PLAYER_FIELD } from './view.js';

function matchEntity(arena: TestArena): readonly (string | number)[] {
  const entity = arenaGame.view(arena.world).find((e) => e.id === MATCH_ENTITY_ID);
  if (!entity) throw new Error('no match entity');
  return entity.values;
}

/** Three players; player 1 kills player 2 (who then waits to respawn), 3 keeps out of it. */
function playedMatch(): TestArena {
  const arena = new TestArena([[1, 450, 800], [2, 1000, 800], [3, 700, 480]]);
  arena.player(2).hp = RIFLE_DAMAGE;
  arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: 0 } });
  expect(arena.player(2).alive).toBe(false);
  return arena;
}

/** Makes the next step the match's last, and steps it. */
function endMatchNow(arena: TestArena): void {
  arena.world.phaseTicksLeft = 1;
  arena.step();
}

describe('match clock', () => {
  it('ends after MATCH_TICKS steps with the standings, then stands still for the intermission', () => {
    const arena = playedMatch();
    arena.world.phaseTicksLeft = 3;
    const endTick = Number(matchEntity(arena)[MATCH_FIELD.endTick]);
    expect(endTick).toBe(arena.tick + 2);
    expect(matchEntity(arena)[MATCH_FIELD.phase]).toBe(PHASE_PLAYING);
    expect(eventsOf(arena.run(2), EVT_MATCH_END)).toEqual([]);
    // Moving on the last step: that step still moves, then everyone is at rest.
    const events = arena.step({ 3: { keys: KEY_RIGHT } });
    expect(arena.tick - 1).toBe(endTick);
    // Player 1 won (1 kill); player 3 (0/0) ranks above player 2 (0 kills, 1 death).
    expect(eventsOf(events, EVT_MATCH_END)).toEqual([[EVT_MATCH_END, 1, 1, 1, 1, 0, 1, 3, 0, 0, 0, 2, 0, 1, 0]]);
    expect(eventsOf(events, EVT_RESPAWN)).toEqual([]);
    expect(arena.world.intermission).toBe(true);
    expect(matchEntity(arena)).toEqual([1, PHASE_INTERMISSION, endTick + INTERMISSION_TICKS, INTERMISSION_TICKS]);
    for (const p of arena.world.players) expect([p.vx, p.vy]).toEqual([0, 0]);
    // The finished match's scores stay; the dead wait for the next match (their respawn tick says when).
    expect(arenaGame.scores(arena.world).map((s) => [s.playerId, s.values.kills, s.values.deaths])).toEqual([[1, 1, 0], [3, 0, 0], [2, 0, 1]]);
    const dead = arenaGame.view(arena.world).find((e) => e.id === 2)!;
    expect(dead.values[PLAYER_FIELD.respawnTick]).toBe(endTick + INTERMISSION_TICKS);
  });

  it('during the intermission nobody moves, fires, takes damage or respawns, and the view does not change', () => {
    const arena = playedMatch();
    // A rocket in flight at the match end is gone with it.
    arena.step({ 1: { keys: KEY_FIRE_SECONDARY, aim: 0 } });
    expect(arena.world.projectiles.length).toBe(1);
    endMatchNow(arena);
    expect(arena.world.projectiles).toEqual([]);
    arena.player(3).hp = ROCKET_DIRECT_DAMAGE; // one hit would kill it
    const frozen = serializeArenaWorld(arena.world).players;
    // What clients see, but where each gun points (aiming goes on during the break).
    const still = () => arenaGame.view(arena.world).map((e) => (e.kind === KIND_PLAYER ? { ...e, values: e.values.filter((_, i) => i !== PLAYER_FIELD.aim) } : e));
    const viewBefore = still();
    // Everyone holds every key, firing at each other, for the whole intermission but its last step.
    const all = { keys: KEY_RIGHT | KEY_FIRE_PRIMARY | KEY_FIRE_SECONDARY, aim: 0 };
    const during = arena.run(INTERMISSION_TICKS - 1, { 1: all, 2: all, 3: { ...all, aim: 2048 } });
    expect(during).toEqual([]);
    expect(arena.world.projectiles).toEqual([]);
    // Only the held keys, aims and render ticks of the inputs changed (nothing the step acts on).
    const strip = (players: typeof frozen) => players.map((t) => [...t.slice(0, 6), ...t.slice(8, 12), t[12], ...t.slice(14)]);
    expect(strip(serializeArenaWorld(arena.world).players)).toEqual(strip(frozen));
    for (const p of arena.world.players) expect(p.fireRequest).toBe(0);
    expect(still()).toEqual(viewBefore);
    expect(arena.player(2).alive).toBe(false);
  });

  it('starts the next match when the intermission ends: scores reset, everyone respawned, match number + 1', () => {
    const arena = playedMatch();
    endMatchNow(arena);
    arena.run(INTERMISSION_TICKS - 1);
    expect(arena.world.intermission).toBe(true);
    const events = arena.step();
    expect(eventsOf(events, EVT_RESPAWN).map((e) => e[1])).toEqual([1, 2, 3]);
    expect(arena.world).toMatchObject({ matchNumber: 2, intermission: false, phaseTicksLeft: MATCH_TICKS });
    expect(matchEntity(arena)).toEqual([2, PHASE_PLAYING, arena.tick - 1 + MATCH_TICKS, MATCH_TICKS]);
    for (const p of arena.world.players) expect(p).toMatchObject({ kills: 0, deaths: 0, score: 0, alive: true, hp: 100 });
    // And play goes on: the next step moves again.
    const before = arena.player(3).x;
    arena.step({ 3: { keys: KEY_RIGHT } });
    expect(arena.player(3).x).toBeGreaterThan(before);
  });

  it('a player joining during the intermission stands still with the others until the next match', () => {
    const arena = playedMatch();
    endMatchNow(arena);
    arenaGame.addPlayer(arena.world, 9, 'late');
    const at = { x: arena.player(9).x, y: arena.player(9).y };
    arena.run(10, { 9: { keys: KEY_RIGHT } });
    expect({ x: arena.player(9).x, y: arena.player(9).y }).toEqual(at);
    expect(arena.player(9).alive).toBe(true);
  });

  it('rules version 1 (no break): the step that ends a match starts the next one, as before the break existed', () => {
    const rulesV1 = arenaGame.olderRules![1]!;
    expect(rulesV1.rulesVersion).toBe(1);
    const arena = playedMatch();
    arena.step({ 1: { keys: KEY_FIRE_SECONDARY, aim: 0 } });
    expect(arena.world.projectiles.length).toBe(1);
    arena.world.phaseTicksLeft = 1;
    const events = rulesV1.step(arena.world, arena.tick);
    // The standings first, then everyone respawned in id order (the dead player 2 too), on the same tick.
    expect(events.map((e) => e[0])).toEqual([EVT_MATCH_END, EVT_RESPAWN, EVT_RESPAWN, EVT_RESPAWN]);
    expect(events[0]).toEqual([EVT_MATCH_END, 1, 1, 1, 1, 0, 1, 3, 0, 0, 0, 2, 0, 1, 0]);
    expect(eventsOf(events, EVT_RESPAWN).map((e) => e[1])).toEqual([1, 2, 3]);
    expect(arena.world).toMatchObject({ matchNumber: 2, intermission: false, phaseTicksLeft: MATCH_TICKS, projectiles: [] });
    for (const p of arena.world.players) expect(p).toMatchObject({ kills: 0, deaths: 0, score: 0, alive: true, vx: 0, vy: 0 });
    // This tick's hit circles (lag compensation) are where everyone respawned.
    const frame = arena.world.history.at(-1)!;
    expect(frame.tick).toBe(arena.tick);
    expect(frame.circles.map((c) => [c.id, c.x, c.y])).toEqual(arena.world.players.map((p) => [p.id, p.x, p.y]));
  });

  it('stays deterministic across a match end and the intermission after it', () => {
    let ends = 0;
    let starts = 0;
    const shortMatch = (seed: number): number[] => {
      [ends, starts] = [0, 0];
      return runScenario({
        seed,
        inputSeed: 3,
        ticks: 150 + INTERMISSION_TICKS + 100,
        joins: [[0, 1], [0, 2], [0, 3]],
        swapWorld: (w, tick) => {
          if (tick === 0) w.phaseTicksLeft = 150;
          return w;
        },
        onStep: (w, _tick, events) => {
          ends += eventsOf(events, EVT_MATCH_END).length;
          if (w.matchNumber === 2 && eventsOf(events, EVT_RESPAWN).length === 3) starts++;
        },
      }).hashes;
    };
    expect(shortMatch(8)).toEqual(shortMatch(8));
    expect([ends, starts]).toEqual([1, 1]);
  });
});
