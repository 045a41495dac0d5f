import { describe, expect, it } from 'vitest';
import { formatClock } from './hud/match-clock.js';
import { playerColor } from './player-colors.js';

describe('colours and the match clock', () => {
  it('gives each of the first eight players its own colour (by id alone: the same on every screen)', () => {
    const first = Array.from({ length: 8 }, (_, i) => playerColor(i + 1));
    expect(new Set(first).size).toBe(8);
  });

  it('formats the match clock', () => {
    expect(formatClock(30 * 125, 30)).toBe('2:05');
    expect(formatClock(1, 30)).toBe('0:01');
    expect(formatClock(-5, 30)).toBe('0:00');
  });
});
