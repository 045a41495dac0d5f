import { describe, expect, it } from 'vitest';
import { latestSeat, People } from './people.js';

describe('people of a recording', () => {
  it('counts a player who left and came back under the same name as one person with two seats', () => {
    const people = new People([{ playerId: 1, name: 'ann' }], 10);
    people.join(2, 'bob', 20);
    expect(people.leave(2, 30)?.name).toBe('bob');
    people.join(3, 'bob', 40);
    expect(people.count).toBe(2);
    const bob = people.all[1]!;
    expect(bob.seats).toEqual([
      { playerId: 2, joinTick: 20, leaveTick: 30 },
      { playerId: 3, joinTick: 40, leaveTick: null },
    ]);
    expect(latestSeat(bob).playerId).toBe(3);
  });

  it('keeps two people seated at once under one name apart, and ignores a leave of an id nobody holds', () => {
    const people = new People();
    people.join(1, 'sam', 0);
    people.join(2, 'sam', 5);
    expect(people.count).toBe(2);
    expect(people.leave(7, 9)).toBeNull();
    expect(people.leave(1, 9)?.seats[0]!.leaveTick).toBe(9);
    // The one who left comes back: their own entry, not the other sam's.
    people.join(3, 'sam', 12);
    expect(people.all.map((p) => p.seats.map((s) => s.playerId))).toEqual([[1, 3], [2]]);
  });
});
