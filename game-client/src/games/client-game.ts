// The client game module contract: what a game gives the browser shell (lobby, HUD frame, chat, net graph,
// replay viewer) so that the shell can host it without knowing it. A module is registered in games/index.ts
// and found by its rules' name (the join reply's `game`, a recording header's `game`, the lobby's choice).
//
// A module has two halves: a light one in the lobby's chunk (the shared rules and the controls help), and
// the parts that draw and play, loaded on demand in a chunk of their own with Phaser. Types only: nothing
// here runs.
//
// Coordinates: "scene px" are the coordinates the game's Phaser scene draws in (the arena: 1 px for 4 world
// units); the canvas is in screen px. What the shell reads back (test hooks, the replay camera) is in scene px.

import type Phaser from 'phaser';
import type { ClientSession, RenderFrame, SessionNet } from '../../../shared/client/client-session.js';
import type { InterpolationModel } from '../../../shared/client/session-types.js';
import type { EntityState, GameEvent } from '../../../shared/codec/schema.js';
import type { AnyGame } from '../../../shared/game/game-definition.js';
import type { Recording } from '../../../shared/recording/index.js';

/** A game the page can show. `Input` is the game's input (what its rules' parseInput returns). */
export interface ClientGame<Input = unknown> {
  /**
   * The shared rules (shared/game/...): `name` identifies the game everywhere, `title` is what the lobby
   * shows, `schema` decodes its snapshots; the replay viewer re-simulates recordings with them.
   */
  readonly rules: AnyGame;
  /** The lobby's controls help for this game. */
  readonly controls: readonly Control[];
  /**
   * The same help on a touch device (touch/touch-device.ts), shown there instead of `controls`: `keys` name
   * the on-screen sticks and buttons as they are labelled, e.g. keys ['left stick'], action 'move'.
   */
  readonly touchControls: readonly Control[];
  /** The parts that play and draw: a chunk of their own (with Phaser), loaded when a room or replay of this game opens. */
  load(): Promise<GameParts<Input>>;
}

/** One line of the controls help, e.g. keys ['WASD', 'arrows'], action 'move'. */
export interface Control {
  readonly keys: readonly string[];
  readonly action: string;
}

/** The lazily loaded half of a game module. Methods, not function properties: a GameParts<ArenaInput> is a GameParts<unknown>. */
export interface GameParts<Input = unknown> {
  /** The Phaser scene that draws the game, driven by live play or by a replay (see SceneSource). */
  createScene(source: SceneSource<Input>): GameScene;
  /** Prediction and interpolation of one seat: a shared/client ClientSession with the game's models. */
  createSession(net: SessionNet): SeatSession<Input>;
  /** Browser input (keyboard, mouse) to the game's input, for one seat. */
  createInput(context: InputContext): GameInput<Input>;
  /** The scoreboard's columns and how to read them from the replicated entities. */
  readonly scoreboard: Scoreboard;
  /** How the replay viewer draws between two recorded ticks (the same model the live session interpolates with). */
  readonly interpolation: InterpolationModel;
  /** The replay timeline's markers, from the recording's events (the arena: kills). */
  timeline(recording: Recording, nameOf: (playerId: number) => string): TimelineMarks;
}

/** What the shell uses of a seat's ClientSession (one of any prediction state is one). */
export type SeatSession<Input = unknown> = Pick<ClientSession<unknown, Input>, 'setInput' | 'currentInput' | 'frame' | 'stats' | 'dispose'>;

// ---- the scene ----

/**
 * What drives a game's scene: the shell's live play (a seat: netcode, input, the live HUD) or its replay
 * viewer (a recording's playback, the replay controls). The scene asks for a frame on each of its updates.
 */
export interface SceneSource<Input = unknown> {
  /** The player drawn as "you" (live play: the seat's player id); -1 for none (replays). */
  readonly localId: number;
  readonly tickRate: number;
  /** The HUD widgets the scene fills in (match clock, feed, announcements). */
  readonly hud: GameHud;
  /** Screen px at the bottom covered by the shell's overlay (the replay controls): keep own overlays above. */
  readonly bottomInset: number;
  /** Advances (netcode, or playback) and returns what to draw. `toWorld` maps canvas px to scene px. */
  frame(now: number, toWorld: (sx: number, sy: number) => { x: number; y: number }): SceneFrame<Input>;
  /** A player's name, also after it left (a feed line about it). */
  nameOf(playerId: number): string;
  /**
   * Replays: where the camera looks, from what the scene drew last frame; the scene then stays free to
   * show any point of its world. Absent in live play: the scene follows the local player its own way.
   */
  camera?(view: CameraView): CameraAim | null;
}

