// Who played in one recorded match, and the final scores of everyone who did.
//
// A person who leaves and comes back gets a new seat (a new player id) under the same name: they are
// listed once, by name, in order of first arrival. (Two people seated at once under one name stay two
// entries: only someone who had left is taken to be back.) A player who left before the end keeps the
// score line it had when it left, so a match everyone walked out of still has its scores.

import type { PlayerScore, ScoreColumn } from '../../shared/game/game-definition.js';
import type { ParticipantSummary } from '../../shared/recording/index.js';

interface Participant {
  /** The player id of the latest seat. */
  playerId: number;
  readonly name: string;
  readonly joinTick: number;
  leaveTick: number | null;
  /** The score line the player had when it last left (null while seated, or when none was known). */
  lastScore: PlayerScore | null;
}

export class MatchParticipants {
  private readonly list: Participant[] = [];

  /** The players seated when the match's recording starts (at `tick`), in seat order. */
  constructor(seated: readonly { readonly playerId: number; readonly name: string }[] = [], tick = 0) {
    for (const p of seated) this.list.push({ playerId: p.playerId, name: p.name, joinTick: tick, leaveTick: null, lastScore: null });
  }

  get count(): number {
    return this.list.length;
  }

  join(playerId: number, name: string, tick: number): void {
    const back = this.list.find((p) => p.name === name && p.leaveTick !== null);
    if (back) {
      back.playerId = playerId;
      back.leaveTick = null;
      back.lastScore = null;
      return;
    }
    this.list.push({ playerId, name, joinTick: tick, leaveTick: null, lastScore: null });
  }

  /** `score`: the player's line just before it left, when known. */
  leave(playerId: number, tick: number, score: PlayerScore | null): void {
    const p = this.list.find((q) => q.playerId === playerId && q.leaveTick === null);
    if (!p) return;
    p.leaveTick = tick;
    p.lastScore = score;
  }

  /** Everyone who played, once each, in order of first arrival (the end record's players). */
  summary(): ParticipantSummary[] {
    return this.list.map(({ playerId, name, joinTick, leaveTick }) => ({ playerId, name, joinTick, leaveTick }));
  }

  /**
   * The match's final scores: `seated` (the game's lines for the players still seated, best first) and the
   * last lines of those who left, ranked by the first score column (higher first; a stable sort keeps the
   * game's order among equals).
   */
  finalScores(seated: readonly PlayerScore[], columns: readonly ScoreColumn[]): PlayerScore[] {
    const present = new Set(seated.map((s) => s.playerId));
    const departed: PlayerScore[] = [];
    for (const p of this.list) {
      if (p.leaveTick !== null && p.lastScore && !present.has(p.lastScore.playerId)) departed.push(p.lastScore);
    }
    if (departed.length === 0) return [...seated];
    const all = [...seated, ...departed];
    const rank = columns[0]?.key;
    return rank === undefined ? all : all.sort((a, b) => (b.values[rank] ?? 0) - (a.values[rank] ?? 0));
  }
}
