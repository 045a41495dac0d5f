// A game world's players, kept sorted by player id (the order every step iterates, so it is deterministic):
// lookup by id, and the checks and insertion of a new player. The arena and blobs both keep theirs this way.

/** Finds the player with `playerId` in a list sorted by id (binary search). */
export function findById<P extends { readonly id: number }>(players: readonly P[], playerId: number): P | undefined {
  let lo = 0;
  let hi = players.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = players[mid]!;
    if (p.id === playerId) return p;
    if (p.id < playerId) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Throws (naming `game`) unless `playerId` is an integer in [min, max] that no player of `players` has. */
export function checkNewPlayerId(game: string, players: readonly { readonly id: number }[], playerId: number, min: number, max: number): void {
  if (!Number.isInteger(playerId) || playerId < min || playerId > max) {
    throw new Error(`${game}: player id must be an integer in [${min}, ${max}], got ${playerId}`);
  }
  if (findById(players, playerId)) throw new Error(`${game}: player ${playerId} is already in the world`);
}

/** Inserts `player` where its id keeps the list sorted. */
export function insertById<P extends { readonly id: number }>(players: P[], player: P): void {
  const at = players.findIndex((p) => p.id > player.id);
  players.splice(at < 0 ? players.length : at, 0, player);
}
