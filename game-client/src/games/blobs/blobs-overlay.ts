// The blobs scene's own on-screen panels, drawn by a camera of their own that does not zoom: the top-5
// leaderboard and a minimap at the bottom right, and the mass of the blob in focus with the boost meter at
// the bottom centre. (The shell's HUD has the match clock, the feed, chat and the messages.)

import Phaser from 'phaser';
import { BOOST_MIN_MASS } from '../../../../shared/game/blobs/index.js';
import { cssColor } from '../../dom.js';
import { LOCAL_COLOR, playerColor } from '../../player-colors.js';
import { isTouchDevice } from '../../touch/touch-device.js';
import { boxInside, growRect, type Rect } from '../camera-bounds.js';
import type { ScoreRow } from '../client-game.js';
import type { BlobView } from './world-view.js';

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
const PANEL = 0x0d1117;
/** Opaque enough that the pellets under a panel do not read as blobs on the minimap. */
const PANEL_ALPHA = 0.88;
const MUTED = '#8b95a7';
const LEADERS = 5;
const BOARD_W = 210;
const ROW_H = 20;
const MAP_PX = 150;
const MARGIN = 12;
/** The minimap's box of the view: a line this wide (screen px). */
const MAP_BOX_LINE = 1;

/** What the panels show this frame. */
export interface OverlayFrame {
  /** Every player's score line, best first. */
  readonly rows: readonly ScoreRow[];
  /** The player drawn as "you" (-1: none, a replay). */
  readonly localId: number;
  /** The blob the camera follows (live: the local one; replays: the followed one), when alive. */
  readonly focus: BlobView | null;
  /** Live play: the boost's state, ms until it may start again and the whole cooldown (null in replays). */
  readonly boost: { readonly readyInMs: number; readonly cooldownMs: number } | null;
  /** The living blobs this client knows, for the minimap. */
  readonly blobs: readonly BlobView[];
  /** The camera's view of the world (scene px). */
  readonly view: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

export class BlobsOverlay {
  private readonly board: Phaser.GameObjects.Graphics;
  private readonly title: Phaser.GameObjects.Text;
  private readonly lines: Phaser.GameObjects.Text[] = [];
  private readonly map: Phaser.GameObjects.Graphics;
  private readonly mass: Phaser.GameObjects.Text;
  private readonly boostBar: Phaser.GameObjects.Graphics;
  private readonly boostText: Phaser.GameObjects.Text;
  private width = 0;
  private height = 0;
  private bottomInset = 0;
  /** The leaderboard as last drawn, one string per line, and the mass panel's text (read by the test hook). */
  leaderboard: string[] = [];
  massLabel: string | null = null;
  /** The minimap's frame and the outer edge of its box of the view as last drawn (screen px; null when not drawn). */
  mapFrame: Rect | null = null;
  mapBox: Rect | null = null;

  constructor(
    scene: Phaser.Scene,
    layer: Phaser.GameObjects.Layer,
    private readonly worldPx: number,
  ) {
    const text = (size: number, bold = true): Phaser.GameObjects.Text =>
      scene.add.text(0, 0, '', {
        fontFamily: FONT,
        fontSize: `${size}px`,
        fontStyle: bold ? 'bold' : 'normal',
        color: '#e6edf3',
        stroke: '#05070a',
        strokeThickness: 3,
        resolution: Math.min(2, window.devicePixelRatio || 1),
      });
    this.board = scene.add.graphics();
    this.title = text(13).setText('LEADERBOARD').setColor(MUTED);
    for (let i = 0; i <= LEADERS; i++) this.lines.push(text(14, i === 0));
    this.map = scene.add.graphics();
    this.mass = text(26).setOrigin(0.5, 1);
    this.boostBar = scene.add.graphics();
    this.boostText = text(12, false).setOrigin(0.5, 0).setColor(MUTED);
    layer.add([this.board, this.title, ...this.lines, this.map, this.mass, this.boostBar, this.boostText]);
  }

  layout(width: number, height: number, bottomInset: number): void {
    this.width = width;
    this.height = height;
    this.bottomInset = bottomInset;
    // The minimap needs room beside the chat; on a small screen only the leaderboard stays.
    this.map.setVisible(width >= 700 && height - bottomInset >= 480);
  }

  update(f: OverlayFrame): void {
    this.drawBoard(f.rows, f.localId);
    this.drawMass(f.focus, f.boost);
    this.mapFrame = null;
    this.mapBox = null;
    if (this.map.visible) this.drawMap(f);
  }

  private bottom(): number {
    return this.height - this.bottomInset - MARGIN;
  }

