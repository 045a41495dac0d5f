// Entry point. The lobby is plain DOM and paints at once; live play (play/, with Phaser) and the chosen
// game's parts load in separate chunks, prefetched in the background as soon as the lobby is up.
// /replay/<id> is the replay viewer instead (its own lazy chunk, src/replay/), with no lobby. No game is
// named here: the registry (games/index.ts) finds each by name.

import './styles.css';
import { RequestError, type NetClient } from '../../shared/client/net-client.js';
import type { JoinInfo } from '../../shared/protocol.js';
import { parsePageOptions } from './config.js';
import { $, h } from './dom.js';
import { describeError } from './errors.js';
import { GameList } from './game-list.js';
import type { ClientGame, GameParts } from './games/client-game.js';
import { clientGame } from './games/index.js';
import { LobbyView, type LobbyAction } from './lobby.js';
import { createNet, RoomWatcher } from './net.js';
import type { ExitReason, RunningGame } from './play/index.js';
import { RecentMatches } from './replay/recent-matches.js';
import { replayIdOf } from './replay/route.js';
import { installTestHook } from './test-hook.js';

type PlayModule = typeof import('./play/index.js');

const options = parsePageOptions(window.location.search);
const rendererParam = new URLSearchParams(window.location.search).get('renderer');
const renderer = rendererParam === 'canvas' || rendererParam === 'webgl' ? rendererParam : 'auto';

/** A lazy import that is tried again after a failure (a flaky network), not cached as failed. */
function retryable<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((err: unknown) => {
      pending = null;
      throw err;
    }));
}

const loadPlay = retryable<PlayModule>(() => import('./play/index.js'));
const partsLoaders = new Map<ClientGame, () => Promise<GameParts>>();
function loadParts(game: ClientGame): Promise<GameParts> {
  let load = partsLoaders.get(game);
  if (!load) partsLoaders.set(game, (load = retryable(() => game.load())));
  return load();
}

export interface AppState {
  screen: 'lobby' | 'joining' | 'loading' | 'game' | 'gone' | 'replay';
  net: NetClient | null;
  join: JoinInfo | null;
  running: RunningGame | null;
  gone: { title: string; message: string } | null;
}

const replayId = replayIdOf(window.location.pathname);
const state: AppState = { screen: replayId === null ? 'lobby' : 'replay', net: null, join: null, running: null, gone: null };

const lobby = new LobbyView(
  (action) => void play(action),
  (game) => {
    void watcher.refresh();
    prefetch(game);
  },
  { name: options.name, code: options.code },
);
const watcher = new RoomWatcher(
  options.transports,
  () => lobby.game,
  (rooms) => lobby.setRooms(rooms),
  (status) => lobby.setStatus(status),
);
const games = new GameList((list) => lobby.setGames(list));
const recentMatches = new RecentMatches($('recent-matches-section'), $('recent-matches'));
if (replayId === null) {
  showLobby();
  // Prefetch live play and the chosen game's parts once the lobby has painted.
  requestAnimationFrame(() => setTimeout(() => prefetch(lobby.game), 50));
} else {
  void openReplay(replayId);
}

function prefetch(name: string): void {
  const game = clientGame(name);
  void loadPlay().catch(() => undefined);
  if (game) void loadParts(game).catch(() => undefined);
}

async function openReplay(id: string): Promise<void> {
  try {
    const replay = await import('./replay/index.js');
    await replay.startReplay({ id, gameParent: $('game-root'), hudParent: document.body, renderer });
  } catch (err) {
    const back = h('a', { className: 'btn primary', text: 'Back to the lobby' });
    back.href = '/';
    const card = h('div', { className: 'lobby-card' }, h('h2', { text: 'Could not load the replay viewer' }), h('p', { text: String(err) }), back);
    const screen = h('div', { className: 'gone' }, card);
    screen.id = 'replay-error';
    document.body.append(screen);
  }
}

async function play(action: LobbyAction): Promise<void> {
  if (state.screen !== 'lobby') return;
  state.screen = 'joining';
  lobby.setBusy(true);
  lobby.setMessage(
    action.kind === 'create' ? 'Creating a private room…' : action.kind === 'quick' ? 'Finding a room…' : 'Joining…',
    'info',
  );
  const net = createNet({ name: lobby.name || undefined, transports: options.transports });
  const fail = (text: string) => {
    net.close();
    state.screen = 'lobby';
    lobby.setBusy(false);
    lobby.setMessage(text, 'error');
  };
  try {
    await net.connect(watcher.reachable ? 8000 : 4000);
  } catch (err) {
    fail(describeError(err, 'connect'));
    return;
  }
  let join: JoinInfo;
  try {
    const chosen = lobby.game;
    join =
      action.kind === 'quick'
        ? await net.quickPlay(chosen)
        : action.kind === 'create'
          ? await net.createRoom(true, chosen)
          : action.kind === 'code'
            ? await net.joinRoom({ code: action.code })
            : await net.joinRoom({ roomId: action.roomId });
  } catch (err) {
    // A room of a game this page cannot show (joined by code or id): the server seated us, so leave at once.
    if (err instanceof RequestError && err.code === 'UNKNOWN_GAME') await net.leave().catch(() => undefined);
    fail(describeError(err, action.kind === 'code' || action.kind === 'room' ? 'join' : action.kind));
    void watcher.refresh();
    return;
  }
  // NetClient only accepts rooms of the games it was given, which are the registry's.
  const game = clientGame(join.game)!;
  state.screen = 'loading';
  lobby.setMessage(`Loading ${game.rules.title}…`, 'info');
  let playModule: PlayModule;
  let parts: GameParts;
  try {
    [playModule, parts] = await Promise.all([loadPlay(), loadParts(game)]);
  } catch (err) {
    await net.leave().catch(() => undefined);
    fail(`Could not load the game: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  watcher.stop();
  games.stop();
  recentMatches.stop();
  lobby.hide();
  lobby.setMessage('');
  state.net = net;
  state.join = join;
  state.running = await playModule.enterGame({
    net,
    join,
    parts,
    gameParent: $('game-root'),
    hudParent: document.body,
    debug: options.debug,
    renderer,
    onExit: (reason) => onExit(reason),
  });
  state.screen = 'game';
}

function onExit(reason: ExitReason): void {
  state.running = null;
  state.net = null;
  if (reason.kind === 'left') {
    backToLobby();
    return;
  }
  state.screen = 'gone';
  state.gone = { title: reason.title, message: reason.message };
  const button = h('button', { className: 'btn primary', text: 'Back to the lobby' });
  const card = h('div', { className: 'lobby-card' }, h('h2', { text: reason.title }), h('p', { text: reason.message }), button);
  const screen = h('div', { className: 'gone' }, card);
  screen.id = 'gone';
  screen.setAttribute('role', 'alertdialog');
  button.addEventListener('click', () => {
    screen.remove();
    backToLobby();
  });
  document.body.append(screen);
  button.focus();
}

function backToLobby(): void {
  state.screen = 'lobby';
  state.join = null;
  state.gone = null;
  $('game-root').hidden = true;
  showLobby();
}

function showLobby(): void {
  watcher.start();
  games.start();
  recentMatches.start();
  lobby.show();
}

installTestHook(state, lobby);
