// The arena's Phaser scene: the floor and walls, players (body, gun, name, health bar), rockets, tracers,
// hit flashes, death bursts, explosions, the debug ghost, a follow camera and a minimap. It draws; its
// SceneSource decides what: the shell's live play (netcode, input, HUD) or its replay viewer (a recording's
// playback). Both hand it the same entities and game events; it reads them itself (world-view.ts) and fills
// in the HUD's game widgets (match clock, kill feed, respawn countdown, match end) and plays its sounds.
// Every player has one colour on every screen; the local player is marked by a white outline and a ring.
// In live play the camera stays inside the map (camera-bounds.ts); a replay's camera is free.

import Phaser from 'phaser';
import { INTERMISSION_TICKS, PLAYER_RADIUS, RIFLE_COOLDOWN_TICKS, ROCKET_SPLASH_RADIUS } from '../../../../shared/game/arena/constants.js';
import { KEY_FIRE_PRIMARY, type ArenaInput } from '../../../../shared/game/arena/input.js';
import {
  EVT_EXPLODE,
  EVT_HIT,
  EVT_KILL,
  EVT_LAUNCH,
  EVT_MATCH_END,
  EVT_RESPAWN,
  EVT_SHOT,
} from '../../../../shared/game/arena/events.js';
import { ARENA_MAP } from '../../../../shared/game/arena/map.js';
import { UNITS_PER_PX } from '../../../../shared/game/arena/units.js';
import type { GameEvent } from '../../../../shared/codec/schema.js';
import { BREAK_LABEL } from '../../hud/match-clock.js';
import { LOCAL_COLOR, playerColor } from '../../player-colors.js';
import { boxInside, clampCameraCentre, growRect, type Rect } from '../camera-bounds.js';
import { installCameraHook, type CameraHookState } from '../camera-hook.js';
import type { CameraAim, DrawnPlayer, GameScene, SceneSource, ScoreRow } from '../client-game.js';
import { killFeedParts } from './kill-text.js';
import { aimRadians, readPlayer, readWorld, type PlayerView, type ProjectileView, type WorldView } from './world-view.js';

const R = PLAYER_RADIUS / UNITS_PER_PX; // 16 px
const WORLD_W = ARENA_MAP.width / UNITS_PER_PX;
const WORLD_H = ARENA_MAP.height / UNITS_PER_PX;
const WORLD = { width: WORLD_W, height: WORLD_H } as const;
const SPLASH_PX = ROCKET_SPLASH_RADIUS / UNITS_PER_PX;

const FLOOR = 0x161b26;
const GRID = 0x1f2633;
const WALL = 0x3a4458;
const WALL_TOP = 0x5a6882;
const OUTSIDE = 0x0b0e14;

interface PlayerSprite {
  readonly root: Phaser.GameObjects.Container;
  readonly body: Phaser.GameObjects.Arc;
  readonly gun: Phaser.GameObjects.Container;
  readonly shield: Phaser.GameObjects.Arc;
  readonly name: Phaser.GameObjects.Text;
  readonly hpBack: Phaser.GameObjects.Rectangle;
  readonly hpFill: Phaser.GameObjects.Rectangle;
  readonly color: number;
  flashUntil: number;
  lastName: string;
  lastHp: number;
  /** Last drawn position, for effects of events about this player. */
  x: number;
  y: number;
  alive: boolean;
}

interface Tracer {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  color: number;
  born: number;
  hit: boolean;
}

interface Blast {
  x: number;
  y: number;
  born: number;
  kind: 'explosion' | 'spawn' | 'muzzle';
  color: number;
}

/** Live play: how far the camera leads toward the mouse (a fifth of the way, at most this far, scene px). */
const LEAD_X = 160;
const LEAD_Y = 120;
/** The minimap's scale, and the width of the line of its view box (scene px: about 1 minimap px). */
const MINIMAP_SCALE = 0.075;
const MINIMAP_BOX_LINE = 14;

