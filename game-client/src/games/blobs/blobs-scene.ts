// Blobs' Phaser scene: the large world with its subtle grid and red border, the pellets (one Graphics
// redrawn per frame, only those in view, one fill colour at a time), the blobs (filled circles with an
// outline, name and mass, sized by mass, bigger ones on top), effects for eating (pellet pops, a gulp and
// crumbs when a blob is eaten, a spawn ring, boost trails), the debug ghost, a camera that follows the
// local blob and zooms out smoothly as it grows (in live play never showing past the world's edge:
// camera-bounds.ts), and its own panels (blobs-overlay.ts). It draws; its
// SceneSource decides what: the shell's live play or its replay viewer. It fills in the HUD's widgets
// (match clock, eaten feed, match results, "you were eaten" with the respawn countdown).

import Phaser from 'phaser';
import { SampleWindow } from '../../../../shared/client/sliding-window.js';
import type { GameEvent } from '../../../../shared/codec/schema.js';
import {
  BLOBS_UNITS_PER_PX,
  BOOST_COOLDOWN_TICKS,
  EAT_GAIN_PERCENT,
  EVT_ATE_PELLET,
  EVT_ATE_PLAYER,
  EVT_BOOST,
  EVT_MATCH_END,
  EVT_RESPAWN,
  START_MASS,
  WORLD_SIZE,
  type BlobsInput,
} from '../../../../shared/game/blobs/index.js';
import { coversPellet } from '../../../../shared/game/blobs/pellets.js';
import { cssColor } from '../../dom.js';
import { BREAK_LABEL } from '../../hud/match-clock.js';
import { LOCAL_COLOR, playerColor } from '../../player-colors.js';
import { clampCameraCentre } from '../camera-bounds.js';
import { installCameraHook, type CameraHookState } from '../camera-hook.js';
import type { CameraAim, DrawnPlayer, GameScene, SceneFrame, SceneSource } from '../client-game.js';
import { BlobsOverlay } from './blobs-overlay.js';
import { ease, zoomFor } from './camera-zoom.js';
import { eatFeedParts } from './eat-text.js';
import { matchEndResult } from './match-end.js';
import { frameTimes, installBlobsHook, type BlobsSceneState } from './scene-hook.js';
import { blobsScoreboard } from './scoreboard.js';
import { radiusPx, readBlob, readWorld, type BlobView, type BlobsWorldView, type PelletView } from './world-view.js';

const WORLD_PX = WORLD_SIZE / BLOBS_UNITS_PER_PX;
const WORLD = { width: WORLD_PX, height: WORLD_PX } as const;
const GRID_PX = 50;
const OUTSIDE = 0x07090d;
const FLOOR = 0x111620;
const GRID = 0x1c2432;
const BORDER = 0xff5c5c;
const PELLET_PX = 5;
/** Pellet colours, indexed by the pellet's colour field (PELLET_COLOURS of them). */
const PELLET_PALETTE = [0xff6b6b, 0xffa94d, 0xffd43b, 0xa9e34b, 0x38d9a9, 0x4dabf7, 0xb197fc, 0xf783ac];
/** A pellet the local blob ate stays hidden this long at most while the server has not confirmed it. */
const HIDE_EATEN_MS = 1000;
/** The camera catches up with the blob over about this long. */
const CAMERA_EASE_MS = 70;
/** Live play: a camera target farther than this (scene px) is cut to. */
const CAMERA_CUT_PX = 600;
const ZOOM_EASE_MS = 600;
/** Replays' free camera: wide enough to look around. */
const FREE_ZOOM = 0.6;
/** Frame times are kept for the last 2 s (at 60 fps) for the test hook. */
const FRAMES_MEASURED = 120;

interface BlobSprite {
  readonly body: Phaser.GameObjects.Graphics;
  readonly name: Phaser.GameObjects.Text;
  readonly mass: Phaser.GameObjects.Text;
  readonly color: number;
  lastName: string;
  lastMass: number;
  /** Until when it is drawn lit up (it just ate a blob). */
  flashUntil: number;
}

