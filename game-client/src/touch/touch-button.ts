// A round on-screen button for a thumb: held while a finger is on it (tracked by pointerId, so the sticks
// keep working under other fingers), with a callback for each new press.

import { h } from '../dom.js';
import { isTouch } from './touch-device.js';

/**
 * A press counts as held this long at least: inputs are sent at the tick rate (33 ms at 30 Hz), and a
 * quick tap (or a test's instant one) must still reach one of them.
 */
const MIN_PRESS_MS = 100;

export class TouchButton {
  readonly root: HTMLElement;
  private pointerId: number | null = null;
  private pressedAt = -Infinity;

  constructor(name: string, label: string, title: string, private readonly onPress: () => void = () => undefined) {
    this.root = h('div', { className: `touch-button ${name}`, text: label, title });
    this.root.dataset.button = name;
    this.root.setAttribute('role', 'button');
    this.root.setAttribute('aria-label', title);
    this.root.addEventListener('pointerdown', this.onDown);
    this.root.addEventListener('pointerup', this.onUp);
    this.root.addEventListener('pointercancel', this.onUp);
    this.root.addEventListener('lostpointercapture', this.onUp);
  }

  get held(): boolean {
    return this.pointerId !== null || performance.now() - this.pressedAt < MIN_PRESS_MS;
  }

  /** Lets go at once (also of a tap's minimum). */
  release(): void {
    this.lift();
    this.pressedAt = -Infinity;
  }

  private readonly onDown = (e: PointerEvent): void => {
    if (!isTouch(e) || this.pointerId !== null) return;
    e.preventDefault();
    this.pointerId = e.pointerId;
    this.root.setPointerCapture?.(e.pointerId);
    this.root.classList.add('held');
    this.pressedAt = performance.now();
    this.onPress();
  };

  private readonly onUp = (e: PointerEvent): void => {
    if (e.pointerId === this.pointerId) this.lift();
  };

  private lift(): void {
    this.pointerId = null;
    this.root.classList.remove('held');
  }
}
