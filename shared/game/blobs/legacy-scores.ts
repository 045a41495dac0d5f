// ADAPTER, to delete when GameDefinition reports standings by named columns: the contract's scores()
// still wants kills / deaths / score lines, so blobs reports players eaten as kills, times eaten as
// deaths and mass as score, in the order of blobsStandings. Nothing else in the game uses it.

import type { PlayerScore } from '../game-definition.js';
import { blobsStandings } from './standings.js';
import { findPlayer, type BlobsWorld } from './world.js';

export function blobsScores(world: BlobsWorld): PlayerScore[] {
  return blobsStandings(world).map((s) => ({
    playerId: s.playerId,
    name: s.name,
    kills: s.values.eaten,
    deaths: findPlayer(world, s.playerId)?.deaths ?? 0,
    score: s.values.mass,
  }));
}
