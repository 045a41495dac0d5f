// Blobs' scoreboard: the rules' columns (BLOBS_SCORE_COLUMNS: mass, best, players eaten, pellets) of every
// player, from the global player-info entities (so blobs out of view rank too), ranked like the server
// ranks a match (standings.ts): each column in order, then the lower id.

import type { EntityState } from '../../../../shared/codec/schema.js';
import { BLOBS_SCORE_COLUMNS, KIND_PLAYER_INFO, PLAYER_INFO_FIELD, type BlobsScoreKey } from '../../../../shared/game/blobs/index.js';
import { num, str } from '../entity-fields.js';
import type { Scoreboard, ScoreRow } from '../client-game.js';

const KEYS: readonly BlobsScoreKey[] = BLOBS_SCORE_COLUMNS.map((c) => c.key);

export const blobsScoreboard: Scoreboard = {
  columns: BLOBS_SCORE_COLUMNS,

  read(entities: ReadonlyMap<number, EntityState>): ScoreRow[] {
    const rows: { playerId: number; name: string; values: Record<BlobsScoreKey, number> }[] = [];
    for (const e of entities.values()) {
      if (e.kind !== KIND_PLAYER_INFO) continue;
      const v = e.values;
      rows.push({
        playerId: num(v, PLAYER_INFO_FIELD.playerId),
        name: str(v, PLAYER_INFO_FIELD.name),
        values: { mass: num(v, PLAYER_INFO_FIELD.mass), best: num(v, PLAYER_INFO_FIELD.best), eaten: num(v, PLAYER_INFO_FIELD.eaten), pellets: num(v, PLAYER_INFO_FIELD.pellets) },
      });
    }
    return rows.sort((a, b) => {
      for (const k of KEYS) if (a.values[k] !== b.values[k]) return b.values[k] - a.values[k];
      return a.playerId - b.playerId;
    });
  },

  /** Short: it sits next to the name in the replay's player list. */
  summary(row: ScoreRow): string {
    return `mass ${row.values.mass ?? 0} · best ${row.values.best ?? 0}`;
  },
};
