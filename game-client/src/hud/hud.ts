// The in-game HUD frame, as DOM over the Phaser canvas (crisp text, cheap to update, readable by tests):
// room info and own standing top-left (on a touch device with Scores and Chat buttons for Tab and Enter),
// the match clock top-center, the feed top-right, chat bottom-left, the scoreboard on Tab, messages in the
// middle, the match-end screen, the sound switch, the reconnecting banner, and the F3 net graph
// bottom-right. What goes in the game's widgets (clock, feed, messages, pain flash, match end, sounds) is
// the game's scene's call (GameHud); the scoreboard's columns are the game's Scoreboard.

import type { FeedPart, GameHud, MatchResult, Scoreboard, ScoreRow, SoundName } from '../games/client-game.js';
import type { JoinInfo } from '../../../shared/protocol.js';
import { cssColor, h, setHidden, setText } from '../dom.js';
import { playerColor } from '../player-colors.js';
import { roomName } from '../room-name.js';
import { shellTouchButtons } from '../touch/shell-buttons.js';
import { placeSound } from '../sound/spatial.js';
import { soundEngine, type SoundEngine } from '../sound/sound-engine.js';
import { CenterMessage } from './center-message.js';
import { ChatView } from './chat.js';
import { FeedView } from './feed.js';
import { MatchClock } from './match-clock.js';
import { MatchEndScreen } from './match-end.js';
import { NetGraph } from './net-graph.js';
import { SoundToggle } from './sound-toggle.js';

export interface HudFrame {
  /** Every player's score line, best first. */
  readonly rows: readonly ScoreRow[];
  readonly localId: number;
  readonly rttMs: number;
}

/** How long a match result stays up. */
const ANNOUNCE_MS = 6000;

export class Hud implements GameHud {
  readonly root: HTMLElement;
  readonly chat: ChatView;
  readonly netGraph = new NetGraph();
  private readonly meLine: HTMLElement;
  private readonly ping: HTMLElement;
  private readonly matchClock = new MatchClock();
  private readonly feedView = new FeedView();
  private readonly center = new CenterMessage(ANNOUNCE_MS);
  private readonly board: HTMLElement;
  private readonly boardBody: HTMLElement;
  private readonly bannerEl: HTMLElement;
  private readonly vignette: HTMLElement;
  private boardKey = '';
  private scoreboardOpen = false;
  private lastRows: readonly ScoreRow[] = [];
  readonly matchEnd: MatchEndScreen;
  readonly audio: SoundEngine = soundEngine();
  private readonly soundToggle = new SoundToggle(this.audio);
  private readonly localId: number;
  /** Where sounds are heard from (scene px): the local player, set by whoever shows the scene. */
  private listener: () => { x: number; y: number } | null = () => null;

  constructor(
    join: JoinInfo,
    private readonly tickRate: number,
    private readonly scoreboard: Scoreboard,
    sendChat: (text: string) => Promise<void>,
    onLeave: () => void,
  ) {
    this.chat = new ChatView(sendChat);
    const roomLine = h('div', { className: 'room' });
    if (join.code) {
      roomLine.append('Private room · code ', h('b', { className: 'code', text: join.code }));
      roomLine.title = 'Share this code: friends join it from the lobby';
    } else {
      roomLine.append('Room ', h('b', { className: 'room-words', text: roomName(join) }));
    }
    this.meLine = h('div', { className: 'me' });
    this.ping = h('span', { className: 'ping' });
    const leave = h('button', { className: 'btn small', text: 'Leave' });
    leave.addEventListener('click', () => onLeave());
    const info = h(
      'div',
      { className: 'hud-info panel' },
      roomLine,
      this.meLine,
      h('div', { className: 'row' }, this.ping, h('span', { className: 'buttons' }, this.soundToggle.root, leave)),
      shellTouchButtons(),
    );
    this.matchEnd = new MatchEndScreen(scoreboard, tickRate, onLeave);
    this.localId = join.playerId;

    this.boardBody = h('tbody');
    const head = h('tr', {}, ...['#', 'Player', ...scoreboard.columns.map((c) => c.label)].map((t) => h('th', { text: t })));
    this.board = h('div', { className: 'scoreboard panel' }, h('h3', { text: 'Scoreboard' }), h('table', {}, h('thead', {}, head), this.boardBody));
    this.board.hidden = true;

    this.bannerEl = h('div', { className: 'banner' });
    this.bannerEl.setAttribute('role', 'alert');
    this.bannerEl.hidden = true;
    this.netGraph.root.hidden = true;
    this.vignette = h('div', { className: 'vignette' });

    this.root = h(
      'div',
      {},
      this.vignette,
      info,
      this.matchClock.root,
      this.feedView.root,
      this.chat.root,
      this.board,
      this.center.root,
      this.matchEnd.root,
      this.bannerEl,
      this.netGraph.root,
    );
    this.root.id = 'hud';
  }