  private drawBoard(rows: readonly ScoreRow[], localId: number): void {
    const shown = rows.slice(0, LEADERS);
    const mine = rows.findIndex((r) => r.playerId === localId);
    const lines = shown.map((r, i) => ({ row: r, rank: i + 1 }));
    if (mine >= LEADERS) lines.push({ row: rows[mine]!, rank: mine + 1 });
    const texts = lines.map(({ row, rank }) => `${rank}. ${clip(row.name)}  ${row.values.mass ?? 0}`);
    const mapH = this.map.visible ? MAP_PX + MARGIN : 0;
    const h = 30 + Math.max(1, lines.length) * ROW_H + 8;
    const x = this.width - MARGIN - BOARD_W;
    const y = this.bottom() - mapH - h;
    const g = this.board;
    g.clear();
    g.fillStyle(PANEL, PANEL_ALPHA);
    g.fillRoundedRect(x, y, BOARD_W, h, 8);
    this.title.setPosition(x + 12, y + 8);
    this.lines.forEach((t, i) => {
      const line = lines[i];
      t.setVisible(line !== undefined);
      if (!line) return;
      t.setPosition(x + 12, y + 28 + i * ROW_H);
      t.setText(texts[i]!);
      setColor(t, line.row.playerId === localId ? cssColor(LOCAL_COLOR) : '#e6edf3');
    });
    this.leaderboard = texts;
  }

  private drawMass(focus: BlobView | null, boost: OverlayFrame['boost']): void {
    const cx = this.width / 2;
    const base = this.bottom();
    this.mass.setVisible(focus !== null);
    this.boostBar.clear();
    this.boostText.setVisible(focus !== null && boost !== null);
    this.massLabel = focus ? (boost ? `Mass ${Math.round(focus.mass)}` : `${focus.name} · mass ${Math.round(focus.mass)}`) : null;
    if (!focus || this.massLabel === null) return;
    this.mass.setPosition(cx, base - 26);
    this.mass.setText(this.massLabel);
    if (!boost) return;
    // The boost meter: full and bright when a boost is ready, filling up during the cooldown.
    const heavy = focus.mass >= BOOST_MIN_MASS;
    const ready = heavy && boost.readyInMs <= 0;
    const w = 160;
    const fill = heavy ? Math.max(0, Math.min(1, 1 - boost.readyInMs / boost.cooldownMs)) : 0;
    const g = this.boostBar;
    g.fillStyle(PANEL, 0.72);
    g.fillRoundedRect(cx - w / 2, base - 20, w, 6, 3);
    g.fillStyle(ready ? LOCAL_COLOR : 0x5c6b80, 1);
    if (fill > 0) g.fillRoundedRect(cx - w / 2, base - 20, w * fill, 6, 3);
    this.boostText.setPosition(cx, base - 11);
    this.boostText.setText(
      !heavy ? `boost needs mass ${BOOST_MIN_MASS}` : ready ? `BOOST ready · ${isTouchDevice() ? 'tap BOOST' : 'Space or right click'}` : `boost in ${(boost.readyInMs / 1000).toFixed(1)} s`,
    );
    setColor(this.boostText, ready ? cssColor(LOCAL_COLOR) : MUTED);
  }

  private drawMap(f: OverlayFrame): void {
    const g = this.map;
    const x0 = this.width - MARGIN - MAP_PX;
    const y0 = this.bottom() - MAP_PX;
    const k = MAP_PX / this.worldPx;
    g.clear();
    g.fillStyle(PANEL, PANEL_ALPHA);
    g.fillRect(x0, y0, MAP_PX, MAP_PX);
    g.lineStyle(1, 0x3a4458, 1);
    g.strokeRect(x0 + 0.5, y0 + 0.5, MAP_PX - 1, MAP_PX - 1);
    // What the camera shows, outlined inside the frame.
    const v = f.view;
    const frame = { x: x0, y: y0, width: MAP_PX, height: MAP_PX };
    const box = boxInside({ x: x0 + v.x * k, y: y0 + v.y * k, width: v.width * k, height: v.height * k }, frame, MAP_BOX_LINE);
    if (box) {
      g.lineStyle(MAP_BOX_LINE, 0xffffff, 0.35);
      g.strokeRect(box.x, box.y, box.width, box.height);
    }
    this.mapFrame = frame;
    this.mapBox = box && growRect(box, MAP_BOX_LINE / 2);
    for (const b of f.blobs) {
      if (!b.alive) continue;
      const r = Math.max(2.5, b.radius * k);
      if (b.id === f.localId || b.id === f.focus?.id) {
        // The player's own blob (or the one followed): ringed, as on the map.
        g.fillStyle(0xffffff, 1);
        g.fillCircle(x0 + b.x * k, y0 + b.y * k, r + 1.5);
      }
      g.fillStyle(playerColor(b.id), 1);
      g.fillCircle(x0 + b.x * k, y0 + b.y * k, r);
    }
  }
}

/** A text's colour, re-rendering it only when it changes (setColor always does). */
function setColor(t: Phaser.GameObjects.Text, color: string): void {
  if (t.style.color !== color) t.setColor(color);
}

/** A name short enough for the leaderboard. */
function clip(name: string): string {
  return name.length > 14 ? `${name.slice(0, 13)}…` : name;
}
