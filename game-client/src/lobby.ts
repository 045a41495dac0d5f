// The lobby: plain DOM (in index.html) so it paints at once while Phaser loads in the background.

import { LIMITS, type RoomSummary } from '../../shared/protocol.js';
import { codeProblem, normalizeCode } from './config.js';
import { $, h, setHidden } from './dom.js';
import type { ServerStatus } from './net.js';

export type LobbyAction =
  | { readonly kind: 'quick' }
  | { readonly kind: 'create' }
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'room'; readonly roomId: string };

const NAME_KEY = 'arena.name';

export class LobbyView {
  private readonly root = $('lobby');
  private readonly nameInput = $('name') as HTMLInputElement;
  private readonly codeInput = $('join-code') as HTMLInputElement;
  private readonly message = $('lobby-message');
  private readonly list = $('room-list');
  private readonly status = $('server-status');
  private readonly buttons: HTMLButtonElement[];
  private busy = false;
  private lastRooms = '';

  constructor(
    private readonly onAction: (action: LobbyAction) => void,
    initial: { name: string | null; code: string | null },
  ) {
    let stored: string | null = null;
    try {
      stored = window.localStorage.getItem(NAME_KEY);
    } catch {
      /* storage disabled */
    }
    this.nameInput.maxLength = LIMITS.maxNameLength;
    this.nameInput.value = initial.name ?? stored ?? '';
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
          h('span', { className: 'room-name', text: r.roomId }),
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
    try {
      window.localStorage.setItem(NAME_KEY, this.name);
    } catch {
      /* storage disabled */
    }
    this.onAction(action);
  }
}
