// Live play, the lazily loaded half of the shell (its own chunk, with Phaser): seats the player with a
// GameSession and shows the game's scene on the page's long-lived Phaser.Game.

import type { NetClient } from '../../../shared/client/net-client.js';
import type { JoinInfo } from '../../../shared/protocol.js';
import type { GameParts, GameScene } from '../games/client-game.js';
import { GameSession, type ExitReason } from './game-session.js';
import { ensurePhaser, rendererName, showScene, type RendererChoice } from './phaser-host.js';

export type { ExitReason, GameSession };

export interface RunningGame {
  readonly session: GameSession;
  /** The game's scene while it runs; null once stopped. */
  scene(): GameScene | null;
  readonly renderer: 'webgl' | 'canvas';
  stop(): void;
}

export async function enterGame(options: {
  net: NetClient;
  join: JoinInfo;
  parts: GameParts;
  gameParent: HTMLElement;
  hudParent: HTMLElement;
  debug: boolean;
  renderer: RendererChoice;
  onExit: (reason: ExitReason) => void;
}): Promise<RunningGame> {
  const g = await ensurePhaser(options.gameParent, options.renderer);
  let stopped = false;
  const session = new GameSession(
    options.net,
    options.join,
    options.parts,
    options.hudParent,
    options.gameParent,
    (reason) => {
      stop();
      options.onExit(reason);
    },
    { debug: options.debug },
  );
  const scene = options.parts.createScene(session);
  // Sounds are heard from the local player, or from the camera's centre while it is dead.
  session.hud.hearFrom(() => scene.players().find((p) => p.local && p.alive) ?? scene.cameraCenter());
  const removeScene = showScene(g, scene);
  const stop = () => {
    if (stopped) return;
    stopped = true;
    removeScene();
    session.dispose();
  };
  options.gameParent.hidden = false;
  return {
    session,
    scene: () => (stopped ? null : scene),
    renderer: rendererName(g),
    stop,
  };
}
