// The lobby: plain DOM (in index.html) so it paints at once while Phaser loads in the background. The
// player picks a game among those the server hosts that this page can show (remembered; the first by
// default), then quick plays, creates a private room or joins one; the room list is the chosen game's.
// The controls help names keys, or on a touch device the on-screen sticks and buttons.

import { LIMITS, type RoomSummary } from '../../shared/protocol.js';
import { codeProblem, normalizeCode } from './config.js';
import { $, h, setHidden } from './dom.js';
import type { ListedGame } from './game-list.js';
import { CLIENT_GAMES, clientGame } from './games/index.js';
import type { ServerStatus } from './net.js';
import { roomName } from './room-name.js';
import { readStorage, writeStorage } from './storage.js';
import { isTouchDevice, whenTouchDevice } from './touch/touch-device.js';

export type LobbyAction =
  | { readonly kind: 'quick' }
  | { readonly kind: 'create' }
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'room'; readonly roomId: string };

const NAME_KEY = 'arena.name';
const GAME_KEY = 'arena.game';
/** The shell's own keys, after the chosen game's controls in the help line. */
const SHELL_CONTROLS = [
  { keys: ['Tab'], action: 'scores' },
  { keys: ['Enter'], action: 'chat' },
  { keys: ['F3', '`'], action: 'net graph' },
] as const;
/** The same on a touch device: the HUD's buttons (touch/shell-buttons.ts). */
const SHELL_TOUCH_CONTROLS = [
  { keys: ['Scores'], action: 'scoreboard' },
  { keys: ['Chat'], action: 'chat' },
] as const;

export class LobbyView {
  private readonly root = $('lobby');
  private readonly nameInput = $('name') as HTMLInputElement;
  private readonly codeInput = $('join-code') as HTMLInputElement;
  private readonly message = $('lobby-message');
  private readonly list = $('room-list');
  private readonly status = $('server-status');
  private readonly gamesSection = $('games-section');
  private readonly gameButtons = $('game-list');
  private readonly help = $('controls-help');
  private readonly buttons: HTMLButtonElement[];
  private busy = false;
  private lastRooms = '';
  private games: readonly ListedGame[];
  private gamesKey = '';
  private chosen: string;

