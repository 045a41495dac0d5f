// Where a positional sound is heard: louder near the listener (the local player), silent far away, and
// panned toward the side it comes from. Pure, in scene px.

/** Full volume up to this distance (scene px): about a player's close surroundings. */
const NEAR_PX = 160;
/** Silent from this distance on: a bit beyond the edge of a 1280-px-wide view. */
const FAR_PX = 1100;
/** The horizontal offset at which a sound is panned fully to one side. */
const FULL_PAN_PX = 700;

export interface Placement {
  /** 0..1 */
  readonly gain: number;
  /** -1 (left) .. 1 (right) */
  readonly pan: number;
}

/** How a sound at `at` is heard from `listener`; null when it is too far to hear. No position: centred, full volume. */
export function placeSound(
  listener: { readonly x: number; readonly y: number } | null,
  at: { readonly x: number; readonly y: number } | undefined,
): Placement | null {
  if (!at || !listener) return { gain: 1, pan: 0 };
  const dx = at.x - listener.x;
  const distance = Math.hypot(dx, at.y - listener.y);
  if (distance >= FAR_PX) return null;
  const k = distance <= NEAR_PX ? 0 : (distance - NEAR_PX) / (FAR_PX - NEAR_PX);
  // Squared falloff: drops off quickly past the near zone, like loudness does.
  const gain = (1 - k) * (1 - k);
  return { gain, pan: Math.max(-1, Math.min(1, dx / FULL_PAN_PX)) };
}
