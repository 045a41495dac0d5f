// Who played in a recording, without simulating anything: people (a player who left and came back under
// the same name is one person with two seats: shared/recording/people.ts), names by player id, from the
// header and the join records. Any game's recording reads the same.

import { latestSeat, People, type Recording } from '../../../shared/recording/index.js';

export interface Participant {
  /** The player id of the first seat: the participant's key in the viewer. */
  readonly playerId: number;
  /** Every seat's player id, in order. */
  readonly playerIds: readonly number[];
  readonly name: string;
  /** Tick after which it first took a seat (the header's players: startTick). */
  readonly joinTick: number;
  /** Tick after which it last left, null if it stayed to the end of what was recorded. */
  readonly leaveTick: number | null;
}

export interface Participants {
  readonly participants: readonly Participant[];
  /** The last name a player id had ("#id" for an id the recording never named). */
  nameOf(playerId: number): string;
  /** The participant a player id is a seat of, if any. */
  ofPlayer(playerId: number): Participant | null;
}

export function participantsOf(recording: Recording): Participants {
  const names = new Map<number, string>();
  for (const p of recording.header.players) names.set(p.playerId, p.name);
  const people = new People(recording.header.players, recording.header.startTick);
  for (const { record } of recording.entries) {
    if (record.type === 'join') {
      names.set(record.playerId, record.name);
      people.join(record.playerId, record.name, record.tick);
    } else if (record.type === 'leave') {
      people.leave(record.playerId, record.tick);
    }
  }
  const participants: Participant[] = people.all.map((p) => ({
    playerId: p.seats[0]!.playerId,
    playerIds: p.seats.map((s) => s.playerId),
    name: p.name,
    joinTick: p.seats[0]!.joinTick,
    leaveTick: latestSeat(p).leaveTick,
  }));
  const byPlayer = new Map<number, Participant>();
  for (const p of participants) for (const id of p.playerIds) byPlayer.set(id, p);
  return { participants, nameOf: (id) => names.get(id) ?? `#${id}`, ofPlayer: (id) => byPlayer.get(id) ?? null };
}
