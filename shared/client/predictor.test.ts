import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityState } from '../codec/schema.js';
import { arenaPrediction } from '../game/arena/client-models.js';
import { idleArenaInput, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_UP, type ArenaInput } from '../game/arena/input.js';
import { stepMotion, type PlayerMotion } from '../game/arena/movement.js';
import { px } from '../game/arena/units.js';
import { KIND_PLAYER, PLAYER_FLAG_ALIVE } from '../game/arena/view.js';
import { deepEqual, Predictor } from './predictor.js';

const entity = (m: PlayerMotion, alive = true): EntityState => ({
  id: 1,
  kind: KIND_PLAYER,
  values: [m.x, m.y, m.vx, m.vy, 0, 100, alive ? PLAYER_FLAG_ALIVE : 0, 0],
});
const START: PlayerMotion = { x: px(1200), y: px(1300), vx: 0, vy: 0 };

/**
 * The server's handling of one player's inputs as room.ts does it: a FIFO queue, one input per tick, the
 * idle input (movement keys of the last applied input) when the queue is empty.
 */
class ServerModel {
  motion = START;
  tick = 0;
  queue: { seq: number; input: ArenaInput }[] = [];
  lastSeq = 0;
  lastTick = 0;
  lastInput: ArenaInput | null = null;

  step(dropOne = false): void {
    this.tick++;
    if (dropOne) this.queue.shift();
    const next = this.queue.shift();
    let input: ArenaInput;
    if (next) {
      input = next.input;
      this.lastSeq = next.seq;
      this.lastTick = this.tick;
      this.lastInput = input;
    } else input = idleArenaInput(this.lastInput);
    this.motion = stepMotion(this.motion, input.keys);
  }

  snapshot() {
    return { tick: this.tick, lastInputSeq: this.lastSeq, lastInputTick: this.lastTick, entity: entity(this.motion) };
  }
}

type Action = 'send' | 'arrive' | 'tick' | 'deliver' | 'skip';
// 'skip' drops a snapshot on the way (a skipped volatile emit): idle ticks it would have shown become
// invisible, and the predictor must still reproduce them.
const actionArb = fc.constantFrom<Action>('send', 'send', 'arrive', 'arrive', 'tick', 'tick', 'deliver', 'skip');
const keysArb = fc.integer({ min: 0, max: 15 });

function play(actions: readonly Action[], keys: readonly number[], dropAt = -1) {
  const server = new ServerModel();
  const predictor = new Predictor(arenaPrediction);
  const up: { seq: number; input: ArenaInput }[] = [];
  const down: ReturnType<ServerModel['snapshot']>[] = [];
  let seq = 0;
  let corrections = 0;
  let verified = 0;
  let ticks = 0;
  // The first snapshot seeds the prediction.
  predictor.reconcile(server.snapshot());
  for (const action of actions) {
    if (action === 'send') {
      const input = { keys: keys[seq % keys.length], aim: 0 };
      seq++;
      predictor.push(seq, input);
      up.push({ seq, input });
    } else if (action === 'arrive' && up.length > 0) server.queue.push(up.shift()!);
    else if (action === 'tick') {
      server.step(ticks++ === dropAt && server.queue.length > 1);
      down.push(server.snapshot());
    } else if (action === 'skip') {
      down.shift();
    } else if (action === 'deliver' && down.length > 0) {
      const r = predictor.reconcile(down.shift()!)!;
      if (r.corrected) corrections++;
      verified += r.verifiedInputs;
      // After reconciling, the prediction restarts from the authoritative state.
      expect(r.authoritative).not.toBeNull();
    }
  }
  return { corrections, verified, predictor, server };
}

