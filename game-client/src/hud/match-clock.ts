// The match clock, top centre: the time left as m:ss (red in the last 30 s) and what it counts down.
// Used by the live HUD and the replay viewer.

import { h, setText } from '../dom.js';

const LOW_SECONDS = 30;

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
    const low = ticksLeft < tickRate * LOW_SECONDS;
    if (this.clock.classList.contains('low') !== low) this.clock.classList.toggle('low', low);
    setText(this.sub, label);
  }
}
