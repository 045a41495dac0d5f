// Entry point. The lobby is plain DOM and paints at once; Phaser and the game code load in a separate
// chunk, prefetched in the background as soon as the lobby is up. /replay/<id> is the replay viewer
// instead (its own lazy chunk, src/replay/), with no lobby.

import './styles.css';
import type { NetClient } from '../../shared/client/net-client.js';
import type { JoinInfo } from '../../shared/protocol.js';
import { parsePageOptions } from './config.js';
import { $, h } from './dom.js';
import { describeError } from './errors.js';
import type { ExitReason, RunningGame } from './game/index.js';
import { LobbyView, type LobbyAction } from './lobby.js';
import { createNet, RoomWatcher } from './net.js';
import { RecentMatches } from './replay/recent-matches.js';
import { replayIdOf } from './replay/route.js';
import { installTestHook } from './test-hook.js';

type GameModule = typeof import('./game/index.js');

const options = parsePageOptions(window.location.search);
const rendererParam = new URLSearchParams(window.location.search).get('renderer');
const renderer = rendererParam === 'canvas' || rendererParam === 'webgl' ? rendererParam : 'auto';

let gameModule: Promise<GameModule> | null = null;
function loadGame(): Promise<GameModule> {
  gameModule ??= import('./game/index.js').catch((err: unknown) => {
    gameModule = null;
    throw err;
  });
  return gameModule;
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

const lobby = new LobbyView((action) => void play(action), { name: options.name, code: options.code });
const watcher = new RoomWatcher(
  options.transports,
  (rooms) => lobby.setRooms(rooms),
  (status) => lobby.setStatus(status),
);
const recentMatches = new RecentMatches($('recent-matches-section'), $('recent-matches'));
if (replayId === null) {
  watcher.start();
  recentMatches.start();
  lobby.show();
  // Prefetch the game chunk once the lobby has painted.
  requestAnimationFrame(() => setTimeout(() => void loadGame().catch(() => undefined), 50));
} else {
  void openReplay(replayId);
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
    join =
      action.kind === 'quick'
        ? await net.quickPlay()
        : action.kind === 'create'
          ? await net.createRoom(true)
          : action.kind === 'code'
            ? await net.joinRoom({ code: action.code })
            : await net.joinRoom({ roomId: action.roomId });
  } catch (err) {
    fail(describeError(err, action.kind === 'code' || action.kind === 'room' ? 'join' : action.kind));
    void watcher.refresh();
    return;
  }
  state.screen = 'loading';
  lobby.setMessage('Loading the arena…', 'info');
  let mod: GameModule;
  try {
    mod = await loadGame();
  } catch (err) {
    await net.leave().catch(() => undefined);
    fail(`Could not load the game: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  watcher.stop();
  recentMatches.stop();
  lobby.hide();
  lobby.setMessage('');
  state.net = net;
  state.join = join;
  state.running = await mod.enterGame({
    net,
    join,
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
  watcher.start();
  recentMatches.start();
  lobby.show();
}

installTestHook(state, lobby);
