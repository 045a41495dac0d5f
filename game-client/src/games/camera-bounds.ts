// Where a live camera may look, and the minimap's box of what it shows: the camera's view stays inside the
// map (no black band past its edge) and is centred on the map along an axis where the screen is larger
// than the map; the minimap's box of the view is drawn inside the minimap. Pure arithmetic, in whatever
// coordinates the caller uses (scene px for the camera, minimap px for its box): unit-tested in node.

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One axis: a view `size` wide centred at `centre`, kept inside [0, world]; centred when it is wider. */
function clampAxis(centre: number, size: number, world: number): number {
  if (size >= world) return world / 2;
  return Math.min(world - size / 2, Math.max(size / 2, centre));
}

/**
 * The centre to give a camera whose view is `viewWidth` x `viewHeight` (scene px: the screen divided by
 * the zoom) wanting to look at (x, y), so that the view stays inside the world [0, width] x [0, height].
 */
export function clampCameraCentre(
  x: number,
  y: number,
  viewWidth: number,
  viewHeight: number,
  world: { readonly width: number; readonly height: number },
): { x: number; y: number } {
  return { x: clampAxis(x, viewWidth, world.width), y: clampAxis(y, viewHeight, world.height) };
}

/**
 * The path to stroke with a line `lineWidth` wide to outline the part of `view` inside `frame`: that part
 * inset by half the line (a stroke is centred on its path), so that the stroke's outer edge is on it and
 * the whole line stays inside the frame. Null when too little of the view is inside the frame to draw.
 */
export function boxInside(view: Rect, frame: Rect, lineWidth: number): Rect | null {
  const inset = lineWidth / 2;
  const x0 = Math.max(view.x, frame.x) + inset;
  const y0 = Math.max(view.y, frame.y) + inset;
  const x1 = Math.min(view.x + view.width, frame.x + frame.width) - inset;
  const y1 = Math.min(view.y + view.height, frame.y + frame.height) - inset;
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** `r` grown by `by` on every side (e.g. a stroke's path to its outer edge). */
export function growRect(r: Rect, by: number): Rect {
  return { x: r.x - by, y: r.y - by, width: r.width + 2 * by, height: r.height + 2 * by };
}
