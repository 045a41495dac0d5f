// The replay viewer's DOM overlay (like the live HUD: crisp text over the canvas, readable by tests):
// match info and the way back to the lobby top-left, the match clock top-centre, the feed top-right, the
// camera panel (follow a player, or free camera) on the left, and the control bar at the bottom:
// play/pause, the time, a timeline with the game's markers (the arena: kills) that seeks on click and
// drag, the tick and the speed. Also the loading and error screens. The game's scene fills in the
// widgets it shares with the live HUD (GameHud).

import { cssColor, h, setHidden, setText } from '../dom.js';
import type { FeedPart, GameHud, MatchResult, Scoreboard, ScoreRow, SoundName, TimelineMark } from '../games/client-game.js';
import { CenterMessage } from '../hud/center-message.js';
import { FeedView } from '../hud/feed.js';
import { MatchClock } from '../hud/match-clock.js';
import { SoundToggle } from '../hud/sound-toggle.js';
import { playerColor } from '../player-colors.js';
import { soundEngine, type SoundEngine } from '../sound/sound-engine.js';
import { placeSound } from '../sound/spatial.js';
import type { Participant } from './participants.js';
import { SPEEDS } from './playback.js';
import { formatTime } from './route.js';

export interface ReplayInfo {
  readonly id: string;
  readonly roomId: string;
  /** The game's title, and its map when it names one. */
  readonly title: string;
  readonly map: string | null;
  readonly startTime: number;
  readonly endReason: string | null;
  readonly startTick: number;
  readonly endTick: number;
  readonly tickRate: number;
  readonly keyframeTicks: readonly number[];
  readonly participants: readonly Participant[];
  /** The timeline's markers, and how many there are in words ("12 kills"). */
  readonly marks: readonly TimelineMark[];
  readonly marksSummary: string;
  readonly scoreboard: Scoreboard;
}

export interface ReplayUiHandlers {
  togglePlay(): void;
  /** A seek from the timeline; `done` false while dragging. */
  scrub(tick: number, done: boolean): void;
  setSpeed(speed: number): void;
  /** null: free camera. */
  follow(playerId: number | null): void;
}

export interface ReplayUiFrame {
  readonly tick: number;
  readonly position: number;
  readonly endTick: number;
  readonly playing: boolean;
  readonly speed: number;
  readonly following: number | null;
  /** Every player's score line at the tick shown. */
  readonly rows: readonly ScoreRow[];
}

/** The bar's height: the scene keeps its own overlays (the arena: the minimap) above it. */
export const CONTROL_BAR_PX = 76;
/** How long a match result stays up. */
const ANNOUNCE_MS = 5000;

export class ReplayUi implements GameHud {
  readonly root: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly timeText: HTMLElement;
  private readonly tickText: HTMLElement;
  private readonly track: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly thumb: HTMLElement;
  private readonly tip: HTMLElement;
  private readonly speedButtons = new Map<number, HTMLButtonElement>();
  private readonly followButtons = new Map<number, { button: HTMLButtonElement; swatch: HTMLElement; stats: HTMLElement }>();
  private readonly freeButton: HTMLButtonElement;
  private readonly matchClock = new MatchClock();
  private readonly feedView = new FeedView();
  private readonly center = new CenterMessage(ANNOUNCE_MS);
  private readonly noticeEl: HTMLElement;
  private readonly markers: { mark: TimelineMark; el: HTMLElement }[] = [];
  /** The page's sound engine and its switch (the same remembered mute as live play). */
  readonly audio: SoundEngine = soundEngine();
  private readonly soundToggle = new SoundToggle(this.audio);
  private listener: () => { x: number; y: number } | null = () => null;
  private dragging = false;
  private lastKey = '';
  private endTick: number;

