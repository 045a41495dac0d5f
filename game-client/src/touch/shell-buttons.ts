// The shell's keys as HUD buttons for a touch device, which has no Tab or Enter: "Scores" shows and hides
// the scoreboard (Tab), "Chat" opens the chat and with it the on-screen keyboard (Enter). A button only
// names its action (data-shell-action); play/shell-keys.ts does it, by the same path as the key. Shown
// while playing on a touch device (html.touch-play, set by the touch controls), hidden on a desktop.

import { h } from '../dom.js';
import { SHELL_ACTION_ATTR, type ShellAction } from '../play/shell-keys.js';
import { keepFocus } from './keep-focus.js';
import './touch.css';

/** The row of the shell's touch buttons, for the HUD's room panel. */
export function shellTouchButtons(): HTMLElement {
  return h(
    'div',
    { className: 'shell-touch-buttons' },
    shellButton('scores', 'Scores', 'Show or hide the scoreboard'),
    shellButton('chat', 'Chat', 'Chat with the room'),
  );
}

function shellButton(action: ShellAction, label: string, title: string): HTMLElement {
  const button = h('button', { className: 'btn small', text: label, title });
  button.type = 'button';
  button.setAttribute(SHELL_ACTION_ATTR, action);
  keepFocus(button);
  return button;
}

