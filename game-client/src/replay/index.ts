// The replay viewer at /replay/<id>: downloads the recording (GET /api/matches/:id/recording), reads it
// with shared/recording, finds the module of the game its header names (games/index.ts), replays it with
// that game's own rules (ReplaySimulator) and draws it with the game's own scene, as in live play. Loaded
// lazily (its own chunk, with Phaser) by main.ts on a /replay/ path.

import './replay.css';
import { RecordingError, ReplayError, readRecording, type Recording } from '../../../shared/recording/index.js';
import type { ClientGame, GameParts } from '../games/client-game.js';
import { CLIENT_GAMES, clientGame } from '../games/index.js';
import { ensurePhaser, rendererName, showScene, type RendererChoice } from '../play/phaser-host.js';
import { participantsOf } from './participants.js';
import { ReplayDriver } from './replay-driver.js';
import { ReplayPlayback } from './playback.js';
import { formatTime } from './route.js';
import { installReplayHook, type ReplayHookSource } from './test-hook.js';
import { ReplayUi, replayScreen } from './replay-ui.js';

export interface ReplayOptions {
  readonly id: string;
  readonly gameParent: HTMLElement;
  readonly hudParent: HTMLElement;
  readonly renderer: RendererChoice;
}

/** What GET /api/matches/:id says (only what the viewer uses). */
interface MatchSummaryLite {
  readonly live?: boolean;
}

class ViewerError extends Error {
  constructor(
    readonly title: string,
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

async function apiError(res: Response, id: string): Promise<ViewerError> {
  let code = '';
  let message = '';
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? '';
    message = body.error?.message ?? '';
  } catch {
    // not JSON
  }
  const detail = `HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (code === 'RECORDING_DISABLED') return new ViewerError('Replays are off on this server', 'This server does not record matches, so there is nothing to replay.', detail);
  if (res.status === 404) {
    return new ViewerError(
      'No such match',
      `There is no recorded match "${id}". Check the link, or pick a match from the lobby's recent matches: old recordings are deleted to make room for new ones.`,
      detail,
    );
  }
  return new ViewerError('Could not load the recording', `The server answered HTTP ${res.status}.`, detail);
}

async function download(id: string): Promise<{ bytes: Uint8Array; summary: MatchSummaryLite | null }> {
  const path = `/api/matches/${encodeURIComponent(id)}`;
  let res: Response;
  try {
    res = await fetch(`${path}/recording`, { cache: 'no-cache' });
  } catch (err) {
    throw new ViewerError('Cannot reach the server', 'The recording could not be downloaded: is the game server running?', String(err));
  }
  if (!res.ok) throw await apiError(res, id);
  const summary = fetch(path)
    .then((r) => (r.ok ? (r.json() as Promise<MatchSummaryLite>) : null))
    .catch(() => null);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { bytes, summary: await summary };
}

async function read(bytes: Uint8Array): Promise<Recording> {
  try {
    return await readRecording(bytes);
  } catch (err) {
    if (err instanceof RecordingError) {
      throw new ViewerError('This file cannot be replayed', err.message, `${bytes.length} bytes; the reader stopped with ${err.code}.`);
    }
    throw err;
  }
}

/** The notice for a recording that does not run to its end record. */
function recordingNotice(recording: Recording, summary: MatchSummaryLite | null): string | null {
  const rate = recording.header.tickRate;
  const at = `tick ${recording.lastTick} (${formatTime((recording.lastTick - recording.header.startTick) / rate)})`;
  if (recording.error) {
    return `The recording is damaged after ${at}: ${recording.error.message}. Playing the readable part.`;
  }
  if (!recording.complete) {
    if (summary?.live) return `This match is still being played: the replay goes up to ${at}. Reload to see more.`;
    return `This recording was cut off at ${at} (the server stopped before the match ended): playing what is there.`;
  }
  return null;
}

/** The game module of a recording, with its loaded parts; a clear error when this page has none. */
async function gameOf(recording: Recording): Promise<{ game: ClientGame; parts: GameParts }> {
  const name = recording.header.game;
  const game = clientGame(name);
  if (!game) {
    throw new ViewerError(
      'This page cannot show this game',
      `The recording is of the game "${name}", and this page has no module for it (it shows: ${CLIENT_GAMES.map((g) => g.rules.title).join(', ')}).`,
      'Reload the page: a newer version of it may show this game.',
    );
  }
  return { game, parts: await game.load() };
}

export async function startReplay(options: ReplayOptions): Promise<void> {
  const src: ReplayHookSource = { id: options.id, status: 'loading', error: null, driver: null, scene: () => null, marks: [], renderer: null };
  installReplayHook(src);
  document.title = 'Replay';
  const loading = replayScreen('loading', 'Loading the replay…');
  options.hudParent.append(loading);
  try {
    const { bytes, summary } = await download(options.id);
    const recording = await read(bytes);
    const { game, parts } = await gameOf(recording);
    const title = game.rules.title;
    let playback: ReplayPlayback;
    try {
      playback = new ReplayPlayback(recording, game.rules);
    } catch (err) {
      if (err instanceof ReplayError) throw new ViewerError('This recording cannot be replayed by this build', err.message);
      throw err;
    }
    const participants = participantsOf(recording);
    const timeline = parts.timeline(recording, participants.nameOf);
    const header = recording.header;
    const ui = new ReplayUi(
      {
        id: options.id,
        roomId: header.roomId,
        title,
        map: header.map,
        startTime: header.startTime,
        endReason: recording.end?.reason ?? null,
        startTick: playback.startTick,
        endTick: playback.endTick,
        tickRate: playback.tickRate,
        keyframeTicks: playback.sim.keyframeTicks,
        participants: participants.participants,
        marks: timeline.marks,
        marksSummary: timeline.summary,
        scoreboard: parts.scoreboard,
      },
      {
        togglePlay: () => driver.togglePlay(),
        scrub: (tick, done) => driver.scrub(tick, done),
        setSpeed: (speed) => driver.setSpeed(speed),
        follow: (id) => driver.follow(id),
      },
    );
    const driver: ReplayDriver = new ReplayDriver(playback, ui, parts, participants, options.gameParent);
    ui.setNotice(recordingNotice(recording, summary));
    document.title = `Replay · ${header.roomId} · ${title}`;

    const phaser = await ensurePhaser(options.gameParent, options.renderer);
    const scene = parts.createScene(driver);
    showScene(phaser, scene);
    options.gameParent.hidden = false;
    options.hudParent.append(ui.root);
    loading.remove();
    src.driver = driver;
    src.scene = () => scene;
    src.marks = timeline.marks;
    src.renderer = rendererName(phaser);
    src.status = 'ready';
    playback.play();
  } catch (err) {
    loading.remove();
    const e =
      err instanceof ViewerError
        ? err
        : new ViewerError('The replay failed', err instanceof Error ? err.message : String(err));
    src.status = 'error';
    src.error = `${e.title}: ${e.message}`;
    options.hudParent.append(replayScreen('error', e.title, e.message, e.detail));
  }
}
