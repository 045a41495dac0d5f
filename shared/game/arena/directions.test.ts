import { describe, expect, it } from 'vitest';
import { DIR_SCALE, aimFromVector, aimToRadians, dirX, dirY } from './directions.js';
import { AIM_STEPS } from './units.js';

describe('direction table', () => {
  it('has unit-length integer vectors matching cos/sin to the rounding', () => {
    for (let a = 0; a < AIM_STEPS; a++) {
      const x = dirX(a);
      const y = dirY(a);
      expect(Number.isInteger(x) && Number.isInteger(y)).toBe(true);
      expect(Math.abs(Math.hypot(x, y) - DIR_SCALE)).toBeLessThanOrEqual(1);
      // Math.cos is only the test's yardstick here; the table itself never uses it.
      expect(Math.abs(x - Math.cos(aimToRadians(a)) * DIR_SCALE)).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(Math.abs(y - Math.sin(aimToRadians(a)) * DIR_SCALE)).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  });

  it('is exact on the axes and symmetric', () => {
    expect([dirX(0), dirY(0)]).toEqual([DIR_SCALE, 0]);
    expect([dirX(1024), dirY(1024)]).toEqual([0, DIR_SCALE]);
    expect([dirX(2048), dirY(2048)]).toEqual([-DIR_SCALE, 0]);
    expect([dirX(3072), dirY(3072)]).toEqual([0, -DIR_SCALE]);
    for (let a = 1; a < AIM_STEPS; a++) {
      expect(dirX(AIM_STEPS - a)).toBe(dirX(a));
      expect(dirY(AIM_STEPS - a)).toBe(0 - dirY(a));
    }
  });

  it('aimFromVector points the table back at the vector (screen y grows downward)', () => {
    expect(aimFromVector(1, 0)).toBe(0);
    expect(aimFromVector(0, 1)).toBe(1024);
    expect(aimFromVector(-1, 0)).toBe(2048);
    expect(aimFromVector(0, -1)).toBe(3072);
    expect(aimFromVector(0, 0)).toBe(0);
    expect(aimFromVector(1, -1e-9)).toBe(0); // wraps to 0, never AIM_STEPS
    for (const [dx, dy] of [[3, 4], [-7, 2], [-5, -5], [100, -1]]) {
      const a = aimFromVector(dx, dy);
      const cos = (dirX(a) * dx + dirY(a) * dy) / (Math.hypot(dirX(a), dirY(a)) * Math.hypot(dx, dy));
      // Within half a step, plus the table's own rounding (under 1e-4 rad).
      expect(cos).toBeGreaterThanOrEqual(Math.cos(Math.PI / AIM_STEPS + 1e-4));
    }
  });
});
