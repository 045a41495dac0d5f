import { describe, expect, it } from 'vitest';
import { MATCH_TICKS, RIFLE_DAMAGE } from './constants.js';
import { EVT_MATCH_END, EVT_RESPAWN } from './events.js';
import { arenaGame } from './index.js';
import { KEY_FIRE_PRIMARY } from './input.js';
import { TestArena, eventsOf, runScenario } from './test-support.js';
import { MATCH_FIELD } from './view.js';

describe('match clock', () => {
  it('ends after MATCH_TICKS steps with the standings, resets scores and starts the next match', () => {
    const arena = new TestArena([[1, 450, 800], [2, 1000, 800], [3, 700, 480]]);
    arena.player(2).hp = RIFLE_DAMAGE;
    arena.step({ 1: { keys: KEY_FIRE_PRIMARY, aim: 0 } });
    arena.world.matchTicksLeft = 3;
    const endTick = Number(arenaGame.view(arena.world).find((e) => e.id === 999)?.values[MATCH_FIELD.endTick]);
    expect(endTick).toBe(arena.tick + 2);
    expect(eventsOf(arena.run(2), EVT_MATCH_END)).toEqual([]);
    const events = arena.step();
    expect(arena.tick - 1).toBe(endTick);
    // Player 1 won (1 kill); player 3 (0/0) ranks above player 2 (0 kills, 1 death).
    expect(eventsOf(events, EVT_MATCH_END)).toEqual([[EVT_MATCH_END, 1, 1, 1, 1, 0, 1, 3, 0, 0, 0, 2, 0, 1, 0]]);
    expect(eventsOf(events, EVT_RESPAWN).map((e) => e[1])).toEqual([1, 2, 3]);
    expect(arena.world.matchNumber).toBe(2);
    expect(arena.world.matchTicksLeft).toBe(MATCH_TICKS);
    for (const p of arena.world.players) expect(p).toMatchObject({ kills: 0, deaths: 0, score: 0, alive: true, hp: 100 });
  });

  it('stays deterministic across a match boundary', () => {
    const shortMatch = (seed: number): number[] =>
      runScenario({
        seed,
        inputSeed: 3,
        ticks: 400,
        joins: [[0, 1], [0, 2], [0, 3]],
        swapWorld: (w, tick) => {
          if (tick === 0) w.matchTicksLeft = 150;
          return w;
        },
      }).hashes;
    expect(shortMatch(8)).toEqual(shortMatch(8));
  });
});
