// The games this page can show: the one place the shell names them. Everything else finds a game's module
// by its rules' name (a join reply's `game`, a recording header's `game`, the lobby's choice). A game is
// added by writing its module (a ClientGame, see client-game.ts) in a folder of its own and listing it here.

import { arenaClient } from './arena/index.js';
import { blobsClient } from './blobs/index.js';
import type { ClientGame } from './client-game.js';

export const CLIENT_GAMES: readonly ClientGame[] = [arenaClient, blobsClient];

/** The module of the game named `name`, or undefined when this page has none. */
export function clientGame(name: string): ClientGame | undefined {
  return CLIENT_GAMES.find((g) => g.rules.name === name);
}