/** What to draw in one frame. */
export interface SceneFrame<Input = unknown> {
  /** Every entity to draw (live: interpolated remotes and the predicted local player; replays: the recorded tick, interpolated). */
  readonly entities: ReadonlyMap<number, EntityState>;
  /** Game events that became visible since the last frame (effects, feed lines). */
  readonly events: readonly { readonly tick: number; readonly event: GameEvent }[];
  /** The (fractional) tick drawn. */
  readonly tick: number;
  /** The server's tick as best known (live: estimated, ahead of `tick`; replays: the tick shown), for countdowns. */
  readonly serverTick: number;
  /** The player the camera centres on (live: the local player; replays: the one followed, null for the free camera). */
  readonly focus: number | null;
  /** Live play: the input held now (drawn at once, before the server echoes it); null in replays. */
  readonly input: Input | null;
  /** Live play: the pointer on the canvas (screen px); null when none or in replays. */
  readonly pointer: { readonly x: number; readonly y: number } | null;
  /** Live play: the server's latest authoritative entities (not predicted); null in replays. */
  readonly authoritative: ReadonlyMap<number, EntityState> | null;
  /** The debug overlay is open (draw what helps debugging, e.g. the server's ghost of the local player). */
  readonly debug: boolean;
}

/** What the replay camera sees of the last frame drawn (scene px). */
export interface CameraView {
  readonly players: readonly DrawnPlayer[];
  /** The point at the centre of the camera now. */
  readonly center: { readonly x: number; readonly y: number };
  /** The world's extent: any point of [0, width] x [0, height] may be centred. */
  readonly world: { readonly width: number; readonly height: number };
}

/** Where the camera looks this frame (scene px). */
export interface CameraAim {
  readonly x: number;
  readonly y: number;
  /** Fraction of the way to move there this frame (1: at once). The first placement is always at once. */
  readonly ease: number;
}

/** A game's Phaser scene, with what the shell reads of its last frame (test hooks, the replay camera). */
export interface GameScene extends Phaser.Scene {
  /** Every player of the last frame drawn (dead ones too, with `screen` null). */
  players(): readonly DrawnPlayer[];
  /** Live play: the local player as the server last had it (not predicted), scene px; null when unknown or in replays. */
  authoritative(): { readonly x: number; readonly y: number; readonly alive: boolean } | null;
  /** The scene point at the centre of the main camera (null before the scene's first update). */
  cameraCenter(): { readonly x: number; readonly y: number } | null;
}

export interface DrawnPlayer {
  readonly id: number;
  readonly name: string;
  /** Scene px (fractional while interpolated). */
  readonly x: number;
  readonly y: number;
  readonly alive: boolean;
  /** The seat's own player (live play). */
  readonly local: boolean;
  /** Where it was drawn on the canvas (screen px); null when it was not drawn (dead). */
  readonly screen: { readonly x: number; readonly y: number } | null;
  /** The colour it is drawn in, 0xRRGGBB (player-colors.ts: the same on every screen). */
  readonly color?: number;
}

/** The HUD widgets a scene fills in; the live HUD and the replay viewer both provide them. */
export interface GameHud {
  /** The match clock, top centre: ticks left (shown as m:ss) and what it counts down, e.g. "match 3". */
  clock(ticksLeft: number, label: string): void;
  /** A line of the feed, top right (the arena: a kill). `mine`: it is about the local player (highlighted). */
  feed(parts: readonly FeedPart[], mine: boolean): void;
  /** A message in the middle for a few seconds (the arena: who won the match). */
  announce(title: string, detail: string): void;
  /** A message in the middle while no announcement shows (the arena: the respawn countdown); null clears it. Cheap to call every frame. */
  status(message: { readonly title: string; readonly detail: string } | null): void;
  /** A red flash at the screen edges: the local player was hurt (0..1). */
  pain(strength: number): void;
  /**
   * The match is over: the live shell shows its match-end screen (every line of `rows` under the game's
   * Scoreboard columns, the winner on top, the player's own line highlighted, a countdown to the next
   * match and a Leave button); the replay viewer announces the winner. Call it once per match end, from
   * the event that ends it (the arena: EVT_MATCH_END), also in blobs or any other game.
   */
  matchOver(result: MatchResult): void;
  /**
   * Plays one of the shell's synthesized sound effects. `at` (scene px) makes it positional: quieter with
   * distance from the local player (silent far away) and panned left/right; omit it for sounds about the
   * player itself or the whole match. Cheap when muted; the shell decides volume and muting.
   */
  sound(name: SoundName, at?: { readonly x: number; readonly y: number }): void;
}

