// Gameplay tuning of blobs, in simulation units (units.ts: 1 unit = 1/4 px, 30 ticks/s). The comments
// give the human-scale value each constant stands for and why it was chosen.

import { px, seconds } from './units.js';

// ---- world ----
/**
 * 6000 x 6000 px: about 4.7 x 8.3 screens of 1280 x 720, so a player sees roughly a sixth of the world
 * (BLOBS_INTEREST_RADIUS) and crossing it takes a small blob 20 s.
 */
export const WORLD_SIZE = px(6000);

// ---- players ----
export const BLOBS_MAX_PLAYERS = 16;
/** Player ids the game accepts (the server assigns them); also their entity ids. */
export const MIN_PLAYER_ID = 1;
export const MAX_PLAYER_ID = 255;
/** Player colours the client has; a player's colour is its id modulo this (no state). */
export const PLAYER_COLOURS = 12;

// ---- mass, size, speed (mass.ts) ----
/** A new blob: 10 mass, 31 px radius (agar.io's start). */
export const START_MASS = 10;
/** Radius^2 per unit of mass: r = 40 * sqrt(mass) units = 10 * sqrt(mass) px. */
export const RADIUS_SQ_PER_MASS = 1600;
/**
 * Speed = SPEED_MIN + floor(SPEED_K / (radius + SPEED_R0)) units per tick: 40 (300 px/s) at the start
 * mass, 25 (188 px/s) at 100, 14 (105 px/s) at 1000, never under 8. A heavier blob is always a little
 * slower, so it cannot simply run a smaller one down: it needs a boost, a wall or a careless prey.
 */
export const SPEED_MIN = 8;
export const SPEED_K = 10000;
export const SPEED_R0 = 180;
/** Velocity change per tick per axis: full speed from rest in 6-7 ticks (~0.2 s), soft turns. */
export const ACCELERATION = 6;
/** Masses are capped here (r = 1000 px); decay keeps real games far below it. */
export const MAX_MASS = 10000;

// ---- decay (mass.ts) ----
/** Blobs above this mass lose some of the excess every tick, so the leader does not grow forever. */
export const DECAY_THRESHOLD = 100;
/**
 * Decay rate: (mass - DECAY_THRESHOLD) / DECAY_DIVISOR per tick, i.e. 0.2 % of the excess per second:
 * a blob of 1000 loses 1.8 mass/s, about what it can eat in pellets at its speed, so a pellet eater
 * levels off near 1000 and only eating players goes beyond. DECAY_THRESHOLD + DECAY_DIVISOR > MAX_MASS,
 * so a blob loses at most 1 mass per tick.
 */
export const DECAY_DIVISOR = 15000;

// ---- pellets ----
/** 1000 pellets: one per 36,000 px^2, about 25 on a 1280 x 720 screen; a seeking blob eats 2-3 per s. */
export const PELLET_COUNT = 1000;
export const PELLET_MASS = 1;
/** An eaten pellet reappears elsewhere this long after: about 100 of 1000 are missing in a busy room. */
export const PELLET_RESPAWN_TICKS = seconds(3);
/** Pellets keep this far from the border (so a blob can always reach one). */
export const PELLET_MARGIN = px(20);
export const PELLET_COLOURS = 8;

// ---- eating players (eating.ts) ----
/** An eater must be at least 1.25 x heavier: eaterMass * EAT_RATIO_DEN >= preyMass * EAT_RATIO_NUM. */
export const EAT_RATIO_NUM = 5;
export const EAT_RATIO_DEN = 4;
/** The eater gains this share of the prey's mass (rounded down); the rest is lost. */
export const EAT_GAIN_PERCENT = 80;

// ---- boost ----
/** Boosting needs this much mass and costs mass / BOOST_COST_DIVISOR (10 %: 2 mass at 20). */
export const BOOST_MIN_MASS = 20;
export const BOOST_COST_DIVISOR = 10;
/** 2.5 x speed for 8 ticks (0.27 s), then it eases back: a ~200 px pounce or escape for a small blob. */
export const BOOST_SPEED_PERCENT = 250;
export const BOOST_TICKS = 8;
export const BOOST_COOLDOWN_TICKS = seconds(1.5);

// ---- life cycle ----
export const RESPAWN_TICKS = seconds(2);
/** A (re)spawned blob cannot be eaten, nor eat players, for this long. */
export const SPAWN_PROTECTION_TICKS = seconds(2);
/** A spawn draws this many random spots and takes the one farthest from every other blob's edge. */
export const SPAWN_CANDIDATES = 10;
/** Spawn spots keep this far from the border. */
export const SPAWN_MARGIN = px(200);

// ---- match ----
export const MATCH_TICKS = seconds(5 * 60);
/** After a match: the world stands still this long with the results shown, then the next one starts. */
export const INTERMISSION_TICKS = seconds(5);

// ---- replication ----
/**
 * What a player needs to see: half the diagonal of a 1280 x 720 view (734 px) plus room for what is
 * about to enter, and for a client zooming out a little as its blob grows (to 0.73 x at 1280 x 720).
 */
export const BLOBS_INTEREST_RADIUS = px(1000);

// ---- entity ids (unique across kinds; the arena's layout) ----
/** playerInfo entity id = PLAYER_INFO_ID_BASE + playerId. */
export const PLAYER_INFO_ID_BASE = 256;
export const MATCH_ENTITY_ID = 999;
/** pellet entity id = PELLET_ID_BASE + slot (slots 0..PELLET_COUNT-1 are reused as pellets respawn). */
export const PELLET_ID_BASE = 1000;