interface Effect {
  readonly kind: 'pop' | 'gulp' | 'spawn' | 'puff';
  readonly x: number;
  readonly y: number;
  readonly color: number;
  /** Scene px: the pellet's, the eaten blob's or the spawned blob's radius. */
  readonly size: number;
  readonly born: number;
}

/** A piece flying out of an eaten blob. */
interface Crumb {
  x: number;
  y: number;
  readonly vx: number;
  readonly vy: number;
  readonly r: number;
  readonly color: number;
  readonly born: number;
}

const EFFECT_MS: Readonly<Record<Effect['kind'], number>> = { pop: 260, gulp: 520, spawn: 600, puff: 300 };
const CRUMB_MS = 650;

export class BlobsScene extends Phaser.Scene implements GameScene {
  private worldLayer!: Phaser.GameObjects.Layer;
  private ground!: Phaser.GameObjects.Graphics;
  private pellets!: Phaser.GameObjects.Graphics;
  private fx!: Phaser.GameObjects.Graphics;
  private ghost!: Phaser.GameObjects.Graphics;
  private overlay!: BlobsOverlay;
  private uiCamera!: Phaser.Cameras.Scene2D.Camera;
  private readonly sprites = new Map<number, BlobSprite>();
  private effects: Effect[] = [];
  private crumbs: Crumb[] = [];
  /** Pellets the local (predicted) blob covered, hidden until the server's snapshots drop them: id → until. */
  private readonly eatenHere = new Map<number, number>();
  /** The pellets of the last frame (an eaten pellet's pop is drawn where it was), indexed when needed. */
  private lastPellets: readonly PelletView[] = [];
  private lastPelletIndex: Map<number, PelletView> | null = null;
  /** Pellet indices by colour, reused every frame. */
  private readonly buckets: number[][] = PELLET_PALETTE.map(() => []);
  private camX = WORLD_PX / 2;
  private camY = WORLD_PX / 2;
  private zoom = 1;
  private cameraPlaced = false;
  private lastNow: number | null = null;
  /** Who ate the local blob, for the message while it waits to respawn. */
  private eatenBy: number | null = null;
  /** Live play: when the local blob may boost again (ms), from its (predicted) boosts. */
  private boostReadyAt = 0;
  private wasBoosting = false;
  /** What the last frame drew (read back by the shell's test hooks and replay camera). */
  private lastWorld: BlobsWorldView | null = null;
  private lastAuthoritative: BlobView | null = null;
  private lastFocus: BlobView | null = null;
  private readonly screen = new Map<number, { x: number; y: number }>();
  private pelletsDrawn = 0;
  private pops = 0;
  private gulps = 0;
  private updateStartedAt = 0;
  private readonly frameWork = new SampleWindow(FRAMES_MEASURED);
  private readonly frameInterval = new SampleWindow(FRAMES_MEASURED);

  constructor(private readonly source: SceneSource<BlobsInput>) {
    super('blobs');
  }

