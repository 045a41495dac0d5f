// The arena's replay timeline markers: every kill, from the recorded events of each ticks record (kill
// events are stored in full: no simulation needed), coloured by the killer.

import { EVT_KILL } from '../../../../shared/game/arena/events.js';
import { ticksEvents, type Recording } from '../../../../shared/recording/index.js';
import { playerColor } from '../../player-colors.js';
import type { TimelineMark, TimelineMarks } from '../client-game.js';
import { killSentence } from './kill-text.js';

export function arenaTimeline(recording: Recording, nameOf: (playerId: number) => string): TimelineMarks {
  const marks: TimelineMark[] = [];
  for (const { record } of recording.entries) {
    if (record.type !== 'ticks') continue;
    for (const [tick, events] of ticksEvents(record)) {
      for (const e of events) {
        if (e[0] !== EVT_KILL) continue;
        const killer = Number(e[1]);
        const victim = Number(e[2]);
        marks.push({ tick, text: killSentence(nameOf(killer), nameOf(victim), Number(e[3]), killer === victim), color: playerColor(killer) });
      }
    }
  }
  return { marks, summary: `${marks.length} kill${marks.length === 1 ? '' : 's'}` };
}
