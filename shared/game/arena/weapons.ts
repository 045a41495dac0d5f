// Trigger handling: applyInput accepts a fire request only when the weapon is ready, and the step fires
// it and starts the cooldown. Holding the trigger therefore fires once per cooldown, not every tick.

import type { GameEvent } from '../../codec/schema.js';
import { RIFLE_COOLDOWN_TICKS, ROCKET_COOLDOWN_TICKS } from './constants.js';
import { fireRifle } from './hitscan.js';
import { KEY_FIRE_PRIMARY, KEY_FIRE_SECONDARY } from './input.js';
import { launchRocket } from './projectiles.js';
import type { ArenaPlayer, ArenaWorld } from './world.js';

/** The fire keys of `keys` whose weapon is ready for a living player (0 for the dead). */
export function acceptedFireKeys(player: ArenaPlayer, keys: number): number {
  if (!player.alive) return 0;
  let accepted = 0;
  if (keys & KEY_FIRE_PRIMARY && player.primaryCooldown === 0) accepted |= KEY_FIRE_PRIMARY;
  if (keys & KEY_FIRE_SECONDARY && player.secondaryCooldown === 0) accepted |= KEY_FIRE_SECONDARY;
  return accepted;
}

/**
 * Fires every accepted request, players in id order. All requests are taken before the first shot, so
 * a player killed by a lower id's shot on this tick still gets its own shot off: both pulled the
 * trigger on the same tick, so they trade. Firing ends spawn protection.
 */
export function fireWeapons(world: ArenaWorld, events: GameEvent[]): void {
  const requests = world.players.filter((p) => p.fireRequest !== 0).map((p) => [p, p.fireRequest] as const);
  for (const [shooter] of requests) shooter.fireRequest = 0;
  for (const [shooter, request] of requests) {
    shooter.protectTicks = 0;
    if (request & KEY_FIRE_PRIMARY) {
      shooter.primaryCooldown = RIFLE_COOLDOWN_TICKS;
      fireRifle(world, shooter, shooter.fireRenderTick, events);
    }
    if (request & KEY_FIRE_SECONDARY) {
      shooter.secondaryCooldown = ROCKET_COOLDOWN_TICKS;
      launchRocket(world, shooter, events);
    }
  }
}

/** End-of-step countdown of the weapon cooldowns. */
export function tickCooldowns(player: ArenaPlayer): void {
  if (player.primaryCooldown > 0) player.primaryCooldown -= 1;
  if (player.secondaryCooldown > 0) player.secondaryCooldown -= 1;
}
