// Is this a touch device? A coarse primary pointer (phones, tablets) says so at once; otherwise the first
// touch does (a laptop with a touchscreen). A mouse-and-keyboard desktop never gets a touch, so never
// sees the touch controls.

/** Calls `show` once this proves to be a touch device (maybe at once); the returned function stops waiting. */
export function whenTouchDevice(show: () => void): () => void {
  if (window.matchMedia('(pointer: coarse)').matches) {
    show();
    return () => undefined;
  }
  const onPointer = (e: PointerEvent) => {
    if (!isTouch(e)) return;
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
