// Blobs' client module (shared/game/blobs/ has its rules): registered in games/index.ts. This half is in
// the lobby's chunk; the scene, input and HUD pieces load with Phaser when needed.

import { blobsGame, type BlobsInput } from '../../../../shared/game/blobs/index.js';
import type { ClientGame } from '../client-game.js';

export const blobsClient: ClientGame<BlobsInput> = {
  rules: blobsGame,
  controls: [
    // The blob heads for the pointer, and stops when it rests on its middle.
    { keys: ['mouse'], action: 'steer' },
    // A boost costs a tenth of the mass (from 20 up), every 1.5 s at most.
    { keys: ['Space', 'right click'], action: 'boost' },
  ],
  // Labelled as blobs-input.ts labels its stick and button.
  touchControls: [
    { keys: ['stick'], action: 'steer' },
    { keys: ['BOOST'], action: 'boost' },
  ],
  load: () => import('./parts.js').then((m) => m.blobsParts),
};
