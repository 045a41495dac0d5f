// The lobby's games: what the server hosts (GET /api/games: title, public rooms and players of each,
// across the cluster), keeping only the games this page has a module for, in the server's order. Polled
// while the lobby is shown.

import type { GameSummary } from '../../shared/protocol.js';
import { clientGame } from './games/index.js';
import { Poll } from './poll.js';

export interface ListedGame {
  readonly name: string;
  readonly title: string;
  /** Public rooms and players of the game across the cluster; null until the server has said. */
  readonly rooms: number | null;
  readonly players: number | null;
}

const REFRESH_MS = 5000;

/** The hosted games this page can show (a hosted game without a module is left out). */
function showableGames(hosted: readonly GameSummary[]): ListedGame[] {
  return hosted.filter((g) => clientGame(g.name) !== undefined).map(({ name, title, rooms, players }) => ({ name, title, rooms, players }));
}

export class GameList {
  private readonly poll = new Poll(REFRESH_MS, () => this.refresh());

  constructor(private readonly onGames: (games: readonly ListedGame[]) => void) {}

  start(): void {
    this.poll.start();
  }

  stop(): void {
    this.poll.stop();
  }

  async refresh(): Promise<void> {
    try {
      const res = await fetch('/api/games', { cache: 'no-cache' });
      if (!res.ok) return; // the room directory is unavailable for now: keep the last list
      const body = (await res.json()) as { games?: GameSummary[] };
      if (this.poll.running && Array.isArray(body.games)) this.onGames(showableGames(body.games));
    } catch {
      // the server is unreachable: the room list already says so
    }
  }
}
