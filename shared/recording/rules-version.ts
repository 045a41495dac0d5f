// Which rules a recording re-simulates with: recordings name the rules version of the game that made them
// (header.rulesVersion), and a build replays one with the game itself when the versions are equal, or with
// the older rules the game still provides (GameDefinition.olderRules).

import type { GameDefinition } from '../game/game-definition.js';

/** The rules version a game plays (1 when it does not say). */
export function rulesVersionOf(game: Pick<GameDefinition<unknown, unknown>, 'rulesVersion'>): number {
  return game.rulesVersion ?? 1;
}

/** Every rules version `game` can simulate, ascending: its own and those of its olderRules. */
export function simulatedRulesVersions<World, Input>(game: GameDefinition<World, Input>): number[] {
  const older = Object.keys(game.olderRules ?? {}).map(Number);
  return [...new Set([rulesVersionOf(game), ...older])].sort((a, b) => a - b);
}

/** The definition that simulates rules version `version` of `game`; null when this build has none. */
export function rulesOfVersion<World, Input>(game: GameDefinition<World, Input>, version: number): GameDefinition<World, Input> | null {
  if (version === rulesVersionOf(game)) return game;
  const older = game.olderRules;
  return older !== undefined && Object.hasOwn(older, version) ? older[version]! : null;
}
