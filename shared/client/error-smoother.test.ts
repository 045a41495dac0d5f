import { describe, expect, it } from 'vitest';
import { ErrorSmoother } from './error-smoother.js';
import { EventTimeline } from './event-timeline.js';

describe('ErrorSmoother', () => {
  it('decays an offset by 95% over the smoothing window', () => {
    const s = new ErrorSmoother(100, 200);
    expect(s.add(30, -40, 0)).toBe('smoothed');
    expect(s.offset(0)).toEqual({ x: 30, y: -40 });
    const half = s.offset(50);
    expect(Math.hypot(half.x, half.y)).toBeCloseTo(50 * Math.exp(-1.5), 6);
    const end = s.offset(100);
    expect(Math.hypot(end.x, end.y)).toBeCloseTo(50 * Math.exp(-3), 6);
    expect(s.offset(1000)).toEqual({ x: 0, y: 0 });
  });

  it('accumulates successive corrections and snaps beyond the snap distance', () => {
    const s = new ErrorSmoother(100, 50);
    s.add(30, 0, 0);
    s.add(10, 0, 0);
    expect(s.offset(0).x).toBe(40);
    expect(s.add(20, 0, 0)).toBe('snapped');
    expect(s.offset(0)).toEqual({ x: 0, y: 0 });
    expect(s.add(0, 0, 0)).toBe('none');
  });
});

describe('EventTimeline', () => {
  it('releases events in tick order once the render tick reaches them', () => {
    const t = new EventTimeline();
    t.push([
      { tick: 5, event: [1] },
      { tick: 7, event: [2] },
    ]);
    t.push([{ tick: 6, event: [3] }]);
    expect(t.release(4.9)).toEqual([]);
    expect(t.release(6).map((e) => e.event[0])).toEqual([1, 3]);
    expect(t.release(100).map((e) => e.event[0])).toEqual([2]);
    expect(t.size).toBe(0);
  });
});
