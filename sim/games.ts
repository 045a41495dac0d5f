// The games the command-line tools know (`npm run replay`, `npm run bots -- --game NAME`): this
// repository's games, listed once. The tools find a game by name (a recording's header, --game); nothing
// else in sim/ names a particular game. A new game is one more entry here (and in server/main.ts and the
// browser's game-client/src/games/index.ts).

import type { ClientSession } from '../shared/client/client-session.js';
import type { SessionNet } from '../shared/client/session-types.js';
import { createArenaSession } from '../shared/game/arena/client-models.js';
import { arenaGame } from '../shared/game/arena/index.js';
import { createBlobsSession } from '../shared/game/blobs/client-models.js';
import { blobsGame } from '../shared/game/blobs/index.js';
import type { AnyGame } from '../shared/game/game-definition.js';

export interface ToolGame {
  readonly rules: AnyGame;
  /** The predicting client session of the game (bots without --light play through it), when the game has one. */
  readonly createSession?: (net: SessionNet) => ClientSession<unknown, unknown>;
}

export const TOOL_GAMES: readonly ToolGame[] = [
  { rules: arenaGame as unknown as AnyGame, createSession: (net) => createArenaSession(net) as unknown as ClientSession<unknown, unknown> },
  { rules: blobsGame as unknown as AnyGame, createSession: (net) => createBlobsSession(net) as unknown as ClientSession<unknown, unknown> },
];

/** The game named `name`, or undefined. */
export function toolGame(name: string): ToolGame | undefined {
  return TOOL_GAMES.find((g) => g.rules.name === name);
}

/** "arena, blobs": for messages. */
export const TOOL_GAME_NAMES = TOOL_GAMES.map((g) => g.rules.name).join(', ');
