// What the timeline shows without simulating anything: who played (names by player id, from the header
// and the join records) and every kill (from the recorded events of each ticks record).

import { EVT_KILL, WEAPON_RIFLE, WEAPON_ROCKET } from '../../../shared/game/arena/index.js';
import { ticksEvents, type Recording } from '../../../shared/recording/index.js';

export interface KillMark {
  readonly tick: number;
  readonly killer: number;
  readonly victim: number;
  readonly weapon: number;
  readonly killerName: string;
  readonly victimName: string;
}

export interface Participant {
  readonly playerId: number;
  readonly name: string;
  /** Tick after which it took its seat (the header's players: startTick). */
  readonly joinTick: number;
  /** Tick after which it left, null if it stayed to the end of what was recorded. */
  readonly leaveTick: number | null;
}

export interface TimelineData {
  readonly participants: readonly Participant[];
  readonly kills: readonly KillMark[];
  nameOf(playerId: number): string;
}

export function weaponName(weapon: number): string {
  return weapon === WEAPON_RIFLE ? 'rifle' : weapon === WEAPON_ROCKET ? 'rocket' : 'splat';
}

export function killText(k: KillMark): string {
  return k.killer === k.victim ? `${k.victimName} blew up (${weaponName(k.weapon)})` : `${k.killerName} killed ${k.victimName} (${weaponName(k.weapon)})`;
}

export function timelineData(recording: Recording): TimelineData {
  const names = new Map<number, string>();
  const participants = new Map<number, { playerId: number; name: string; joinTick: number; leaveTick: number | null }>();
  const start = recording.header.startTick;
  for (const p of recording.header.players) {
    names.set(p.playerId, p.name);
    participants.set(p.playerId, { playerId: p.playerId, name: p.name, joinTick: start, leaveTick: null });
  }
  const raw: { tick: number; killer: number; victim: number; weapon: number }[] = [];
  for (const { record } of recording.entries) {
    if (record.type === 'join') {
      names.set(record.playerId, record.name);
      const known = participants.get(record.playerId);
      if (known) known.leaveTick = null;
      else participants.set(record.playerId, { playerId: record.playerId, name: record.name, joinTick: record.tick, leaveTick: null });
    } else if (record.type === 'leave') {
      const known = participants.get(record.playerId);
      if (known) known.leaveTick = record.tick;
    } else if (record.type === 'ticks') {
      for (const [tick, events] of ticksEvents(record)) {
        for (const e of events) {
          if (e[0] === EVT_KILL) raw.push({ tick, killer: Number(e[1]), victim: Number(e[2]), weapon: Number(e[3]) });
        }
      }
    }
  }
  const nameOf = (id: number) => names.get(id) ?? `#${id}`;
  return {
    participants: [...participants.values()],
    kills: raw.map((k) => ({ ...k, killerName: nameOf(k.killer), victimName: nameOf(k.victim) })),
    nameOf,
  };
}
