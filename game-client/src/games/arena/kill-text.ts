// How an arena kill reads, in the feed (live and replay) and on the replay timeline.

import { WEAPON_RIFLE, WEAPON_ROCKET } from '../../../../shared/game/arena/constants.js';
import type { FeedPart } from '../client-game.js';

export function weaponName(weapon: number): string {
  return weapon === WEAPON_RIFLE ? 'rifle' : weapon === WEAPON_ROCKET ? 'rocket' : 'splat';
}

interface Named {
  readonly name: string;
  readonly color: number;
}

/** A feed line: "killer [rifle] victim", or "victim blew up (rocket)" for one's own rocket. */
export function killFeedParts(killer: Named, victim: Named, weapon: number, self: boolean): FeedPart[] {
  const name = (p: Named): FeedPart => ({ text: p.name, color: p.color });
  const w = weaponName(weapon);
  return self ? [name(victim), { text: `blew up (${w})` }] : [name(killer), { text: `[${w}]` }, name(victim)];
}

/** A sentence: "alpha killed bravo (rifle)", or "bravo blew up (rocket)". */
export function killSentence(killerName: string, victimName: string, weapon: number, self: boolean): string {
  return self ? `${victimName} blew up (${weaponName(weapon)})` : `${killerName} killed ${victimName} (${weaponName(weapon)})`;
}
