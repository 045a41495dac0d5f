// Verification: re-simulate a recording from its inputs and compare, tick by tick, what the server
// recorded: the digest of every tick's events and the events stored in full, the state digest at every checkpoint (every two seconds), every keyframe
// (the replay's hash, the keyframe's own state and its seats) and the final hash of the end record.

import type { GameEvent } from '../codec/schema.js';
import type { GameDefinition } from '../game/game-definition.js';
import { stateDigest } from './digest.js';
import { RecordingError, type HeaderRecord } from './format.js';
import { readRecording, type ReadOptions, type Recording } from './reader.js';
import { ReplayError, ReplaySimulator, hex } from './simulator.js';

export type DivergenceKind = 'events' | 'checkpoint' | 'keyframe' | 'keyframe-seats' | 'end';

export interface Divergence {
  readonly kind: DivergenceKind;
  /**
   * The first tick at which the re-simulation is known to differ from the recording. Exact when kind is
   * 'events' (that tick's events differ); for a hash mismatch it is the tick of the hash, and the change
   * happened in lastMatchingTick + 1 .. tick.
   */
  readonly tick: number;
  /** The last tick whose state hash matched (startTick when none was checked yet). */
  readonly lastMatchingTick: number;
  /** Byte offset of the record holding the mismatching data. */
  readonly offset: number;
  readonly expected: string;
  readonly actual: string;
  readonly message: string;
}

export interface VerifyResult {
  /** No divergence and nothing unreadable (a truncated file can be ok: see `truncated`). */
  readonly ok: boolean;
  /** The recording ends with its end record and everything in it was verified. */
  readonly complete: boolean;
  readonly truncated: boolean;
  readonly truncatedAt: number | null;
  readonly startTick: number;
  /** Last tick re-simulated. */
  readonly lastTick: number;
  readonly ticksSimulated: number;
  readonly keyframesChecked: number;
  readonly checkpointsChecked: number;
  readonly eventsChecked: number;
  readonly firstDivergentTick: number | null;
  readonly divergence: Divergence | null;
  /** Why verification could not go on (unreadable data, a record that cannot be replayed). */
  readonly error: { readonly code: string; readonly offset: number; readonly tick: number | null; readonly message: string } | null;
}

