// Blobs' browser half, loaded on demand (with Phaser) when a room or a replay of blobs opens.

import { blobsInterpolation, createBlobsSession } from '../../../../shared/game/blobs/client-models.js';
import type { BlobsInput } from '../../../../shared/game/blobs/index.js';
import type { GameParts } from '../client-game.js';
import { BlobsInputReader } from './blobs-input.js';
import { BlobsScene } from './blobs-scene.js';
import { blobsScoreboard } from './scoreboard.js';
import { blobsTimeline } from './timeline.js';

export const blobsParts: GameParts<BlobsInput> = {
  createScene: (source) => new BlobsScene(source),
  createSession: (net) => createBlobsSession(net),
  createInput: (context) => new BlobsInputReader(context),
  scoreboard: blobsScoreboard,
  interpolation: blobsInterpolation,
  timeline: blobsTimeline,
};
