// The on-screen controls of a game on a touch device: a stick in the lower left, optionally one in the
// lower right, and round buttons beside the right stick (or in its place). Mounted in the element the
// game is drawn in (under the HUD, whose buttons and chat stay on top and usable) and hidden until the
// device proves to be a touch device (touch-device.ts). What the sticks and buttons mean is the game
// input's business.

import { h, setHidden } from '../dom.js';
import { TouchButton } from './touch-button.js';
import { whenTouchDevice } from './touch-device.js';
import { VirtualStick } from './virtual-stick.js';
import './touch.css';

export interface TouchLayout {
  /** The left stick's label, e.g. "move". */
  readonly left: string;
  /** The right stick's label, e.g. "aim · fire"; absent for none. */
  readonly right?: string;
  /** Buttons by the right thumb. */
  readonly buttons: readonly { readonly name: string; readonly label: string; readonly title: string; readonly onPress?: () => void }[];
}

export class TouchControls {
  readonly root: HTMLElement;
  readonly left: VirtualStick;
  readonly right: VirtualStick | null;
  private readonly buttons = new Map<string, TouchButton>();
  private readonly stopWaiting: () => void;

  constructor(parent: HTMLElement, layout: TouchLayout) {
    this.left = new VirtualStick('left', layout.left);
    this.right = layout.right === undefined ? null : new VirtualStick('right', layout.right);
    const buttonRow = h('div', { className: 'touch-buttons' });
    for (const b of layout.buttons) {
      const button = new TouchButton(b.name, b.label, b.title, b.onPress);
      this.buttons.set(b.name, button);
      buttonRow.append(button.root);
    }
    const sticks = this.right ? 'twin' : 'single';
    this.root = h('div', { className: `touch-controls ${sticks}` }, this.left.root, this.right?.root, buttonRow);
    this.root.hidden = true;
    // A long press would open the browser's context menu over the game.
    this.root.addEventListener('contextmenu', (e) => e.preventDefault());
    parent.append(this.root);
    this.stopWaiting = whenTouchDevice(() => {
      setHidden(this.root, false);
      document.documentElement.classList.add('touch-play');
    });
  }

  /** Whether the button `name` is held now. */
  held(name: string): boolean {
    return this.buttons.get(name)?.held ?? false;
  }

  releaseAll(): void {
    this.left.release();
    this.right?.release();
    for (const b of this.buttons.values()) b.release();
  }

  dispose(): void {
    this.stopWaiting();
    this.root.remove();
    document.documentElement.classList.remove('touch-play');
  }
}
