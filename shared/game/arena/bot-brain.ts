// How a bot plays the arena, from what it can see: wander (change direction now and then, turn away
// from walls it is pushing against), fight (aim at the nearest visible enemy, fire the rifle when in
// range, a rocket now and then) and steady (a new direction and aim exactly once a second, walls or not:
// the load the peers benchmark gives every server, ours and the others alike). Pure and seeded, so a
// load run or benchmark is reproducible. The arena's GameDefinition.createBot: server-hosted bots and
// the bots CLI both play with it.

import type { EntityState } from '../../codec/schema.js';
import type { BotSight, GameBot } from '../game-definition.js';
import { createPrng, nextInt, type PrngState } from '../prng.js';
import { MATCH_ENTITY_ID, RIFLE_RANGE } from './constants.js';
import { aimFromVector } from './directions.js';
import { DIRECTION_KEYS, KEY_FIRE_PRIMARY, KEY_FIRE_SECONDARY, type ArenaInput } from './input.js';
import { AIM_STEPS } from './units.js';
import { KIND_MATCH, KIND_PLAYER, MATCH_FIELD, PHASE_INTERMISSION, PLAYER_FIELD, PLAYER_FLAG_ALIVE } from './view.js';

export const ARENA_BOT_BEHAVIOURS = ['fight', 'wander', 'steady', 'idle'] as const;
export type BotBehaviour = (typeof ARENA_BOT_BEHAVIOURS)[number];

/** A steady bot's ticks between two changes of direction and aim: once a second at 30 ticks/s. */
export const STEADY_TURN_TICKS = 30;

export interface BotView {
  readonly self: { readonly x: number; readonly y: number; readonly alive: boolean } | null;
  /** Living enemies the bot can see (world units). */
  readonly enemies: readonly { readonly x: number; readonly y: number }[];
  /** The break between two matches: nothing moves, so the brain holds still (and draws no random numbers). */
  readonly intermission?: boolean;
}

const DIRECTIONS = DIRECTION_KEYS;

export class ArenaBrain {
  private readonly rng: PrngState;
  private moveKeys = 0;
  private ticksUntilTurn = 0;
  private aim = 0;
  private lastPosition: { x: number; y: number } | null = null;

  constructor(
    private readonly behaviour: BotBehaviour,
    seed: number,
  ) {
    this.rng = createPrng(seed);
  }

  /** The input for this tick. */
  think(view: BotView): ArenaInput {
    if (this.behaviour === 'idle' || !view.self || !view.self.alive || view.intermission) return { keys: 0, aim: this.aim };
    if (this.behaviour === 'steady') {
      if (--this.ticksUntilTurn <= 0) {
        this.moveKeys = DIRECTIONS[this.next(DIRECTIONS.length)]!;
        this.aim = this.next(AIM_STEPS);
        this.ticksUntilTurn = STEADY_TURN_TICKS;
      }
      return { keys: this.moveKeys, aim: this.aim };
    }
    const self = view.self;
    const stuck = this.lastPosition !== null && this.lastPosition.x === self.x && this.lastPosition.y === self.y;
    this.lastPosition = { x: self.x, y: self.y };
    if (--this.ticksUntilTurn <= 0 || (stuck && this.moveKeys !== 0)) {
      this.moveKeys = DIRECTIONS[this.next(DIRECTIONS.length)]!;
      this.ticksUntilTurn = 15 + this.next(60);
    }
    let keys = this.moveKeys;
    if (this.behaviour === 'fight') {
      const target = nearest(self, view.enemies);
      if (target) {
        const dx = target.x - self.x;
        const dy = target.y - self.y;
        // A little aim error so not every shot lands.
        this.aim = (aimFromVector(dx, dy) + this.next(61) - 30 + AIM_STEPS) % AIM_STEPS;
        if (dx * dx + dy * dy <= RIFLE_RANGE * RIFLE_RANGE) {
          keys |= KEY_FIRE_PRIMARY;
          if (this.next(40) === 0) keys |= KEY_FIRE_SECONDARY;
        }
      }
    } else if (this.next(30) === 0) {
      this.aim = this.next(AIM_STEPS);
    }
    return { keys, aim: this.aim };
  }

  private next(n: number): number {
    return nextInt(this.rng, n);
  }
}

function nearest(
  self: { readonly x: number; readonly y: number },
  others: readonly { readonly x: number; readonly y: number }[],
): { x: number; y: number } | null {
  let best: { x: number; y: number } | null = null;
  let bestD = Infinity;
  for (const o of others) {
    const d = (o.x - self.x) ** 2 + (o.y - self.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}

/** The arena's GameDefinition.createBot: an ArenaBrain that reads what a client of its player would see. */
export function createArenaBot(seed: number, behaviour: string = ARENA_BOT_BEHAVIOURS[0]): GameBot<ArenaInput> {
  if (!(ARENA_BOT_BEHAVIOURS as readonly string[]).includes(behaviour)) {
    throw new Error(`arena bots: unknown behaviour "${behaviour}" (${ARENA_BOT_BEHAVIOURS.join(', ')})`);
  }
  const brain = new ArenaBrain(behaviour as BotBehaviour, seed);
  const seesEnemies = behaviour === 'fight';
  // The brain's view: its own player and the match entity, and the other players when it looks for enemies.
  return {
    think: (sight: BotSight) => brain.think(arenaBotView(null, sight.entities, sight.playerId, seesEnemies)),
    reads: (playerId) => (seesEnemies ? { ids: [MATCH_ENTITY_ID], kinds: [KIND_PLAYER] } : { ids: [playerId, MATCH_ENTITY_ID] }),
  };
}

const NO_ENEMIES: readonly { x: number; y: number }[] = [];

/**
 * What the brain sees: itself (`local`, its predicted entity, when the caller predicts; else its mirrored
 * one), if it looks for them the living players around it, and whether the match is in its break.
 */
export function arenaBotView(local: EntityState | null, entities: ReadonlyMap<number, EntityState>, playerId: number, withEnemies: boolean): BotView {
  const me = local ?? entities.get(playerId) ?? null;
  const match = entities.get(MATCH_ENTITY_ID);
  return {
    self: me ? { x: me.values[PLAYER_FIELD.x] as number, y: me.values[PLAYER_FIELD.y] as number, alive: alive(me) } : null,
    enemies: withEnemies ? enemiesIn(entities, playerId) : NO_ENEMIES,
    intermission: match?.kind === KIND_MATCH && match.values[MATCH_FIELD.phase] === PHASE_INTERMISSION,
  };
}

function enemiesIn(entities: ReadonlyMap<number, EntityState>, playerId: number): { x: number; y: number }[] {
  const enemies: { x: number; y: number }[] = [];
  for (const e of entities.values()) {
    if (e.kind !== KIND_PLAYER || e.id === playerId || !alive(e)) continue;
    enemies.push({ x: e.values[PLAYER_FIELD.x] as number, y: e.values[PLAYER_FIELD.y] as number });
  }
  return enemies;
}

function alive(e: EntityState): boolean {
  return ((e.values[PLAYER_FIELD.flags] as number) & PLAYER_FLAG_ALIVE) !== 0;
}