export class ArenaScene extends Phaser.Scene implements GameScene {
  private readonly sprites = new Map<number, PlayerSprite>();
  private rockets!: Phaser.GameObjects.Graphics;
  private fx!: Phaser.GameObjects.Graphics;
  private ghost!: Phaser.GameObjects.Graphics;
  /** Minimap-only layer: big dots for players and rockets, the main camera's view. */
  private markers!: Phaser.GameObjects.Graphics;
  private tracers: Tracer[] = [];
  private blasts: Blast[] = [];
  private camX = WORLD_W / 2;
  private camY = WORLD_H / 2;
  private cameraPlaced = false;
  private minimap: Phaser.Cameras.Scene2D.Camera | null = null;
  /** When the local rifle may fire again (ms), for the immediate local muzzle flash. */
  private localRifleReadyAt = 0;
  /** What the last frame drew (read back by the shell's test hooks and replay camera). */
  private lastWorld: WorldView | null = null;
  private lastAuthoritative: PlayerView | null = null;
  /** Where each living player was drawn on the canvas (screen px) in the last frame. */
  private readonly screen = new Map<number, { x: number; y: number }>();
  /** The minimap's box of the view as last drawn (the path stroked, scene px), null when not drawn. */
  private minimapBox: Rect | null = null;

  constructor(private readonly source: SceneSource<ArenaInput>) {
    super('arena');
  }

  create(): void {
    this.drawArena();
    this.rockets = this.add.graphics().setDepth(30);
    this.fx = this.add.graphics().setDepth(50);
    this.ghost = this.add.graphics().setDepth(60);
    this.markers = this.add.graphics().setDepth(90);
    const cam = this.cameras.main;
    cam.ignore(this.markers);
    cam.setBackgroundColor(OUTSIDE);
    this.setupMinimap();
    this.minimap?.ignore([this.rockets, this.fx, this.ghost]);
    this.scale.on('resize', this.onResize, this);
    const removeHook = installCameraHook(() => this.cameraState());
    // The shell removes scenes (Phaser then emits 'destroy', not 'shutdown'): stop listening on both.
    let stopped = false;
    const stopListening = () => {
      if (stopped) return;
      stopped = true;
      this.scale.off('resize', this.onResize, this);
      removeHook();
    };
    this.events.once('shutdown', stopListening);
    this.events.once('destroy', stopListening);
  }

  override update(): void {
    const now = performance.now();
    const cam = this.cameras.main;
    const frame = this.source.frame(now, (sx, sy) => cam.getWorldPoint(sx, sy));
    const localId = this.source.localId;
    let world = readWorld(frame.entities, localId);
    // The local gun follows the mouse now, not when the server echoes the aim back.
    const input = frame.input;
    if (input) world = { ...world, players: world.players.map((p) => (p.local ? { ...p, aim: aimRadians(input.aim) } : p)) };
    const local = world.players.find((p) => p.local) ?? null;
    const authoritative = frame.authoritative?.get(localId);
    this.lastAuthoritative = authoritative ? readPlayer(authoritative, '', true) : null;

    this.syncPlayers(world.players, now);
    this.localMuzzle(local, input !== null && (input.keys & KEY_FIRE_PRIMARY) !== 0, now);
    // The break's end as this frame shows it, for the match-end screen's countdown.
    const nextMatchIn = world.match?.intermission ? Math.max(0, world.match.endTick - frame.tick) : INTERMISSION_TICKS;
    this.handleEvents(frame.events, now, nextMatchIn);
    this.drawRockets(world.projectiles);
    this.drawFx(now);
    this.drawGhost(frame.debug ? this.lastAuthoritative : null);
    this.followCamera(world, frame.pointer);
    this.drawMarkers(world.players, world.projectiles, frame.focus);
    this.updateHud(world, local, frame.tick, frame.serverTick);
    this.lastWorld = world;
    this.screen.clear();
    for (const [id, s] of this.sprites) {
      if (s.alive) this.screen.set(id, { x: (s.x - cam.scrollX) * cam.zoom, y: (s.y - cam.scrollY) * cam.zoom });
    }
  }

  /**
   * The HUD's game widgets: the match clock (during the break, the time to the next match), and the
   * respawn countdown while the local player is dead (not during the break: the match-end screen is up).
   */
  private updateHud(world: WorldView, local: PlayerView | null, tick: number, serverTick: number): void {
    const hud = this.source.hud;
    const match = world.match;
    if (match) hud.clock(match.endTick - tick, match.intermission ? BREAK_LABEL : `match ${match.matchNumber}`);
    if (local && !local.alive && local.respawnTick > 0 && !match?.intermission) {
      const seconds = Math.max(0, Math.ceil((local.respawnTick - serverTick) / this.source.tickRate));
      hud.status({ title: 'You died', detail: `Respawning in ${seconds}…` });
    } else {
      hud.status(null);
    }
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
    return { x: cam.scrollX + cam.width / 2 / cam.zoom, y: cam.scrollY + cam.height / 2 / cam.zoom };
  }

