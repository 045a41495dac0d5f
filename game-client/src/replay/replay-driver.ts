// Drives the game's own scene (the one live play uses) from a recording: each frame advances the playback,
// interpolates between the two ticks around the playback position with the game's interpolation model,
// and hands the scene those entities and the events of the ticks passed (the arena: tracers, hits, kills,
// explosions). The camera follows a chosen player (centred on it) or is free (drag the map, WASD or the
// arrows). Any game: positions are the scene's px, read back from what the scene drew.

import type { EntityState } from '../../../shared/codec/schema.js';
import type { CameraAim, CameraView, GameParts, SceneFrame, SceneSource } from '../games/client-game.js';
import { interpolateEntities } from './interpolate.js';
import type { Participants } from './participants.js';
import type { ReplayPlayback } from './playback.js';
import { CONTROL_BAR_PX, type ReplayUi } from './replay-ui.js';

/** Free camera pan speed, screen px per second (x2.5 with Shift). */
const PAN_SPEED = 700;
/** A followed player this far (scene px) from the camera's centre is glided to, not jumped to. */
const GLIDE_FROM = 160;

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

export class ReplayDriver implements SceneSource {
  readonly localId = -1;
  readonly tickRate: number;
  readonly bottomInset = CONTROL_BAR_PX;
  /** The player the camera follows; null: free camera. */
  following: number | null;
  /** The last frame drawn: its tick, and whether it was that tick's exact state (not between two ticks). */
  drawn: { tick: number; exact: boolean } | null = null;
  /** The camera is gliding toward its target (another player chosen, a respawn) rather than on it. */
  gliding = false;
  private readonly held = new Set<string>();
  private shift = false;
  /** The world's extent (scene px), as the scene reports it; the free camera stays within. */
  private world: { width: number; height: number } | null = null;
  /** Where the free camera looks (scene px); null: the middle of the world. */
  private free: { x: number; y: number } | null = null;
  private lastCamera: { x: number; y: number } | null = null;
  private lastNow: number | null = null;
  private scrubTo: number | null = null;
  private scrubbing = false;
  private drag: { x: number; y: number; id: number } | null = null;
  private readonly disposers: (() => void)[] = [];
  private failureShown = false;

  constructor(
    readonly playback: ReplayPlayback,
    readonly hud: ReplayUi,
    private readonly parts: GameParts,
    readonly participants: Participants,
    canvasHost: HTMLElement,
  ) {
    this.tickRate = playback.tickRate;
    this.following = participants.participants[0]?.playerId ?? null;
    hud.hearFrom(() => this.lastCamera);
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

  /** Free camera centred on a scene point (px). */
  lookAt(x: number, y: number): void {
    this.following = null;
    this.free = { x: 0, y: 0 };
    this.moveFree(x, y);
  }

  dispose(): void {
    for (const off of this.disposers.splice(0)) off();
  }

  // ---- SceneSource ----

  frame(now: number): SceneFrame {
    const dt = this.lastNow === null ? 0 : now - this.lastNow;
    this.lastNow = now;
    this.applyScrub();
    if (!this.scrubbing) this.playback.advance(dt);
    this.pan(dt);

    const f = this.playback.frame();
    const entities = new Map<number, EntityState>();
    for (const e of interpolateEntities(f.a, f.b, f.alpha, this.parts.interpolation)) entities.set(e.id, e);
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
      rows: this.parts.scoreboard.read(entities),
    });
    return {
      entities,
      events,
      tick: f.tick + f.alpha,
      serverTick: f.tick,
      focus: this.following,
      input: null,
      pointer: null,
      authoritative: null,
      debug: false,
    };
  }

  nameOf(playerId: number): string {
    return this.participants.nameOf(playerId);
  }

  camera(view: CameraView): CameraAim | null {
    this.world = { width: view.world.width, height: view.world.height };
    this.lastCamera = { x: view.center.x, y: view.center.y };
    this.gliding = false;
    if (this.following === null) {
      this.free ??= { x: view.world.width / 2, y: view.world.height / 2 };
      return { x: this.free.x, y: this.free.y, ease: 1 };
    }
    const p = this.followedPlayer(view.players);
    if (!p) return null;
    this.following = p.id;
    // Centred on the player; a jump (respawn, another player chosen) glides there.
    this.gliding = Math.hypot(p.x - this.lastCamera.x, p.y - this.lastCamera.y) > GLIDE_FROM;
    return { x: p.x, y: p.y, ease: this.gliding ? 0.2 : 1 };
  }

  // ---- internals ----

  /** The followed player, or the seat it took after leaving and coming back (the same participant). */
  private followedPlayer<P extends { readonly id: number }>(players: readonly P[]): P | null {
    const exact = players.find((q) => q.id === this.following);
    if (exact || this.following === null) return exact ?? null;
    const ids = this.participants.ofPlayer(this.following)?.playerIds ?? [];
    return players.find((q) => ids.includes(q.id)) ?? null;
  }

  private applyScrub(): void {
    if (this.scrubTo === null) return;
    const tick = this.scrubTo;
    this.scrubTo = null;
    if (tick !== this.playback.tick || this.playback.position !== tick) this.seek(tick);
  }

  private goFree(): void {
    if (this.following !== null && this.lastCamera) this.free = { ...this.lastCamera };
    this.following = null;
  }

  private moveFree(dx: number, dy: number): void {
    const from = this.free ?? (this.world ? { x: this.world.width / 2, y: this.world.height / 2 } : { x: 0, y: 0 });
    const x = from.x + dx;
    const y = from.y + dy;
    this.free = this.world
      ? { x: Math.max(0, Math.min(this.world.width, x)), y: Math.max(0, Math.min(this.world.height, y)) }
      : { x, y };
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