  constructor(
    private readonly info: ReplayInfo,
    private readonly handlers: ReplayUiHandlers,
  ) {
    this.endTick = info.endTick;

    // Top-left: what this is, and the way back.
    const date = new Date(info.startTime);
    const duration = formatTime((info.endTick - info.startTick) / info.tickRate);
    const lobby = h('a', { className: 'btn small', text: '← Lobby' });
    lobby.href = '/';
    lobby.id = 'replay-lobby';
    const infoPanel = h(
      'div',
      { className: 'replay-info panel' },
      h('div', { className: 'replay-title' }, h('span', { className: 'badge', text: 'REPLAY' }), ' Room ', h('b', { text: info.roomId })),
      h('div', { className: 'meta', text: [info.map ? `${info.title} · ${info.map}` : info.title, date.toLocaleString(), duration].join(' · ') }),
      h('div', {
        className: 'meta',
        text: `${info.participants.length} player${info.participants.length === 1 ? '' : 's'} · ${info.marksSummary}${info.endReason ? ` · ended: ${info.endReason}` : ''}`,
      }),
      h('div', { className: 'row' }, lobby, h('span', { className: 'keys', text: 'Space play/pause · WASD pan · , . step' })),
    );
    infoPanel.id = 'replay-info';

    // Left: the camera.
    this.freeButton = h('button', { className: 'follow free', text: 'Free camera', title: 'Drag the map or use WASD / arrows to pan' });
    this.freeButton.addEventListener('click', () => handlers.follow(null));
    const list = h('ul', { className: 'follow-list' });
    for (const p of info.participants) {
      const swatch = h('span', { className: 'swatch' });
      swatch.style.background = cssColor(playerColor(p.playerId));
      const stats = h('span', { className: 'stats' });
      const button = h('button', { className: 'follow', title: `Follow ${p.name}` }, swatch, h('span', { className: 'name', text: p.name }), stats);
      button.setAttribute('data-player', String(p.playerId));
      button.addEventListener('click', () => handlers.follow(p.playerId));
      this.followButtons.set(p.playerId, { button, swatch, stats });
      list.append(h('li', {}, button));
    }
    const camera = h('div', { className: 'replay-camera panel' }, h('h3', { text: 'Camera' }), this.freeButton, list);
    camera.id = 'replay-camera';

    // Bottom: the controls.
    this.playButton = h('button', { className: 'play', title: 'Play / pause (Space)' });
    this.playButton.id = 'replay-play';
    this.playButton.addEventListener('click', () => handlers.togglePlay());
    this.timeText = h('span', { className: 'time' });
    this.timeText.id = 'replay-time';
    this.tickText = h('span', { className: 'tick' });
    this.tickText.id = 'replay-tick';
    this.fill = h('div', { className: 'fill' });
    this.thumb = h('div', { className: 'thumb' });
    this.track = h('div', { className: 'track' }, this.fill);
    this.track.id = 'replay-timeline';
    for (const k of info.keyframeTicks) {
      const mark = h('div', { className: 'keyframe', title: `keyframe at ${this.timeOf(k)} (tick ${k})` });
      mark.style.left = `${this.percent(k)}%`;
      this.track.append(mark);
    }
    for (const mark of info.marks) {
      const el = h('div', { className: 'mark', title: `${mark.text} · ${this.timeOf(mark.tick)} · tick ${mark.tick}` });
      el.style.left = `${this.percent(mark.tick)}%`;
      el.style.setProperty('--mark', cssColor(mark.color));
      el.setAttribute('data-tick', String(mark.tick));
      this.markers.push({ mark, el });
      this.track.append(el);
    }
    this.track.append(this.thumb);
    this.tip = h('div', { className: 'tip' });
    this.tip.hidden = true;
    const timeline = h('div', { className: 'timeline' }, this.track, this.tip);
    this.bindTimeline(timeline);
    const speeds = h('div', { className: 'speeds', title: 'Playback speed' });
    for (const s of SPEEDS) {
      const b = h('button', { className: 'speed', text: `${s}x` });
      b.setAttribute('data-speed', String(s));
      b.addEventListener('click', () => handlers.setSpeed(s));
      this.speedButtons.set(s, b);
      speeds.append(b);
    }
    const bar = h('div', { className: 'replay-bar panel' }, this.playButton, this.timeText, timeline, this.tickText, speeds, this.soundToggle.root);
    bar.id = 'replay-bar';
    bar.style.height = `${CONTROL_BAR_PX - 12}px`;
    // Clicked controls keep no focus, so Space stays play/pause.
    bar.addEventListener('mousedown', (e) => {
      if ((e.target as HTMLElement).closest('button')) e.preventDefault();
    });
    camera.addEventListener('mousedown', (e) => {
      if ((e.target as HTMLElement).closest('button')) e.preventDefault();
    });

    this.noticeEl = h('div', { className: 'replay-notice' });
    this.noticeEl.id = 'replay-notice';
    this.noticeEl.setAttribute('role', 'status');
    this.noticeEl.hidden = true;

    this.root = h('div', {}, infoPanel, this.matchClock.root, this.feedView.root, camera, this.center.root, this.noticeEl, bar);
    this.root.id = 'replay';
  }

