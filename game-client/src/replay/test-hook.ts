// window.__replay: what the replay viewer shows, in numbers, for the browser tests (positions as drawn,
// not pixels to parse), plus controls (seek, play, pause, speed, follow) that go through the same paths
// as the UI.

import { UNITS_PER_PX } from '../../../shared/game/arena/index.js';
import type { ArenaScene } from '../game/arena-scene.js';
import type { ReplayDriver } from './replay-driver.js';

export interface ReplayHookState {
  status: 'loading' | 'ready' | 'error';
  id: string;
  /** The whole tick shown. */
  tick: number;
  /** The fractional playback position (ticks). */
  position: number;
  startTick: number;
  endTick: number;
  tickRate: number;
  playing: boolean;
  speed: number;
  /** The followed player id; null: free camera. */
  following: number | null;
  /** The tick of the last frame drawn, when that frame was its exact state (paused); null between ticks. */
  drawnTick: number | null;
  /** Living players as the scene drew them in the last frame: sprite positions in world units. */
  drawnPlayers: { id: number; x: number; y: number }[];
  /** Where the last frame drew each living player on the canvas (px). */
  screen: { id: number; x: number; y: number }[];
  /** World point (units) at the centre of the main camera. */
  camera: { x: number; y: number } | null;
  /** The camera is gliding to the followed player (just chosen, or respawned) instead of centred on it. */
  cameraGliding: boolean;
  viewport: { width: number; height: number } | null;
  /** Wall time of the last seek (nearest keyframe, then steps), ms; null before any. */
  seekMs: number | null;
  /** The keyframe the last seek restored (null: none, stepped from the start or from where it was). */
  seekFromKeyframe: number | null;
  seekStepped: number | null;
  keyframes: number[];
  kills: { tick: number; killer: string; victim: string }[];
  /** The error screen's text ("title: message"), null when there is none. */
  error: string | null;
  /** The notice over the controls (cut-off or damaged recording), null when there is none. */
  notice: string | null;
  /** performance.now() of the page when read. */
  now: number;
  renderer: string | null;
}

export interface ReplayHook {
  state(): ReplayHookState;
  /** Seeks to a whole tick (clamped); returns the tick reached. */
  seek(tick: number): number;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  follow(playerId: number | null): void;
  /** Free camera centred on a world point, in world units. */
  lookAt(x: number, y: number): void;
}

declare global {
  interface Window {
    __replay?: ReplayHook;
  }
}

export interface ReplayHookSource {
  readonly id: string;
  status: ReplayHookState['status'];
  error: string | null;
  driver: ReplayDriver | null;
  scene: () => ArenaScene | null;
}

export function installReplayHook(src: ReplayHookSource): void {
  const need = (): ReplayDriver => {
    if (!src.driver) throw new Error(`the replay is not ready (${src.status}${src.error ? `: ${src.error}` : ''})`);
    return src.driver;
  };
  window.__replay = {
    state() {
      const d = src.driver;
      const p = d?.playback;
      const scene = src.scene();
      // Before its first step the scene has no cameras yet.
      const cam = scene?.cameras?.main ?? null;
      const center = scene && cam ? scene.cameraCenter() : null;
      return {
        status: src.status,
        id: src.id,
        tick: p?.tick ?? 0,
        position: p?.position ?? 0,
        startTick: p?.startTick ?? 0,
        endTick: p?.endTick ?? 0,
        tickRate: p?.tickRate ?? 0,
        playing: p?.playing ?? false,
        speed: p?.speed ?? 1,
        following: d?.following ?? null,
        drawnTick: d?.drawn?.exact ? d.drawn.tick : null,
        drawnPlayers: (scene?.drawnPlayers() ?? []).map((q) => ({ id: q.id, x: q.x * UNITS_PER_PX, y: q.y * UNITS_PER_PX })),
        screen: [...(scene?.screen ?? new Map<number, { x: number; y: number }>())].map(([id, s]) => ({ id, x: s.x, y: s.y })),
        camera: center ? { x: center.x * UNITS_PER_PX, y: center.y * UNITS_PER_PX } : null,
        cameraGliding: d?.gliding ?? false,
        viewport: cam ? { width: cam.width, height: cam.height } : null,
        seekMs: p?.lastSeek?.ms ?? null,
        seekFromKeyframe: p?.lastSeek?.fromKeyframe ?? null,
        seekStepped: p?.lastSeek?.stepped ?? null,
        keyframes: p ? [...p.sim.keyframeTicks] : [],
        kills: [...document.querySelectorAll('#replay .kill-marker')].map((el) => ({
          tick: Number(el.getAttribute('data-tick')),
          killer: el.getAttribute('data-killer') ?? '',
          victim: el.getAttribute('data-victim') ?? '',
        })),
        error: src.error,
        notice: document.getElementById('replay-notice')?.hidden === false ? (document.getElementById('replay-notice')?.textContent ?? null) : null,
        now: performance.now(),
        renderer: scene ? (scene.game.renderer.type === 2 ? 'webgl' : 'canvas') : null,
      };
    },
    seek: (tick) => need().seek(tick),
    play: () => need().playback.play(),
    pause: () => need().playback.pause(),
    setSpeed: (speed) => need().setSpeed(speed),
    follow: (playerId) => need().follow(playerId),
    lookAt: (x, y) => need().lookAt(x / UNITS_PER_PX, y / UNITS_PER_PX),
  };
}
