// The arena's game events: tuples [code, ...payload], all integers. step() returns them in the order
// they happened within the tick. Positions are in units (px = units / UNITS_PER_PX).

import type { GameEvent } from '../../codec/schema.js';

/** [EVT_SHOT, shooterId, x0, y0, x1, y1, hitPlayerId | 0]: a rifle tracer from (x0, y0) to (x1, y1). */
export const EVT_SHOT = 1;
/** [EVT_HIT, targetId, attackerId, damage, weapon, hpLeft]: damage dealt (never 0). */
export const EVT_HIT = 2;
/** [EVT_KILL, killerId, victimId, weapon]: killerId === victimId for a suicide. */
export const EVT_KILL = 3;
/** [EVT_RESPAWN, playerId, x, y]: a player (re)appeared at a spawn point (a teleport: do not interpolate). */
export const EVT_RESPAWN = 4;
/** [EVT_LAUNCH, shooterId, projectileId, x, y]: a rocket left the shooter at (x, y). */
export const EVT_LAUNCH = 5;
/** [EVT_EXPLODE, projectileId, ownerId, x, y, directHitId | 0]: a rocket detonated at (x, y). */
export const EVT_EXPLODE = 6;
/**
 * [EVT_MATCH_END, matchNumber, winnerId | 0, then for each player by rank: playerId, kills, deaths,
 * score]: the match clock ran out; scores reset and match matchNumber + 1 starts on the same tick.
 * Ranking: score, then kills, then fewer deaths, then lower id.
 */
export const EVT_MATCH_END = 7;

/**
 * The event types delivered reliably (ARENA_SCHEMA.reliableEvents): resent in every snapshot until the
 * client acknowledges one that carried them, so a dropped snapshot never loses them. Only what the
 * replicated state cannot tell afterwards:
 * - EVT_KILL: who killed whom with what (the kill feed); the state only has kill and death counts.
 * - EVT_MATCH_END: the final standings; scores reset on the same tick.
 * Every other type is sent once, in the snapshot of its tick, and is lost with it: they are effects whose
 * lasting consequences are replicated state (EVT_SHOT tracer, EVT_HIT flash and damage number: hp;
 * EVT_RESPAWN spawn flash: the alive flag and the new position; EVT_LAUNCH muzzle flash: the projectile
 * entering; EVT_EXPLODE blast: the projectile leaving). A late copy would be wrong anyway (an effect shown
 * 100 ms after the fact, at the wrong place relative to interpolated entities).
 */
export const RELIABLE_EVENTS: readonly number[] = [EVT_KILL, EVT_MATCH_END];

export function shotEvent(shooter: number, x0: number, y0: number, x1: number, y1: number, hit: number): GameEvent {
  return [EVT_SHOT, shooter, x0, y0, x1, y1, hit];
}

export function hitEvent(target: number, attacker: number, damage: number, weapon: number, hpLeft: number): GameEvent {
  return [EVT_HIT, target, attacker, damage, weapon, hpLeft];
}

export function killEvent(killer: number, victim: number, weapon: number): GameEvent {
  return [EVT_KILL, killer, victim, weapon];
}

export function respawnEvent(player: number, x: number, y: number): GameEvent {
  return [EVT_RESPAWN, player, x, y];
}

export function launchEvent(shooter: number, projectile: number, x: number, y: number): GameEvent {
  return [EVT_LAUNCH, shooter, projectile, x, y];
}

export function explodeEvent(projectile: number, owner: number, x: number, y: number, directHit: number): GameEvent {
  return [EVT_EXPLODE, projectile, owner, x, y, directHit];
}

/** Names of the arena's event codes (GameDefinition.eventNames). */
export const ARENA_EVENT_NAMES: Readonly<Record<number, string>> = {
  [EVT_SHOT]: 'shot',
  [EVT_HIT]: 'hit',
  [EVT_KILL]: 'kill',
  [EVT_RESPAWN]: 'respawn',
  [EVT_LAUNCH]: 'launch',
  [EVT_EXPLODE]: 'explode',
  [EVT_MATCH_END]: 'match_end',
};
