// The game's own score columns and standings: named numeric columns, the first one ranks.

import type { ScoreColumn } from '../game-definition.js';
import type { BlobsPlayer, BlobsWorld } from './world.js';

/** The scoreboard's columns; the first ranks (ties: the next columns in order, then the lower id). */
export const BLOBS_SCORE_COLUMNS = [
  { key: 'mass', label: 'Mass' },
  { key: 'best', label: 'Best' },
  { key: 'eaten', label: 'Players eaten' },
  { key: 'pellets', label: 'Pellets' },
] as const satisfies readonly ScoreColumn[];

export type BlobsScoreKey = (typeof BLOBS_SCORE_COLUMNS)[number]['key'];

export interface BlobsStanding {
  readonly playerId: number;
  readonly name: string;
  readonly values: Readonly<Record<BlobsScoreKey, number>>;
}

/** Players by rank: mass (0 while dead), best, players eaten, pellets, then lower id (a total order). */
export function rankBlobs(players: readonly BlobsPlayer[]): BlobsPlayer[] {
  return [...players].sort(
    (a, b) => b.mass - a.mass || b.best - a.best || b.eaten - a.eaten || b.pellets - a.pellets || a.id - b.id,
  );
}

/** Every player's score line, best first. */
export function blobsStandings(world: BlobsWorld): BlobsStanding[] {
  return rankBlobs(world.players).map((p) => ({
    playerId: p.id,
    name: p.name,
    values: { mass: p.mass, best: p.best, eaten: p.eaten, pellets: p.pellets },
  }));
}
