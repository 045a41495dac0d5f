// The arena's browser half, loaded on demand (with Phaser) when a room or a replay of the arena opens.

import { arenaInterpolation, createArenaSession } from '../../../../shared/game/arena/client-models.js';
import type { ArenaInput } from '../../../../shared/game/arena/input.js';
import type { GameParts } from '../client-game.js';
import { ArenaInputReader } from './arena-input.js';
import { ArenaScene } from './arena-scene.js';
import { arenaScoreboard } from './scoreboard.js';
import { arenaTimeline } from './timeline.js';

export const arenaParts: GameParts<ArenaInput> = {
  createScene: (source) => new ArenaScene(source),
  createSession: (net) => createArenaSession(net),
  createInput: (context) => new ArenaInputReader(context),
  scoreboard: arenaScoreboard,
  interpolation: arenaInterpolation,
  timeline: arenaTimeline,
};