  get notice(): string | null {
    return this.noticeEl.hidden ? null : this.noticeEl.textContent;
  }

  setNotice(text: string | null, kind: 'warn' | 'error' = 'warn'): void {
    setHidden(this.noticeEl, text === null);
    if (text !== null) {
      setText(this.noticeEl, text);
      this.noticeEl.className = `replay-notice ${kind}`;
    }
  }

  /** The replay cannot go past `tick`: the timeline shows the rest as unavailable. */
  setEnd(tick: number): void {
    if (tick === this.endTick) return;
    this.endTick = tick;
    const unplayable = this.track.querySelector('.unplayable') ?? this.track.appendChild(h('div', { className: 'unplayable' }));
    (unplayable as HTMLElement).style.left = `${this.percent(tick)}%`;
  }

  update(f: ReplayUiFrame): void {
    const playing = f.playing;
    setText(this.playButton, playing ? '❚❚' : '▶');
    this.playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    this.playButton.classList.toggle('playing', playing);
    const elapsed = (f.position - this.info.startTick) / this.info.tickRate;
    setText(this.timeText, `${formatTime(elapsed)} / ${formatTime((this.info.endTick - this.info.startTick) / this.info.tickRate)}`);
    setText(this.tickText, `tick ${f.tick} / ${this.info.endTick}`);
    const pct = `${this.percent(f.position)}%`;
    if (this.fill.style.width !== pct) {
      this.fill.style.width = pct;
      this.thumb.style.left = pct;
    }
    for (const [s, b] of this.speedButtons) b.classList.toggle('active', s === f.speed);
    this.freeButton.classList.toggle('active', f.following === null);
    for (const m of this.markers) m.el.classList.toggle('past', m.mark.tick <= f.tick);

    const key = JSON.stringify([f.following, f.rows]);
    if (key !== this.lastKey) {
      this.lastKey = key;
      for (const p of this.info.participants) {
        const { button, swatch, stats } = this.followButtons.get(p.playerId)!;
        // A participant who left and came back has several seats: the row (and colour) of the one seated now.
        const s = f.rows.find((x) => p.playerIds.includes(x.playerId));
        if (s) swatch.style.background = cssColor(playerColor(s.playerId));
        button.classList.toggle('active', f.following !== null && p.playerIds.includes(f.following));
        button.classList.toggle('absent', !s);
        setText(stats, s ? this.info.scoreboard.summary(s) : '—');
      }
    }
  }

  /** After a seek: effects of another moment do not belong on screen. */
  clearEffects(): void {
    this.feedView.clear();
    this.center.clear();
  }

  /** Sounds are heard from where `listener` says (scene px: the camera's centre). */
  hearFrom(listener: () => { x: number; y: number } | null): void {
    this.listener = listener;
  }

  dispose(): void {
    this.center.dispose();
    this.soundToggle.dispose();
  }

  // ---- GameHud ----

  clock(ticksLeft: number, label: string): void {
    this.matchClock.set(ticksLeft, this.info.tickRate, `replay · ${label}`);
  }

  feed(parts: readonly FeedPart[], mine: boolean): void {
    this.feedView.add(parts, mine);
  }

  announce(title: string, detail: string): void {
    this.center.announce(title, detail);
  }

  status(message: { readonly title: string; readonly detail: string } | null): void {
    this.center.status(message);
  }

  pain(): void {
    // Nobody is "you" in a replay.
  }

