// Blobs' replay timeline markers: every blob eaten (coloured by the eater) and every match end, from the
// recorded events of each ticks record (both kinds are stored in full: no simulation needed).

import { EVT_ATE_PLAYER, EVT_MATCH_END } from '../../../../shared/game/blobs/index.js';
import { ticksEvents, type Recording } from '../../../../shared/recording/index.js';
import { playerColor } from '../../player-colors.js';
import type { TimelineMark, TimelineMarks } from '../client-game.js';
import { eatSentence, matchEndSentence } from './eat-text.js';
import { matchEndRows } from './match-end.js';

/** Match ends are marked in white: they belong to no player. */
const MATCH_END_COLOR = 0xffffff;

/** The marks of a recording (only its records are read). */
export function blobsTimeline(recording: Pick<Recording, 'entries'>, nameOf: (playerId: number) => string): TimelineMarks {
  const marks: TimelineMark[] = [];
  let eaten = 0;
  let matches = 0;
  for (const { record } of recording.entries) {
    if (record.type !== 'ticks') continue;
    for (const [tick, events] of ticksEvents(record)) {
      for (const e of events) {
        if (e[0] === EVT_ATE_PLAYER) {
          const eater = Number(e[1]);
          marks.push({ tick, text: eatSentence(nameOf(eater), nameOf(Number(e[2])), Number(e[3])), color: playerColor(eater) });
          eaten++;
        } else if (e[0] === EVT_MATCH_END) {
          const winner = Number(e[2]);
          const top = matchEndRows(e, nameOf)[0];
          marks.push({ tick, text: matchEndSentence(Number(e[1]), winner ? nameOf(winner) : null, top?.values.mass ?? 0), color: MATCH_END_COLOR });
          matches++;
        }
      }
    }
  }
  const summary = `${eaten} blob${eaten === 1 ? '' : 's'} eaten${matches > 0 ? ` · ${matches} match end${matches === 1 ? '' : 's'}` : ''}`;
  return { marks, summary };
}
