// The arena shooter's client module (shared/game/arena/ has its rules): registered in games/index.ts.
// This half is in the lobby's chunk; the scene, input and HUD pieces load with Phaser when needed.

import { arenaGame } from '../../../../shared/game/arena/index.js';
import type { ArenaInput } from '../../../../shared/game/arena/input.js';
import type { ClientGame } from '../client-game.js';

export const arenaClient: ClientGame<ArenaInput> = {
  rules: arenaGame,
  controls: [
    { keys: ['WASD', 'arrows'], action: 'move' },
    { keys: ['mouse'], action: 'aim' },
    { keys: ['click'], action: 'rifle' },
    { keys: ['right click', 'Space', 'Q'], action: 'rocket' },
  ],
  // Labelled as arena-input.ts labels its sticks and button.
  touchControls: [
    { keys: ['left stick'], action: 'move' },
    { keys: ['right stick'], action: 'aim + fire' },
    { keys: ['ROCKET'], action: 'rocket' },
  ],
  load: () => import('./parts.js').then((m) => m.arenaParts),
};
