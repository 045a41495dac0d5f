// The match-end screen of live play: the final standings under the game's scoreboard columns (winner on
// top, the player's own line highlighted), a countdown to the next match, and Leave. It sits over the
// game without taking its keys or the mouse outside its panel. After a break between matches (the arena's
// and blobs' rules) it counts down to the next match and closes when it starts; for a game whose next
// match starts at once it stays a few seconds over the running match, counting down to when it closes.
// Close closes it at any time.

import type { MatchResult, Scoreboard } from '../games/client-game.js';
import { cssColor, h, setHidden, setText } from '../dom.js';
import { playerColor } from '../player-colors.js';

/** When the next match starts at once, the results still stay up this long. */
const SHOWN_WITHOUT_BREAK_MS = 10_000;
const REFRESH_MS = 200;

/** What the screen shows, for the test hook. */
export interface MatchEndState {
  readonly title: string;
  readonly winner: string | null;
  /** Each line as text: rank, name, values. */
  readonly lines: readonly string[];
  /** The highlighted (own) line's index in `lines`, -1 when the player is not in the standings. */
  readonly own: number;
  readonly countdown: string;
  /** The seconds the countdown shows. */
  readonly secondsLeft: number;
}

export class MatchEndScreen {
  private readonly heading = h('h2');
  private readonly winnerLine = h('div', { className: 'verdict' });
  private readonly body = h('tbody');
  private readonly countdownEl = h('div', { className: 'countdown' });
  readonly root: HTMLElement;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closesAt = 0;
  private startsAt = 0;
  private shown: Omit<MatchEndState, 'countdown' | 'secondsLeft'> | null = null;
  /** The seconds the countdown shows now (it is redrawn every REFRESH_MS). */
  private shownSeconds = 0;

  constructor(
    private readonly scoreboard: Scoreboard,
    private readonly tickRate: number,
    onLeave: () => void,
  ) {
    const head = h('tr', {}, ...['#', 'Player', ...scoreboard.columns.map((c) => c.label)].map((t) => h('th', { text: t })));
    const leave = h('button', { className: 'btn small', text: 'Leave' });
    leave.setAttribute('data-testid', 'match-end-leave');
    leave.addEventListener('click', () => onLeave());
    const close = h('button', { className: 'btn small primary', text: 'Close' });
    close.addEventListener('click', () => this.hide());
    for (const b of [leave, close]) b.addEventListener('focus', () => b.blur()); // keep game keys off the buttons
    const panel = h(
      'div',
      { className: 'match-end-panel panel' },
      this.heading,
      this.winnerLine,
      h('table', {}, h('thead', {}, head), this.body),
      h('div', { className: 'row' }, this.countdownEl, h('div', { className: 'buttons' }, close, leave)),
    );
    this.root = h('div', { className: 'match-end' }, panel);
    this.root.setAttribute('data-testid', 'match-end');
    this.root.hidden = true;
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  show(result: MatchResult, localId: number, nameOf: (playerId: number) => string): void {
    const winner = result.winnerId === null ? null : (result.rows.find((r) => r.playerId === result.winnerId)?.name ?? nameOf(result.winnerId));
    setText(this.heading, `${result.title} is over`);
    setText(this.winnerLine, winner === null ? 'Nobody won' : result.winnerId === localId ? 'You won!' : `${winner} wins`);
    const lines: string[] = [];
    let own = -1;
    this.body.replaceChildren(
      ...result.rows.map((r, i) => {
        const swatch = h('span', { className: 'swatch' });
        swatch.style.background = cssColor(playerColor(r.playerId));
        const values = this.scoreboard.columns.map((c) => String(r.values[c.key] ?? 0));
        const row = h('tr', {}, h('td', { text: String(i + 1) }), h('td', {}, swatch, r.name), ...values.map((v) => h('td', { text: v })));
        if (r.playerId === result.winnerId) row.classList.add('winner');
        if (r.playerId === localId) {
          row.classList.add('me');
          own = i;
        }
        lines.push([String(i + 1), r.name, ...values].join(' '));
        return row;
      }),
    );
    this.shown = { title: result.title, winner, lines, own };
    const now = performance.now();
    this.startsAt = now + (result.nextInTicks * 1000) / this.tickRate;
    this.closesAt = result.nextInTicks > 0 ? this.startsAt : now + SHOWN_WITHOUT_BREAK_MS;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), REFRESH_MS);
    this.tick();
    setHidden(this.root, false);
  }

  hide(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.shown = null;
    setHidden(this.root, true);
  }

  state(): MatchEndState | null {
    if (!this.shown || !this.open) return null;
    return { ...this.shown, countdown: this.countdownEl.textContent ?? '', secondsLeft: this.shownSeconds };
  }

  dispose(): void {
    this.hide();
  }

  private secondsTo(at: number): number {
    return Math.max(0, Math.ceil((at - performance.now()) / 1000));
  }

  private tick(): void {
    const now = performance.now();
    if (now >= this.closesAt) {
      this.hide();
      return;
    }
    const starting = now < this.startsAt;
    this.shownSeconds = this.secondsTo(starting ? this.startsAt : this.closesAt);
    setText(this.countdownEl, starting ? `Next match in ${this.shownSeconds} s` : `Next match under way · closes in ${this.shownSeconds} s`);
  }
}
