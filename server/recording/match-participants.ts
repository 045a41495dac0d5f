// Who played in one recorded match (counted as people: shared/recording/people.ts), and the final scores
// of everyone who did. A player who left before the end keeps the score line it had when it left, so a
// match everyone walked out of still has its scores.

import type { PlayerScore, ScoreColumn } from '../../shared/game/game-definition.js';
import { latestSeat, People, type ParticipantSummary, type Person } from '../../shared/recording/index.js';

export class MatchParticipants {
  private readonly people: People;
  /** The score line each person had when it last left (absent while seated, or when none was known). */
  private readonly lastScores = new Map<Person, PlayerScore>();

  /** The players seated when the match's recording starts (at `tick`), in seat order. */
  constructor(seated: readonly { readonly playerId: number; readonly name: string }[] = [], tick = 0) {
    this.people = new People(seated, tick);
  }

  get count(): number {
    return this.people.count;
  }

  join(playerId: number, name: string, tick: number): void {
    this.people.join(playerId, name, tick);
    for (const p of this.people.all) if (latestSeat(p).playerId === playerId) this.lastScores.delete(p);
  }

  /** `score`: the player's line just before it left, when known. */
  leave(playerId: number, tick: number, score: PlayerScore | null): void {
    const person = this.people.leave(playerId, tick);
    if (!person) return;
    if (score) this.lastScores.set(person, score);
    else this.lastScores.delete(person);
  }

  /** Everyone who played, once each, in order of first arrival: the latest seat's id, first join, last leave. */
  summary(): ParticipantSummary[] {
    return this.people.all.map((p) => {
      const latest = latestSeat(p);
      return { playerId: latest.playerId, name: p.name, joinTick: p.seats[0]!.joinTick, leaveTick: latest.leaveTick };
    });
  }

  /**
   * The match's final scores: `seated` (the game's lines for the players still seated, best first) and the
   * last lines of those who left, ranked by the first score column (higher first; a stable sort keeps the
   * game's order among equals).
   */
  finalScores(seated: readonly PlayerScore[], columns: readonly ScoreColumn[]): PlayerScore[] {
    const present = new Set(seated.map((s) => s.playerId));
    const departed: PlayerScore[] = [];
    for (const p of this.people.all) {
      const score = this.lastScores.get(p);
      if (latestSeat(p).leaveTick !== null && score && !present.has(score.playerId)) departed.push(score);
    }
    if (departed.length === 0) return [...seated];
    const all = [...seated, ...departed];
    const rank = columns[0]?.key;
    return rank === undefined ? all : all.sort((a, b) => (b.values[rank] ?? 0) - (a.values[rank] ?? 0));
  }
}
