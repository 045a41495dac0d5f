// The match clock of a game played in matches with a break between them (both games here): a match of
// `matchTicks` steps, its standings, a break of `breakTicks` with the world at rest (the results on
// screen), then the next match. The clock lives in the world (MatchPhase); the game says what ending and
// starting a match do to it. The match entity replicates the clock: the match number, the phase and the
// tick it ends at, so clients show the clock, count down the break and stop predicting during it.

import type { EntityKindSchema, EntityView, GameEvent } from '../codec/schema.js';

/** The clock's part of a world. */
export interface MatchPhase {
  /** The last tick stepped. */
  tick: number;
  /** 1 for the first match, +1 when the next one starts. */
  matchNumber: number;
  /** In the break after match `matchNumber`. */
  intermission: boolean;
  /** Steps left in the current phase (the match or the break). */
  phaseTicksLeft: number;
}

export interface MatchRules<W extends MatchPhase> {
  readonly matchTicks: number;
  /** 0: the next match starts on the tick the previous one ends. */
  readonly breakTicks: number;
  /** The match is over: announce the standings, bring the world to rest. */
  endMatch(world: W, events: GameEvent[]): void;
  /** The next match begins (matchNumber is already the new one): reset scores, respawn everyone. */
  startMatch(world: W, events: GameEvent[]): void;
}

/** Counts the current phase down one step; at zero, ends the match (then the break) or starts the next one. */
export function tickMatchPhase<W extends MatchPhase>(world: W, events: GameEvent[], rules: MatchRules<W>): void {
  world.phaseTicksLeft -= 1;
  if (world.phaseTicksLeft > 0) return;
  if (world.intermission) {
    beginMatch(world, events, rules);
    return;
  }
  rules.endMatch(world, events);
  if (rules.breakTicks === 0) {
    beginMatch(world, events, rules);
    return;
  }
  world.intermission = true;
  world.phaseTicksLeft = rules.breakTicks;
}

function beginMatch<W extends MatchPhase>(world: W, events: GameEvent[], rules: MatchRules<W>): void {
  world.matchNumber += 1;
  world.intermission = false;
  world.phaseTicksLeft = rules.matchTicks;
  rules.startMatch(world, events);
}

/** Field indexes of the match entity (global: every client has it). */
export const MATCH_FIELD = { matchNumber: 0, phase: 1, endTick: 2, durationTicks: 3 } as const;
/** Values of the match entity's `phase` field. */
export const PHASE_PLAYING = 0;
export const PHASE_INTERMISSION = 1;

/** The match entity's kind in a game's replication schema. */
export function matchKindSchema(kind: number): EntityKindSchema {
  return {
    kind,
    name: 'match',
    global: true,
    fields: [
      { name: 'matchNumber', type: 'int' },
      /** PHASE_PLAYING or PHASE_INTERMISSION (the break after match `matchNumber`). */
      { name: 'phase', type: 'int' },
      /** The tick the phase ends at (its last step: the match's, or the break's, which starts the next match). */
      { name: 'endTick', type: 'int' },
      /** The phase's whole length, in ticks. */
      { name: 'durationTicks', type: 'int' },
    ],
  };
}

/** The match entity of `world` now. */
export function matchEntityView(id: number, kind: number, world: MatchPhase, lengths: { readonly matchTicks: number; readonly breakTicks: number }): EntityView {
  return {
    id,
    kind,
    x: 0,
    y: 0,
    values: [
      world.matchNumber,
      world.intermission ? PHASE_INTERMISSION : PHASE_PLAYING,
      world.tick + world.phaseTicksLeft,
      world.intermission ? lengths.breakTicks : lengths.matchTicks,
    ],
  };
}