  create(): void {
    const cam = this.cameras.main;
    cam.setBackgroundColor(OUTSIDE);
    this.worldLayer = this.add.layer();
    const uiLayer = this.add.layer();
    this.ground = this.add.graphics().setDepth(0);
    this.pellets = this.add.graphics().setDepth(10);
    this.fx = this.add.graphics().setDepth(500);
    this.ghost = this.add.graphics().setDepth(600);
    this.worldLayer.add([this.ground, this.pellets, this.fx, this.ghost]);
    // The panels have a camera of their own that does not zoom.
    this.uiCamera = this.cameras.add(0, 0, this.scale.width, this.scale.height, false, 'blobs-ui');
    this.overlay = new BlobsOverlay(this, uiLayer, WORLD_PX);
    cam.ignore(uiLayer);
    this.uiCamera.ignore(this.worldLayer);
    this.onResize();
    this.scale.on('resize', this.onResize, this);
    const measure = () => {
      if (this.updateStartedAt > 0) this.frameWork.add(performance.now() - this.updateStartedAt);
    };
    this.game.events.on(Phaser.Core.Events.POST_RENDER, measure);
    const removeHook = installBlobsHook(() => this.hookState());
    const removeCameraHook = installCameraHook(() => this.cameraState());
    let cleaned = false;
    const cleanup = () => {
      if (cleaned) return;
      cleaned = true;
      this.scale.off('resize', this.onResize, this);
      this.game.events.off(Phaser.Core.Events.POST_RENDER, measure);
      removeHook();
      removeCameraHook();
    };
    // The shell removes a scene (DESTROY, no SHUTDOWN) when the room or replay ends.
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, cleanup);
    this.events.once(Phaser.Scenes.Events.DESTROY, cleanup);
  }

  override update(): void {
    const now = performance.now();
    this.updateStartedAt = now;
    const dt = this.lastNow === null ? 0 : now - this.lastNow;
    if (this.lastNow !== null) this.frameInterval.add(dt);
    this.lastNow = now;
    const cam = this.cameras.main;
    const frame = this.source.frame(now, (sx, sy) => cam.getWorldPoint(sx, sy));
    const localId = this.source.localId;
    const world = readWorld(frame.entities, localId);
    const local = world.blobs.find((b) => b.local) ?? null;
    const authoritative = frame.authoritative?.get(localId);
    this.lastAuthoritative = authoritative ? readBlob(authoritative, '', true) : null;

    this.eatUnderLocal(world, local, now);
    this.handleEvents(frame.events, world, now);
    this.trackBoost(local, now);
    this.placeCamera(world, local, frame, dt);
    const view = this.view();
    this.drawGround(view);
    this.drawPellets(world.pellets, view);
    this.syncBlobs(world.blobs, now);
    this.drawFx(now);
    this.drawGhost(frame.debug ? this.lastAuthoritative : null);
    const focus = world.blobs.find((b) => b.id === frame.focus && b.alive) ?? null;
    this.lastFocus = focus;
    this.overlay.update({
      rows: blobsScoreboard.read(frame.entities),
      localId,
      focus,
      boost: localId >= 0 ? { readyInMs: Math.max(0, this.boostReadyAt - now), cooldownMs: this.cooldownMs() } : null,
      blobs: world.blobs,
      view,
    });
    this.updateHud(world, local, frame.tick, frame.serverTick);

    this.lastWorld = world;
    this.lastPellets = world.pellets;
    this.lastPelletIndex = null;
    this.screen.clear();
    for (const b of world.blobs) if (b.alive) this.screen.set(b.id, this.toScreen(b.x, b.y));
  }

  // ---- GameScene: what the shell reads back ----

  players(): DrawnPlayer[] {
    return this.lastWorld ? this.drawn(this.lastWorld) : [];
  }

  authoritative(): { x: number; y: number; alive: boolean } | null {
    const a = this.lastAuthoritative;
    return a ? { x: a.x, y: a.y, alive: a.alive } : null;
  }

  cameraCenter(): { x: number; y: number } | null {
    // Before its first step the scene has no cameras yet.
    const cam = this.cameras?.main;
    if (!cam) return null;
    return { x: cam.scrollX + cam.width / 2, y: cam.scrollY + cam.height / 2 };
  }

  // ---- the HUD's game widgets ----

  private updateHud(world: BlobsWorldView, local: BlobView | null, tick: number, serverTick: number): void {
    const hud = this.source.hud;
    const match = world.match;
    if (match) hud.clock(match.endTick - tick, match.intermission ? BREAK_LABEL : `match ${match.matchNumber}`);
    // While dead: who ate it, and the respawn countdown (a match's end has the shell's match-end screen).
    if (local && !local.alive && local.respawnTick > 0) {
      const by = this.eatenBy === null ? 'You were eaten' : `You were eaten by ${this.source.nameOf(this.eatenBy)}`;
      const seconds = Math.max(0, Math.ceil((local.respawnTick - serverTick) / this.source.tickRate));
      hud.status({ title: by, detail: `Respawning in ${seconds}…` });
    } else {
      hud.status(null);
    }
  }

  // ---- events ----

  /**
   * The pellets the local blob covers are eaten now as the prediction eats them (the server's event
   * comes a round trip and an interpolation delay later): popped and hidden until the server drops them.
   */
  private eatUnderLocal(world: BlobsWorldView, local: BlobView | null, now: number): void {
    for (const [id, until] of this.eatenHere) if (now > until) this.eatenHere.delete(id);
    if (!local || !local.alive) return;
    for (const p of world.pellets) {
      if (!coversPellet(local.x, local.y, local.radius, p.x, p.y) || this.eatenHere.has(p.id)) continue;
      this.eatenHere.set(p.id, now + HIDE_EATEN_MS);
      this.pop(p, now, true);
    }
  }

  private pop(p: PelletView, now: number, mine: boolean): void {
    this.effects.push({ kind: 'pop', x: p.x, y: p.y, color: pelletColor(p.colour), size: PELLET_PX, born: now });
    this.pops++;
    if (mine) this.source.hud.sound('pickup');
  }

  private handleEvents(events: SceneFrame['events'], world: BlobsWorldView, now: number): void {
    const localId = this.source.localId;
    const hud = this.source.hud;
    for (const { event } of events) {
      const n = (i: number) => (typeof event[i] === 'number' ? (event[i] as number) : 0);
      switch (n(0)) {
        case EVT_ATE_PELLET: {
          // The local blob's pellets popped when it covered them, unless its drawn circle never quite did.
          this.lastPelletIndex ??= new Map(this.lastPellets.map((p) => [p.id, p]));
          const pellet = this.lastPelletIndex.get(n(2));
          if (pellet && !this.eatenHere.has(pellet.id)) this.pop(pellet, now, n(1) === localId);
          break;
        }
        case EVT_ATE_PLAYER: {
          const eater = n(1);
          const prey = n(2);
          const x = n(4) / BLOBS_UNITS_PER_PX;
          const y = n(5) / BLOBS_UNITS_PER_PX;
          const color = playerColor(prey);
          const size = radiusPx(n(3));
          this.effects.push({ kind: 'gulp', x, y, color, size, born: now });
          this.scatter(x, y, size, color, now);
          this.gulps++;
          const sprite = this.sprites.get(eater);
          if (sprite) sprite.flashUntil = now + 160;
          hud.feed(
            eatFeedParts({ name: this.source.nameOf(eater), color: playerColor(eater) }, { name: this.source.nameOf(prey), color }, n(3)),
            eater === localId || prey === localId,
          );
          if (prey === localId) {
            this.eatenBy = eater;
            this.cameras.main.shake(220, 0.01);
            hud.pain(1);
            hud.sound('hit');
          } else {
            hud.sound('kill', { x, y });
          }
          if (eater === localId) {
            this.floatText(x, y, `+${Math.floor((n(3) * EAT_GAIN_PERCENT) / 100)}`);
          }
          break;
        }
        case EVT_RESPAWN: {
          const id = n(1);
          const x = n(2) / BLOBS_UNITS_PER_PX;
          const y = n(3) / BLOBS_UNITS_PER_PX;
          this.effects.push({ kind: 'spawn', x, y, color: playerColor(id), size: radiusPx(START_MASS), born: now });
          if (id === localId) this.eatenBy = null;
          break;
        }
        case EVT_BOOST: {
          const b = world.blobs.find((q) => q.id === n(1));
          if (b) this.effects.push({ kind: 'puff', x: b.x, y: b.y, color: playerColor(b.id), size: b.radius, born: now });
          break;
        }
        case EVT_MATCH_END:
          hud.matchOver(matchEndResult(event, (id) => this.source.nameOf(id)));
          hud.sound('matchEnd');
          break;
      }
    }
  }

  /** Live play: the boost meter follows the local blob's boosts as predicted (a boost starts at once). */
  private trackBoost(local: BlobView | null, now: number): void {
    const boosting = local?.boosting ?? false;
    if (boosting && !this.wasBoosting) this.boostReadyAt = now + this.cooldownMs();
    if (local && !local.alive) this.boostReadyAt = 0;
    this.wasBoosting = boosting;
  }

  private cooldownMs(): number {
    return (BOOST_COOLDOWN_TICKS * 1000) / this.source.tickRate;
  }

  private scatter(x: number, y: number, r: number, color: number, now: number): void {
    for (let i = 0; i < 16; i++) {
      const a = Math.random() * Math.PI * 2;
      const speed = 0.08 + Math.random() * 0.22; // px per ms
      this.crumbs.push({ x: x + Math.cos(a) * r * 0.5, y: y + Math.sin(a) * r * 0.5, vx: Math.cos(a) * speed, vy: Math.sin(a) * speed, r: 3 + Math.random() * 4, color, born: now });
    }
  }

  private floatText(x: number, y: number, text: string): void {
    const t = this.add
      .text(x, y, text, { fontFamily: 'system-ui, sans-serif', fontSize: '22px', fontStyle: 'bold', color: '#ffd43b', stroke: '#05070a', strokeThickness: 4 })
      .setOrigin(0.5)
      .setDepth(550);
    this.worldLayer.add(t);
    this.tweens.add({ targets: t, y: y - 60, alpha: 0, duration: 900, ease: 'Cubic.easeOut', onComplete: () => t.destroy() });
  }

  // ---- camera ----

  /** Where a scene point is drawn on the canvas (the main camera zooms about its centre). */
  private toScreen(x: number, y: number): { x: number; y: number } {
    const cam = this.cameras.main;
    return { x: (x - this.camX) * this.zoom + cam.width / 2, y: (y - this.camY) * this.zoom + cam.height / 2 };
  }

  /** The world rectangle the main camera shows (scene px). */
  private view(): { x: number; y: number; width: number; height: number } {
    const cam = this.cameras.main;
    const w = cam.width / this.zoom;
    const h = cam.height / this.zoom;
    return { x: this.camX - w / 2, y: this.camY - h / 2, width: w, height: h };
  }

  private placeCamera(world: BlobsWorldView, local: BlobView | null, frame: SceneFrame<BlobsInput>, dt: number): void {
    const cam = this.cameras.main;
    let aim: CameraAim | null;
    let radius: number | null;
    if (this.source.camera) {
      aim = this.source.camera({ players: this.drawn(world), center: { x: this.camX, y: this.camY }, world: WORLD });
      const followed = world.blobs.find((b) => b.id === frame.focus && b.alive);
      radius = followed ? followed.radius : null;
    } else {
      // Live: on the local blob; while it waits to respawn, on the blob that ate it (if in view). A jump
      // (a respawn elsewhere) is a cut, not a ride across the world.
      const target = local?.alive ? local : world.blobs.find((b) => b.id === this.eatenBy && b.alive);
      const far = target !== undefined && Math.hypot(target.x - this.camX, target.y - this.camY) > CAMERA_CUT_PX;
      aim = target ? { x: target.x, y: target.y, ease: far ? 1 : 1 - Math.exp(-dt / CAMERA_EASE_MS) } : null;
      radius = local?.alive ? local.radius : null;
    }
    if (aim) {
      if (!this.cameraPlaced || aim.ease >= 1) {
        this.camX = aim.x;
        this.camY = aim.y;
        this.cameraPlaced = true;
      } else {
        this.camX += (aim.x - this.camX) * aim.ease;
        this.camY += (aim.y - this.camY) * aim.ease;
      }
    }
    const target = radius !== null ? zoomFor(radius, cam.width, cam.height) : this.source.camera && frame.focus === null ? FREE_ZOOM : this.zoom;
    this.zoom = this.cameraPlaced && dt > 0 ? ease(this.zoom, target, dt, ZOOM_EASE_MS) : target;
    if (!this.source.camera) {
      // Live play: no band past the world's red border, whatever the zoom (a replay's camera is free).
      const kept = clampCameraCentre(this.camX, this.camY, cam.width / this.zoom, cam.height / this.zoom, WORLD);
      this.camX = kept.x;
      this.camY = kept.y;
    }
    cam.setZoom(this.zoom);
    cam.centerOn(this.camX, this.camY);
  }

  private onResize(): void {
    const { width, height } = this.scale;
    this.uiCamera.setSize(width, height);
    this.overlay.layout(width, height, this.source.bottomInset);
  }

  // ---- drawing ----

  private drawGround(view: { x: number; y: number; width: number; height: number }): void {
    const g = this.ground;
    g.clear();
    g.fillStyle(FLOOR, 1);
    g.fillRect(0, 0, WORLD_PX, WORLD_PX);
    // The grid lines in view, one screen pixel wide whatever the zoom.
    const x0 = Math.max(0, Math.ceil(view.x / GRID_PX) * GRID_PX);
    const x1 = Math.min(WORLD_PX, view.x + view.width);
    const y0 = Math.max(0, Math.ceil(view.y / GRID_PX) * GRID_PX);
    const y1 = Math.min(WORLD_PX, view.y + view.height);
    const top = Math.max(0, view.y);
    const left = Math.max(0, view.x);
    g.lineStyle(1 / this.zoom, GRID, 1);
    g.beginPath();
    for (let x = x0; x <= x1; x += GRID_PX) {
      g.moveTo(x, top);
      g.lineTo(x, y1);
    }
    for (let y = y0; y <= y1; y += GRID_PX) {
      g.moveTo(left, y);
      g.lineTo(x1, y);
    }
    g.strokePath();
    // The border along the inside of the world's edge: the live camera never shows past that edge.
    g.lineStyle(8, BORDER, 0.85);
    g.strokeRect(4, 4, WORLD_PX - 8, WORLD_PX - 8);
  }

  /** Only the pellets in view, grouped by colour: one fill style per colour, a circle per pellet. */
  private drawPellets(pellets: readonly PelletView[], view: { x: number; y: number; width: number; height: number }): void {
    const g = this.pellets;
    g.clear();
    for (const b of this.buckets) b.length = 0;
    const left = view.x - PELLET_PX;
    const right = view.x + view.width + PELLET_PX;
    const top = view.y - PELLET_PX;
    const bottom = view.y + view.height + PELLET_PX;
    let drawn = 0;
    for (let i = 0; i < pellets.length; i++) {
      const p = pellets[i]!;
      if (p.x < left || p.x > right || p.y < top || p.y > bottom || this.eatenHere.has(p.id)) continue;
      this.buckets[p.colour % PELLET_PALETTE.length]!.push(i);
      drawn++;
    }
    this.buckets.forEach((bucket, colour) => {
      if (bucket.length === 0) return;
      g.fillStyle(PELLET_PALETTE[colour]!, 1);
      for (const i of bucket) g.fillCircle(pellets[i]!.x, pellets[i]!.y, PELLET_PX);
    });
    this.pelletsDrawn = drawn;
  }

  private createSprite(b: BlobView): BlobSprite {
    const color = playerColor(b.id);
    const style = (size: number): Phaser.Types.GameObjects.Text.TextStyle => ({
      fontFamily: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
      fontSize: `${size}px`,
      fontStyle: 'bold',
      color: '#ffffff',
      stroke: cssColor(shade(color, 0.35)),
      strokeThickness: Math.round(size / 5),
      resolution: Math.min(2, window.devicePixelRatio || 1) * 1.5,
    });
    const body = this.add.graphics();
    const name = this.add.text(0, 0, b.name, style(30)).setOrigin(0.5, 0.6);
    const mass = this.add.text(0, 0, '', style(20)).setOrigin(0.5, 0);
    this.worldLayer.add([body, name, mass]);
    return { body, name, mass, color, lastName: b.name, lastMass: -1, flashUntil: 0 };
  }

  private syncBlobs(blobs: readonly BlobView[], now: number): void {
    const seen = new Set<number>();
    for (const b of blobs) {
      seen.add(b.id);
      let s = this.sprites.get(b.id);
      if (!s) {
        s = this.createSprite(b);
        this.sprites.set(b.id, s);
      }
      s.body.setVisible(b.alive);
      s.name.setVisible(b.alive);
      s.mass.setVisible(b.alive);
      if (!b.alive) continue;
      // Bigger blobs on top (a blob is drawn over what it is about to eat).
      const depth = 100 + b.radius / 100;
      s.body.setDepth(depth);
      s.name.setDepth(depth + 0.001);
      s.mass.setDepth(depth + 0.001);
      this.drawBlob(s, b, now);
      if (b.name !== s.lastName) {
        s.lastName = b.name;
        s.name.setText(b.name);
      }
      const mass = Math.round(b.mass);
      if (mass !== s.lastMass) {
        s.lastMass = mass;
        s.mass.setText(String(mass));
      }
      // Text sized to the blob: readable on a small one, not swamping a big one.
      const scale = Math.max(0.42, Math.min(1.8, b.radius / 62));
      s.name.setScale(scale).setPosition(b.x, b.y);
      s.mass.setScale(scale).setPosition(b.x, b.y + 6 * scale);
    }
    for (const [id, s] of this.sprites) {
      if (seen.has(id)) continue;
      s.body.destroy();
      s.name.destroy();
      s.mass.destroy();
      this.sprites.delete(id);
    }
  }

  private drawBlob(s: BlobSprite, b: BlobView, now: number): void {
    const g = s.body;
    g.clear();
    const r = b.radius;
    if (b.boosting) {
      // A trail of fading copies behind it.
      for (let k = 3; k >= 1; k--) {
        g.fillStyle(s.color, 0.09 * (4 - k));
        g.fillCircle(b.x - b.vx * k * 2.5, b.y - b.vy * k * 2.5, r * (1 - k * 0.06));
      }
    }
    const alpha = b.protected ? 0.55 + 0.2 * Math.sin(now / 110) : 1;
    g.fillStyle(now < s.flashUntil ? shade(s.color, 1.45) : s.color, alpha);
    g.fillCircle(b.x, b.y, r);
    const edge = Math.max(2, Math.min(10, r * 0.08));
    g.lineStyle(edge, shade(s.color, 0.62), alpha);
    g.strokeCircle(b.x, b.y, r - edge / 2);
    if (b.local) {
      // "You": a white rim and a ring in the page's accent (every screen draws a player in one colour).
      g.lineStyle(2, 0xffffff, 0.9 * alpha);
      g.strokeCircle(b.x, b.y, r);
      g.lineStyle(2, LOCAL_COLOR, 0.55);
      g.strokeCircle(b.x, b.y, r + 5);
    }
    if (b.protected) {
      // Spawn protection: a pulsing shield ring.
      g.lineStyle(2, 0x9be7ff, 0.5 + 0.4 * Math.sin(now / 110));
      g.strokeCircle(b.x, b.y, r + 6 + 2 * Math.sin(now / 160));
    }
  }

  private drawFx(now: number): void {
    const g = this.fx;
    g.clear();
    this.effects = this.effects.filter((e) => now - e.born < EFFECT_MS[e.kind]);
    for (const e of this.effects) {
      const k = (now - e.born) / EFFECT_MS[e.kind];
      if (e.kind === 'pop') {
        g.fillStyle(e.color, 0.8 * (1 - k));
        g.fillCircle(e.x, e.y, e.size * (1 - k));
        g.lineStyle(2, e.color, 1 - k);
        g.strokeCircle(e.x, e.y, e.size + 10 * k);
      } else if (e.kind === 'gulp') {
        g.fillStyle(0xffffff, 0.35 * (1 - k));
        g.fillCircle(e.x, e.y, e.size * (1 - k * 0.6));
        g.lineStyle(4, e.color, 1 - k);
        g.strokeCircle(e.x, e.y, e.size * (1 + k));
      } else if (e.kind === 'spawn') {
        g.lineStyle(3, e.color, 1 - k);
        g.strokeCircle(e.x, e.y, e.size + 60 * (1 - k));
      } else {
        g.lineStyle(3, 0xffffff, 0.6 * (1 - k));
        g.strokeCircle(e.x, e.y, e.size * (1 + 0.5 * k));
      }
    }
    this.crumbs = this.crumbs.filter((c) => now - c.born < CRUMB_MS);
    for (const c of this.crumbs) {
      const age = now - c.born;
      const k = age / CRUMB_MS;
      g.fillStyle(c.color, 1 - k);
      g.fillCircle(c.x + c.vx * age, c.y + c.vy * age, c.r * (1 - k * 0.5));
    }
  }

  private drawGhost(ghost: BlobView | null): void {
    const g = this.ghost;
    g.clear();
    if (!ghost || !ghost.alive) return;
    g.lineStyle(2, 0xff4dff, 0.9);
    g.strokeCircle(ghost.x, ghost.y, ghost.radius);
    g.fillStyle(0xff4dff, 0.12);
    g.fillCircle(ghost.x, ghost.y, ghost.radius);
  }

  private drawn(world: BlobsWorldView): DrawnPlayer[] {
    return world.blobs.map((b) => ({
      id: b.id,
      name: b.name,
      x: b.x,
      y: b.y,
      alive: b.alive,
      local: b.local,
      screen: this.screen.get(b.id) ?? null,
      color: playerColor(b.id),
    }));
  }

  private nearestPellet(): BlobsSceneState['nearestPellet'] {
    const focus = this.lastFocus;
    const pellets = this.lastWorld?.pellets ?? [];
    if (!focus) return null;
    let best: PelletView | null = null;
    let bestD = Infinity;
    for (const p of pellets) {
      const d = (p.x - focus.x) ** 2 + (p.y - focus.y) ** 2;
      if (d > focus.radius * focus.radius && d < bestD && !this.eatenHere.has(p.id)) [best, bestD] = [p, d];
    }
    if (!best) return null;
    const at = this.toScreen(best.x, best.y);
    return { x: best.x, y: best.y, screenX: at.x, screenY: at.y };
  }

  /** The camera test hook's numbers: the camera's view, and the minimap's frame and box. */
  private cameraState(): CameraHookState | null {
    if (!this.cameraPlaced) return null;
    const frame = this.overlay.mapFrame;
    return { view: this.view(), world: WORLD, minimap: frame ? { frame, box: this.overlay.mapBox } : null };
  }

  private hookState(): BlobsSceneState {
    const world = this.lastWorld;
    const focus = this.lastFocus;
    return {
      pelletsDrawn: this.pelletsDrawn,
      pelletsKnown: world?.pellets.length ?? 0,
      pops: this.pops,
      gulps: this.gulps,
      zoom: this.zoom,
      focusMass: focus ? focus.mass : null,
      nearestPellet: this.nearestPellet(),
      leaderboard: [...this.overlay.leaderboard],
      massLabel: this.overlay.massLabel,
      frameWorkMs: frameTimes(this.frameWork),
      frameIntervalMs: frameTimes(this.frameInterval),
    };
  }
}

function pelletColor(colour: number): number {
  return PELLET_PALETTE[((colour % PELLET_PALETTE.length) + PELLET_PALETTE.length) % PELLET_PALETTE.length]!;
}

/** A colour scaled toward black (k < 1) or lightened (k > 1), per channel. */
function shade(color: number, k: number): number {
  const ch = (shift: number) => Math.max(0, Math.min(255, Math.round(((color >> shift) & 0xff) * k)));
  return (ch(16) << 16) | (ch(8) << 8) | ch(0);
}
