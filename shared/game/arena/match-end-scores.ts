// The final scores of an arena match, read back from its EVT_MATCH_END event: the standings announced on
// the tick the match ended (recorded in full, so a replay reads the same lines the players saw).

import type { GameEvent } from '../../codec/schema.js';
import type { PlayerScore } from '../game-definition.js';
import type { ArenaWorld } from './world.js';

/** [EVT_MATCH_END, matchNumber, winnerId, then per player by rank: playerId, kills, deaths, score] as score lines. */
export function arenaMatchEndScores(world: ArenaWorld, event: GameEvent): PlayerScore[] {
  const scores: PlayerScore[] = [];
  for (let i = 3; i + 3 < event.length; i += 4) {
    const [playerId, kills, deaths, score] = event.slice(i, i + 4) as number[];
    const name = world.players.find((p) => p.id === playerId)?.name ?? `#${playerId}`;
    scores.push({ playerId: playerId!, name, values: { score: score!, kills: kills!, deaths: deaths! } });
  }
  return scores;
}
