// Blobs' match end event ([EVT_MATCH_END, matchNumber, winnerId | 0, then for each player by rank: playerId,
// mass, best, eaten, pellets], shared/game/blobs/events.ts) as the shell's MatchResult: score lines under
// the scoreboard's columns (BLOBS_SCORE_COLUMNS, in that order).

import type { GameEvent } from '../../../../shared/codec/schema.js';
import { BLOBS_SCORE_COLUMNS, INTERMISSION_TICKS } from '../../../../shared/game/blobs/index.js';
import type { MatchResult, ScoreRow } from '../client-game.js';

const PER_PLAYER = 1 + BLOBS_SCORE_COLUMNS.length;

/** The final standings, best first. */
export function matchEndRows(event: GameEvent, nameOf: (playerId: number) => string): ScoreRow[] {
  const rows: ScoreRow[] = [];
  for (let i = 3; i + PER_PLAYER <= event.length; i += PER_PLAYER) {
    const playerId = Number(event[i]);
    const values: Record<string, number> = {};
    BLOBS_SCORE_COLUMNS.forEach((c, k) => (values[c.key] = Number(event[i + 1 + k])));
    rows.push({ playerId, name: nameOf(playerId), values });
  }
  return rows;
}

/** The match's result; the next match starts after the intermission. */
export function matchEndResult(event: GameEvent, nameOf: (playerId: number) => string): MatchResult {
  const winner = Number(event[2]);
  return { title: `Match ${Number(event[1])}`, rows: matchEndRows(event, nameOf), winnerId: winner > 0 ? winner : null, nextInTicks: INTERMISSION_TICKS };
}
