// The arena's scoreboard: score, kills and deaths of every player, from the global player-info entities
// (so players out of view count too), ranked like the server ranks a match.

import type { EntityState } from '../../../../shared/codec/schema.js';
import { KIND_PLAYER_INFO, PLAYER_INFO_FIELD } from '../../../../shared/game/arena/view.js';
import type { Scoreboard, ScoreRow } from '../client-game.js';
import { num, str } from '../entity-fields.js';

export const arenaScoreboard: Scoreboard = {
  columns: [
    { key: 'score', label: 'Score' },
    { key: 'kills', label: 'Kills' },
    { key: 'deaths', label: 'Deaths' },
  ],

  /** Ranked: score, kills, fewer deaths, lower id. */
  read(entities: ReadonlyMap<number, EntityState>): ScoreRow[] {
    const rows: { playerId: number; name: string; values: { score: number; kills: number; deaths: number } }[] = [];
    for (const e of entities.values()) {
      if (e.kind !== KIND_PLAYER_INFO) continue;
      const v = e.values;
      rows.push({
        playerId: num(v, PLAYER_INFO_FIELD.playerId),
        name: str(v, PLAYER_INFO_FIELD.name),
        values: { score: num(v, PLAYER_INFO_FIELD.score), kills: num(v, PLAYER_INFO_FIELD.kills), deaths: num(v, PLAYER_INFO_FIELD.deaths) },
      });
    }
    return rows.sort(
      (a, b) => b.values.score - a.values.score || b.values.kills - a.values.kills || a.values.deaths - b.values.deaths || a.playerId - b.playerId,
    );
  },

  summary(row: ScoreRow): string {
    return `score ${row.values.score ?? 0} · ${row.values.kills ?? 0}K/${row.values.deaths ?? 0}D`;
  },
};
