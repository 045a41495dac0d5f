// The HUD's sound switch: a speaker button that mutes and unmutes (remembered), and says when the browser
// still waits for a click or key press before it lets the page make sound.

import { h, setText } from '../dom.js';
import type { SoundEngine } from '../sound/sound-engine.js';

export class SoundToggle {
  readonly root: HTMLButtonElement;
  private readonly off: () => void;

  constructor(private readonly engine: SoundEngine) {
    this.root = h('button', { className: 'btn small sound-toggle' });
    this.root.setAttribute('data-testid', 'sound-toggle');
    this.root.addEventListener('click', () => this.engine.setMuted(!this.engine.muted));
    // Space and Enter are game and chat keys: the button must not keep the focus and take them.
    this.root.addEventListener('focus', () => this.root.blur());
    this.off = engine.onChange(() => this.render());
    this.render();
  }

  dispose(): void {
    this.off();
  }

  private render(): void {
    const { muted, unlocked } = this.engine;
    // Plain text glyphs: emoji fonts are not everywhere (headless Chromium, many Linux desktops).
    setText(this.root, muted ? '♪ off' : unlocked ? '♪ on' : '♪ …');
    this.root.setAttribute('aria-pressed', String(!muted));
    this.root.setAttribute('data-muted', String(muted));
    this.root.title = muted ? 'Sound off: click to turn it on' : unlocked ? 'Sound on: click to mute' : 'Sound starts at your first click or key press';
  }
}
