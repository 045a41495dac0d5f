import { describe, expect, it } from 'vitest';
import { INTERMISSION_TICKS, MATCH_ENTITY_ID, MATCH_TICKS, PELLET_COUNT, START_MASS, WORLD_SIZE } from './constants.js';
import { EVT_MATCH_END, EVT_RESPAWN } from './events.js';
import { blobsGame } from './index.js';
import { BLOB_KEY_MOVE } from './input.js';
import { serializeBlobsWorld } from './serialize.js';
import { BLOBS_SCORE_COLUMNS, blobsStandings } from './standings.js';
import { TestBlobs, eventsOf, pelletsOnMap } from './test-support.js';
import { MATCH_FIELD, PHASE_INTERMISSION, PHASE_PLAYING } from './view.js';

const MIDDLE = WORLD_SIZE / 2;

function matchEntity(game: TestBlobs): readonly (string | number)[] {
  const entity = blobsGame.view(game.world).find((e) => e.id === MATCH_ENTITY_ID);
  if (!entity) throw new Error('no match entity');
  return entity.values;
}

/** Three blobs: 1 eats 2, 3 keeps to itself. */
function playedMatch(): TestBlobs {
  const game = new TestBlobs([[1, MIDDLE, MIDDLE, 60], [2, MIDDLE + 50, MIDDLE, 20], [3, 4000, 4000, 70]], { pellets: false });
  game.step();
  expect(game.player(2).alive).toBe(false);
  return game;
}

describe('match clock', () => {
  it('ends after MATCH_TICKS with the standings, then stands still for the intermission', () => {
    const game = playedMatch();
    game.world.phaseTicksLeft = 3;
    const endTick = matchEntity(game)[MATCH_FIELD.endTick];
    expect(endTick).toBe(game.tick + 2);
    expect(eventsOf(game.run(2), EVT_MATCH_END)).toEqual([]);
    const events = game.step({ 1: { keys: BLOB_KEY_MOVE } });
    expect(game.tick - 1).toBe(endTick);
    // Ranked by mass: 1 (60 + 80 % of 20 = 76), 3 (70), then 2, dead (0); each: id, mass, best, eaten, pellets.
    expect(eventsOf(events, EVT_MATCH_END)).toEqual([[EVT_MATCH_END, 1, 1, 1, 76, 76, 1, 0, 3, 70, 70, 0, 0, 2, 0, 20, 0, 0]]);
    expect(game.world.intermission).toBe(true);
    expect(matchEntity(game)).toEqual([1, PHASE_INTERMISSION, game.tick - 1 + INTERMISSION_TICKS, INTERMISSION_TICKS]);
    // Nothing moves, nobody respawns, inputs are ignored.
    const frozen = serializeBlobsWorld(game.world).players;
    const during = game.run(INTERMISSION_TICKS - 1, { 1: { keys: BLOB_KEY_MOVE, aim: 0 } });
    expect(during).toEqual([]);
    expect(serializeBlobsWorld(game.world).players).toEqual(frozen);
  });

  it('starts the next match with fresh pellets, everyone respawned at the start mass and the scores reset', () => {
    const game = playedMatch();
    game.world.phaseTicksLeft = 1;
    game.step();
    game.world.pellets[0].respawnTicks = 5; // one pellet was still waiting
    game.world.phaseTicksLeft = 1;
    const events = game.step();
    expect(eventsOf(events, EVT_RESPAWN).map((e) => e[1])).toEqual([1, 2, 3]);
    expect(game.world).toMatchObject({ matchNumber: 2, intermission: false, phaseTicksLeft: MATCH_TICKS });
    expect(matchEntity(game)).toEqual([2, PHASE_PLAYING, game.tick - 1 + MATCH_TICKS, MATCH_TICKS]);
    for (const p of game.world.players) {
      expect(p).toMatchObject({ alive: true, mass: START_MASS, best: START_MASS, eaten: 0, pellets: 0, deaths: 0 });
    }
    expect(pelletsOnMap(game.world)).toBe(PELLET_COUNT);
  });
});

describe('standings', () => {
  it('are the named columns, ranked by the first (mass), dead blobs at 0', () => {
    expect(BLOBS_SCORE_COLUMNS.map((c) => c.key)).toEqual(['mass', 'best', 'eaten', 'pellets']);
    const game = playedMatch();
    expect(blobsStandings(game.world)).toEqual([
      { playerId: 1, name: 'p1', values: { mass: 76, best: 76, eaten: 1, pellets: 0 } },
      { playerId: 3, name: 'p3', values: { mass: 70, best: 70, eaten: 0, pellets: 0 } },
      { playerId: 2, name: 'p2', values: { mass: 0, best: 20, eaten: 0, pellets: 0 } },
    ]);
  });

  it('are the contract scores(), by the game\'s own columns', () => {
    const game = playedMatch();
    expect(blobsGame.scoreColumns.map((c) => c.key)).toEqual(['mass', 'best', 'eaten', 'pellets']);
    expect(blobsGame.scores(game.world)).toEqual(blobsStandings(game.world));
  });
});