  // ---- static arena ----

  private drawArena(): void {
    const g = this.add.graphics().setDepth(0);
    g.fillStyle(FLOOR, 1);
    g.fillRect(0, 0, WORLD_W, WORLD_H);
    g.lineStyle(1, GRID, 1);
    for (let x = 64; x < WORLD_W; x += 64) g.lineBetween(x, 0, x, WORLD_H);
    for (let y = 64; y < WORLD_H; y += 64) g.lineBetween(0, y, WORLD_W, y);
    // Spawn pads.
    for (const s of ARENA_MAP.spawns) {
      const x = s.x / UNITS_PER_PX;
      const y = s.y / UNITS_PER_PX;
      g.lineStyle(2, 0x27406a, 0.9);
      g.strokeCircle(x, y, 26);
      g.fillStyle(0x1d2c47, 0.8);
      g.fillCircle(x, y, 20);
    }
    // Wall shadows, then walls with a lit top edge.
    const walls = this.add.graphics().setDepth(10);
    for (const w of ARENA_MAP.walls) {
      walls.fillStyle(0x000000, 0.35);
      walls.fillRect(w.x / UNITS_PER_PX + 6, w.y / UNITS_PER_PX + 8, w.w / UNITS_PER_PX, w.h / UNITS_PER_PX);
    }
    for (const w of ARENA_MAP.walls) {
      const x = w.x / UNITS_PER_PX;
      const y = w.y / UNITS_PER_PX;
      const ww = w.w / UNITS_PER_PX;
      const hh = w.h / UNITS_PER_PX;
      walls.fillStyle(WALL, 1);
      walls.fillRect(x, y, ww, hh);
      walls.fillStyle(WALL_TOP, 1);
      walls.fillRect(x, y, ww, Math.min(5, hh));
      walls.lineStyle(1, 0x242b38, 1);
      walls.strokeRect(x + 0.5, y + 0.5, ww - 1, hh - 1);
    }
  }

  private setupMinimap(): void {
    const w = Math.round(WORLD_W * MINIMAP_SCALE);
    const h = Math.round(WORLD_H * MINIMAP_SCALE);
    const mm = this.cameras.add(0, 0, w, h, false, 'minimap');
    mm.setZoom(MINIMAP_SCALE);
    mm.setBackgroundColor(0x0b0e14);
    mm.centerOn(WORLD_W / 2, WORLD_H / 2);
    mm.setAlpha(0.85);
    this.minimap = mm;
    this.positionMinimap();
  }

  private positionMinimap(): void {
    if (!this.minimap) return;
    const { width, height } = this.scale;
    const inset = this.source.bottomInset;
    this.minimap.setPosition(width - this.minimap.width - 12, height - inset - this.minimap.height - 12);
    this.minimap.setVisible(width >= 700 && height - inset >= 450);
  }

  private onResize(): void {
    this.positionMinimap();
  }

  // ---- players ----

  private createPlayer(p: PlayerView): PlayerSprite {
    const color = playerColor(p.id);
    const local = p.id === this.source.localId;
    const shadow = this.add.circle(3, 5, R, 0x000000, 0.35);
    const shield = this.add.circle(0, 0, R + 7);
    shield.setStrokeStyle(2, 0x9be7ff, 0.9);
    shield.setVisible(false);
    const barrel = this.add.rectangle(R + 4, 0, 20, 8, 0xd0d7e2);
    barrel.setStrokeStyle(1.5, 0x10141c, 1);
    const gun = this.add.container(0, 0, [barrel]);
    const body = this.add.circle(0, 0, R, color);
    body.setStrokeStyle(3, local ? 0xffffff : darken(color), 1);
    const eye = this.add.circle(0, 0, 5, 0x10141c, 0.55);
    const children: Phaser.GameObjects.GameObject[] = [shadow, shield, gun, body, eye];
    if (local) {
      const ring = this.add.circle(0, 0, R + 12);
      ring.setStrokeStyle(1.5, LOCAL_COLOR, 0.45);
      children.unshift(ring);
    }
    const name = this.add
      .text(0, -R - 24, p.name, {
        fontFamily: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
        fontSize: '13px',
        fontStyle: 'bold',
        color: local ? '#ffffff' : cssHex(color),
        stroke: '#05070a',
        strokeThickness: 4,
        resolution: Math.min(2, window.devicePixelRatio || 1),
      })
      .setOrigin(0.5, 1);
    const hpBack = this.add.rectangle(0, -R - 14, 40, 6, 0x05070a, 0.85).setOrigin(0.5, 0.5);
    const hpFill = this.add.rectangle(-19, -R - 14, 38, 4, 0x51cf66).setOrigin(0, 0.5);
    children.push(name, hpBack, hpFill);
    const root = this.add.container(p.x, p.y, children).setDepth(local ? 41 : 40);
    this.minimap?.ignore(root);
    return {
      root,
      body,
      gun,
      shield,
      name,
      hpBack,
      hpFill,
      color,
      flashUntil: 0,
      lastName: p.name,
      lastHp: -1,
      x: p.x,
      y: p.y,
      alive: p.alive,
    };
  }

