// A game is a plain object of pure functions over its world (boardgame.io's model). The server, the
// browser (prediction), the bots and the replay tools all run the same definition; a second game can be
// plugged in by writing another object of this shape, without touching the server.
//
// Determinism rules for every function that touches the world: no Math.random (use the world's seeded
// PRNG), no clocks, no iteration over unordered keys, integer (quantized) state at the end of each step.

import type { EntityState, EntityView, GameEvent, ReplicationSchema } from '../codec/schema.js';
import type { Sight } from '../codec/sight-mirror.js';

/** What the server knows about an input beyond the game's own payload. */
export interface InputContext {
  /** Tick being simulated. */
  readonly tick: number;
  /**
   * The tick the player was rendering when it produced this input (for lag compensation); already
   * clamped by the server to [tick - lagCompensationTicks, tick].
   */
  readonly renderTick: number;
}

export interface GameDefinition<World, Input> {
  /** Stable identifier (lower-case letters, digits, dashes), written into recordings and named in requests. */
  readonly name: string;
  /**
   * The version of the rules (a positive integer; omitted: 1), written into recordings. Raise it whenever a
   * change makes the same inputs play out differently, and keep the previous rules in olderRules so that
   * recordings made with them still replay and verify.
   */
  readonly rulesVersion?: number;
  /**
   * Optional: the rules of earlier versions this build can still simulate, by rules version (each a whole
   * definition of this game with that rulesVersion). Replays of recordings made with one of them use it.
   */
  readonly olderRules?: Readonly<Record<number, GameDefinition<World, Input>>>;
  /** What players see in the lobby. */
  readonly title: string;
  /** The map the rules play on, written into recordings (omitted: the game has one unnamed map). */
  readonly mapName?: string;
  readonly schema: ReplicationSchema;
  /** Upper bound on players per room for this game. */
  readonly maxPlayers: number;
  /** The fixed step rate the rules are tuned for (speeds and durations are per tick). */
  readonly tickRate: number;
  /** How many past ticks of hit volumes the world keeps for lag compensation (the rewind cap). */
  readonly lagCompensationTicks: number;
  /**
   * Radius, in world units, of what a player needs to see (about half the screen diagonal plus a
   * margin); the server sends each client only the entities in this area plus the global kinds.
   * Omitted: everything is sent to everyone.
   */
  readonly interestRadius?: number;

  createWorld(seed: number): World;
  addPlayer(world: World, playerId: number, name: string): void;
  removePlayer(world: World, playerId: number): void;

  /** Validates an untrusted input payload from the wire; null when it is malformed or impossible. */
  parseInput(raw: unknown): Input | null;
  /** The wire form of an input, what a client sends: parseInput(encodeInput(input)) equals input. */
  encodeInput(input: Input): unknown;
  /** The input applied on a tick for which a player sent nothing (e.g. keep moving, never fire). */
  idleInput(previous: Input | null): Input;
  /**
   * Optional, for recordings: writes the input's leaves (the values of its flat plain object, in key
   * order, or of its flat array) into `out` from `at`, and returns how many. The recorder compares every
   * player's input with the previous one on every tick; with this it reads a few numbers instead of
   * walking the object. It must agree with the object (the recorder checks it on each new input shape).
   */
  packInput?(input: Input, out: Float64Array, at: number): number;
  /** Applies one player's input for this tick (at most one per player per tick). */
  applyInput(world: World, playerId: number, input: Input, ctx: InputContext): void;
  /** Advances the world by one fixed step and quantizes it; returns the events of this tick. */
  step(world: World, tick: number): GameEvent[];

  /** The replicated view of the world for this tick. */
  view(world: World): EntityView[];
  /** Where a player's interest area is centred (null when it has no body, e.g. dead and waiting). */
  focusOf(world: World, playerId: number): { x: number; y: number } | null;
  /** The columns of the game's scoreboard, in display order; the first ranks players (higher is better). */
  readonly scoreColumns: readonly ScoreColumn[];
  /** Every player's score, best first (for match results and recordings): one value per scoreColumns key. */
  scores(world: World): PlayerScore[];
  /**
   * Optional: the code (GameEvent[0]) of the event the game emits on the tick a match ends, when a room runs
   * several matches back to back. The recorder then writes one recording per match, cut after that tick.
   * Omitted: a room is one match (one recording per room).
   */
  readonly matchEndEvent?: number;
  /**
   * Optional, with matchEndEvent: the final scores (best first) that `event`, the match-end event, announces.
   * Needed by a game whose step that ends a match also resets the scores (scores(world) then shows the next
   * match); omitted, the final scores are scores(world) on the match-end tick.
   */
  matchEndScores?(world: World, event: GameEvent): PlayerScore[];

  /**
   * Optional: a bot that plays the game from what a player sees. The server fills empty seats with them
   * (BOT_FILL), and `npm run bots -- --game NAME` drives its load-test players with them. `behaviour` is one
   * of botBehaviours (the first when omitted). Bots must be pure and seeded (no Math.random, no clocks).
   */
  createBot?(seed: number, behaviour?: string): GameBot<Input>;
  /** The behaviours createBot knows, the default first (e.g. ['fight', 'wander', 'idle']). */
  readonly botBehaviours?: readonly string[];

  /** Optional names of the game's event codes (GameEvent[0]), for tools: replay summaries, exports, logs. */
  readonly eventNames?: Readonly<Record<number, string>>;

  /** A 32-bit hash of the whole world state, for determinism checks and recordings. */
  hash(world: World): number;
  /** A msgpack-encodable deep copy of the world (keyframes, reconnect-safe snapshots). */
  serialize(world: World): unknown;
  /** Inverse of serialize; throws on a value that is not a serialized world. */
  deserialize(data: unknown): World;
}

/** What a bot sees when it decides: the entities a client of that player would mirror, by id. */
export interface BotSight {
  readonly playerId: number;
  readonly tick: number;
  readonly entities: ReadonlyMap<number, EntityState>;
}

export interface GameBot<Input> {
  /** The input for this tick. */
  think(sight: BotSight): Input;
  /**
   * The only entities think() reads for player `playerId`, when it reads only some (itself and a match
   * clock; the players but not the projectiles): these ids and every entity of these kinds. Light bots of
   * the bots CLI then mirror only those. Absent: it may read any entity.
   */
  reads?(playerId: number): Sight;
}

/** A scoreboard column: `key` names the value in PlayerScore.values, `label` is what players read. */
export interface ScoreColumn {
  readonly key: string;
  readonly label: string;
}

export interface PlayerScore {
  readonly playerId: number;
  readonly name: string;
  /** Integer values by ScoreColumn key (the arena: score, kills, deaths; blobs: mass, best, ...). */
  readonly values: Readonly<Record<string, number>>;
}

/**
 * A type-erased game definition, as the server holds it. Methods are declared in method syntax, so a
 * GameDefinition<ArenaWorld, ArenaInput> is assignable to this (the server never looks inside a world).
 */
export type AnyGame = GameDefinition<unknown, unknown>;
