// Is this a touch device? A coarse primary pointer (phones, tablets) says so at once; otherwise the first
// touch does (a laptop with a touchscreen). A mouse-and-keyboard desktop never gets a touch, so never
// sees the touch controls, the touch buttons or the touch controls' help.

/** A finger has touched this page already: a touchscreen laptop proves itself so. */
let touched = false;
let coarseQuery: MediaQueryList | null = null;

/** Whether this is known to be a touch device now (cheap: the lobby's help and the games' hints ask per frame). */
export function isTouchDevice(): boolean {
  coarseQuery ??= window.matchMedia('(pointer: coarse)');
  return touched || coarseQuery.matches;
}

/** Calls `show` once this proves to be a touch device (maybe at once); the returned function stops waiting. */
export function whenTouchDevice(show: () => void): () => void {
  if (isTouchDevice()) {
    show();
    return () => undefined;
  }
  const onPointer = (e: PointerEvent) => {
    if (!isTouch(e)) return;
    touched = true;
    stop();
    show();
  };
  const stop = () => window.removeEventListener('pointerdown', onPointer, true);
  window.addEventListener('pointerdown', onPointer, true);
  return stop;
}

/** True for a finger's pointer event: the touch controls', which the games' mouse input leaves alone. */
export function isTouch(e: Event): boolean {
  return (e as PointerEvent).pointerType === 'touch';
}