  private syncPlayers(players: readonly PlayerView[], now: number): void {
    const seen = new Set<number>();
    for (const p of players) {
      seen.add(p.id);
      let s = this.sprites.get(p.id);
      if (!s) {
        s = this.createPlayer(p);
        this.sprites.set(p.id, s);
      }
      s.x = p.x;
      s.y = p.y;
      s.alive = p.alive;
      s.root.setVisible(p.alive);
      if (!p.alive) continue;
      s.root.setPosition(p.x, p.y);
      s.gun.setRotation(p.aim);
      if (p.name !== s.lastName) {
        s.lastName = p.name;
        s.name.setText(p.name);
      }
      if (p.hp !== s.lastHp) {
        s.lastHp = p.hp;
        const frac = Math.max(0, Math.min(1, p.hp / 100));
        s.hpFill.width = 38 * frac;
        s.hpFill.setFillStyle(frac > 0.6 ? 0x51cf66 : frac > 0.3 ? 0xfcc419 : 0xff6b6b);
      }
      const flashing = now < s.flashUntil;
      s.body.setFillStyle(flashing ? 0xffffff : s.color);
      s.shield.setVisible(p.protected);
      s.root.setAlpha(p.protected ? 0.6 + 0.25 * Math.sin(now / 90) : 1);
    }
    for (const [id, s] of this.sprites) {
      if (!seen.has(id)) {
        s.root.destroy();
        this.sprites.delete(id);
      }
    }
  }

  // ---- events ----