describe('Predictor', () => {
  it('never mispredicts, whatever the interleaving of sends, arrivals, idle ticks, lost and late snapshots', () => {
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 50, maxLength: 400, size: 'max' }), fc.array(keysArb, { minLength: 1, maxLength: 20 }), (actions, keys) => {
        const { corrections } = play(actions, keys);
        expect(corrections).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('checks what it predicted: a lost input is a correction with its size, and the next snapshot agrees again', () => {
    // Steady play: send, arrive, tick, deliver, with a queue two deep; the server drops one input at tick 20.
    const actions: Action[] = ['send', 'send', 'arrive', 'arrive'];
    for (let i = 0; i < 60; i++) actions.push('send', 'arrive', 'tick', 'deliver');
    const { corrections, verified } = play(actions, [KEY_RIGHT, KEY_RIGHT, KEY_RIGHT, KEY_DOWN, KEY_LEFT, KEY_UP | KEY_RIGHT], 20);
    expect(corrections).toBe(1);
    expect(verified).toBeGreaterThan(50);
  });

  it('reports the error size of a misprediction and rebuilds pending inputs on the authoritative state', () => {
    const predictor = new Predictor(arenaPrediction);
    predictor.reconcile({ tick: 10, lastInputSeq: 0, lastInputTick: 10, entity: entity(START) });
    predictor.push(1, { keys: KEY_RIGHT, aim: 0 });
    predictor.push(2, { keys: KEY_RIGHT, aim: 0 });
    expect(predictor.current).toEqual({ x: START.x + 15, y: START.y, vx: 10, vy: 0 });
    expect(predictor.previous).toEqual({ x: START.x + 5, y: START.y, vx: 5, vy: 0 });
    // The server says input 1 left the player 40 units lower than predicted.
    const r = predictor.reconcile({ tick: 11, lastInputSeq: 1, lastInputTick: 11, entity: entity({ x: START.x + 5, y: START.y + 40, vx: 5, vy: 0 }) })!;
    expect(r.corrected).toBe(true);
    expect(r.error).toBe(40);
    expect(r.verifiedInputs).toBe(1);
    expect(predictor.pendingCount).toBe(1);
    expect(predictor.current).toEqual({ x: START.x + 15, y: START.y + 40, vx: 10, vy: 0 });
  });

  it('reproduces idle ticks from the acknowledged input instead of calling them mispredictions', () => {
    const predictor = new Predictor(arenaPrediction);
    predictor.reconcile({ tick: 10, lastInputSeq: 0, lastInputTick: 10, entity: entity(START) });
    predictor.push(1, { keys: KEY_RIGHT | 16, aim: 0 });
    // Input 1 applied at 11, then two idle ticks repeating its movement keys.
    let m = stepMotion(START, KEY_RIGHT);
    const after1 = m;
    m = stepMotion(stepMotion(m, KEY_RIGHT), KEY_RIGHT);
    const r = predictor.reconcile({ tick: 13, lastInputSeq: 1, lastInputTick: 11, entity: entity(m) })!;
    expect(r.corrected).toBe(false);
    expect(r.idleTicks).toBe(2);
    expect(r.expected).toEqual(m);
    expect(after1).not.toEqual(m);
    // No new input: the next snapshot is checked against two more idle ticks from the base.
    const m2 = stepMotion(stepMotion(m, KEY_RIGHT), KEY_RIGHT);
    expect(predictor.reconcile({ tick: 15, lastInputSeq: 1, lastInputTick: 11, entity: entity(m2) })!.corrected).toBe(false);
  });

  it('after a reset, does not call inputs it never held (still queued from before a reconnect) a misprediction', () => {
    const predictor = new Predictor(arenaPrediction);
    // Reset by the rejoin; the first snapshot shows input 5 applied, input 6 (sent before the drop) is
    // still queued on the server, and the new inputs continue at 7.
    predictor.reconcile({ tick: 10, lastInputSeq: 5, lastInputTick: 10, entity: entity(START) });
    predictor.push(7, { keys: KEY_RIGHT, aim: 0 });
    predictor.push(8, { keys: KEY_RIGHT, aim: 0 });
    const at11 = stepMotion(START, KEY_DOWN);
    const at12 = stepMotion(at11, KEY_RIGHT);
    const r = predictor.reconcile({ tick: 12, lastInputSeq: 7, lastInputTick: 12, entity: entity(at12) })!;
    expect(r.corrected).toBe(false);
    expect(r.expected).toBeNull();
    expect(r.verifiedInputs).toBe(0);
    // From here on it holds every input again, and checks them.
    const r2 = predictor.reconcile({ tick: 13, lastInputSeq: 8, lastInputTick: 13, entity: entity(stepMotion(at12, KEY_RIGHT)) })!;
    expect(r2.corrected).toBe(false);
    expect(r2.expected).toEqual(stepMotion(at12, KEY_RIGHT));
  });

  it('does not predict a dead player, ignores stale snapshots and resets', () => {
    const predictor = new Predictor(arenaPrediction);
    predictor.reconcile({ tick: 10, lastInputSeq: 0, lastInputTick: 10, entity: entity(START, false) });
    expect(predictor.push(1, { keys: KEY_UP, aim: 0 })).toBeNull();
    const r = predictor.reconcile({ tick: 11, lastInputSeq: 1, lastInputTick: 11, entity: entity(START, true) })!;
    expect(r.expected).toBeNull();
    expect(r.corrected).toBe(false);
    expect(predictor.current).toEqual(START);
    expect(predictor.reconcile({ tick: 11, lastInputSeq: 1, lastInputTick: 11, entity: undefined })).toBeNull();
    expect(predictor.reconcile({ tick: 12, lastInputSeq: 1, lastInputTick: 11, entity: undefined })!.authoritative).toBeNull();
    expect(predictor.current).toBeNull();
    predictor.reset();
    expect(predictor.ackedSeq).toBe(0);
    expect(predictor.baseTick).toBe(-1);
  });

  it('deepEqual compares plain data structurally', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(deepEqual(0, -0)).toBe(true);
  });
});