  get bannerText(): string | null {
    return this.bannerEl.hidden ? null : this.bannerEl.textContent;
  }

  get debugOpen(): boolean {
    return !this.netGraph.root.hidden;
  }

  setBanner(text: string | null): void {
    setHidden(this.bannerEl, text === null);
    if (text !== null) setText(this.bannerEl, text);
  }

  toggleDebug(open = this.netGraph.root.hidden): void {
    setHidden(this.netGraph.root, !open);
  }

  setScoreboard(open: boolean): void {
    this.scoreboardOpen = open;
    setHidden(this.board, !open);
  }

  /** The frame's own parts: own standing, ping, the scoreboard while it is open. */
  update(f: HudFrame): void {
    this.lastRows = f.rows;
    const me = f.rows.find((s) => s.playerId === f.localId);
    if (me) {
      const rank = f.rows.indexOf(me) + 1;
      setText(this.meLine, `${me.name} · ${this.scoreboard.summary(me)} · #${rank} of ${f.rows.length}`);
    }
    setText(this.ping, `${Math.round(f.rttMs)} ms`);
    if (this.scoreboardOpen) this.drawBoard(f);
  }

  /** Sounds are heard from where `listener` says (scene px; null: everything centred, full volume). */
  hearFrom(listener: () => { x: number; y: number } | null): void {
    this.listener = listener;
  }

  dispose(): void {
    this.center.dispose();
    this.matchEnd.dispose();
    this.chat.dispose();
    this.soundToggle.dispose();
    this.root.remove();
  }

  // ---- GameHud: the game's widgets ----

  clock(ticksLeft: number, label: string): void {
    this.matchClock.set(ticksLeft, this.tickRate, label);
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

  pain(strength: number): void {
    this.vignette.style.setProperty('--pain', String(0.35 + 0.65 * Math.max(0, Math.min(1, strength))));
    this.vignette.classList.remove('hurt');
    void this.vignette.offsetWidth; // restart the animation
    this.vignette.classList.add('hurt');
  }

  matchOver(result: MatchResult): void {
    this.matchEnd.show(result, this.localId, (id) => this.lastRows.find((r) => r.playerId === id)?.name ?? `#${id}`);
  }

  sound(name: SoundName, at?: { readonly x: number; readonly y: number }): void {
    if (!this.audio.audible) return;
    this.audio.play(name, placeSound(this.listener(), at));
  }

  private drawBoard(f: HudFrame): void {
    const key = JSON.stringify(f.rows);
    if (key === this.boardKey) return;
    this.boardKey = key;
    this.boardBody.replaceChildren(
      ...f.rows.map((s, i) => {
        const swatch = h('span', { className: 'swatch' });
        swatch.style.background = cssColor(playerColor(s.playerId));
        const row = h(
          'tr',
          {},
          h('td', { text: String(i + 1) }),
          h('td', {}, swatch, s.name),
          ...this.scoreboard.columns.map((c) => h('td', { text: String(s.values[c.key] ?? 0) })),
        );
        if (s.playerId === f.localId) row.className = 'me';
        return row;
      }),
    );
  }
}