  /** A replay goes on past a match end: the result is announced, not a screen that stops the viewer. */
  matchOver(result: MatchResult): void {
    const winner = result.rows.find((r) => r.playerId === result.winnerId);
    const podium = result.rows.slice(0, 3).map((r, i) => `${i + 1}. ${r.name}`);
    this.center.announce(winner ? `${winner.name} wins ${result.title.toLowerCase()}` : `${result.title} is over`, podium.join('   '));
  }

  /** The game's sounds while the replay plays (a seek passes no events, so scrubbing stays quiet). */
  sound(name: SoundName, at?: { readonly x: number; readonly y: number }): void {
    if (!this.audio.audible) return;
    this.audio.play(name, placeSound(this.listener(), at));
  }

  // ---- timeline ----

  private percent(tick: number): number {
    const span = this.info.endTick - this.info.startTick;
    return span <= 0 ? 100 : Math.max(0, Math.min(100, ((tick - this.info.startTick) / span) * 100));
  }

  private timeOf(tick: number): string {
    return formatTime((tick - this.info.startTick) / this.info.tickRate);
  }

  /** The tick under a client x coordinate on the track. */
  private tickAt(clientX: number): number {
    const rect = this.track.getBoundingClientRect();
    const frac = rect.width > 0 ? Math.max(0, Math.min(1, (clientX - rect.left) / rect.width)) : 0;
    return Math.round(this.info.startTick + frac * (this.info.endTick - this.info.startTick));
  }

  private bindTimeline(timeline: HTMLElement): void {
    const seekTo = (e: PointerEvent, done: boolean) => this.handlers.scrub(Math.min(this.endTick, this.tickAt(e.clientX)), done);
    timeline.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      this.dragging = true;
      timeline.setPointerCapture(e.pointerId);
      timeline.classList.add('dragging');
      seekTo(e, false);
    });
    timeline.addEventListener('pointermove', (e) => {
      if (this.dragging) seekTo(e, false);
      this.showTip(e.clientX);
    });
    const end = (e: PointerEvent) => {
      if (!this.dragging) return;
      this.dragging = false;
      timeline.classList.remove('dragging');
      seekTo(e, true);
    };
    timeline.addEventListener('pointerup', end);
    timeline.addEventListener('pointercancel', end);
    timeline.addEventListener('pointerleave', () => {
      if (!this.dragging) this.tip.hidden = true;
    });
  }

  private showTip(clientX: number): void {
    const rect = this.track.getBoundingClientRect();
    const tick = this.tickAt(clientX);
    // A marker within a few pixels says what happened there.
    const perPx = (this.info.endTick - this.info.startTick) / Math.max(1, rect.width);
    let near: TimelineMark | null = null;
    for (const { mark } of this.markers) {
      if (Math.abs(mark.tick - tick) <= perPx * 5 && (!near || Math.abs(mark.tick - tick) < Math.abs(near.tick - tick))) near = mark;
    }
    setText(this.tip, near ? `${near.text} · ${this.timeOf(near.tick)}` : `${this.timeOf(tick)} · tick ${tick}`);
    this.tip.hidden = false;
    const x = Math.max(rect.left, Math.min(rect.right, clientX)) - rect.left;
    this.tip.style.left = `${x}px`;
  }
}

/** A full-screen message (loading, or an error with the way back to the lobby). */
export function replayScreen(kind: 'loading' | 'error', title: string, message = '', detail = ''): HTMLElement {
  if (kind === 'loading') {
    const el = h('div', { className: 'loading', text: title });
    el.id = 'replay-loading';
    return el;
  }
  const back = h('a', { className: 'btn primary', text: 'Back to the lobby' });
  back.href = '/';
  const card = h(
    'div',
    { className: 'lobby-card' },
    h('h2', { text: title }),
    message ? h('p', { text: message }) : null,
    detail ? h('p', { className: 'detail', text: detail }) : null,
    back,
  );
  const screen = h('div', { className: 'gone replay-error' }, card);
  screen.id = 'replay-error';
  screen.setAttribute('role', 'alertdialog');
  return screen;
}
