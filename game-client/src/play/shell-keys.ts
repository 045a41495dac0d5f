// The keys the shell owns in every game: Enter opens the chat, Tab (held) shows the scoreboard, F3 or `
// toggles the debug overlay, Escape closes the scoreboard. Plain DOM listeners, like the games' own input:
// nothing leaks into a focused text field, and nothing happens while the chat is being typed in.
// A touch device has no such keys: the HUD's buttons (touch/shell-buttons.ts) name a key's action in
// SHELL_ACTION_ATTR and a tap on one goes the key's way here (Chat as Enter, Scores toggles what Tab holds).

/** What a shell button does (SHELL_ACTION_ATTR): 'chat' as Enter, 'scores' shows or hides the scoreboard. */
export type ShellAction = 'chat' | 'scores';
export const SHELL_ACTION_ATTR = 'data-shell-action';

export interface ShellKeyHandlers {
  /** True while typing in chat. */
  readonly typing: () => boolean;
  readonly onChat: () => void;
  readonly onScoreboard: (open: boolean) => void;
  readonly onDebug: () => void;
  readonly onEscape: () => void;
}

export class ShellKeys {
  /** Whether the scoreboard is shown, as this last asked: a Scores tap toggles it. */
  private scoreboardOpen = false;

  private readonly onKeyDown = (e: KeyboardEvent) => {
    if (this.handlers.typing()) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
    switch (e.code) {
      case 'Enter':
      case 'NumpadEnter':
        e.preventDefault();
        this.handlers.onChat();
        return;
      case 'Tab':
        e.preventDefault();
        this.scoreboard(true);
        return;
      case 'F3':
      case 'Backquote':
        e.preventDefault();
        if (!e.repeat) this.handlers.onDebug();
        return;
      case 'Escape':
        this.scoreboardOpen = false;
        this.handlers.onEscape();
    }
  };

  private readonly onKeyUp = (e: KeyboardEvent) => {
    if (e.code !== 'Tab') return;
    e.preventDefault();
    this.scoreboard(false);
  };

  /** A tap (or click) on a shell button. */
  private readonly onClick = (e: MouseEvent) => {
    const target = e.target instanceof Element ? e.target.closest(`[${SHELL_ACTION_ATTR}]`) : null;
    const action = target?.getAttribute(SHELL_ACTION_ATTR) as ShellAction | null | undefined;
    if (action === 'scores') {
      this.scoreboard(!this.scoreboardOpen);
    } else if (action === 'chat' && !this.handlers.typing()) {
      // While the chat is open a tap leaves it so (the button keeps the focus in it): sending is its input's.
      this.handlers.onChat();
    }
  };

  constructor(private readonly handlers: ShellKeyHandlers) {
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('keyup', this.onKeyUp);
    window.addEventListener('click', this.onClick);
  }

  dispose(): void {
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('keyup', this.onKeyUp);
    window.removeEventListener('click', this.onClick);
  }

  private scoreboard(open: boolean): void {
    this.scoreboardOpen = open;
    this.handlers.onScoreboard(open);
  }
}