export interface VerifyOptions extends ReadOptions {
  /** Called every `progressEvery` ticks and at the end with (ticks done, ticks in total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

function eventsEqual(a: readonly GameEvent[], b: readonly GameEvent[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (!Object.is(x[j], y[j])) return false;
  }
  return true;
}

/** The test of the events a recording stores in full: the codes its header lists (null: all). */
export function storedEventTest(header: Pick<HeaderRecord, 'storedEvents'>): (event: GameEvent) => boolean {
  const codes = header.storedEvents === null ? null : new Set(header.storedEvents);
  return (event) => codes === null || (typeof event[0] === 'number' && codes.has(event[0]));
}

/** Whether a re-simulated tick's events agree with the recording: null when they do, else why not. */
export function tickEventsMismatch(
  step: { readonly events: readonly GameEvent[]; readonly recordedEvents: readonly GameEvent[]; readonly recordedEventsDigest: number | null },
  stored: (event: GameEvent) => boolean,
): { expected: string; actual: string; what: string } | null {
  const digest = step.events.length === 0 ? null : stateDigest(step.events);
  if (digest !== step.recordedEventsDigest) {
    return {
      expected: step.recordedEventsDigest === null ? 'no events' : `events digest ${hex(step.recordedEventsDigest)}`,
      actual: digest === null ? 'no events' : `events digest ${hex(digest)}: ${showEvents(step.events)}`,
      what: 'the digest of its re-simulated events differs from the recorded one',
    };
  }
  const kept = step.events.filter(stored);
  if (!eventsEqual(kept, step.recordedEvents)) {
    return { expected: showEvents(step.recordedEvents), actual: showEvents(kept), what: 'the re-simulated events differ from the recorded ones' };
  }
  return null;
}

function showEvents(events: readonly GameEvent[]): string {
  const text = JSON.stringify(events);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** Verifies a recording (bytes are read first; a file that is not a recording at all throws RecordingError). */
export async function verifyRecording<W, I>(
  input: Uint8Array | Recording,
  game: GameDefinition<W, I>,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const recording = input instanceof Uint8Array ? await readRecording(input, options) : input;
  const startTick = recording.header.startTick;
  const total = recording.lastTick - startTick;
  const every = options.progressEvery ?? 300;
  let keyframesChecked = 0;
  let checkpointsChecked = 0;
  let eventsChecked = 0;
  let lastMatchingTick = startTick;
  let lastTick = startTick;
  let divergence: Divergence | null = null;
  let error: VerifyResult['error'] = recording.error
    ? { code: recording.error.code, offset: recording.error.offset, tick: null, message: recording.error.message }
    : null;

  const diverge = (d: Omit<Divergence, 'lastMatchingTick'>) => {
    divergence = { ...d, lastMatchingTick };
  };

  // The kinds stored in full are those of the build that recorded (header), not of this one.
  const stored = storedEventTest(recording.header);
  try {
    const sim = new ReplaySimulator(recording, game);
    // The rules of the recording's version (the game itself, or older rules it still provides).
    const rules = sim.rules;
    let sinceProgress = 0;
    for (;;) {
      const step = sim.next();
      if (step === null) break;
      if (step.kind === 'tick') {
        lastTick = step.tick;
        const mismatch = tickEventsMismatch(step, stored);
        if (mismatch) {
          diverge({
            kind: 'events',
            tick: step.tick,
            offset: step.offset,
            expected: mismatch.expected,
            actual: mismatch.actual,
            message: `tick ${step.tick}: ${mismatch.what}`,
          });
          break;
        }
        eventsChecked++;
        if (step.checkpoint !== null) {
          const actual = stateDigest(rules.serialize(sim.world));
          if (actual !== step.checkpoint) {
            diverge({
              kind: 'checkpoint',
              tick: step.tick,
              offset: step.offset,
              expected: hex(step.checkpoint),
              actual: hex(actual),
              message: `tick ${step.tick}: the state differs from the recorded checkpoint (state digest)`,
            });
            break;
          }
          checkpointsChecked++;
          lastMatchingTick = step.tick;
        }
        if (++sinceProgress >= every) {
          sinceProgress = 0;
          options.onProgress?.(step.tick - startTick, total);
        }
      } else if (step.kind === 'keyframe') {
        const record = step.record;
        const actual = sim.hash();
        if (actual !== record.hash) {
          diverge({
            kind: 'keyframe',
            tick: record.tick,
            offset: step.offset,
            expected: hex(record.hash),
            actual: hex(actual),
            message: `keyframe at tick ${record.tick}: the state hash differs`,
          });
          break;
        }
        const seats = sim.seatsMatch(record);
        if (seats) {
          diverge({ kind: 'keyframe-seats', tick: record.tick, offset: step.offset, expected: 'recorded seats', actual: 'replayed seats', message: seats });
          break;
        }
        let own: number;
        try {
          own = rules.hash(rules.deserialize(record.state));
        } catch (err) {
          throw new ReplayError('BAD_KEYFRAME', record.tick, step.offset, `the keyframe's state does not deserialize: ${(err as Error).message}`);
        }
        if (own !== record.hash) {
          throw new ReplayError('BAD_KEYFRAME', record.tick, step.offset, `the keyframe's state hashes to ${hex(own)}, but it says ${hex(record.hash)}`);
        }
        keyframesChecked++;
        lastMatchingTick = record.tick;
      } else if (step.kind === 'end') {
        const actual = sim.hash();
        if (actual !== step.record.hash) {
          diverge({
            kind: 'end',
            tick: step.record.tick,
            offset: step.offset,
            expected: hex(step.record.hash),
            actual: hex(actual),
            message: `end of the recording (tick ${step.record.tick}): the final state hash differs`,
          });
          break;
        }
        lastMatchingTick = step.record.tick;
      }
    }
  } catch (err) {
    if (err instanceof ReplayError) error = { code: err.code, offset: err.offset, tick: err.tick, message: err.message };
    else if (err instanceof RecordingError) error = { code: err.code, offset: err.offset, tick: null, message: err.message };
    else throw err;
  }
  options.onProgress?.(lastTick - startTick, total);
  const found = divergence as Divergence | null;
  const ok = found === null && error === null;
  return {
    ok,
    complete: ok && recording.complete,
    truncated: recording.truncatedAt !== null,
    truncatedAt: recording.truncatedAt,
    startTick,
    lastTick,
    ticksSimulated: lastTick - startTick,
    keyframesChecked,
    checkpointsChecked,
    eventsChecked,
    firstDivergentTick: found ? found.tick : null,
    divergence: found,
    error,
  };
}
