// Room chat, bottom-left: Enter opens the input, Enter sends, Escape closes (on a touch device the HUD's
// Chat button opens it, the keyboard's Send key or the Send button sends, a touch anywhere else closes it).
// While it is open the game ignores movement keys. Players' lines stay (dimmed after a while); system lines
// (joined, left, reconnected...) fade out and go after a few seconds.

import { LIMITS } from '../../../shared/protocol.js';
import { cssColor, h } from '../dom.js';
import { KEEPS_FOCUS_ATTR, keepFocus } from '../touch/keep-focus.js';
import { isTouch, isTouchDevice } from '../touch/touch-device.js';

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
  /** The input and, on a touch device only (touch.css), a Send button: shown while the chat is open. */
  private readonly entry: HTMLElement;
  private readonly hint: HTMLElement;
  private openState = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /**
   * While open, a finger elsewhere (the game, a stick) closes the chat as Escape does: it would not blur
   * the input, since the game and the sticks keep touches to themselves.
   */
  private readonly onTouchElsewhere = (e: PointerEvent) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!isTouch(e) || (target && (this.root.contains(target) || target.closest(`[${KEEPS_FOCUS_ATTR}]`)))) return;
    this.close();
  };

  constructor(private readonly send: (text: string) => Promise<void>) {
    this.log = h('div', { className: 'chat-log' });
    this.input = h('input', { className: 'chat-input' }) as HTMLInputElement;
    this.input.maxLength = LIMITS.maxChatLength;
    this.input.placeholder = isTouchDevice() ? 'Say something…' : 'Say something… (Enter to send, Esc to close)';
    // The on-screen keyboard's Enter key reads "Send".
    this.input.enterKeyHint = 'send';
    this.input.setAttribute('data-testid', 'chat-input');
    const sendButton = h('button', { className: 'btn small chat-send', text: 'Send' });
    sendButton.type = 'button';
    keepFocus(sendButton);
    sendButton.addEventListener('click', () => this.submit());
    this.entry = h('div', { className: 'chat-entry' }, this.input, sendButton);
    this.entry.hidden = true;
    this.hint = h('div', { className: 'chat-hint', text: 'Enter to chat' });
    this.root = h('div', { className: 'chat' }, this.log, this.entry, this.hint);
    this.input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') {
        e.preventDefault();
        this.submit();
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
    this.entry.hidden = false;
    this.hint.hidden = true;
    this.root.classList.add('open');
    window.addEventListener('pointerdown', this.onTouchElsewhere, true);
    this.input.focus();
  }

  close(): void {
    if (!this.openState) return;
    this.openState = false;
    this.entry.hidden = true;
    this.hint.hidden = false;
    this.root.classList.remove('open');
    window.removeEventListener('pointerdown', this.onTouchElsewhere, true);
    this.input.blur();
  }

  /** Sends what is typed (nothing when it is empty) and closes: Enter, or Send on a touch device. */
  submit(): void {
    const text = this.input.value.trim();
    this.input.value = '';
    this.close();
    if (text.length > 0) {
      this.send(text).catch((err: unknown) => this.system(`not sent: ${err instanceof Error ? err.message : String(err)}`));
    }
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
    window.removeEventListener('pointerdown', this.onTouchElsewhere, true);
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
