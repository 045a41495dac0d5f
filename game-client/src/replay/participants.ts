// Who played in a recording, without simulating anything: names by player id, from the header and the
// join records, and when each took and left its seat. Any game's recording reads the same.

import type { Recording } from '../../../shared/recording/index.js';

export interface Participant {
  readonly playerId: number;
  readonly name: string;
  /** Tick after which it took its seat (the header's players: startTick). */
  readonly joinTick: number;
  /** Tick after which it left, null if it stayed to the end of what was recorded. */
  readonly leaveTick: number | null;
}

export interface Participants {
  readonly participants: readonly Participant[];
  /** The last name a player id had ("#id" for an id the recording never named). */
  nameOf(playerId: number): string;
}

export function participantsOf(recording: Recording): Participants {
  const names = new Map<number, string>();
  const participants = new Map<number, { playerId: number; name: string; joinTick: number; leaveTick: number | null }>();
  const start = recording.header.startTick;
  for (const p of recording.header.players) {
    names.set(p.playerId, p.name);
    participants.set(p.playerId, { playerId: p.playerId, name: p.name, joinTick: start, leaveTick: null });
  }
  for (const { record } of recording.entries) {
    if (record.type === 'join') {
      names.set(record.playerId, record.name);
      const known = participants.get(record.playerId);
      if (known) known.leaveTick = null;
      else participants.set(record.playerId, { playerId: record.playerId, name: record.name, joinTick: record.tick, leaveTick: null });
    } else if (record.type === 'leave') {
      const known = participants.get(record.playerId);
      if (known) known.leaveTick = record.tick;
    }
  }
  return { participants: [...participants.values()], nameOf: (id) => names.get(id) ?? `#${id}` };
}