  constructor(
    private readonly onAction: (action: LobbyAction) => void,
    /** The player picked another game. */
    private readonly onGameChange: (game: string) => void,
    initial: { name: string | null; code: string | null },
  ) {
    this.nameInput.maxLength = LIMITS.maxNameLength;
    this.nameInput.value = initial.name ?? readStorage(NAME_KEY) ?? '';
    // Until the server says what it hosts: every game this page has, with no counts.
    this.games = CLIENT_GAMES.map((g) => ({ name: g.rules.name, title: g.rules.title, rooms: null, players: null }));
    this.chosen = this.pick(readStorage(GAME_KEY));
    this.renderGames();
    // A touchscreen laptop proves itself with its first touch: the help then names the touch controls.
    whenTouchDevice(() => this.renderHelp());
    if (initial.code) this.codeInput.value = initial.code;
    this.buttons = [$('quick-play'), $('create-private'), $('join-code-btn')] as HTMLButtonElement[];

    $('quick-play').addEventListener('click', () => this.act({ kind: 'quick' }));
    $('create-private').addEventListener('click', () => this.act({ kind: 'create' }));
    $('join-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const code = normalizeCode(this.codeInput.value);
      this.codeInput.value = code;
      const problem = codeProblem(code);
      if (problem) {
        this.setMessage(problem, 'error');
        this.codeInput.focus();
        return;
      }
      this.act({ kind: 'code', code });
    });
    this.codeInput.addEventListener('input', () => {
      const pos = this.codeInput.selectionStart;
      this.codeInput.value = this.codeInput.value.toUpperCase();
      if (pos !== null) this.codeInput.setSelectionRange(pos, pos);
    });
    this.nameInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.act({ kind: 'quick' });
    });
    this.list.addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest('button[data-room]');
      const roomId = button?.getAttribute('data-room');
      if (roomId) this.act({ kind: 'room', roomId });
    });
    this.gameButtons.addEventListener('click', (e) => {
      const game = (e.target as HTMLElement).closest('button[data-game]')?.getAttribute('data-game');
      if (!game || game === this.chosen || this.busy) return;
      this.chosen = game;
      writeStorage(GAME_KEY, game);
      this.renderGames();
      this.lastRooms = '';
      this.list.replaceChildren(h('li', { className: 'empty', text: 'Looking for rooms…' }));
      this.onGameChange(game);
    });
  }

  /** The chosen game: quick play and private rooms are of it, the room list shows its rooms. */
  get game(): string {
    return this.chosen;
  }

  /** The games listed (the server's, that this page can show). */
  get listedGames(): readonly ListedGame[] {
    return this.games;
  }

  /** The games the server hosts that this page can show (GET /api/games), in the server's order. */
  setGames(games: readonly ListedGame[]): void {
    const key = JSON.stringify(games);
    if (key === this.gamesKey) return;
    this.gamesKey = key;
    if (games.length === 0) {
      // Nothing the server hosts can be shown here: keep offering this page's games, say why they fail.
      this.setMessage('This server hosts no game this page can show: reload the page to get its newest version.', 'error');
      return;
    }
    this.games = games;
    const chosen = this.pick(this.chosen);
    if (chosen !== this.chosen) {
      this.chosen = chosen;
      this.onGameChange(chosen);
    }
    this.renderGames();
  }

  /** The name to play under ('' lets the server pick a guest name). */
  get name(): string {
    return this.nameInput.value.trim().slice(0, LIMITS.maxNameLength);
  }

  show(message?: { text: string; kind: 'error' | 'info' }): void {
    setHidden(this.root, false);
    this.setBusy(false);
    if (message) this.setMessage(message.text, message.kind);
    this.nameInput.focus();
  }

  hide(): void {
    setHidden(this.root, true);
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    for (const b of this.buttons) b.disabled = busy;
    for (const b of this.list.querySelectorAll('button')) (b as HTMLButtonElement).disabled = busy;
  }

  setMessage(text: string, kind: 'error' | 'info' | 'plain' = 'plain'): void {
    this.message.textContent = text;
    this.message.className = `message ${kind}`;
  }

  setStatus(status: ServerStatus): void {
    let text: string;
    let cls: string;
    if (status.kind === 'online') {
      text = `online${status.transport === 'polling' ? ' (long-polling)' : ''}`;
      cls = 'online';
    } else if (status.kind === 'connecting') {
      text = 'connecting…';
      cls = 'connecting';
    } else {
      text = `server unreachable${status.attempt > 0 ? ` — retrying (attempt ${status.attempt})` : ''}`;
      cls = 'offline';
      if (this.lastRooms !== 'offline') {
        this.lastRooms = 'offline';
        this.list.replaceChildren(h('li', { className: 'empty', text: 'The game server is down or unreachable. Retrying…' }));
      }
    }
    this.status.textContent = text;
    this.status.className = `status ${cls}`;
  }

  setRooms(rooms: readonly RoomSummary[]): void {
    const key = JSON.stringify(rooms.map((r) => [r.roomId, r.players, r.maxPlayers]));
    if (key === this.lastRooms) return;
    this.lastRooms = key;
    if (rooms.length === 0) {
      this.list.replaceChildren(h('li', { className: 'empty', text: 'No public rooms yet: Quick play starts one.' }));
      return;
    }
    const sorted = [...rooms].sort((a, b) => b.players - a.players || a.roomId.localeCompare(b.roomId));
    this.list.replaceChildren(
      ...sorted.map((r) => {
        const full = r.players >= r.maxPlayers;
        const join = h('button', { className: 'btn small', text: full ? 'Full' : 'Join' });
        join.setAttribute('data-room', r.roomId);
        join.disabled = full || this.busy;
        const li = h(
          'li',
          {},
          h('span', { className: 'room-name', text: roomName(r) }),
          h('span', { className: `room-count${full ? ' full' : ''}`, text: `${r.players}/${r.maxPlayers} players` }),
          join,
        );
        li.setAttribute('data-players', String(r.players));
        return li;
      }),
    );
  }

  private act(action: LobbyAction): void {
    if (this.busy) return;
    writeStorage(NAME_KEY, this.name);
    this.onAction(action);
  }

  /** `wanted` when it is listed, else the player's stored choice when listed, else the first listed game. */
  private pick(wanted: string | null): string {
    const listed = (name: string | null) => name !== null && this.games.some((g) => g.name === name);
    if (listed(wanted)) return wanted!;
    const stored = readStorage(GAME_KEY);
    return listed(stored) ? stored! : this.games[0]!.name;
  }

  private renderGames(): void {
    setHidden(this.gamesSection, this.games.length === 0);
    this.gameButtons.replaceChildren(
      ...this.games.map((g) => {
        const chosen = g.name === this.chosen;
        const counts = g.rooms === null ? '' : `${g.rooms} room${g.rooms === 1 ? '' : 's'} · ${g.players} player${g.players === 1 ? '' : 's'}`;
        const button = h('button', { className: `game-choice${chosen ? ' chosen' : ''}` }, h('span', { className: 'game-title', text: g.title }), h('span', { className: 'game-counts', text: counts }));
        button.type = 'button';
        button.setAttribute('role', 'radio');
        button.setAttribute('aria-checked', String(chosen));
        button.setAttribute('data-game', g.name);
        return button;
      }),
    );
    this.renderHelp();
  }

  /** The chosen game's controls, then the shell's: keys, or the on-screen controls on a touch device. */
  private renderHelp(): void {
    const game = clientGame(this.chosen);
    const controls = isTouchDevice()
      ? [...(game?.touchControls ?? []), ...SHELL_TOUCH_CONTROLS]
      : [...(game?.controls ?? []), ...SHELL_CONTROLS];
    this.help.replaceChildren(
      ...controls.flatMap((c, i) => [
        ...(i > 0 ? [' · '] : []),
        ...c.keys.flatMap((k, j) => [...(j > 0 ? ['/'] : []), h('b', { text: k })]),
        ` ${c.action}`,
      ]),
    );
  }
}
