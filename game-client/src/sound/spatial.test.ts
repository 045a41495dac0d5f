import { describe, expect, it } from 'vitest';
import { placeSound } from './spatial.js';

describe('placeSound', () => {
  const me = { x: 500, y: 500 };

  it('is full and centred without a position or a listener', () => {
    expect(placeSound(me, undefined)).toEqual({ gain: 1, pan: 0 });
    expect(placeSound(null, { x: 0, y: 0 })).toEqual({ gain: 1, pan: 0 });
  });

  it('gets quieter with distance and is silent far away', () => {
    const near = placeSound(me, { x: 550, y: 500 })!;
    const mid = placeSound(me, { x: 900, y: 500 })!;
    const far = placeSound(me, { x: 1400, y: 500 })!;
    expect(near.gain).toBe(1);
    expect(mid.gain).toBeLessThan(near.gain);
    expect(far.gain).toBeLessThan(mid.gain);
    expect(far.gain).toBeGreaterThan(0);
    expect(placeSound(me, { x: 500, y: 2000 })).toBeNull();
  });

  it('pans toward the side the sound comes from', () => {
    expect(placeSound(me, { x: 300, y: 500 })!.pan).toBeLessThan(0);
    expect(placeSound(me, { x: 700, y: 500 })!.pan).toBeGreaterThan(0);
    expect(placeSound(me, { x: 500, y: 800 })!.pan).toBe(0);
    expect(placeSound(me, { x: 1500, y: 500 })?.pan ?? 1).toBe(1);
  });
});