  private handleEvents(events: readonly { tick: number; event: GameEvent }[], now: number, nextMatchIn: number): void {
    for (const { event } of events) {
      const n = (i: number) => (typeof event[i] === 'number' ? (event[i] as number) : 0);
      switch (n(0)) {
        case EVT_SHOT: {
          const shooter = n(1);
          let x0 = n(2) / UNITS_PER_PX;
          let y0 = n(3) / UNITS_PER_PX;
          // Our own shot is drawn from where our (predicted) gun is now, to where the server says it hit.
          const me = shooter === this.source.localId ? this.sprites.get(shooter) : undefined;
          if (me?.alive) {
            const dx = n(4) / UNITS_PER_PX - me.x;
            const dy = n(5) / UNITS_PER_PX - me.y;
            const len = Math.hypot(dx, dy) || 1;
            x0 = me.x + (dx / len) * (R + 14);
            y0 = me.y + (dy / len) * (R + 14);
          }
          this.tracers.push({
            x0,
            y0,
            x1: n(4) / UNITS_PER_PX,
            y1: n(5) / UNITS_PER_PX,
            color: shooter === this.source.localId ? 0xfff3b0 : 0xffe066,
            born: now,
            hit: n(6) !== 0,
          });
          // Our own shots sounded when the trigger was pulled (localMuzzle).
          if (shooter !== this.source.localId) this.source.hud.sound('shot', { x: x0, y: y0 });
          break;
        }
        case EVT_HIT: {
          const target = this.sprites.get(n(1));
          const attacker = n(2);
          if (target) {
            this.source.hud.sound('hit', { x: target.x, y: target.y });
            target.flashUntil = now + 90;
            this.damageNumber(target.x, target.y - R - 30, n(3), attacker === this.source.localId);
          }
          if (n(1) === this.source.localId) {
            this.cameras.main.shake(120, 0.006);
            this.source.hud.pain(Math.min(1, n(3) / 40));
          }
          break;
        }
        case EVT_KILL: {
          const killer = n(1);
          const victim = n(2);
          const v = this.sprites.get(victim);
          if (v) this.burst(v.x, v.y, v.color, 36);
          this.source.hud.sound('kill', v ? { x: v.x, y: v.y } : undefined);
          this.source.hud.feed(
            killFeedParts(
              { name: this.source.nameOf(killer), color: playerColor(killer) },
              { name: this.source.nameOf(victim), color: playerColor(victim) },
              n(3),
              killer === victim,
            ),
            killer === this.source.localId || victim === this.source.localId,
          );
          if (victim === this.source.localId) this.source.hud.pain(1);
          break;
        }
        case EVT_RESPAWN: {
          const id = n(1);
          this.blasts.push({ x: n(2) / UNITS_PER_PX, y: n(3) / UNITS_PER_PX, born: now, kind: 'spawn', color: playerColor(id) });
          break;
        }
        case EVT_LAUNCH:
          this.blasts.push({ x: n(3) / UNITS_PER_PX, y: n(4) / UNITS_PER_PX, born: now, kind: 'muzzle', color: 0xffa94d });
          this.source.hud.sound('shot', { x: n(3) / UNITS_PER_PX, y: n(4) / UNITS_PER_PX });
          break;
        case EVT_EXPLODE: {
          const x = n(3) / UNITS_PER_PX;
          const y = n(4) / UNITS_PER_PX;
          this.blasts.push({ x, y, born: now, kind: 'explosion', color: 0xff922b });
          this.burst(x, y, 0xffa94d, 22);
          this.source.hud.sound('explosion', { x, y });
          const local = this.sprites.get(this.source.localId);
          if (local && Math.hypot(local.x - x, local.y - y) < 300) this.cameras.main.shake(160, 0.008);
          break;
        }
        case EVT_MATCH_END: {
          // The standings, by rank: playerId, kills, deaths, score (events.ts); the scoreboard's columns.
          const rows: ScoreRow[] = [];
          for (let i = 3; i + 3 < event.length; i += 4) {
            rows.push({ playerId: n(i), name: this.source.nameOf(n(i)), values: { score: n(i + 3), kills: n(i + 1), deaths: n(i + 2) } });
          }
          this.source.hud.matchOver({ title: `Match ${n(1)}`, rows, winnerId: n(2) || null, nextInTicks: nextMatchIn });
          this.source.hud.sound('matchEnd');
          break;
        }
      }
    }
  }

  /**
   * The shot's tracer arrives with the server's event, an interpolation delay later; the muzzle flash
   * shows at once when the trigger is pulled, so firing feels immediate without claiming a hit.
   */
  private localMuzzle(local: PlayerView | null, firing: boolean, now: number): void {
    if (!local || !local.alive || !firing || now < this.localRifleReadyAt) return;
    this.localRifleReadyAt = now + (RIFLE_COOLDOWN_TICKS * 1000) / this.source.tickRate;
    this.source.hud.sound('shot');
    const tip = R + 14;
    this.blasts.push({ x: local.x + Math.cos(local.aim) * tip, y: local.y + Math.sin(local.aim) * tip, born: now, kind: 'muzzle', color: 0xfff3b0 });
  }

  private damageNumber(x: number, y: number, damage: number, mine: boolean): void {
    const t = this.add
      .text(x + (Math.random() - 0.5) * 16, y, `-${damage}`, {
        fontFamily: 'system-ui, sans-serif',
        fontSize: mine ? '16px' : '13px',
        fontStyle: 'bold',
        color: mine ? '#ffd43b' : '#ff8787',
        stroke: '#05070a',
        strokeThickness: 3,
      })
      .setOrigin(0.5)
      .setDepth(70);
    this.minimap?.ignore(t);
    this.tweens.add({ targets: t, y: y - 28, alpha: 0, duration: 700, ease: 'Cubic.easeOut', onComplete: () => t.destroy() });
  }

