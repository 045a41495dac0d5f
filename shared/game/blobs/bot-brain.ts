// How a bot plays blobs, from what it can see (bot-view.ts): flee heavier blobs that are close (boosting
// when one is about to catch it), chase smaller ones within reach (boosting into the pounce when the
// meal pays for it), otherwise steer to the nearest pellet no threat is guarding, otherwise wander away
// from the walls. Pure and seeded (../prng.ts, not Math.random), so a bots run or a test replays the
// same decisions from the same views. It may use floating point (Math.sqrt, atan2): it only produces
// inputs, which are validated and recorded, and never runs inside the simulation.

import { aimFromVector } from '../arena/directions.js';
import { AIM_STEPS } from '../arena/units.js';
import type { BotSight, GameBot } from '../game-definition.js';
import { createPrng, nextInt, type PrngState } from '../prng.js';
import { BOOST_MIN_MASS, EAT_GAIN_PERCENT, WORLD_SIZE } from './constants.js';
import { BLOB_KEY_BOOST, BLOB_KEY_MOVE, type BlobsInput } from './input.js';
import { blobRadius, boostCost, outweighs } from './mass.js';
import { blobsBotView, type BlobsBotView, type SeenBlob } from './bot-view.js';
import { px } from './units.js';
import { KIND_BLOB, KIND_PELLET } from './view.js';

/** A blob able to eat the bot, closer than its radius plus this, makes the bot run... */
const FLEE_MARGIN = px(150);
/** ...and this close, boost away. */
const PANIC_MARGIN = px(80);
/** Blobs the bot can eat are chased up to this far beyond its edge. */
const CHASE_RANGE = px(600);
/** Boost into a chase when the prey's centre is this close to the bot's edge. */
const POUNCE_RANGE = px(150);
/** Near a wall (closer than this) the bot is pushed away from it. */
const WALL_MARGIN = px(300);
/** Aim noise, in aim steps either way (about 2 degrees), so bots do not move in lockstep. */
const AIM_JITTER = 24;

export interface BlobsBrain {
  /** The input for this tick. */
  think(view: BlobsBotView): BlobsInput;
}

interface Point {
  readonly x: number;
  readonly y: number;
}

function distanceSq(a: Point, b: Point): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}

/** A push away from the walls the bot is near: (0, 0) in the open. */
function wallPush(self: Point): Point {
  const push = (c: number): number => (c < WALL_MARGIN ? 1 : c > WORLD_SIZE - WALL_MARGIN ? -1 : 0);
  return { x: push(self.x), y: push(self.y) };
}

