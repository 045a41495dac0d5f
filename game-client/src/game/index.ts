// The lazily loaded half of the client (its own chunk, with Phaser): starts a GameSession and the
// arena scene on one long-lived Phaser.Game.

import Phaser from 'phaser';
import type { NetClient } from '../../../shared/client/net-client.js';
import type { JoinInfo } from '../../../shared/protocol.js';
import { ArenaScene } from './arena-scene.js';
import { GameSession, type ExitReason } from './game-session.js';

export type { ExitReason, GameSession };
export { ArenaScene };

let game: Phaser.Game | null = null;

/**
 * WebGL unless the browser only has a software WebGL (SwiftShader, llvmpipe: no GPU, or GPU disabled),
 * where Phaser's canvas renderer is an order of magnitude faster (measured in headless Chromium: 60 fps
 * against 5 fps with three pages open). `?renderer=webgl|canvas` overrides the choice.
 */
export function pickRenderer(requested: 'auto' | 'canvas' | 'webgl'): number {
  if (requested === 'canvas') return Phaser.CANVAS;
  if (requested === 'webgl') return Phaser.WEBGL;
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return Phaser.CANVAS;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software|basic render/i.test(name) ? Phaser.CANVAS : Phaser.WEBGL;
  } catch {
    return Phaser.AUTO;
  }
}

export function ensureGame(parent: HTMLElement, renderer: 'auto' | 'canvas' | 'webgl'): Promise<Phaser.Game> {
  if (game) return Promise.resolve(game);
  const g = new Phaser.Game({
    type: pickRenderer(renderer),
    parent,
    backgroundColor: '#0b0e14',
    scale: { mode: Phaser.Scale.RESIZE, width: '100%', height: '100%' },
    antialias: true,
    disableContextMenu: true,
    // Keyboard and mouse are read with DOM listeners (game/input.ts); Phaser's mouse manager stays for
    // cameras, nothing else.
    input: { keyboard: false, gamepad: false, touch: false },
    audio: { noAudio: true },
    banner: false,
    autoFocus: false,
    scene: [],
  });
  game = g;
  return new Promise((resolve) => {
    if (g.isBooted) resolve(g);
    else g.events.once(Phaser.Core.Events.READY, () => resolve(g));
  });
}

export interface RunningGame {
  readonly session: GameSession;
  readonly scene: () => ArenaScene | null;
  stop(): void;
}

export async function enterGame(options: {
  net: NetClient;
  join: JoinInfo;
  gameParent: HTMLElement;
  hudParent: HTMLElement;
  debug: boolean;
  renderer: 'auto' | 'canvas' | 'webgl';
  onExit: (reason: ExitReason) => void;
}): Promise<RunningGame> {
  const g = await ensureGame(options.gameParent, options.renderer);
  let stopped = false;
  const session = new GameSession(
    options.net,
    options.join,
    options.hudParent,
    options.gameParent,
    (reason) => {
      stop();
      options.onExit(reason);
    },
    { debug: options.debug },
  );
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (g.scene.getScene('arena')) g.scene.remove('arena');
    session.dispose();
  };
  g.scene.add('arena', ArenaScene, true, { session });
  options.gameParent.hidden = false;
  return {
    session,
    scene: () => (stopped ? null : ((g.scene.getScene('arena') as ArenaScene | null) ?? null)),
    stop,
  };
}
