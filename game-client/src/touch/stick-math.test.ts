import { describe, expect, it } from 'vitest';
import { STICK_CENTRE, beyondDeadZone, octant, stickVector } from './stick-math.js';

describe('stick geometry', () => {
  it('scales the finger offset by the throw and clamps it at the rim', () => {
    expect(stickVector(28, 0, 56)).toEqual({ x: 0.5, y: 0 });
    expect(stickVector(0, -56, 56)).toEqual({ x: 0, y: -1 });
    const far = stickVector(300, 400, 56);
    expect(Math.hypot(far.x, far.y)).toBeCloseTo(1, 12);
    expect(far.x / far.y).toBeCloseTo(300 / 400, 12);
    expect(stickVector(0, 0, 56)).toBe(STICK_CENTRE);
    expect(stickVector(10, 10, 0)).toBe(STICK_CENTRE);
  });

  it('has a dead zone around the centre', () => {
    expect(beyondDeadZone({ x: 0.2, y: 0 }, 0.25)).toBe(false);
    expect(beyondDeadZone({ x: 0.18, y: 0.18 }, 0.25)).toBe(true);
    expect(octant({ x: 0.1, y: -0.1 }, 0.25)).toBeNull();
    expect(octant(STICK_CENTRE, 0)).toBeNull();
  });

  it('points to 8 directions, each the middle of a 45-degree sector, clockwise on screen from the right', () => {
    const at = (deg: number) => octant({ x: Math.cos((deg * Math.PI) / 180), y: Math.sin((deg * Math.PI) / 180) }, 0.25);
    const names = ['right', 'down-right', 'down', 'down-left', 'left', 'up-left', 'up', 'up-right'];
    for (let o = 0; o < 8; o++) {
      const centre = o * 45;
      expect(names[at(centre)!], `${centre} degrees`).toBe(names[o]);
      // Up to 22 degrees either side is the same direction; past 22.5 the next one.
      expect(at(centre - 22)).toBe(o);
      expect(at(centre + 22)).toBe(o);
      expect(at(centre + 23)).toBe((o + 1) % 8);
    }
    expect(at(-90)).toBe(6); // straight up (screen y is down)
    expect(at(180)).toBe(4);
    expect(at(-180)).toBe(4);
  });
});
