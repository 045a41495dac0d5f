// Room chat, bottom-left: Enter opens the input, Enter sends, Escape closes. While it is open the game
// ignores movement keys. Players' lines stay (dimmed after a while); system lines (joined, left,
// reconnected...) fade out and go after a few seconds.

import { LIMITS } from '../../../shared/protocol.js';
import { cssColor, h } from '../dom.js';

const MAX_LINES = 40;
/** A player's line is dimmed after this long (it stays: the chat is a conversation). */
const DIM_AFTER_MS = 12_000;
/** A system line is shown this long, then fades out over SYSTEM_FADE_MS (styles.css) and is removed. */
const SYSTEM_SHOWN_MS = 6000;
const SYSTEM_FADE_MS = 800;

export class ChatView {
  readonly root: HTMLElement;
  private readonly log: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly hint: HTMLElement;
  private openState = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly send: (text: string) => Promise<void>) {
    this.log = h('div', { className: 'chat-log' });
    this.input = h('input', { className: 'chat-input' }) as HTMLInputElement;
    this.input.maxLength = LIMITS.maxChatLength;
    this.input.placeholder = 'Say something… (Enter to send, Esc to close)';
    this.input.hidden = true;
    this.input.setAttribute('data-testid', 'chat-input');
    this.hint = h('div', { className: 'chat-hint', text: 'Enter to chat' });
    this.root = h('div', { className: 'chat' }, this.log, this.input, this.hint);
    this.input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') {
        e.preventDefault();
        const text = this.input.value.trim();
        this.input.value = '';
        this.close();
        if (text.length > 0) {
          this.send(text).catch((err: unknown) => this.system(`not sent: ${err instanceof Error ? err.message : String(err)}`));
        }
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
    this.input.addEventListener('keyup', (e) => e.stopPropagation());
    this.input.addEventListener('blur', () => this.close());
  }

  get isOpen(): boolean {
    return this.openState;
  }

  open(): void {
    if (this.openState) return;
    this.openState = true;
    this.input.hidden = false;
    this.hint.hidden = true;
    this.root.classList.add('open');
    this.input.focus();
  }

  close(): void {
    if (!this.openState) return;
    this.openState = false;
    this.input.hidden = true;
    this.hint.hidden = false;
    this.root.classList.remove('open');
    this.input.blur();
  }

  add(name: string, text: string, color: number): void {
    const line = h('div', { className: 'chat-line' }, h('span', { className: 'who', text: `${name}:` }), ` ${text}`);
    (line.firstChild as HTMLElement).style.color = cssColor(color);
    this.push(line);
    this.later(() => line.classList.add('old'), DIM_AFTER_MS);
  }

  system(text: string): void {
    const line = h('div', { className: 'chat-line system', text });
    this.push(line);
    this.later(() => line.classList.add('fading'), SYSTEM_SHOWN_MS);
    this.later(() => line.remove(), SYSTEM_SHOWN_MS + SYSTEM_FADE_MS);
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** The visible lines as text (for the test hook). */
  lines(): string[] {
    return [...this.log.children].map((c) => c.textContent ?? '');
  }

  private push(line: HTMLElement): void {
    this.log.append(line);
    while (this.log.children.length > MAX_LINES) this.log.firstChild?.remove();
  }

  private later(run: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      run();
    }, ms);
    this.timers.add(t);
  }
}
