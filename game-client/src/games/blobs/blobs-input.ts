// Mouse and keyboard → blobs' input. The blob always heads for the mouse pointer (agar.io's feel: no key
// to hold), and stops when the pointer rests on its middle; Space or the right button boosts once per
// press. Plain DOM listeners (not Phaser's keyboard plugin), so nothing leaks into a focused text field;
// the shell's keys (Enter, Tab, F3, Escape) are left to the shell. On a touch device a stick (touch/)
// steers instead, and a button boosts as Space does; the mouse code ignores touch pointers.

import type { RenderFrame } from '../../../../shared/client/client-session.js';
import { BLOB_FIELD, BLOB_FLAG_BOOSTING, BLOB_KEY_BOOST, BLOB_KEY_MOVE, aimFromVector, type BlobsInput } from '../../../../shared/game/blobs/index.js';
import { steerAim } from './touch-mapping.js';
import { TouchControls } from '../../touch/touch-controls.js';
import { isTouch } from '../../touch/touch-device.js';
import { num } from '../entity-fields.js';
import type { GameInput, InputContext } from '../client-game.js';
import { blobPositionPx } from './world-view.js';

/** The pointer this close to the blob's centre (a share of its radius, scene px) stops it: a place to rest. */
const REST_SHARE = 0.35;
const REST_MIN_PX = 8;
/** A tap asks for a boost this long at least (a few ticks: the input is sent at the tick rate). */
const BOOST_TAP_MS = 250;

export class BlobsInputReader implements GameInput<BlobsInput> {
  pointer: { x: number; y: number } | null = null;
  private aim = 0;
  private spaceHeld = false;
  private rightHeld = false;
  /** A boost asked for (a press) and not yet seen starting: when it was asked. */
  private boostAskedAt: number | null = null;
  private wasBoosting = false;
  private readonly disposers: (() => void)[] = [];
  private readonly touch: TouchControls;

  constructor(private readonly context: InputContext) {
    const canvas = context.target;
    this.touch = new TouchControls(canvas, {
      left: 'steer',
      buttons: [{ name: 'boost', label: 'boost', title: 'Boost', onPress: () => this.askBoost() }],
    });
    this.listen(window, 'keydown', (e) => this.onKey(e as KeyboardEvent, true));
    this.listen(window, 'keyup', (e) => this.onKey(e as KeyboardEvent, false));
    this.listen(window, 'blur', () => this.releaseAll());
    this.listen(canvas, 'pointerdown', (e) => {
      if (isTouch(e)) return;
      const pe = e as PointerEvent;
      this.point(pe);
      if (pe.button === 2) {
        this.rightHeld = true;
        this.askBoost();
      }
    });
    this.listen(window, 'pointerup', (e) => {
      if (isTouch(e)) return;
      if ((e as PointerEvent).button === 2) this.rightHeld = false;
    });
    this.listen(window, 'pointermove', (e) => {
      if (!isTouch(e)) this.point(e as PointerEvent);
    });
    this.listen(canvas, 'contextmenu', (e) => e.preventDefault());
  }

  sample(toWorld: (sx: number, sy: number) => { x: number; y: number }, previous: RenderFrame | null): BlobsInput {
    const local = previous?.local ?? null;
    let keys = 0;
    if (this.touch.left.held) {
      // The stick steers while a finger holds it (inside its dead zone: rest); the mouse otherwise.
      const steered = steerAim(this.touch.left.value);
      if (steered !== null) {
        this.aim = steered;
        keys |= BLOB_KEY_MOVE;
      }
    } else if (local && this.pointer) {
      const blob = blobPositionPx(local);
      const p = toWorld(this.pointer.x, this.pointer.y);
      const dx = p.x - blob.x;
      const dy = p.y - blob.y;
      const rest = Math.max(REST_MIN_PX, blob.radius * REST_SHARE);
      if (dx * dx + dy * dy > rest * rest) {
        this.aim = aimFromVector(dx, dy);
        keys |= BLOB_KEY_MOVE;
      }
    }
    if (this.boostWanted(local !== null && (num(local.values, BLOB_FIELD.flags) & BLOB_FLAG_BOOSTING) !== 0)) keys |= BLOB_KEY_BOOST;
    return { keys, aim: this.aim };
  }

  releaseAll(): void {
    this.spaceHeld = false;
    this.rightHeld = false;
    this.boostAskedAt = null;
    this.touch.releaseAll();
  }

  dispose(): void {
    for (const off of this.disposers.splice(0)) off();
    this.touch.dispose();
  }

  /**
   * A press asks for one boost: asked until the (predicted) blob starts boosting, while the key is held
   * (a press during the cooldown boosts when it is over), and for a short tap at least.
   */
  private boostWanted(boosting: boolean): boolean {
    const started = boosting && !this.wasBoosting;
    this.wasBoosting = boosting;
    if (this.boostAskedAt === null) return false;
    const held = this.spaceHeld || this.rightHeld || this.touch.held('boost');
    if (started || (!held && performance.now() - this.boostAskedAt > BOOST_TAP_MS)) {
      this.boostAskedAt = null;
      return false;
    }
    return true;
  }

  private askBoost(): void {
    this.boostAskedAt = performance.now();
  }

  private point(e: PointerEvent): void {
    const rect = this.context.target.getBoundingClientRect();
    this.pointer = { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    if (e.code !== 'Space') return;
    if (!down) {
      this.spaceHeld = false;
      return;
    }
    if (this.context.typing()) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
    e.preventDefault();
    if (!e.repeat) {
      this.spaceHeld = true;
      this.askBoost();
    }
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, fn);
    this.disposers.push(() => target.removeEventListener(type, fn));
  }
}
