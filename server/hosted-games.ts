// The games one server hosts, by name: checked once at start (names well formed and distinct, every game
// tuned for the server's tick rate), and the one place requests resolve a game name. The first game is the
// default of a request that names none.

import type { AnyGame } from '../shared/game/game-definition.js';
import { GAME_NAME_PATTERN } from '../shared/protocol-validate.js';
import type { ErrorBody } from '../shared/protocol.js';

export class HostedGames {
  private readonly byName = new Map<string, AnyGame>();
  readonly default: AnyGame;

  constructor(games: readonly AnyGame[], tickRate: number) {
    if (games.length === 0) throw new Error('a game server hosts at least one game');
    for (const game of games) {
      if (!GAME_NAME_PATTERN.test(game.name)) {
        throw new Error(`game name "${game.name}": use lower-case letters, digits and dashes (at most 32)`);
      }
      if (this.byName.has(game.name)) throw new Error(`two games are named "${game.name}"`);
      if (game.tickRate !== tickRate) {
        // Game rules are tuned per tick: stepping them faster would make the whole game faster.
        throw new Error(`config: TICK_RATE is ${tickRate} but the "${game.name}" game is tuned for ${game.tickRate} Hz`);
      }
      this.byName.set(game.name, game);
    }
    this.default = games[0]!;
  }

  get all(): readonly AnyGame[] {
    return [...this.byName.values()];
  }

  get names(): readonly string[] {
    return [...this.byName.keys()];
  }

  get(name: string): AnyGame | undefined {
    return this.byName.get(name);
  }

  /** The game a request names (the default when it names none), or the error to answer. */
  resolve(name: string | undefined): AnyGame | ErrorBody {
    if (name === undefined) return this.default;
    return this.byName.get(name) ?? { code: 'UNKNOWN_GAME', message: `this server hosts no game "${name}" (it hosts: ${this.names.join(', ')})` };
  }
}

export function isGame(value: AnyGame | ErrorBody): value is AnyGame {
  return 'schema' in value;
}
