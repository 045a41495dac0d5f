// Room seats as reconnect tokens see them (one occupancy per seat, never reused) and the disposal of
// rooms nobody attends, on a real arena room with a controlled clock.

import { describe, expect, it } from 'vitest';
import { arenaGame } from '../shared/game/arena/index.js';
import { SnapshotMirror } from '../shared/codec/index.js';
import { Room, type PlayerLink, type RoomOptions } from './room.js';

const link = (): PlayerLink => ({ sendSnapshot() {}, sendChat() {}, sendNotice() {}, sendRoomClosed() {} });

function room(overrides: Partial<RoomOptions> = {}): { room: Room; clock: { t: number } } {
  const clock = { t: 0 };
  const r = new Room({
    id: 'r', code: 'ABCDEF', game: arenaGame, seed: 1, tickRate: 30, snapshotRate: 30, maxPlayers: 2, lagCompensationTicks: 8,
    reconnectGraceMs: 1000, emptyRoomGraceMs: 5000, interestRadius: 1e9, now: () => clock.t, ...overrides,
  });
  return { room: r, clock };
}

describe('Room seats and occupancies', () => {
  it('gives every seating a new occupancy, also when a player id comes round again', () => {
    const { room: r } = room({ maxPlayers: 1 });
    const first = r.join('ann', link());
    r.leave(first.playerId);
    const seen = new Set<number>([first.occupancy]);
    let reused = null;
    for (let i = 0; i < 300 && !reused; i++) {
      const seat = r.join(`p${i}`, link());
      expect(seen.has(seat.occupancy)).toBe(false);
      seen.add(seat.occupancy);
      if (seat.playerId === first.playerId) reused = seat;
      else r.leave(seat.playerId);
    }
    expect(reused).not.toBeNull();
    expect(r.heldSeat(first.playerId, first.occupancy)).toBeNull();
    expect(r.heldSeat(reused!.playerId, reused!.occupancy)).toBe(reused);
  });

  it('holds a seat for its occupancy while connected and within the reconnect grace only', () => {
    const { room: r, clock } = room();
    const seat = r.join('ann', link());
    expect(r.heldSeat(seat.playerId, seat.occupancy)).toBe(seat);
    r.detach(seat.playerId);
    clock.t = 999;
    expect(r.heldSeat(seat.playerId, seat.occupancy)).toBe(seat);
    clock.t = 1000; // the grace is over even before the next step expires the seat
    expect(r.heldSeat(seat.playerId, seat.occupancy)).toBeNull();
    r.reattach(seat.playerId, link());
    expect(r.heldSeat(seat.playerId, seat.occupancy)).toBe(seat);
  });
});

describe('Room disposal', () => {
  it('disposes of a room with an unattended grace once nobody has been connected that long', () => {
    const { room: r, clock } = room({ unattendedGraceMs: 300 });
    const a = r.join('ann', link());
    const b = r.join('bob', link());
    r.detach(a.playerId);
    clock.t = 1000;
    expect(r.disposalReason()).toBeNull(); // bob is still connected
    r.leave(b.playerId);
    clock.t = 1299;
    expect(r.disposalReason()).toBeNull();
    r.reattach(a.playerId, link()); // ann is back in time
    clock.t = 1300;
    r.detach(a.playerId); // and gone again: the unattended time starts over
    clock.t = 1599;
    expect(r.disposalReason()).toBeNull();
    clock.t = 1600;
    expect(r.disposalReason()).toBe('unattended'); // ann's seat is still within grace: the room goes anyway
  });

  it('keeps the empty-room grace for rooms without an unattended grace', () => {
    const { room: r, clock } = room();
    const a = r.join('ann', link());
    r.detach(a.playerId);
    clock.t = 4000;
    expect(r.disposalReason()).toBeNull();
    r.leave(a.playerId);
    clock.t = 8999;
    expect(r.disposalReason()).toBeNull();
    clock.t = 9000;
    expect(r.disposalReason()).toBe('empty');
  });
});

