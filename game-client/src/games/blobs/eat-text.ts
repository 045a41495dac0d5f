// How blobs' moments read, in the feed (live and replay), the announcements and on the replay timeline.

import type { FeedPart } from '../client-game.js';

interface Named {
  readonly name: string;
  readonly color: number;
}

/** A feed line: "eater ate prey (mass)". */
export function eatFeedParts(eater: Named, prey: Named, preyMass: number): FeedPart[] {
  return [{ text: eater.name, color: eater.color }, { text: 'ate' }, { text: prey.name, color: prey.color }, { text: `(${preyMass})` }];
}

/** A sentence: "alpha ate bravo (mass 42)". */
export function eatSentence(eaterName: string, preyName: string, preyMass: number): string {
  return `${eaterName} ate ${preyName} (mass ${preyMass})`;
}

/** The end of a match: "match 2 over: alpha wins with mass 340", or nobody when no one played. */
export function matchEndSentence(matchNumber: number, winnerName: string | null, winnerMass: number): string {
  return winnerName === null ? `match ${matchNumber} over` : `match ${matchNumber} over: ${winnerName} wins with mass ${winnerMass}`;
}
