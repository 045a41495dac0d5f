// A virtual thumbstick as DOM over the canvas: a zone of the screen where a finger lands, the stick's
// base centred where it landed (it rests at a fixed spot in the zone until then), and a knob that follows
// the finger up to the base's rim. It follows one finger, by pointerId, so another finger may hold the
// other stick or a button at the same time. Mouse pointers are left to the game's mouse input.

import { h } from '../dom.js';
import { isTouch } from './touch-device.js';
import { STICK_CENTRE, stickVector, type StickVector } from './stick-math.js';

export class VirtualStick {
  /** The zone: where a touch takes this stick. */
  readonly root: HTMLElement;
  private readonly base: HTMLElement;
  private readonly knob: HTMLElement;
  private pointerId: number | null = null;
  /** The base's centre while held, client px. */
  private origin = { x: 0, y: 0 };
  private radius = 1;
  private vector: StickVector = STICK_CENTRE;

  constructor(side: 'left' | 'right', label: string) {
    this.knob = h('div', { className: 'touch-knob' });
    this.base = h('div', { className: 'touch-stick-base' }, this.knob, h('span', { className: 'touch-label', text: label }));
    this.root = h('div', { className: `touch-stick ${side}` }, this.base);
    this.root.setAttribute('aria-label', `${label} stick`);
    this.root.addEventListener('pointerdown', this.onDown);
    this.root.addEventListener('pointermove', this.onMove);
    this.root.addEventListener('pointerup', this.onUp);
    this.root.addEventListener('pointercancel', this.onUp);
    this.root.addEventListener('lostpointercapture', this.onUp);
  }

  /** Where the stick points now (the centre when no finger holds it). */
  get value(): StickVector {
    return this.vector;
  }

  get held(): boolean {
    return this.pointerId !== null;
  }

  /** Lets go: back to the centre and the resting spot. */
  release(): void {
    this.pointerId = null;
    this.vector = STICK_CENTRE;
    this.root.classList.remove('held');
    this.base.style.left = '';
    this.base.style.top = '';
    this.knob.style.transform = '';
  }

  private readonly onDown = (e: PointerEvent): void => {
    if (!isTouch(e) || this.pointerId !== null) return;
    e.preventDefault();
    this.pointerId = e.pointerId;
    // Touch pointers are captured by the element they land on anyway; this makes it explicit.
    this.root.setPointerCapture?.(e.pointerId);
    const zone = this.root.getBoundingClientRect();
    this.base.style.left = `${e.clientX - zone.left}px`;
    this.base.style.top = `${e.clientY - zone.top}px`;
    this.root.classList.add('held');
    // The throw is the base's radius as the stylesheet draws it.
    this.radius = this.base.getBoundingClientRect().width / 2;
    this.origin = { x: e.clientX, y: e.clientY };
    this.vector = STICK_CENTRE;
  };

  private readonly onMove = (e: PointerEvent): void => {
    if (e.pointerId !== this.pointerId) return;
    e.preventDefault();
    this.vector = stickVector(e.clientX - this.origin.x, e.clientY - this.origin.y, this.radius);
    this.knob.style.transform = `translate(${this.vector.x * this.radius}px, ${this.vector.y * this.radius}px)`;
  };

  private readonly onUp = (e: PointerEvent): void => {
    if (e.pointerId === this.pointerId) this.release();
  };
}
