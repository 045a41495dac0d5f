// The keys the shell owns in every game: Enter opens the chat, Tab (held) shows the scoreboard, F3 or `
// toggles the debug overlay, Escape closes the scoreboard. Plain DOM listeners, like the games' own input:
// nothing leaks into a focused text field, and nothing happens while the chat is being typed in.

export interface ShellKeyHandlers {
  /** True while typing in chat. */
  readonly typing: () => boolean;
  readonly onChat: () => void;
  readonly onScoreboard: (open: boolean) => void;
  readonly onDebug: () => void;
  readonly onEscape: () => void;
}

export class ShellKeys {
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
        this.handlers.onScoreboard(true);
        return;
      case 'F3':
      case 'Backquote':
        e.preventDefault();
        if (!e.repeat) this.handlers.onDebug();
        return;
      case 'Escape':
        this.handlers.onEscape();
    }
  };

  private readonly onKeyUp = (e: KeyboardEvent) => {
    if (e.code !== 'Tab') return;
    e.preventDefault();
    this.handlers.onScoreboard(false);
  };

  constructor(private readonly handlers: ShellKeyHandlers) {
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('keyup', this.onKeyUp);
  }

  dispose(): void {
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('keyup', this.onKeyUp);
  }
}