describe('Room input queue', () => {
  it('applies every input once, in order, reusing queue entries instead of one object per input', () => {
    const applied = new Map<number, number[]>();
    const { room: r } = room({
      observer: { onTick: (_room, _tick, inputs) => inputs.forEach((input) => input.seq > 0 && applied.get(input.playerId)!.push(input.seq)) },
    });
    const a = r.join('ann', link());
    const b = r.join('bob', link());
    const queued = new Map<number, number[]>([[a.playerId, []], [b.playerId, []]]);
    for (const id of queued.keys()) applied.set(id, []);
    const entries = new Set<object>();
    let seq = 0;
    for (let tick = 1; tick <= 300; tick++) {
      // Ann sends in bursts (two inputs, none, one: her queue grows and drains), Bob one per tick.
      for (const seat of tick % 3 === 0 ? [a, a, b] : tick % 3 === 1 ? [b] : [a, b]) {
        expect(r.queueInput(seat, ++seq, r.tick, arenaGame.parseInput([0, tick % 64]))).toBe('queued');
        queued.get(seat.playerId)!.push(seq);
        entries.add(seat.queue[seat.queue.length - 1]!);
      }
      r.step();
    }
    // Every input was applied exactly once, in order (or is still queued)...
    for (const seat of [a, b]) {
      expect([...applied.get(seat.playerId)!, ...seat.queue.map((input) => input.seq)]).toEqual(queued.get(seat.playerId));
    }
    // ...through as many entry objects as were ever queued at once (3), not one per input (600).
    expect(seq).toBe(600);
    expect(entries.size).toBeLessThanOrEqual(3);
  });
});

describe('Room snapshots while the server is behind', () => {
  /** A link whose client applies every snapshot to a mirror and acknowledges it, as a player's would. */
  function mirroredPlayer(r: Room, name: string) {
    const mirror = new SnapshotMirror(arenaGame.schema);
    const ticks: number[] = [];
    const seat = r.join(name, {
      ...link(),
      sendSnapshot(bytes) {
        const applied = mirror.apply(bytes)!;
        ticks.push(applied.tick);
        r.acknowledgeSnapshot(seat, applied.tick);
      },
    });
    return { ticks, mirror };
  }

  it('skips the snapshots of stale ticks and sends the newest once it may: deltas stay decodable', () => {
    const { room: r } = room();
    const ann = mirroredPlayer(r, 'ann');
    for (let i = 0; i < 3; i++) r.step();
    r.step('skip');
    r.step('skip');
    r.step();
    r.step();
    expect(ann.ticks).toEqual([1, 2, 3, 6, 7]);
    expect(r.snapshotsSkipped).toBe(2);
    expect(ann.mirror.latestTick).toBe(7);
  });

  it('at 15 snapshots/s, a snapshot skipped on a stale tick goes out on the next tick instead of two ticks later', () => {
    const { room: r } = room({ snapshotRate: 15 });
    const ann = mirroredPlayer(r, 'ann');
    for (let i = 0; i < 5; i++) r.step(); // ticks 1-5: snapshots at 2 and 4
    r.step('skip'); // tick 6: owed
    r.step(); // tick 7: sent although odd
    r.step(); // tick 8: on schedule again
    r.step('skip'); // tick 9: not a snapshot tick, nothing owed
    r.step(); // tick 10
    expect(ann.ticks).toEqual([2, 4, 7, 8, 10]);
    expect(r.snapshotsSkipped).toBe(1);
  });
});

describe('Room acknowledgements', () => {
  it('hands an input ack to the replicator at the next snapshot: the newest counts, a refused one keeps the baseline', () => {
    const { room: r } = room();
    const mirror = new SnapshotMirror(arenaGame.schema);
    const baselines: (number | null)[] = [];
    const seat = r.join('ann', {
      ...link(),
      sendSnapshot(bytes) {
        baselines.push(mirror.apply(bytes)!.baselineTick);
      },
    });
    r.step(); // tick 1: full
    r.acknowledgeSnapshot(seat, 1);
    r.step(); // tick 2: against 1
    r.acknowledgeSnapshot(seat, 2);
    r.acknowledgeSnapshot(seat, 99); // never sent: refused at the snapshot, and it was the newest
    r.step(); // tick 3: still against 1, which the client holds
    r.acknowledgeSnapshot(seat, 3);
    r.acknowledgeSnapshot(seat, 2); // older than one already held: ignored
    r.step(); // tick 4: against 3
    expect(baselines).toEqual([null, 1, 1, 3]);
    expect(mirror.latestTick).toBe(4);
  });
});
