// window.__blobs: what the blobs scene drew in its last frame, in numbers, for the browser tests (the
// page's hook, window.__arena, knows no game: it has the players and the scores, not pellets or zoom), and
// how long its frames took. Harmless in production: it only reads.

import type { SampleWindow } from '../../../../shared/client/sliding-window.js';

export interface BlobsSceneState {
  /** Pellets drawn in the last frame (those in the camera's view), and pellets known (replicated). */
  pelletsDrawn: number;
  pelletsKnown: number;
  /** Pellet pops shown so far (pellets eaten on screen, the local blob's at once). */
  pops: number;
  /** Blobs eaten on screen so far (the gulp effect). */
  gulps: number;
  zoom: number;
  /** The mass of the blob in focus as drawn (the local one's is predicted), null when none is alive. */
  focusMass: number | null;
  /** The pellet nearest to the blob in focus that is not under it (scene px, and canvas px), null when none is known. */
  nearestPellet: { x: number; y: number; screenX: number; screenY: number } | null;
  /** The on-screen leaderboard's lines, e.g. "1. alice  42". */
  leaderboard: string[];
  /** The mass panel's text, e.g. "Mass 42". */
  massLabel: string | null;
  /** The last frames' (up to 120) ms from the scene's update to the end of Phaser's render. */
  frameWorkMs: FrameTimes;
  /** The last frames' (up to 120) ms between two updates. */
  frameIntervalMs: FrameTimes;
}

export interface FrameTimes {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

declare global {
  interface Window {
    __blobs?: { state(): BlobsSceneState };
  }
}

/** Installs the hook; the returned function removes it (if it is still this one). */
export function installBlobsHook(read: () => BlobsSceneState): () => void {
  const hook = { state: read };
  window.__blobs = hook;
  return () => {
    if (window.__blobs === hook) delete window.__blobs;
  };
}

/** The percentiles of a window of frame times. */
export function frameTimes(w: SampleWindow): FrameTimes {
  return { frames: w.size, p50: w.quantile(0.5), p95: w.quantile(0.95), max: w.quantile(1) };
}
