// The in-game HUD, as DOM over the Phaser canvas (crisp text, cheap to update, readable by tests):
// room info and own score top-left, match timer top-center, kill feed top-right, chat bottom-left,
// scoreboard on Tab, respawn countdown and match results in the middle, the reconnecting banner, and the
// F3 net graph bottom-right.

import { WEAPON_RIFLE, WEAPON_ROCKET } from '../../../shared/game/arena/constants.js';
import type { JoinInfo } from '../../../shared/protocol.js';
import { cssColor, h, setHidden, setText } from '../dom.js';
import { formatClock, type ScoreLine } from '../game/world-view.js';
import { ChatView } from './chat.js';
import { NetGraph } from './net-graph.js';

export interface HudFrame {
  readonly scores: readonly ScoreLine[];
  readonly localId: number;
  readonly colorOf: (playerId: number) => number;
  /** Ticks left in the match, null before the match entity arrives. */
  readonly matchTicksLeft: number | null;
  readonly matchNumber: number;
  readonly tickRate: number;
  /** Ticks until the local player respawns, null while alive. */
  readonly respawnTicksLeft: number | null;
  readonly rttMs: number;
}

const FEED_MS = 6000;

export class Hud {
  readonly root: HTMLElement;
  readonly chat: ChatView;
  readonly netGraph = new NetGraph();
  private readonly roomLine: HTMLElement;
  private readonly meLine: HTMLElement;
  private readonly ping: HTMLElement;
  private readonly clock: HTMLElement;
  private readonly clockSub: HTMLElement;
  private readonly feed: HTMLElement;
  private readonly board: HTMLElement;
  private readonly boardBody: HTMLElement;
  private readonly center: HTMLElement;
  private readonly centerBig: HTMLElement;
  private readonly centerSmall: HTMLElement;
  private readonly bannerEl: HTMLElement;
  private readonly vignette: HTMLElement;
  private boardKey = '';
  private matchBannerUntil = 0;
  private scoreboardOpen = false;