  private burst(x: number, y: number, color: number, count: number): void {
    const emitter = this.add.particles(x, y, this.dotTexture(color), {
      speed: { min: 60, max: 280 },
      angle: { min: 0, max: 360 },
      lifespan: { min: 300, max: 750 },
      scale: { start: 1.2, end: 0 },
      alpha: { start: 1, end: 0 },
      emitting: false,
    });
    emitter.setDepth(55);
    this.minimap?.ignore(emitter);
    emitter.explode(count);
    this.time.delayedCall(900, () => emitter.destroy());
  }

  /** A small filled circle texture per color (the canvas renderer cannot tint particles). */
  private dotTexture(color: number): string {
    const key = `dot-${color.toString(16)}`;
    if (!this.textures.exists(key)) {
      const g = this.make.graphics({}, false);
      g.fillStyle(color, 1);
      g.fillCircle(4, 4, 4);
      g.generateTexture(key, 8, 8);
      g.destroy();
    }
    return key;
  }

  // ---- per-frame drawing ----

  private drawRockets(projectiles: readonly ProjectileView[]): void {
    const g = this.rockets;
    g.clear();
    for (const r of projectiles) {
      // Trail along the velocity (units/tick → px over ~4 ticks).
      const tx = r.x - r.vx * 4;
      const ty = r.y - r.vy * 4;
      g.lineStyle(5, 0xff922b, 0.25);
      g.lineBetween(tx, ty, r.x, r.y);
      g.lineStyle(2, 0xffd8a8, 0.7);
      g.lineBetween((tx + r.x) / 2, (ty + r.y) / 2, r.x, r.y);
      g.fillStyle(0xff922b, 0.35);
      g.fillCircle(r.x, r.y, 10);
      g.fillStyle(0xfff4e6, 1);
      g.fillCircle(r.x, r.y, 5);
    }
  }

  private drawFx(now: number): void {
    const g = this.fx;
    g.clear();
    this.tracers = this.tracers.filter((t) => now - t.born < 160);
    for (const t of this.tracers) {
      const a = 1 - (now - t.born) / 160;
      g.lineStyle(6, t.color, 0.18 * a);
      g.lineBetween(t.x0, t.y0, t.x1, t.y1);
      g.lineStyle(2, t.color, 0.95 * a);
      g.lineBetween(t.x0, t.y0, t.x1, t.y1);
      g.fillStyle(t.hit ? 0xff6b6b : 0xffffff, a);
      g.fillCircle(t.x1, t.y1, t.hit ? 5 : 3);
      g.fillStyle(0xfff3b0, a);
      g.fillCircle(t.x0, t.y0, 4);
    }
    this.blasts = this.blasts.filter((b) => now - b.born < (b.kind === 'spawn' ? 500 : b.kind === 'muzzle' ? 90 : 380));
    for (const b of this.blasts) {
      const age = now - b.born;
      if (b.kind === 'explosion') {
        const k = age / 380;
        g.fillStyle(0xffd8a8, 0.5 * (1 - k));
        g.fillCircle(b.x, b.y, SPLASH_PX * Math.min(1, k * 2.5));
        g.lineStyle(3, b.color, 1 - k);
        g.strokeCircle(b.x, b.y, SPLASH_PX * (0.4 + k * 0.8));
      } else if (b.kind === 'spawn') {
        const k = age / 500;
        g.lineStyle(3, b.color, 1 - k);
        g.strokeCircle(b.x, b.y, R + 40 * (1 - k));
      } else {
        g.fillStyle(0xfff3b0, 1 - age / 90);
        g.fillCircle(b.x, b.y, 9);
      }
    }
  }

  private drawGhost(ghost: PlayerView | null): void {
    const g = this.ghost;
    g.clear();
    if (!ghost || !ghost.alive) return;
    g.lineStyle(2, 0xff4dff, 0.9);
    g.strokeCircle(ghost.x, ghost.y, R);
    g.lineBetween(ghost.x, ghost.y, ghost.x + Math.cos(ghost.aim) * (R + 10), ghost.y + Math.sin(ghost.aim) * (R + 10));
    g.fillStyle(0xff4dff, 0.15);
    g.fillCircle(ghost.x, ghost.y, R);
  }