/** The standings at a match end (GameHud.matchOver). */
export interface MatchResult {
  /** What ended, e.g. "Match 3". */
  readonly title: string;
  /** Every player's final line, best first: one value per Scoreboard column key. */
  readonly rows: readonly ScoreRow[];
  /** The winner's player id; null when nobody won (an empty room). */
  readonly winnerId: number | null;
  /**
   * Ticks until the next match starts (the break after a match). 0 when a game starts it at once: the
   * screen then stays a few seconds over the running match, counting down to when it closes.
   */
  readonly nextInTicks: number;
}

/**
 * The shell's sound effects (synthesized, game-client/src/sound/voices.ts): `shot` a gunshot, `hit` a
 * thud of damage taken or dealt, `explosion` a blast, `pickup` a bright blip (something eaten or
 * collected), `kill` a down-chirp when someone is out, `matchEnd` a short fanfare.
 */
export type SoundName = 'shot' | 'hit' | 'explosion' | 'pickup' | 'kill' | 'matchEnd';

/** A piece of a feed line: a player's name in its colour, or plain text between names (e.g. "[rifle]"). */
export interface FeedPart {
  readonly text: string;
  /** 0xRRGGBB for a name; absent for the text between names. */
  readonly color?: number;
}

// ---- input ----

export interface InputContext {
  /** The element the game is drawn in (pointer events on it aim and fire). */
  readonly target: HTMLElement;
  /** The seat's player id. */
  readonly playerId: number;
  /** True while the player types in the chat: game keys are ignored then. */
  typing(): boolean;
}

/**
 * The keys, buttons and pointer held, read as the game's input. The shell owns Enter (chat), Tab
 * (scoreboard), F3 and ` (debug overlay) and Escape: a game leaves them alone.
 */
export interface GameInput<Input = unknown> {
  /**
   * The input to hold from now on (sent at the tick rate). `toWorld` maps canvas px to scene px, `previous`
   * is the last frame's netcode output (e.g. where the local player is, to aim from it).
   */
  sample(toWorld: (sx: number, sy: number) => { x: number; y: number }, previous: RenderFrame | null): Input;
  /** The pointer on the canvas (screen px), null until it moves there. */
  readonly pointer: { readonly x: number; readonly y: number } | null;
  /** Lets go of every key and button (the chat opened, the tab was hidden, the seat ended). */
  releaseAll(): void;
  dispose(): void;
}

// ---- HUD and replay pieces ----

export interface Scoreboard {
  /** The columns after the rank and the name, e.g. score, kills, deaths. */
  readonly columns: readonly { readonly key: string; readonly label: string }[];
  /** Every player's line, best first, from the replicated (or recorded) entities. */
  read(entities: ReadonlyMap<number, EntityState>): ScoreRow[];
  /** A player's standing in a few characters (the arena: "score 3 · 1K/0D"): the HUD's own line, the replay's player list. */
  summary(row: ScoreRow): string;
}

export interface ScoreRow {
  readonly playerId: number;
  readonly name: string;
  /** One value per column key. */
  readonly values: Readonly<Record<string, number>>;
}

export interface TimelineMarks {
  readonly marks: readonly TimelineMark[];
  /** How many there are, in words (the arena: "12 kills"), for the replay's match line. */
  readonly summary: string;
}

export interface TimelineMark {
  readonly tick: number;
  /** What happened (the marker's tooltip), e.g. "alpha killed bravo (rifle)". */
  readonly text: string;
  /** The marker's colour, 0xRRGGBB. */
  readonly color: number;
}
