// window.__camera: where a game scene's live camera looks and where its minimap draws the box of that
// view, in numbers, for the browser tests (camera-bounds.ts keeps both inside their frames). Harmless in
// production: it only reads.

import type { Rect } from './camera-bounds.js';

export interface CameraHookState {
  /** The main camera's view of the world (scene px). */
  readonly view: Rect;
  /** The world's extent (scene px): [0, width] x [0, height]. */
  readonly world: { readonly width: number; readonly height: number };
  /** The minimap while it shows: its frame and the outer edge of the view's box, both in canvas px (box null when not drawn). */
  readonly minimap: { readonly frame: Rect; readonly box: Rect | null } | null;
}

declare global {
  interface Window {
    __camera?: { state(): CameraHookState | null };
  }
}

/** Installs the hook; the returned function removes it (if it is still this one). */
export function installCameraHook(read: () => CameraHookState | null): () => void {
  const hook = { state: read };
  window.__camera = hook;
  return () => {
    if (window.__camera === hook) delete window.__camera;
  };
}
