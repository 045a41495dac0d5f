// window.__arena (the site's name, not the game's): what the page shows, in numbers, for the browser tests
// (no pixel parsing), plus one fault-injection hook. Harmless in production: it only reads state and can
// drop the own connection. Positions are the running game's scene px; players, scores and the like come
// from the game's scene and scoreboard, so this file knows no game.

import type { AppState } from './main.js';
import type { LobbyView } from './lobby.js';
import type { MatchEndState } from './hud/match-end.js';
import type { SoundStatus } from './sound/sound-engine.js';

export interface HookPlayer {
  id: number;
  name: string;
  x: number;
  y: number;
  alive: boolean;
  local: boolean;
  /** Where the page draws it, in canvas pixels (null while dead or before the first frame). */
  screenX: number | null;
  screenY: number | null;
  /** The colour the game draws it in (0xRRGGBB), when the game says. */
  color: number | null;
}

/** A score line: the player and one number per column of the game's scoreboard (the arena: score, kills, deaths). */
export type HookScore = { playerId: number; name: string } & Record<string, number | string>;

export interface PageHookState {
  screen: AppState['screen'];
  /** The game of the room the player is in (its rules' name). */
  game: string | null;
  playerId: number | null;
  roomId: string | null;
  code: string | null;
  name: string | null;
  connected: boolean;
  transport: string | null;
  renderTick: number;
  players: HookPlayer[];
  local: HookPlayer | null;
  /** The server's latest authoritative state of the local player (not predicted), in scene px. */
  authoritative: { x: number; y: number; alive: boolean } | null;
  /** The local player's scoreboard values (the arena: kills, deaths, score). */
  score: Record<string, number> | null;
  /** Every score line, best first. */
  scores: HookScore[];
  banner: string | null;
  chat: string[];
  /** The match-end screen while it shows. */
  matchEnd: MatchEndState | null;
  /** The sound engine (muting, browser permission, voices played); null outside a game. */
  sound: SoundStatus | null;
  /** The room's name as the HUD shows it. */
  roomLabel: string | null;
  killFeed: string[];
  gone: { title: string; message: string } | null;
  /** ClientSession.stats (RTT, corrections, rates…). */
  net: Record<string, number> | null;
  lobbyMessage: string;
  /** The games the lobby lists (the server's that this page can show) and the one chosen. */
  lobbyGames: { name: string; title: string; rooms: number | null; players: number | null }[];
  chosenGame: string;
  renderer: string | null;
}

export interface PageHook {
  readonly playerId: number | null;
  readonly roomId: string | null;
  readonly code: string | null;
  state(): PageHookState;
  /** Closes the engine.io transport as a dead network would (socket.io then reconnects with backoff). */
  dropConnection(): void;
}

declare global {
  interface Window {
    __arena?: PageHook;
  }
}

export function installTestHook(state: AppState, lobby: LobbyView): void {
  const hook: PageHook = {
    get playerId() {
      return state.join?.playerId ?? null;
    },
    get roomId() {
      return state.join?.roomId ?? null;
    },
    get code() {
      return state.join?.code ?? null;
    },
    state() {
      const running = state.running;
      const session = running?.session ?? null;
      const scene = running?.scene() ?? null;
      const last = session?.last ?? null;
      const players: HookPlayer[] = (scene?.players() ?? []).map((p) => ({
        id: p.id,
        name: p.name,
        x: p.x,
        y: p.y,
        alive: p.alive,
        local: p.local,
        screenX: p.screen ? p.screen.x : null,
        screenY: p.screen ? p.screen.y : null,
        color: p.color ?? null,
      }));
      const rows = last?.rows ?? [];
      const me = state.join ? rows.find((s) => s.playerId === state.join?.playerId) : undefined;
      return {
        screen: state.screen,
        game: state.join?.game ?? null,
        playerId: state.join?.playerId ?? null,
        roomId: state.join?.roomId ?? null,
        code: state.join?.code ?? null,
        name: state.join?.name ?? null,
        connected: state.net?.connected ?? false,
        transport: state.net?.transport ?? null,
        renderTick: last?.frame.renderTick ?? -1,
        players,
        local: players.find((p) => p.local) ?? null,
        authoritative: scene?.authoritative() ?? null,
        score: me ? { ...me.values } : null,
        scores: rows.map((r) => ({ ...r.values, playerId: r.playerId, name: r.name })),
        banner: session?.hud.bannerText ?? null,
        chat: session?.hud.chat.lines() ?? [],
        matchEnd: session?.hud.matchEnd.state() ?? null,
        sound: session?.hud.audio.status() ?? null,
        roomLabel: document.querySelector('#hud .hud-info .room')?.textContent ?? null,
        killFeed: [...document.querySelectorAll('.killfeed .kill')].map((e) => e.textContent ?? ''),
        gone: state.gone,
        net: session ? { ...session.session.stats } : null,
        lobbyMessage: document.getElementById('lobby-message')?.textContent ?? '',
        lobbyGames: lobby.listedGames.map((g) => ({ ...g })),
        chosenGame: lobby.game,
        renderer: running?.renderer ?? null,
      };
    },
    dropConnection() {
      state.net?.socket.io.engine?.close();
    },
  };
  window.__arena = hook;
}