export function createBlobsBrain(seed: number): BlobsBrain {
  const rng: PrngState = createPrng(seed);
  let aim = nextInt(rng, AIM_STEPS);
  let wanderTicks = 0;

  const jitter = (a: number): number => (a + nextInt(rng, 2 * AIM_JITTER + 1) - AIM_JITTER + AIM_STEPS) % AIM_STEPS;
  const steer = (dx: number, dy: number): number => jitter(aimFromVector(dx, dy));

  function flee(self: { x: number; y: number; mass: number }, threats: readonly SeenBlob[]): BlobsInput {
    // Away from each threat, the nearer ones weighing more (unit vector / distance), and off the walls.
    let fx = 0;
    let fy = 0;
    let panic = false;
    for (const t of threats) {
      const d = Math.max(1, Math.sqrt(distanceSq(self, t)));
      fx += (self.x - t.x) / (d * d);
      fy += (self.y - t.y) / (d * d);
      if (d < blobRadius(t.mass) + PANIC_MARGIN) panic = true;
    }
    const wall = wallPush(self);
    const scale = Math.hypot(fx, fy) || 1; // threats on all sides cancel out: the walls decide
    fx = fx / scale + wall.x;
    fy = fy / scale + wall.y;
    aim = steer(fx, fy);
    const boost = panic && self.mass >= BOOST_MIN_MASS;
    return { keys: BLOB_KEY_MOVE | (boost ? BLOB_KEY_BOOST : 0), aim };
  }

  function chase(self: { x: number; y: number; mass: number }, prey: SeenBlob): BlobsInput {
    aim = steer(prey.x - self.x, prey.y - self.y);
    const reach = blobRadius(self.mass) + POUNCE_RANGE;
    const worth = Math.floor((prey.mass * EAT_GAIN_PERCENT) / 100) > 2 * boostCost(self.mass); // it may miss
    const boost = worth && self.mass >= BOOST_MIN_MASS && distanceSq(self, prey) < reach * reach;
    return { keys: BLOB_KEY_MOVE | (boost ? BLOB_KEY_BOOST : 0), aim };
  }

  function wander(self: Point): BlobsInput {
    const wall = wallPush(self);
    if (wall.x !== 0 || wall.y !== 0) {
      aim = steer(WORLD_SIZE / 2 - self.x, WORLD_SIZE / 2 - self.y); // back toward the middle
      wanderTicks = 0;
    } else if (--wanderTicks <= 0) {
      aim = nextInt(rng, AIM_STEPS);
      wanderTicks = 30 + nextInt(rng, 60);
    }
    return { keys: BLOB_KEY_MOVE, aim };
  }

  return {
    think(view) {
      const self = view.self;
      if (self === null) return { keys: 0, aim };
      const threats = view.blobs.filter((b) => {
        if (b.protected || !outweighs(b.mass, self.mass)) return false;
        const danger = blobRadius(b.mass) + FLEE_MARGIN;
        return distanceSq(self, b) < danger * danger;
      });
      if (threats.length > 0) return flee(self, threats);

      // The meal worth the most per distance among those within reach.
      const myRadius = blobRadius(self.mass);
      let prey: SeenBlob | null = null;
      let preyScore = -Infinity;
      for (const b of view.blobs) {
        if (b.protected || !outweighs(self.mass, b.mass)) continue;
        const range = myRadius + CHASE_RANGE;
        const d2 = distanceSq(self, b);
        if (d2 >= range * range) continue;
        const score = b.mass / (Math.sqrt(d2) + myRadius);
        if (score > preyScore) [prey, preyScore] = [b, score];
      }
      if (prey !== null) return chase(self, prey);

      // The nearest pellet that no heavier blob is sitting near.
      const guards = view.blobs
        .filter((b) => !b.protected && outweighs(b.mass, self.mass))
        .map((b) => ({ x: b.x, y: b.y, reachSq: (blobRadius(b.mass) + FLEE_MARGIN) ** 2 }));
      let target: Point | null = null;
      let best = Infinity;
      for (const p of view.pellets) {
        const d2 = distanceSq(self, p);
        if (d2 >= best) continue;
        if (!guards.some((g) => distanceSq(g, p) < g.reachSq)) [target, best] = [p, d2];
      }
      if (target !== null) {
        aim = steer(target.x - self.x, target.y - self.y);
        return { keys: BLOB_KEY_MOVE, aim };
      }
      return wander(self);
    },
  };
}

/** What blobs' bots can do: 'play' (the brain above, the default) or 'idle' (stand still: load tests). */
export const BLOBS_BOT_BEHAVIOURS = ['play', 'idle'] as const;

/** Blobs' GameDefinition.createBot: the brain, thinking on what a client of its player would see. */
export function createBlobsBot(seed: number, behaviour: string = BLOBS_BOT_BEHAVIOURS[0]): GameBot<BlobsInput> {
  if (!(BLOBS_BOT_BEHAVIOURS as readonly string[]).includes(behaviour)) {
    throw new Error(`blobs bots: unknown behaviour "${behaviour}" (${BLOBS_BOT_BEHAVIOURS.join(', ')})`);
  }
  if (behaviour === 'idle') return { think: () => ({ keys: 0, aim: 0 }), reads: () => ({}) };
  const brain = createBlobsBrain(seed);
  // It sees blobs and pellets (its own blob among them), not the scoreboard entries or the match.
  return {
    think: (sight: BotSight) => brain.think(blobsBotView(sight.playerId, sight.entities.values())),
    reads: () => ({ kinds: [KIND_BLOB, KIND_PELLET] }),
  };
}
