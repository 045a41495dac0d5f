import { describe, expect, it } from 'vitest';
import { boxInside, clampCameraCentre, growRect } from './camera-bounds.js';

const MAP = { width: 2400, height: 1600 };

describe('clampCameraCentre', () => {
  it('leaves a centre alone while the view is inside the map', () => {
    expect(clampCameraCentre(1200, 800, 1280, 720, MAP)).toEqual({ x: 1200, y: 800 });
    expect(clampCameraCentre(640, 360, 1280, 720, MAP)).toEqual({ x: 640, y: 360 });
  });

  it('keeps the view inside the map at every edge and corner', () => {
    expect(clampCameraCentre(30, 20, 1280, 720, MAP)).toEqual({ x: 640, y: 360 });
    expect(clampCameraCentre(2390, 1590, 1280, 720, MAP)).toEqual({ x: 2400 - 640, y: 1600 - 360 });
    expect(clampCameraCentre(-500, 900, 1280, 720, MAP)).toEqual({ x: 640, y: 900 });
    // A zoomed-out view (the screen divided by the zoom) reaches less far in.
    expect(clampCameraCentre(0, 0, 1280 / 0.5, 720 / 0.5, { width: 6000, height: 6000 })).toEqual({ x: 1280, y: 720 });
  });

  it('centres the map on an axis where the view is larger than the map', () => {
    expect(clampCameraCentre(100, 100, 3000, 720, MAP)).toEqual({ x: 1200, y: 360 });
    expect(clampCameraCentre(100, 100, 3000, 2000, MAP)).toEqual({ x: 1200, y: 800 });
  });
});

describe('boxInside', () => {
  const frame = { x: 100, y: 50, width: 180, height: 120 };

  it('is the view inset by half the line when the view is inside the frame', () => {
    expect(boxInside({ x: 120, y: 60, width: 40, height: 30 }, frame, 2)).toEqual({ x: 121, y: 61, width: 38, height: 28 });
  });

  it('cuts a view that reaches past the frame at its edges, the stroke included', () => {
    const box = boxInside({ x: 60, y: 20, width: 100, height: 60 }, frame, 4)!;
    expect(box).toEqual({ x: 102, y: 52, width: 56, height: 26 });
    // The stroke's outer edge: exactly the part of the view inside the frame.
    expect(growRect(box, 2)).toEqual({ x: 100, y: 50, width: 60, height: 30 });
    // A view larger than the frame on every side outlines the frame from inside.
    expect(growRect(boxInside({ x: 0, y: 0, width: 1000, height: 1000 }, frame, 1)!, 0.5)).toEqual(frame);
  });

  it('is null when the view is outside the frame or too thin to draw', () => {
    expect(boxInside({ x: 300, y: 60, width: 40, height: 30 }, frame, 1)).toBeNull();
    expect(boxInside({ x: 279.5, y: 60, width: 40, height: 30 }, frame, 1)).toBeNull();
  });
});
