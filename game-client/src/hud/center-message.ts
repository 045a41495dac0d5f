// The message in the middle of the screen: an announcement for a few seconds (the arena: who won the
// match), and otherwise a lasting status the game keeps up to date (the arena: the respawn countdown).
// Used by the live HUD and the replay viewer.

import { h, setHidden, setText } from '../dom.js';

export class CenterMessage {
  private readonly big = h('div', { className: 'big' });
  private readonly small = h('div', { className: 'small' });
  readonly root = h('div', { className: 'center-msg' }, this.big, this.small);
  private announcing: ReturnType<typeof setTimeout> | null = null;
  private current: { title: string; detail: string } | null = null;

  constructor(private readonly announceMs: number) {
    this.root.hidden = true;
  }

  announce(title: string, detail: string): void {
    if (this.announcing) clearTimeout(this.announcing);
    this.announcing = setTimeout(() => {
      this.announcing = null;
      this.render();
    }, this.announceMs);
    this.show('announce', title, detail);
  }

  status(message: { readonly title: string; readonly detail: string } | null): void {
    this.current = message ? { title: message.title, detail: message.detail } : null;
    if (!this.announcing) this.render();
  }

  /** Takes down what is shown (after a replay seek: another moment's message does not belong). */
  clear(): void {
    if (this.announcing) clearTimeout(this.announcing);
    this.announcing = null;
    this.render();
  }

  dispose(): void {
    if (this.announcing) clearTimeout(this.announcing);
    this.announcing = null;
  }

  private render(): void {
    if (this.current) this.show('status', this.current.title, this.current.detail);
    else setHidden(this.root, true);
  }

  private show(kind: 'announce' | 'status', title: string, detail: string): void {
    const className = `center-msg ${kind}`;
    if (this.root.className !== className) this.root.className = className;
    setText(this.big, title);
    setText(this.small, detail);
    setHidden(this.root, false);
  }
}
