// The feed, top right: short lines about what just happened (the arena: kills), newest on top, each fading
// out after a few seconds. Used by the live HUD and the replay viewer.

import type { FeedPart } from '../games/client-game.js';
import { cssColor, h } from '../dom.js';

const SHOWN_MS = 6000;
const FADE_MS = 600;
const MAX_LINES = 6;

export class FeedView {
  readonly root = h('div', { className: 'killfeed' });

  add(parts: readonly FeedPart[], mine: boolean): void {
    const line = h(
      'div',
      { className: 'kill' },
      ...parts.map((p) => {
        if (p.color === undefined) return h('span', { className: 'weapon', text: p.text });
        const name = h('span', { text: p.text });
        name.style.color = cssColor(p.color);
        return name;
      }),
    );
    if (mine) line.classList.add('mine');
    this.root.prepend(line);
    while (this.root.children.length > MAX_LINES) this.root.lastChild?.remove();
    setTimeout(() => line.classList.add('fading'), SHOWN_MS);
    setTimeout(() => line.remove(), SHOWN_MS + FADE_MS);
  }

  clear(): void {
    this.root.replaceChildren();
  }
}