  private drawMarkers(players: readonly PlayerView[], projectiles: readonly ProjectileView[], focus: number | null): void {
    const g = this.markers;
    g.clear();
    this.minimapBox = null;
    if (!this.minimap?.visible) return;
    // What the camera shows, outlined inside the map (the minimap shows the map and nothing around it).
    const box = boxInside(this.view(), { x: 0, y: 0, ...WORLD }, MINIMAP_BOX_LINE);
    if (box) {
      g.lineStyle(MINIMAP_BOX_LINE, 0xffffff, 0.35);
      g.strokeRect(box.x, box.y, box.width, box.height);
    }
    this.minimapBox = box;
    g.fillStyle(0xffa94d, 1);
    for (const r of projectiles) g.fillCircle(r.x, r.y, 22);
    for (const p of players) {
      if (!p.alive) continue;
      if (p.id === focus) {
        g.fillStyle(0xffffff, 1);
        g.fillCircle(p.x, p.y, 62);
      }
      g.fillStyle(playerColor(p.id), 1);
      g.fillCircle(p.x, p.y, 46);
    }
  }

  private followCamera(world: WorldView, pointer: { readonly x: number; readonly y: number } | null): void {
    const cam = this.cameras.main;
    const center = this.cameraCenter() ?? { x: this.camX, y: this.camY };
    const aim = this.source.camera
      ? this.source.camera({ players: this.drawn(world), center, world: WORLD })
      : this.leadCamera(world, pointer, cam);
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
    if (!this.source.camera) {
      // Live play: no black band past the map's edge (a replay's camera may centre any point of the map).
      const kept = clampCameraCentre(this.camX, this.camY, cam.width / cam.zoom, cam.height / cam.zoom, WORLD);
      this.camX = kept.x;
      this.camY = kept.y;
    }
    cam.centerOn(this.camX, this.camY);
  }

  /** The world rectangle the main camera shows (scene px). */
  private view(): Rect {
    const cam = this.cameras.main;
    const w = cam.width / cam.zoom;
    const h = cam.height / cam.zoom;
    return { x: this.camX - w / 2, y: this.camY - h / 2, width: w, height: h };
  }

  /** The test hook's numbers: the camera's view, and the minimap's frame and box in canvas px. */
  private cameraState(): CameraHookState | null {
    const mm = this.minimap;
    if (!this.cameras?.main || !this.cameraPlaced) return null;
    let minimap: CameraHookState['minimap'] = null;
    if (mm?.visible) {
      // The minimap camera is centred on the map: scene point (x, y) is drawn at frame + (point - left) * zoom.
      const left = WORLD_W / 2 - mm.width / 2 / mm.zoom;
      const top = WORLD_H / 2 - mm.height / 2 / mm.zoom;
      const box = this.minimapBox ? growRect(this.minimapBox, MINIMAP_BOX_LINE / 2) : null;
      minimap = {
        frame: { x: mm.x, y: mm.y, width: mm.width, height: mm.height },
        box: box && { x: mm.x + (box.x - left) * mm.zoom, y: mm.y + (box.y - top) * mm.zoom, width: box.width * mm.zoom, height: box.height * mm.zoom },
      };
    }
    return { view: this.view(), world: WORLD, minimap };
  }

  /** Live play: on the local player, looking a little toward the mouse, like most top-down shooters. */
  private leadCamera(world: WorldView, pointer: { readonly x: number; readonly y: number } | null, cam: Phaser.Cameras.Scene2D.Camera): CameraAim | null {
    const local = world.players.find((p) => p.local);
    if (!local) return null;
    let x = local.x;
    let y = local.y;
    if (pointer) {
      const p = cam.getWorldPoint(pointer.x, pointer.y);
      x += Math.max(-LEAD_X, Math.min(LEAD_X, (p.x - local.x) * 0.2));
      y += Math.max(-LEAD_Y, Math.min(LEAD_Y, (p.y - local.y) * 0.2));
    }
    return { x, y, ease: 0.18 };
  }

  private drawn(world: WorldView): DrawnPlayer[] {
    return world.players.map((p) => ({
      id: p.id,
      name: p.name,
      x: p.x,
      y: p.y,
      alive: p.alive,
      local: p.local,
      screen: this.screen.get(p.id) ?? null,
      color: this.sprites.get(p.id)?.color,
    }));
  }
}

function darken(color: number): number {
  const r = ((color >> 16) & 0xff) * 0.55;
  const g = ((color >> 8) & 0xff) * 0.55;
  const b = (color & 0xff) * 0.55;
  return (Math.round(r) << 16) | (Math.round(g) << 8) | Math.round(b);
}

function cssHex(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}
