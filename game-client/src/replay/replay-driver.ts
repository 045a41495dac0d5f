// Drives the live game's ArenaScene from a recording: each frame advances the playback, interpolates
// between the two ticks around the playback position, reads the result with the same readWorld as live
// play, and hands the scene that WorldView and the events of the ticks passed (tracers, hits, kills,
// explosions). The camera follows a chosen player (centred on it) or is free (drag the map, WASD or the
// arrows).

import type Phaser from 'phaser';
import type { EntityState } from '../../../shared/codec/schema.js';
import { ARENA_MAP, UNITS_PER_PX } from '../../../shared/game/arena/index.js';
import type { CameraAim, SceneDriver, SceneFrame } from '../game/arena-scene.js';
import { readWorld, type WorldView } from '../game/world-view.js';
import { interpolateEntities } from './interpolate.js';
import type { ReplayPlayback } from './playback.js';
import type { TimelineData } from './timeline-data.js';
import { CONTROL_BAR_PX, type ReplayUi } from './replay-ui.js';

const WORLD_W = ARENA_MAP.width / UNITS_PER_PX;
const WORLD_H = ARENA_MAP.height / UNITS_PER_PX;
/** Free camera pan speed, px per second (x2.5 with Shift). */
const PAN_SPEED = 700;

const PAN_KEYS: Readonly<Record<string, readonly [number, number]>> = {
  KeyW: [0, -1],
  ArrowUp: [0, -1],
  KeyS: [0, 1],
  ArrowDown: [0, 1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

export class ReplayDriver implements SceneDriver {
  readonly localId = -1;
  readonly tickRate: number;
  readonly cameraBounds = 'free' as const;
  readonly bottomInset = CONTROL_BAR_PX;
  /** The player the camera follows; null: free camera. */
  following: number | null;
  /** The last frame drawn: its tick, and whether it was that tick's exact state (not between two ticks). */
  drawn: { tick: number; exact: boolean } | null = null;
  world: WorldView | null = null;
  /** The camera is gliding toward its target (another player chosen, a respawn) rather than on it. */
  gliding = false;
  private readonly held = new Set<string>();
  private shift = false;
  private free = { x: WORLD_W / 2, y: WORLD_H / 2 };
  private lastCamera = { x: WORLD_W / 2, y: WORLD_H / 2 };
  private lastNow: number | null = null;
  private scrubTo: number | null = null;
  private scrubbing = false;
  private drag: { x: number; y: number; id: number } | null = null;
  private readonly disposers: (() => void)[] = [];
  private failureShown = false;

  constructor(
    readonly playback: ReplayPlayback,
    readonly hud: ReplayUi,
    private readonly timeline: TimelineData,
    canvasHost: HTMLElement,
  ) {
    this.tickRate = playback.tickRate;
    this.following = timeline.participants[0]?.playerId ?? null;
    this.listen(window, 'keydown', (e) => this.onKey(e as KeyboardEvent, true));
    this.listen(window, 'keyup', (e) => this.onKey(e as KeyboardEvent, false));
    this.listen(window, 'blur', () => this.held.clear());
    this.listen(canvasHost, 'pointerdown', (e) => {
      const pe = e as PointerEvent;
      if (pe.button !== 0) return;
      this.drag = { x: pe.clientX, y: pe.clientY, id: pe.pointerId };
      canvasHost.setPointerCapture?.(pe.pointerId);
    });
    this.listen(canvasHost, 'pointermove', (e) => {
      const pe = e as PointerEvent;
      if (!this.drag || pe.pointerId !== this.drag.id) return;
      const dx = pe.clientX - this.drag.x;
      const dy = pe.clientY - this.drag.y;
      if (dx === 0 && dy === 0) return;
      this.drag.x = pe.clientX;
      this.drag.y = pe.clientY;
      this.goFree();
      this.moveFree(-dx, -dy);
    });
    const endDrag = () => {
      this.drag = null;
    };
    this.listen(canvasHost, 'pointerup', endDrag);
    this.listen(canvasHost, 'pointercancel', endDrag);
  }

  // ---- controls (the UI, the keyboard and the test hook) ----

  togglePlay(): void {
    this.playback.toggle();
  }

  seek(tick: number): number {
    this.scrubTo = null;
    const reached = this.playback.seek(tick);
    this.hud.clearEffects();
    return reached;
  }

  /** Timeline drags: one seek per frame at most, and playback holds still while the thumb is held. */
  scrub(tick: number, done: boolean): void {
    this.scrubbing = !done;
    this.scrubTo = tick;
    if (done) this.applyScrub();
  }

  setSpeed(speed: number): void {
    this.playback.setSpeed(speed);
  }

  follow(playerId: number | null): void {
    if (playerId === null) this.goFree();
    else this.following = playerId;
  }

  /** Free camera centred on a world point (px). */
  lookAt(x: number, y: number): void {
    this.following = null;
    this.free = { x: 0, y: 0 };
    this.moveFree(x, y);
  }

  dispose(): void {
    for (const off of this.disposers.splice(0)) off();
  }

  // ---- SceneDriver ----

  frame(now: number): SceneFrame {
    const dt = this.lastNow === null ? 0 : now - this.lastNow;
    this.lastNow = now;
    this.applyScrub();
    if (!this.scrubbing) this.playback.advance(dt);
    this.pan(dt);

    const f = this.playback.frame();
    const entities = interpolateEntities(f.a, f.b, f.alpha);
    const map = new Map<number, EntityState>();
    for (const e of entities) map.set(e.id, e);
    const world = readWorld(map, this.following ?? -1);
    this.world = world;
    this.drawn = { tick: f.tick, exact: f.alpha === 0 };
    const events = this.playback.takeEvents();
    this.hud.setEnd(this.playback.endTick);
    // The recording stopped re-simulating somewhere (found when the playback got there): say so, once.
    if (this.playback.failure && !this.failureShown) {
      this.failureShown = true;
      this.hud.setNotice(`The replay stops at tick ${this.playback.endTick}: ${this.playback.failure.message}`, 'error');
    }
    this.hud.update({
      tick: f.tick,
      position: this.playback.position,
      endTick: this.playback.endTick,
      playing: this.playback.playing,
      speed: this.playback.speed,
      following: this.following,
      scores: world.scores,
      matchTicksLeft: world.match ? world.match.endTick - (f.tick + f.alpha) : null,
      matchNumber: world.match?.matchNumber ?? 1,
    });
    return { world, events, ghost: null };
  }

  nameOf(playerId: number): string {
    return this.timeline.nameOf(playerId);
  }

  camera(world: WorldView, cam: Phaser.Cameras.Scene2D.Camera): CameraAim | null {
    this.lastCamera = { x: cam.scrollX + cam.width / 2 / cam.zoom, y: cam.scrollY + cam.height / 2 / cam.zoom };
    this.gliding = false;
    if (this.following === null) return { x: this.free.x, y: this.free.y, ease: 1 };
    const p = world.players.find((q) => q.id === this.following);
    if (!p) return null;
    // Centred on the player; a jump (respawn, another player chosen) glides there.
    this.gliding = Math.hypot(p.x - this.lastCamera.x, p.y - this.lastCamera.y) > 160;
    return { x: p.x, y: p.y, ease: this.gliding ? 0.2 : 1 };
  }

  localFiring(): boolean {
    return false;
  }

  // ---- internals ----

  private applyScrub(): void {
    if (this.scrubTo === null) return;
    const tick = this.scrubTo;
    this.scrubTo = null;
    if (tick !== this.playback.tick || this.playback.position !== tick) this.seek(tick);
  }

  private goFree(): void {
    if (this.following !== null) this.free = { ...this.lastCamera };
    this.following = null;
  }

  private moveFree(dx: number, dy: number): void {
    this.free = {
      x: Math.max(0, Math.min(WORLD_W, this.free.x + dx)),
      y: Math.max(0, Math.min(WORLD_H, this.free.y + dy)),
    };
  }

  private pan(dtMs: number): void {
    if (this.held.size === 0) return;
    let dx = 0;
    let dy = 0;
    for (const code of this.held) {
      const d = PAN_KEYS[code];
      if (d) {
        dx += d[0];
        dy += d[1];
      }
    }
    if (dx === 0 && dy === 0) return;
    this.goFree();
    const step = (PAN_SPEED * (this.shift ? 2.5 : 1) * Math.min(dtMs, 100)) / 1000;
    const len = Math.hypot(dx, dy);
    this.moveFree((dx / len) * step, (dy / len) * step);
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    this.shift = e.shiftKey;
    const target = e.target as HTMLElement | null;
    const tag = target?.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    if (PAN_KEYS[e.code]) {
      e.preventDefault();
      if (down) this.held.add(e.code);
      else this.held.delete(e.code);
      return;
    }
    if (!down) return;
    // A focused button keeps its own Space (keyboard users); clicked controls never keep focus.
    if (e.code === 'Space' && tag !== 'BUTTON' && tag !== 'A') {
      e.preventDefault();
      if (!e.repeat) this.togglePlay();
    } else if (e.code === 'Comma' || e.code === 'Period') {
      e.preventDefault();
      if (this.playback.playing) this.playback.pause();
      this.seek(this.playback.tick + (e.code === 'Comma' ? -1 : 1));
    } else if (e.code === 'Home') {
      this.seek(this.playback.startTick);
    } else if (e.code === 'End') {
      this.seek(this.playback.endTick);
    }
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, fn);
    this.disposers.push(() => target.removeEventListener(type, fn));
  }
}
