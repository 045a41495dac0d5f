// The lobby's "Recent matches": the newest recordings (GET /api/matches), each a link to its replay.
// Light on purpose: plain DOM and one small request when the lobby shows (and every 20 s while it is up);
// hidden when the server does not record matches.

import './recent-matches.css';
import { h, setHidden } from '../dom.js';
import { CLIENT_GAMES, clientGame } from '../games/index.js';
import { Poll } from '../poll.js';
import { formatTime, replayPath } from './route.js';

/** The fields of a GET /api/matches entry the list shows (server/recording/store.ts MatchSummary). */
export interface RecentMatch {
  readonly id: string;
  readonly roomId: string;
  /** The game played (its rules' name). */
  readonly game: string;
  readonly startTime: string;
  readonly durationSec: number;
  readonly players: readonly { readonly playerId: number; readonly name: string }[];
  readonly live: boolean;
  readonly complete: boolean;
}

const LIMIT = 6;
const REFRESH_MS = 20_000;

export class RecentMatches {
  private readonly poll = new Poll(REFRESH_MS, () => this.refresh());
  private disabled = false;
  private lastKey = '';

  constructor(
    private readonly section: HTMLElement,
    private readonly list: HTMLElement,
  ) {}

  start(): void {
    if (!this.disabled) this.poll.start();
  }

  stop(): void {
    this.poll.stop();
  }

  async refresh(): Promise<void> {
    let matches: RecentMatch[];
    try {
      const res = await fetch(`/api/matches?limit=${LIMIT}`, { cache: 'no-cache' });
      if (res.status === 404) {
        // Recording is off on this server (or an older server without the API): no section at all.
        this.disabled = true;
        this.stop();
        setHidden(this.section, true);
        return;
      }
      if (!res.ok) return;
      matches = ((await res.json()) as { matches: RecentMatch[] }).matches;
    } catch {
      return; // the server is unreachable: the room list already says so
    }
    setHidden(this.section, false);
    const key = JSON.stringify(matches.map((m) => [m.id, m.durationSec, m.live]));
    if (key === this.lastKey) return;
    this.lastKey = key;
    if (matches.length === 0) {
      this.list.replaceChildren(h('li', { className: 'empty', text: 'No recorded matches yet: play one!' }));
      return;
    }
    this.list.replaceChildren(...matches.map((m) => row(m)));
  }
}

/** The game's title when it tells matches apart: this page shows several games, or not this one (its replay says so). */
function gameLabel(game: string): string | null {
  const known = clientGame(game);
  if (!known) return game;
  return CLIENT_GAMES.length > 1 ? known.rules.title : null;
}

function row(m: RecentMatch): HTMLElement {
  const when = new Date(m.startTime);
  const names = m.players.map((p) => p.name);
  const who = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} +${names.length - 3}`;
  const game = gameLabel(m.game);
  const link = h(
    'a',
    { className: 'match-link', title: `Watch the replay of room ${m.roomId} (${names.join(', ') || 'no players'})` },
    h('span', { className: 'match-when', text: when.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) }),
    game === null ? null : h('span', { className: 'match-game', text: game }),
    h('span', { className: 'match-who', text: who || 'empty room' }),
    h('span', { className: 'match-len', text: m.live ? 'live' : formatTime(m.durationSec) }),
    h('span', { className: 'match-watch', text: 'Watch ▶' }),
  );
  link.href = replayPath(m.id);
  link.setAttribute('data-match', m.id);
  if (m.live) link.classList.add('live');
  return h('li', {}, link);
}
