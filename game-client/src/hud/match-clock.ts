// The match clock, top centre: the time left as m:ss (red in the last 30 s of a match) and what it counts
// down; between two matches, the time to the next one (labelled BREAK_LABEL, never red: nothing is about
// to be lost). Used by the live HUD and the replay viewer.

import { h, setText } from '../dom.js';

const LOW_SECONDS = 30;
/** The label a game gives the clock during the break between two matches (GameHud.clock). */
export const BREAK_LABEL = 'next match';

/** "m:ss" of a tick count at `tickRate` (never negative). */
export function formatClock(ticks: number, tickRate: number): string {
  const total = Math.max(0, Math.ceil(ticks / tickRate));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export class MatchClock {
  private readonly clock = h('div', { className: 'clock', text: '–:––' });
  private readonly sub = h('div', { className: 'sub', text: 'match' });
  readonly root = h('div', { className: 'hud-timer panel' }, this.clock, this.sub);

  set(ticksLeft: number, tickRate: number, label: string): void {
    setText(this.clock, formatClock(ticksLeft, tickRate));
    // The replay viewer prefixes the label ("replay · next match").
    const low = ticksLeft < tickRate * LOW_SECONDS && !label.endsWith(BREAK_LABEL);
    if (this.clock.classList.contains('low') !== low) this.clock.classList.toggle('low', low);
    setText(this.sub, label);
  }
}
