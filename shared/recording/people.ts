// Who played in a recording, as people rather than seats. A person who leaves and comes back gets a new
// seat (a new player id) under the same name: they are one person with two seats, listed once, in order
// of first arrival. Two people seated at once under one name stay two people: only someone who had left
// is taken to be back. The recorder (the end record's players) and the replay viewer (its player list)
// both count people this way.

export interface Seat {
  readonly playerId: number;
  readonly joinTick: number;
  /** null: still seated. */
  leaveTick: number | null;
}

export interface Person {
  readonly name: string;
  /** Every seat this person took, in order; the last one is the current or latest. */
  readonly seats: Seat[];
}

export class People {
  private readonly list: Person[] = [];

  /** The players seated when the recording starts (at `tick`), in seat order. */
  constructor(seated: readonly { readonly playerId: number; readonly name: string }[] = [], tick = 0) {
    for (const p of seated) this.list.push({ name: p.name, seats: [{ playerId: p.playerId, joinTick: tick, leaveTick: null }] });
  }

  get count(): number {
    return this.list.length;
  }

  get all(): readonly Person[] {
    return this.list;
  }

  join(playerId: number, name: string, tick: number): void {
    const seat: Seat = { playerId, joinTick: tick, leaveTick: null };
    const back = this.list.find((p) => p.name === name && latestSeat(p).leaveTick !== null);
    if (back) back.seats.push(seat);
    else this.list.push({ name, seats: [seat] });
  }

  /** The person whose seated player left, or null for an id nobody holds. */
  leave(playerId: number, tick: number): Person | null {
    for (const p of this.list) {
      const seat = latestSeat(p);
      if (seat.playerId === playerId && seat.leaveTick === null) {
        seat.leaveTick = tick;
        return p;
      }
    }
    return null;
  }
}

export function latestSeat(person: Person): Seat {
  return person.seats[person.seats.length - 1]!;
}
