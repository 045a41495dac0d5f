// Keyboard and mouse → the arena's input: movement and fire bits, and the aim toward the mouse from where
// the local player is drawn. Plain DOM listeners (not Phaser's keyboard plugin), so nothing leaks into a
// focused text field; the shell's keys (Enter, Tab, F3, Escape) are left to the shell. On a touch device,
// twin sticks (touch/) give the same input: the left one moves, the right one aims and fires the rifle,
// a button fires a rocket; fingers are theirs, the mouse code ignores touch pointers.

import type { RenderFrame } from '../../../../shared/client/client-session.js';
import { aimFromVector } from '../../../../shared/game/arena/directions.js';
import {
  KEY_DOWN,
  KEY_FIRE_PRIMARY,
  KEY_FIRE_SECONDARY,
  KEY_LEFT,
  KEY_RIGHT,
  KEY_UP,
  type ArenaInput,
} from '../../../../shared/game/arena/input.js';
import { moveKeys, stickAim } from './touch-mapping.js';
import { TouchControls } from '../../touch/touch-controls.js';
import { isTouch } from '../../touch/touch-device.js';
import type { GameInput, InputContext } from '../client-game.js';
import { playerPositionPx } from './world-view.js';

const KEY_BITS: Readonly<Record<string, number>> = {
  KeyW: KEY_UP,
  ArrowUp: KEY_UP,
  KeyS: KEY_DOWN,
  ArrowDown: KEY_DOWN,
  KeyA: KEY_LEFT,
  ArrowLeft: KEY_LEFT,
  KeyD: KEY_RIGHT,
  ArrowRight: KEY_RIGHT,
  Space: KEY_FIRE_SECONDARY,
  KeyQ: KEY_FIRE_SECONDARY,
  KeyE: KEY_FIRE_SECONDARY,
};

/** The pointer must be this far (scene px, squared) from the player to change the aim: no jitter on top of it. */
const MIN_AIM_DISTANCE_SQ = 4;

export class ArenaInputReader implements GameInput<ArenaInput> {
  private readonly held = new Set<string>();
  private mouseButtons = 0;
  private aim = 0;
  private lastLocalPx: { x: number; y: number } | null = null;
  pointer: { x: number; y: number } | null = null;
  private readonly disposers: (() => void)[] = [];
  private readonly touch: TouchControls;

  constructor(private readonly context: InputContext) {
    const canvas = context.target;
    this.touch = new TouchControls(canvas, {
      left: 'move',
      right: 'aim · fire',
      buttons: [{ name: 'rocket', label: 'rocket', title: 'Fire a rocket' }],
    });
    this.listen(window, 'keydown', (e) => this.onKeyDown(e as KeyboardEvent));
    this.listen(window, 'keyup', (e) => this.held.delete((e as KeyboardEvent).code));
    this.listen(window, 'blur', () => this.releaseAll());
    this.listen(canvas, 'pointerdown', (e) => {
      if (isTouch(e)) return;
      const pe = e as PointerEvent;
      this.point(pe);
      this.mouseButtons = pe.buttons;
    });
    this.listen(window, 'pointerup', (e) => {
      if (isTouch(e)) return;
      this.mouseButtons = (e as PointerEvent).buttons;
    });
    this.listen(window, 'pointermove', (e) => {
      if (isTouch(e)) return;
      const pe = e as PointerEvent;
      this.point(pe);
      this.mouseButtons = pe.buttons;
    });
    this.listen(canvas, 'contextmenu', (e) => e.preventDefault());
  }

  sample(toWorld: (sx: number, sy: number) => { x: number; y: number }, previous: RenderFrame | null): ArenaInput {
    const local = previous?.entities.get(this.context.playerId);
    if (local) this.lastLocalPx = playerPositionPx(local);
    if (this.pointer && this.lastLocalPx) {
      const p = toWorld(this.pointer.x, this.pointer.y);
      const dx = p.x - this.lastLocalPx.x;
      const dy = p.y - this.lastLocalPx.y;
      if (dx * dx + dy * dy > MIN_AIM_DISTANCE_SQ) this.aim = aimFromVector(dx, dy);
    }
    // The aim stick, pushed past its dead zone, aims (over the mouse) and fires; released, the aim stays.
    const stickAimed = this.touch.right ? stickAim(this.touch.right.value) : null;
    if (stickAimed !== null) this.aim = stickAimed;
    return { keys: this.keys(stickAimed !== null), aim: this.aim };
  }

  releaseAll(): void {
    this.held.clear();
    this.mouseButtons = 0;
    this.touch.releaseAll();
  }

  dispose(): void {
    for (const off of this.disposers.splice(0)) off();
    this.touch.dispose();
  }

  /** The KEY_* bitmask held right now (`stickFiring`: the aim stick is pushed past its dead zone). */
  private keys(stickFiring: boolean): number {
    let bits = 0;
    if (!this.context.typing()) for (const code of this.held) bits |= KEY_BITS[code] ?? 0;
    if (this.mouseButtons & 1 || stickFiring) bits |= KEY_FIRE_PRIMARY;
    if (this.mouseButtons & 2 || this.touch.held('rocket')) bits |= KEY_FIRE_SECONDARY;
    bits |= moveKeys(this.touch.left.value);
    // Opposite directions cancel (the movement code would too; this keeps the wire value canonical).
    if ((bits & (KEY_UP | KEY_DOWN)) === (KEY_UP | KEY_DOWN)) bits &= ~(KEY_UP | KEY_DOWN);
    if ((bits & (KEY_LEFT | KEY_RIGHT)) === (KEY_LEFT | KEY_RIGHT)) bits &= ~(KEY_LEFT | KEY_RIGHT);
    return bits;
  }

  private point(e: PointerEvent): void {
    const rect = this.context.target.getBoundingClientRect();
    this.pointer = { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (this.context.typing()) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
    if (KEY_BITS[e.code] !== undefined) {
      e.preventDefault();
      this.held.add(e.code);
    }
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, fn);
    this.disposers.push(() => target.removeEventListener(type, fn));
  }
}
