import { describe, expect, it } from 'vitest';
import { aimFromVector } from '../../../../shared/game/arena/directions.js';
import { KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_UP } from '../../../../shared/game/arena/input.js';
import { AIM_STEPS } from '../../../../shared/game/arena/units.js';
import { AIM_DEAD_ZONE, MOVE_DEAD_ZONE, moveKeys, stickAim } from './touch-mapping.js';
import { stickVector } from '../../touch/stick-math.js';

/** A stick vector at `deg` degrees (screen: 0 right, 90 down) and `length` of the throw. */
const stick = (deg: number, length = 1) => ({ x: length * Math.cos((deg * Math.PI) / 180), y: length * Math.sin((deg * Math.PI) / 180) });

describe('arena touch mapping', () => {
  it('moves in the 8 directions of WASD from the left stick’s angle', () => {
    expect(moveKeys(stick(0))).toBe(KEY_RIGHT);
    expect(moveKeys(stick(45))).toBe(KEY_RIGHT | KEY_DOWN);
    expect(moveKeys(stick(90))).toBe(KEY_DOWN);
    expect(moveKeys(stick(135))).toBe(KEY_DOWN | KEY_LEFT);
    expect(moveKeys(stick(180))).toBe(KEY_LEFT);
    expect(moveKeys(stick(225))).toBe(KEY_LEFT | KEY_UP);
    expect(moveKeys(stick(270))).toBe(KEY_UP);
    expect(moveKeys(stick(315))).toBe(KEY_UP | KEY_RIGHT);
    // A thumb a little off the axis still moves straight; past 22.5 degrees it goes diagonal.
    expect(moveKeys(stick(-20))).toBe(KEY_RIGHT);
    expect(moveKeys(stick(-25))).toBe(KEY_UP | KEY_RIGHT);
    // Opposite keys never come together.
    for (let deg = 0; deg < 360; deg += 5) {
      const k = moveKeys(stick(deg));
      expect(k & (KEY_UP | KEY_DOWN)).not.toBe(KEY_UP | KEY_DOWN);
      expect(k & (KEY_LEFT | KEY_RIGHT)).not.toBe(KEY_LEFT | KEY_RIGHT);
    }
  });

  it('does not move inside the dead zone, and does past it at any throw', () => {
    expect(moveKeys(stick(90, MOVE_DEAD_ZONE - 0.01))).toBe(0);
    expect(moveKeys(stick(90, MOVE_DEAD_ZONE + 0.01))).toBe(KEY_DOWN);
    expect(moveKeys(stickVector(-10, 0, 56))).toBe(0); // 10 px of a 56 px stick
    expect(moveKeys(stickVector(-20, 0, 56))).toBe(KEY_LEFT);
    expect(moveKeys(stickVector(-500, 0, 56))).toBe(KEY_LEFT);
  });

  it('aims where the right stick points (the mouse’s aim steps) and only past its dead zone', () => {
    expect(stickAim(stick(0))).toBe(0);
    expect(stickAim(stick(90))).toBe(AIM_STEPS / 4);
    expect(stickAim(stick(180))).toBe(AIM_STEPS / 2);
    expect(stickAim(stick(270))).toBe((AIM_STEPS * 3) / 4);
    // Finer than 8 directions: the full aim resolution.
    expect(stickAim(stick(10))).toBe(aimFromVector(Math.cos(Math.PI / 18), Math.sin(Math.PI / 18)));
    expect(stickAim(stick(10))).not.toBe(stickAim(stick(0)));
    // The angle, not the throw, decides.
    expect(stickAim(stick(200, 0.5))).toBe(stickAim(stick(200, 1)));
    expect(stickAim(stick(200, AIM_DEAD_ZONE - 0.01))).toBeNull();
    expect(stickAim({ x: 0, y: 0 })).toBeNull();
  });
});
