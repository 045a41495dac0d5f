// The one tick order of every game, wherever a tick runs: a server room, a replay's re-simulation, a test.
// Each seated player's input for the tick is applied in seat order (join order, which recordings keep),
// then the world steps once. Writing it once is what makes a re-simulated match the match that was played.

import type { GameEvent } from '../codec/schema.js';
import type { GameDefinition } from './game-definition.js';

/** One player's input for a tick, and the tick its sender was looking at (for lag compensation). */
export interface TickInput<Input> {
  readonly playerId: number;
  readonly payload: Input;
  readonly renderTick: number;
}

/** Applies `inputs` (seat order, at most one per player) and steps `world` to `tick`; returns the tick's events. */
export function stepTick<World, Input>(game: GameDefinition<World, Input>, world: World, tick: number, inputs: readonly TickInput<Input>[]): GameEvent[] {
  for (const input of inputs) game.applyInput(world, input.playerId, input.payload, { tick, renderTick: input.renderTick });
  return game.step(world, tick);
}
