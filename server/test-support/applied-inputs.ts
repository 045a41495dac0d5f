// A room observer that records, per player, the sequence numbers of the inputs the room applied, in tick
// order (seq 0, the idle input of a tick without one, left out): what "every input applied exactly once,
// in order" is checked against.

import type { RoomObserver } from '../room.js';

export function appliedInputs(): { observer: RoomObserver; applied: Map<number, number[]> } {
  const applied = new Map<number, number[]>();
  const observer: RoomObserver = {
    onTick(_room, _tick, inputs) {
      for (const a of inputs) {
        if (a.seq === 0) continue;
        let list = applied.get(a.playerId);
        if (!list) applied.set(a.playerId, (list = []));
        list.push(a.seq);
      }
    },
  };
  return { observer, applied };
}
