// Gameplay tuning of the arena shooter, in simulation units (see units.ts: 1 unit = 1/4 px, 30 ticks/s).
// The comments give the human-scale value each constant stands for.

import { px, seconds } from './units.js';

// ---- players ----
export const ARENA_MAX_PLAYERS = 16;
/** Player ids the game accepts (the server assigns them); also their entity ids. */
export const MIN_PLAYER_ID = 1;
export const MAX_PLAYER_ID = 255;
/** Half-size of the player's wall-collision square and radius of its hit circle: 16 px. */
export const PLAYER_RADIUS = px(16);
export const MAX_HEALTH = 100;

// ---- movement (units per tick, units per tick^2) ----
/** Top speed along one axis: 30 units/tick = 225 px/s. 30 <= 32 keeps per-tick deltas one-byte fixints. */
export const MAX_SPEED = 30;
/** Per-axis top speed when moving diagonally: round(30 / sqrt 2), so diagonal is not faster. */
export const MAX_SPEED_DIAGONAL = 21;
/** Speed gained per tick while a key is held: full speed in 6 ticks (200 ms). */
export const ACCELERATION = 5;
/** Speed lost per tick on an axis with no key held: a full-speed glide stops in 6 ticks. */
export const FRICTION = 5;

// ---- primary weapon: hitscan rifle ----
export const WEAPON_RIFLE = 1;
export const RIFLE_COOLDOWN_TICKS = 6; // 5 shots per second
export const RIFLE_DAMAGE = 20;
export const RIFLE_RANGE = px(900);

// ---- secondary weapon: rocket (a server-side projectile) ----
export const WEAPON_ROCKET = 2;
export const ROCKET_COOLDOWN_TICKS = 30; // one per second
/** 67 units/tick = 502 px/s. */
export const ROCKET_SPEED = 67;
export const ROCKET_RADIUS = px(6);
export const ROCKET_LIFETIME_TICKS = seconds(2); // ~1000 px of flight, then it fizzles
export const ROCKET_DIRECT_DAMAGE = 45;
/** Splash reaches players whose hit circle is within 64 px of the blast; it falls off linearly. */
export const ROCKET_SPLASH_RADIUS = px(64);
export const ROCKET_SPLASH_DAMAGE = 25;
/** The shooter takes splash damage divided by this (so rocketing a wall at your feet hurts a little). */
export const ROCKET_SELF_DAMAGE_DIVISOR = 2;

// ---- life cycle ----
export const RESPAWN_TICKS = seconds(3);
/** Spawn protection; it ends early when the player fires. */
export const SPAWN_PROTECTION_TICKS = seconds(1.5);
/** A respawn picks randomly among this many spawn points farthest from living enemies. */
export const SPAWN_CANDIDATES = 3;

// ---- match ----
export const MATCH_TICKS = seconds(5 * 60);
/** The break between two matches: the results stay on screen, nobody moves, then everyone respawns. */
export const INTERMISSION_TICKS = seconds(8);
export const KILL_SCORE = 1;
export const SUICIDE_SCORE = -1;

// ---- replication ----
/**
 * What a player needs to see: half the diagonal of a 1280x720 view (734 px) plus room for what is about
 * to enter the screen. Entities farther than this are not sent to that player.
 */
export const ARENA_INTEREST_RADIUS = px(900);

// ---- entity ids (unique across kinds) ----
/** playerInfo entity id = PLAYER_INFO_ID_BASE + playerId. */
export const PLAYER_INFO_ID_BASE = 256;
export const MATCH_ENTITY_ID = 999;
/** Projectile ids cycle through [PROJECTILE_ID_BASE, PROJECTILE_ID_BASE + PROJECTILE_ID_SPAN). */
export const PROJECTILE_ID_BASE = 1000;
export const PROJECTILE_ID_SPAN = 60000;

/** The arena's GameDefinition name (in requests, join replies and recordings). */
export const ARENA_GAME_NAME = 'arena';
