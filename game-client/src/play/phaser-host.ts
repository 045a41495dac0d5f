// The page's one long-lived Phaser.Game, shared by every game's scene in live play and in the replay
// viewer: created on first use, scenes come and go.

import Phaser from 'phaser';

export type RendererChoice = 'auto' | 'canvas' | 'webgl';

let game: Phaser.Game | null = null;

/**
 * WebGL unless the browser only has a software WebGL (SwiftShader, llvmpipe: no GPU, or GPU disabled),
 * where Phaser's canvas renderer is an order of magnitude faster (measured in headless Chromium: 60 fps
 * against 5 fps with three pages open). `?renderer=webgl|canvas` overrides the choice.
 */
export function pickRenderer(requested: RendererChoice): number {
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

export function ensurePhaser(parent: HTMLElement, renderer: RendererChoice): Promise<Phaser.Game> {
  if (game) return Promise.resolve(game);
  const g = new Phaser.Game({
    type: pickRenderer(renderer),
    parent,
    backgroundColor: '#0b0e14',
    scale: { mode: Phaser.Scale.RESIZE, width: '100%', height: '100%' },
    antialias: true,
    disableContextMenu: true,
    // Keyboard and mouse are read with DOM listeners (the games' input, the shell's keys); Phaser's mouse
    // manager stays for cameras, nothing else.
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

/** 'webgl' or 'canvas': the renderer Phaser runs with. */
export function rendererName(g: Phaser.Game): 'webgl' | 'canvas' {
  return g.renderer.type === Phaser.WEBGL ? 'webgl' : 'canvas';
}

/** Adds a game's scene and starts it; the returned function removes it again (once). */
export function showScene(g: Phaser.Game, scene: Phaser.Scene): () => void {
  const key = scene.sys.settings.key;
  g.scene.add(key, scene, true);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    if (g.scene.getScene(key)) g.scene.remove(key);
  };
}
