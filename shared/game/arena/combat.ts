// Damage, death and kill credit, shared by both weapons.

import type { GameEvent } from '../../codec/schema.js';
import { KILL_SCORE, RESPAWN_TICKS, SUICIDE_SCORE } from './constants.js';
import { hitEvent, killEvent } from './events.js';
import { findPlayer, type ArenaPlayer, type ArenaWorld } from './world.js';

/** Whether `target` can take damage now (alive and not spawn-protected). */
export function isVulnerable(target: ArenaPlayer): boolean {
  return target.alive && target.protectTicks === 0;
}

/**
 * Deals `damage` (a positive integer) from `attackerId` to `target`. At 0 hp the target dies: it stops,
 * waits RESPAWN_TICKS, and the kill is credited (+KILL_SCORE to the attacker if still in the world, or
 * SUICIDE_SCORE to the target itself when it killed itself).
 */
export function applyDamage(
  world: ArenaWorld,
  target: ArenaPlayer,
  attackerId: number,
  damage: number,
  weapon: number,
  events: GameEvent[],
): void {
  if (!isVulnerable(target) || damage <= 0) return;
  const dealt = Math.min(damage, target.hp);
  target.hp -= dealt;
  events.push(hitEvent(target.id, attackerId, dealt, weapon, target.hp));
  if (target.hp > 0) return;

  target.alive = false;
  target.vx = 0;
  target.vy = 0;
  target.respawnTicks = RESPAWN_TICKS;
  target.deaths += 1;
  if (attackerId === target.id) {
    target.score += SUICIDE_SCORE;
  } else {
    const killer = findPlayer(world, attackerId);
    if (killer) {
      killer.kills += 1;
      killer.score += KILL_SCORE;
    }
  }
  events.push(killEvent(attackerId, target.id, weapon));
}
