import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../codec/schema.js';
import { createArenaBot, STEADY_TURN_TICKS } from './bot-brain.js';
import { MATCH_ENTITY_ID } from './constants.js';
import { KEY_FIRE_PRIMARY } from './input.js';
import { KIND_MATCH, KIND_PLAYER, PHASE_INTERMISSION, PHASE_PLAYING, PLAYER_FLAG_ALIVE } from './view.js';

/** Player 1 and an enemy in rifle range, with the match entity in `phase`. */
function sight(phase: number, tick: number) {
  const entities = new Map<number, EntityState>([
    [1, { id: 1, kind: KIND_PLAYER, values: [4000, 4000, 0, 0, 0, 100, PLAYER_FLAG_ALIVE, 0] }],
    [2, { id: 2, kind: KIND_PLAYER, values: [4800, 4000, 0, 0, 0, 100, PLAYER_FLAG_ALIVE, 0] }],
    [MATCH_ENTITY_ID, { id: MATCH_ENTITY_ID, kind: KIND_MATCH, values: [1, phase, 1000, 240] }],
  ]);
  return { playerId: 1, tick, entities };
}

describe('arena bot brain', () => {
  it('fights while a match is played and holds still (no keys, no shots) during the intermission', () => {
    const bot = createArenaBot(5, 'fight');
    const playing = bot.think(sight(PHASE_PLAYING, 1));
    expect(playing.keys & KEY_FIRE_PRIMARY).toBe(KEY_FIRE_PRIMARY);
    for (let t = 2; t < 300; t++) expect(bot.think(sight(PHASE_INTERMISSION, t))).toEqual({ keys: 0, aim: playing.aim });
    // Its random choices were not spent during the break: it plays on as a bot that never saw one.
    const fresh = createArenaBot(5, 'fight');
    fresh.think(sight(PHASE_PLAYING, 1));
    for (let t = 300; t < 330; t++) expect(bot.think(sight(PHASE_PLAYING, t))).toEqual(fresh.think(sight(PHASE_PLAYING, t)));
  });

  it('steady: a new direction and aim exactly every STEADY_TURN_TICKS ticks, held in between, never firing', () => {
    const bot = createArenaBot(9, 'steady');
    const inputs = Array.from({ length: 10 * STEADY_TURN_TICKS }, (_, t) => bot.think(sight(PHASE_PLAYING, t + 1)));
    const turns: number[] = [];
    for (let t = 1; t < inputs.length; t++) {
      if (inputs[t].keys !== inputs[t - 1].keys || inputs[t].aim !== inputs[t - 1].aim) turns.push(t);
      expect(inputs[t].keys & KEY_FIRE_PRIMARY).toBe(0);
    }
    // Every change falls on a turn tick (a turn may draw the same direction and aim again, rarely).
    expect(turns.length).toBeGreaterThanOrEqual(7);
    for (const t of turns) expect(t % STEADY_TURN_TICKS).toBe(0);
    // Seeded: the same seed plays the same inputs.
    const again = createArenaBot(9, 'steady');
    expect(inputs.map((_, t) => again.think(sight(PHASE_PLAYING, t + 1)))).toEqual(inputs);
  });
});
