import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../codec/schema.js';
import { createArenaBot } from './bot-brain.js';
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
});
