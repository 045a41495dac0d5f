// window.__arena: what the page shows, in numbers, for the browser tests (no pixel parsing), plus one
// fault-injection hook. Harmless in production: it only reads state and can drop the own connection.

import { readPlayer } from './game/world-view.js';
import type { AppState } from './main.js';
import type { LobbyView } from './lobby.js';

export interface ArenaHookPlayer {
  id: number;
  name: string;
  x: number;
  y: number;
  hp: number;
  alive: boolean;
  local: boolean;
  /** Where the page draws it, in canvas pixels (null while dead or before the first frame). */
  screenX: number | null;
  screenY: number | null;
}

export interface ArenaHookState {
  screen: AppState['screen'];
  playerId: number | null;
  roomId: string | null;
  code: string | null;
  name: string | null;
  connected: boolean;
  transport: string | null;
  renderTick: number;
  players: ArenaHookPlayer[];
  local: ArenaHookPlayer | null;
  /** The server's latest authoritative state of the local player (not predicted), in px. */
  authoritative: { x: number; y: number; hp: number; alive: boolean } | null;
  score: { kills: number; deaths: number; score: number } | null;
  /** Every score line (player info is global: it covers players out of view too). */
  scores: { playerId: number; name: string; kills: number; deaths: number; score: number }[];
  banner: string | null;
  chat: string[];
  killFeed: string[];
  gone: { title: string; message: string } | null;
  /** ClientSession.stats (RTT, corrections, rates…). */
  net: Record<string, number> | null;
  lobbyMessage: string;
  renderer: string | null;
}

export interface ArenaHook {
  readonly playerId: number | null;
  readonly roomId: string | null;
  readonly code: string | null;
  state(): ArenaHookState;
  /** Closes the engine.io transport as a dead network would (socket.io then reconnects with backoff). */
  dropConnection(): void;
}

declare global {
  interface Window {
    __arena?: ArenaHook;
  }
}

export function installTestHook(state: AppState, lobby: LobbyView): void {
  void lobby;
  const hook: ArenaHook = {
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
      const players: ArenaHookPlayer[] = (last?.world.players ?? []).map((p) => {
        const s = scene?.screen.get(p.id) ?? null;
        return {
          id: p.id,
          name: p.name,
          x: p.x,
          y: p.y,
          hp: p.hp,
          alive: p.alive,
          local: p.local,
          screenX: s ? s.x : null,
          screenY: s ? s.y : null,
        };
      });
      const me = state.join ? last?.world.scores.find((s) => s.playerId === state.join?.playerId) : undefined;
      const game = scene?.game;
      return {
        screen: state.screen,
        playerId: state.join?.playerId ?? null,
        roomId: state.join?.roomId ?? null,
        code: state.join?.code ?? null,
        name: state.join?.name ?? null,
        connected: state.net?.connected ?? false,
        transport: state.net?.transport ?? null,
        renderTick: last?.frame.renderTick ?? -1,
        players,
        local: players.find((p) => p.local) ?? null,
        authoritative: authoritative(state),
        score: me ? { kills: me.kills, deaths: me.deaths, score: me.score } : null,
        scores: (last?.world.scores ?? []).map((x) => ({ ...x })),
        banner: session?.hud.bannerText ?? null,
        chat: session?.hud.chat.lines() ?? [],
        killFeed: [...document.querySelectorAll('.killfeed .kill')].map((e) => e.textContent ?? ''),
        gone: state.gone,
        net: session ? { ...session.session.stats } : null,
        lobbyMessage: document.getElementById('lobby-message')?.textContent ?? '',
        renderer: game ? (game.renderer.type === 2 ? 'webgl' : 'canvas') : null,
      };
    },
    dropConnection() {
      state.net?.socket.io.engine?.close();
    },
  };
  window.__arena = hook;
}

function authoritative(state: AppState): ArenaHookState['authoritative'] {
  const id = state.join?.playerId;
  const entity = id === undefined ? undefined : state.net?.mirror.entities.get(id);
  if (!entity) return null;
  const p = readPlayer(entity, '', true);
  return { x: p.x, y: p.y, hp: p.hp, alive: p.alive };
}
