import { describe, expect, it } from 'vitest';
import { AIM_STEPS } from '../../../../shared/game/arena/units.js';
import { STEER_DEAD_ZONE, steerAim } from './touch-mapping.js';

describe('blobs touch mapping', () => {
  it('heads where the stick points, in the mouse’s aim steps', () => {
    expect(steerAim({ x: 1, y: 0 })).toBe(0);
    expect(steerAim({ x: 0, y: 0.6 })).toBe(AIM_STEPS / 4);
    expect(steerAim({ x: -0.7, y: 0 })).toBe(AIM_STEPS / 2);
    expect(steerAim({ x: 0, y: -1 })).toBe((AIM_STEPS * 3) / 4);
  });

  it('rests inside the dead zone', () => {
    expect(steerAim({ x: 0, y: 0 })).toBeNull();
    expect(steerAim({ x: STEER_DEAD_ZONE - 0.01, y: 0 })).toBeNull();
    expect(steerAim({ x: STEER_DEAD_ZONE + 0.01, y: 0 })).toBe(0);
  });
});
