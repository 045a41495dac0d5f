// window.__replay: what the replay viewer shows, in numbers, for the browser tests (positions as drawn,
// in the game's scene px, not pixels to parse), plus controls (seek, play, pause, speed, follow) that go
// through the same paths as the UI. Any game: what is drawn is read back from the game's scene.

import type { GameScene, TimelineMark } from '../games/client-game.js';
import type { SoundStatus } from '../sound/sound-engine.js';
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
  /** Living players as the scene drew them in the last frame (scene px). */
  drawnPlayers: { id: number; x: number; y: number }[];
  /** Where the last frame drew each living player on the canvas (px). */
  screen: { id: number; x: number; y: number }[];
  /** Scene point (px) at the centre of the main camera. */
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
  /** The timeline's markers: tick and what happened (the arena: "alpha killed bravo (rifle)"). */
  marks: { tick: number; text: string }[];
  /** The error screen's text ("title: message"), null when there is none. */
  error: string | null;
  /** The notice over the controls (cut-off or damaged recording), null when there is none. */
  notice: string | null;
  /** The sound engine (muting, browser permission, voices played); null before the replay is ready. */
  sound: SoundStatus | null;
  /** The participants in the camera panel: each one's seats (a player who came back has two). */
  participants: { name: string; playerIds: number[] }[];
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
  /** Free camera centred on a scene point (px). */
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
  scene: () => GameScene | null;
  marks: readonly TimelineMark[];
  renderer: 'webgl' | 'canvas' | null;
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
      const center = scene?.cameraCenter() ?? null;
      const drawn = (scene?.players() ?? []).filter((q) => q.screen !== null);
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
        drawnPlayers: drawn.map((q) => ({ id: q.id, x: q.x, y: q.y })),
        screen: drawn.map((q) => ({ id: q.id, x: q.screen!.x, y: q.screen!.y })),
        camera: center ? { x: center.x, y: center.y } : null,
        cameraGliding: d?.gliding ?? false,
        viewport: cam ? { width: cam.width, height: cam.height } : null,
        seekMs: p?.lastSeek?.ms ?? null,
        seekFromKeyframe: p?.lastSeek?.fromKeyframe ?? null,
        seekStepped: p?.lastSeek?.stepped ?? null,
        keyframes: p ? [...p.sim.keyframeTicks] : [],
        marks: src.marks.map((m) => ({ tick: m.tick, text: m.text })),
        error: src.error,
        notice: document.getElementById('replay-notice')?.hidden === false ? (document.getElementById('replay-notice')?.textContent ?? null) : null,
        sound: d?.hud.audio.status() ?? null,
        participants: (d?.participants.participants ?? []).map((q) => ({ name: q.name, playerIds: [...q.playerIds] })),
        now: performance.now(),
        renderer: src.renderer,
      };
    },
    seek: (tick) => need().seek(tick),
    play: () => need().playback.play(),
    pause: () => need().playback.pause(),
    setSpeed: (speed) => need().setSpeed(speed),
    follow: (playerId) => need().follow(playerId),
    lookAt: (x, y) => need().lookAt(x, y),
  };
}
