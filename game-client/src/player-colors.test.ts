import { describe, expect, it } from 'vitest';
import { formatClock } from './hud/match-clock.js';
import { LOCAL_COLOR, playerColor } from './player-colors.js';

describe('colours and the match clock', () => {
  it('gives the local player its own colour and others a stable one', () => {
    expect(playerColor(3, 3)).toBe(LOCAL_COLOR);
    expect(playerColor(3, 1)).toBe(playerColor(3, 2));
    expect(playerColor(3, 1)).not.toBe(LOCAL_COLOR);
    expect(playerColor(3, -1)).toBe(playerColor(3, 1));
  });

  it('formats the match clock', () => {
    expect(formatClock(30 * 125, 30)).toBe('2:05');
    expect(formatClock(1, 30)).toBe('0:01');
    expect(formatClock(-5, 30)).toBe('0:00');
  });
});
