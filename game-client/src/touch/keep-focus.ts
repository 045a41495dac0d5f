// Buttons that act while the chat is being typed in (Send, the HUD's touch buttons) must not take the focus
// from its input: it would blur, which closes the chat (and on a phone its keyboard) before the tap's click
// arrives. The chat also leaves them out of the touches that close it (chat.ts).

/** Marks the elements keepFocus has set up. */
export const KEEPS_FOCUS_ATTR = 'data-keeps-focus';

/** A tap or click on `el` leaves the focus where it is. */
export function keepFocus(el: HTMLElement): void {
  el.setAttribute(KEEPS_FOCUS_ATTR, '');
  el.addEventListener('mousedown', (e) => e.preventDefault());
}