  constructor(join: JoinInfo, sendChat: (text: string) => Promise<void>, onLeave: () => void) {
    this.chat = new ChatView(sendChat);
    this.roomLine = h('div', { className: 'room' });
    if (join.code) {
      this.roomLine.append('Private room · code ', h('b', { className: 'code', text: join.code }));
      this.roomLine.title = 'Share this code: friends join it from the lobby';
    } else {
      this.roomLine.append('Room ', h('b', { text: join.roomId }));
    }
    this.meLine = h('div', { className: 'me' });
    this.ping = h('span', { className: 'ping' });
    const leave = h('button', { className: 'btn small', text: 'Leave' });
    leave.addEventListener('click', () => onLeave());
    const info = h('div', { className: 'hud-info panel' }, this.roomLine, this.meLine, h('div', { className: 'row' }, this.ping, leave));

    this.clock = h('div', { className: 'clock', text: '–:––' });
    this.clockSub = h('div', { className: 'sub', text: 'match' });
    const timer = h('div', { className: 'hud-timer panel' }, this.clock, this.clockSub);

    this.feed = h('div', { className: 'killfeed' });

    this.boardBody = h('tbody');
    const head = h('tr', {}, ...['#', 'Player', 'Score', 'Kills', 'Deaths'].map((t) => h('th', { text: t })));
    this.board = h('div', { className: 'scoreboard panel' }, h('h3', { text: 'Scoreboard' }), h('table', {}, h('thead', {}, head), this.boardBody));
    this.board.hidden = true;

    this.centerBig = h('div', { className: 'big' });
    this.centerSmall = h('div', { className: 'small' });
    this.center = h('div', { className: 'center-msg' }, this.centerBig, this.centerSmall);
    this.center.hidden = true;

    this.bannerEl = h('div', { className: 'banner' });
    this.bannerEl.setAttribute('role', 'alert');
    this.bannerEl.hidden = true;
    this.netGraph.root.hidden = true;
    this.vignette = h('div', { className: 'vignette' });

    this.root = h('div', {}, this.vignette, info, timer, this.feed, this.chat.root, this.board, this.center, this.bannerEl, this.netGraph.root);
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

  /** A red flash at the screen edges when the local player is hurt (0..1). */
  pain(strength: number): void {
    this.vignette.style.setProperty('--pain', String(0.35 + 0.65 * Math.max(0, Math.min(1, strength))));
    this.vignette.classList.remove('hurt');
    void this.vignette.offsetWidth; // restart the animation
    this.vignette.classList.add('hurt');
  }

  toggleDebug(open = this.netGraph.root.hidden): void {
    setHidden(this.netGraph.root, !open);
  }

  setScoreboard(open: boolean): void {
    this.scoreboardOpen = open;
    setHidden(this.board, !open);
  }

  kill(killer: { name: string; color: number }, victim: { name: string; color: number }, weapon: number, mine: boolean): void {
    const weaponName = weapon === WEAPON_RIFLE ? 'rifle' : weapon === WEAPON_ROCKET ? 'rocket' : 'splat';
    const entry =
      killer.name === victim.name
        ? h('div', { className: 'kill' }, nameSpan(victim), h('span', { className: 'weapon', text: `blew up (${weaponName})` }))
        : h('div', { className: 'kill' }, nameSpan(killer), h('span', { className: 'weapon', text: `[${weaponName}]` }), nameSpan(victim));
    if (mine) entry.classList.add('mine');
    this.feed.prepend(entry);
    while (this.feed.children.length > 6) this.feed.lastChild?.remove();
    setTimeout(() => entry.classList.add('fading'), FEED_MS);
    setTimeout(() => entry.remove(), FEED_MS + 600);
  }

  /** The match-over announcement, shown for a few seconds over the next match's start. */
  matchOver(winner: string | null, youWon: boolean, lines: string): void {
    this.matchBannerUntil = performance.now() + 6000;
    this.center.className = 'center-msg match';
    setText(this.centerBig, youWon ? 'You won the match!' : winner ? `${winner} wins the match` : 'Match over');
    setText(this.centerSmall, lines);
    setHidden(this.center, false);
  }

  update(f: HudFrame): void {
    const me = f.scores.find((s) => s.playerId === f.localId);
    if (me) {
      const rank = f.scores.indexOf(me) + 1;
      setText(this.meLine, `${me.name} · score ${me.score} · ${me.kills}K/${me.deaths}D · #${rank} of ${f.scores.length}`);
    }
    setText(this.ping, `${Math.round(f.rttMs)} ms`);
    if (f.matchTicksLeft !== null) {
      setText(this.clock, formatClock(f.matchTicksLeft, f.tickRate));
      const low = f.matchTicksLeft < f.tickRate * 30;
      if (this.clock.classList.contains('low') !== low) this.clock.classList.toggle('low', low);
      setText(this.clockSub, `match ${f.matchNumber}`);
    }

    if (performance.now() >= this.matchBannerUntil) {
      if (f.respawnTicksLeft !== null) {
        this.center.className = 'center-msg dead';
        setText(this.centerBig, 'You died');
        setText(this.centerSmall, `Respawning in ${Math.max(0, Math.ceil(f.respawnTicksLeft / f.tickRate))}…`);
        setHidden(this.center, false);
      } else {
        setHidden(this.center, true);
      }
    }

    if (this.scoreboardOpen) {
      const key = JSON.stringify(f.scores);
      if (key !== this.boardKey) {
        this.boardKey = key;
        this.boardBody.replaceChildren(
          ...f.scores.map((s, i) => {
            const swatch = h('span', { className: 'swatch' });
            swatch.style.background = cssColor(f.colorOf(s.playerId));
            const row = h(
              'tr',
              {},
              h('td', { text: String(i + 1) }),
              h('td', {}, swatch, s.name),
              h('td', { text: String(s.score) }),
              h('td', { text: String(s.kills) }),
              h('td', { text: String(s.deaths) }),
            );
            if (s.playerId === f.localId) row.className = 'me';
            return row;
          }),
        );
      }
    }
  }
}

function nameSpan(p: { name: string; color: number }): HTMLElement {
  const span = h('span', { text: p.name });
  span.style.color = cssColor(p.color);
  return span;
}
