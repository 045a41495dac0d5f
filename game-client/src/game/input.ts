// Keyboard and mouse → the arena's input bits. Plain DOM listeners (not Phaser's keyboard plugin) so the
// chat box, Tab and the debug key are handled in one place and nothing leaks into a focused text field.

import {
  KEY_DOWN,
  KEY_FIRE_PRIMARY,
  KEY_FIRE_SECONDARY,
  KEY_LEFT,
  KEY_RIGHT,
  KEY_UP,
} from '../../../shared/game/arena/input.js';

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

export interface InputHandlers {
  /** True while typing in chat: movement keys are ignored. */
  readonly typing: () => boolean;
  readonly onChat: () => void;
  readonly onScoreboard: (open: boolean) => void;
  readonly onDebug: () => void;
  readonly onEscape: () => void;
}

export class InputState {
  private readonly held = new Set<string>();
  private mouseButtons = 0;
  /** Pointer position in canvas (screen) pixels. */
  screenX = 0;
  screenY = 0;
  hasPointer = false;
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly canvas: HTMLElement,
    private readonly handlers: InputHandlers,
  ) {
    this.listen(window, 'keydown', (e) => this.onKeyDown(e as KeyboardEvent));
    this.listen(window, 'keyup', (e) => this.onKeyUp(e as KeyboardEvent));
    this.listen(window, 'blur', () => this.releaseAll());
    this.listen(canvas, 'pointerdown', (e) => {
      const pe = e as PointerEvent;
      this.pointer(pe);
      this.mouseButtons = pe.buttons;
    });
    this.listen(window, 'pointerup', (e) => {
      this.mouseButtons = (e as PointerEvent).buttons;
    });
    this.listen(window, 'pointermove', (e) => {
      const pe = e as PointerEvent;
      this.pointer(pe);
      this.mouseButtons = pe.buttons;
    });
    this.listen(canvas, 'contextmenu', (e) => e.preventDefault());
  }

  /** The KEY_* bitmask held right now. */
  keys(): number {
    let bits = 0;
    if (!this.handlers.typing()) for (const code of this.held) bits |= KEY_BITS[code] ?? 0;
    if (this.mouseButtons & 1) bits |= KEY_FIRE_PRIMARY;
    if (this.mouseButtons & 2) bits |= KEY_FIRE_SECONDARY;
    // Opposite directions cancel (the movement code would too; this keeps the wire value canonical).
    if ((bits & (KEY_UP | KEY_DOWN)) === (KEY_UP | KEY_DOWN)) bits &= ~(KEY_UP | KEY_DOWN);
    if ((bits & (KEY_LEFT | KEY_RIGHT)) === (KEY_LEFT | KEY_RIGHT)) bits &= ~(KEY_LEFT | KEY_RIGHT);
    return bits;
  }

  releaseAll(): void {
    this.held.clear();
    this.mouseButtons = 0;
  }

  dispose(): void {
    for (const off of this.disposers.splice(0)) off();
  }

  private pointer(e: PointerEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    this.screenX = e.clientX - rect.left;
    this.screenY = e.clientY - rect.top;
    this.hasPointer = true;
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (this.handlers.typing()) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
    switch (e.code) {
      case 'Enter':
      case 'NumpadEnter':
        e.preventDefault();
        this.held.clear();
        this.handlers.onChat();
        return;
      case 'Tab':
        e.preventDefault();
        this.handlers.onScoreboard(true);
        return;
      case 'F3':
      case 'Backquote':
        e.preventDefault();
        if (!e.repeat) this.handlers.onDebug();
        return;
      case 'Escape':
        this.handlers.onEscape();
        return;
    }
    if (KEY_BITS[e.code] !== undefined) {
      e.preventDefault();
      this.held.add(e.code);
    }
  }

  private onKeyUp(e: KeyboardEvent): void {
    if (e.code === 'Tab') {
      e.preventDefault();
      this.handlers.onScoreboard(false);
      return;
    }
    this.held.delete(e.code);
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, fn);
    this.disposers.push(() => target.removeEventListener(type, fn));
  }
}
