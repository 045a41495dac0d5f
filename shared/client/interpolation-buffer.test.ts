import { describe, expect, it } from 'vitest';
import type { EntityState } from '../codec/schema.js';
import { InterpolationBuffer } from './interpolation-buffer.js';
import type { InterpolationModel } from './session-types.js';

// Kind 0: [x, y, aim, hp]; kind 1: [score] (not spatial).
const model: InterpolationModel = {
  lerpFields: (kind) => (kind === 0 ? [0, 1] : []),
  angleFields: (kind) => (kind === 0 ? [{ index: 2, steps: 360 }] : []),
  teleportDistance: 100,
  positionFields: (kind) => (kind === 0 ? { x: 0, y: 1 } : null),
  discontinuous: (a, b) => a.values[3] === 0 && (b.values[3] as number) > 0,
};

const TICK = 1000 / 30;
const p = (id: number, x: number, y: number, aim = 0, hp = 100): EntityState => ({ id, kind: 0, values: [x, y, aim, hp] });
const state = (...entities: EntityState[]) => new Map(entities.map((e) => [e.id, e]));
const xy = (e: EntityState | undefined) => (e ? [e.values[0], e.values[1]] : undefined);

describe('InterpolationBuffer', () => {
  it('blends positions, turns angles the short way and takes other fields from the newer snapshot', () => {
    const b = new InterpolationBuffer(model, { tickMs: TICK });
    b.push(10, state(p(1, 0, 0, 350, 100), { id: 9, kind: 1, values: [1] }));
    b.push(11, state(p(1, 30, -10, 10, 80), { id: 9, kind: 1, values: [2] }));
    const s = b.sample(10.25, 0);
    const e = s.entities.get(1)!;
    expect(e.values[0]).toBeCloseTo(7.5, 9);
    expect(e.values[1]).toBeCloseTo(-2.5, 9);
    expect(e.values[2]).toBeCloseTo(355, 9);
    expect(e.values[3]).toBe(80);
    expect(s.entities.get(9)!.values).toEqual([2]);
    expect(b.sample(10.75, 16).entities.get(1)!.values[2]).toBeCloseTo(5, 9);
    expect(s.extrapolated).toBe(false);
  });

  it('shows an entering entity only from its first snapshot, at its first position', () => {
    const b = new InterpolationBuffer(model, { tickMs: TICK });
    b.push(10, state(p(1, 0, 0)));
    b.push(12, state(p(1, 20, 0), p(2, 500, 500)));
    b.push(13, state(p(1, 30, 0), p(2, 510, 500)));
    expect(b.sample(11.9, 0).entities.has(2)).toBe(false);
    expect(xy(b.sample(12, 16).entities.get(2))).toEqual([500, 500]);
    expect(xy(b.sample(12.5, 32).entities.get(2))).toEqual([505, 500]);
  });

  it('keeps a leaving entity where it was until the render tick reaches the leave', () => {
    const b = new InterpolationBuffer(model, { tickMs: TICK });
    b.push(10, state(p(1, 0, 0), p(2, 100, 0)));
    b.push(11, state(p(1, 10, 0)));
    b.push(12, state(p(1, 20, 0)));
    expect(xy(b.sample(10.5, 0).entities.get(2))).toEqual([100, 0]);
    expect(b.sample(11, 16).entities.has(2)).toBe(false);
  });

  it('snaps teleports and flagged discontinuities instead of sliding', () => {
    const b = new InterpolationBuffer(model, { tickMs: TICK });
    b.push(10, state(p(1, 0, 0), p(2, 0, 0, 0, 0)));
    b.push(11, state(p(1, 1000, 0), p(2, 50, 0, 0, 100)));
    const mid = b.sample(10.5, 0).entities;
    expect(xy(mid.get(1))).toEqual([0, 0]);
    expect(xy(mid.get(2))).toEqual([0, 0]); // respawned next to where it died: still a snap
    const after = b.sample(11, 16).entities;
    expect(xy(after.get(1))).toEqual([1000, 0]);
    expect(xy(after.get(2))).toEqual([50, 0]);
  });

  it('excludes the predicted local player', () => {
    const b = new InterpolationBuffer(model, { tickMs: TICK });
    b.push(1, state(p(1, 0, 0), p(2, 0, 0)));
    expect([...b.sample(1, 0, 1).entities.keys()]).toEqual([2]);
  });

  it('extrapolates a bounded time past the newest snapshot, then smooths back onto real data', () => {
    const b = new InterpolationBuffer(model, { tickMs: TICK, maxExtrapolationMs: 100, smoothingMs: 100 });
    // Moving +10/tick; the buffer runs dry after tick 11.
    b.push(10, state(p(1, 100, 0)));
    b.push(11, state(p(1, 110, 0)));
    let s = b.sample(12, 0);
    expect(s.extrapolated).toBe(true);
    expect(xy(s.entities.get(1))).toEqual([120, 0]);
    s = b.sample(20, 16);
    expect(s.entities.get(1)!.values[0]).toBeCloseTo(140, 6); // capped at 3 ticks (100 ms)
    // The entity had actually stopped at 115: drawing returns there smoothly, never jumping.
    b.push(12, state(p(1, 115, 0)));
    b.push(13, state(p(1, 115, 0)));
    b.push(21, state(p(1, 115, 0)));
    let last = 140;
    let worst = 0;
    for (let t = 32, rt = 20.5; t < 600; t += 16, rt += 0.48) {
      const x = b.sample(rt, t).entities.get(1)!.values[0] as number;
      worst = Math.max(worst, Math.abs(x - last));
      last = x;
    }
    expect(worst).toBeLessThan(12);
    expect(last).toBeCloseTo(115, 1);
  });

  it('draws the oldest snapshot before it and forgets everything on reset', () => {
    const b = new InterpolationBuffer(model, { tickMs: TICK });
    b.push(10, state(p(1, 5, 5)));
    expect(xy(b.sample(3, 0).entities.get(1))).toEqual([5, 5]);
    b.push(9, state(p(1, 0, 0))); // stale: ignored
    expect(b.size).toBe(1);
    b.reset();
    expect(b.sample(10, 0).entities.size).toBe(0);
  });
});
