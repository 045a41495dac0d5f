// Reading, re-simulating and verifying recordings, including damaged ones: cut off anywhere, corrupted
// anywhere, of another format version, not a recording at all, or valid but wrong (changed inputs).

import { beforeAll, describe, expect, it } from 'vitest';
import { arenaGame, EVT_KILL, EVT_MATCH_END, EVT_SHOT, KEY_LEFT, KEY_RIGHT, type ArenaInput, type ArenaWorld } from '../game/arena/index.js';
import type { AnyGame } from '../game/game-definition.js';
import { crc32 } from './crc32.js';
import { stateDigest } from './digest.js';
import { PRELUDE_BYTES, RecordingError, type RecordingRecord } from './format.js';
import { readRecording, type Recording } from './reader.js';
import { ReplayError, ReplaySimulator } from './simulator.js';
import { replayedEvents, rewriteInputs, simulateRecording } from './test-support.js';
import { verifyRecording } from './verify.js';
import { encodeFrame, encodePrelude, encodeRecordPayload, encodeRecording, concatBytes } from './writer.js';

const TICKS = 400;
let records: RecordingRecord[];
let bytes: Uint8Array;
let recording: Recording;

beforeAll(async () => {
  records = simulateRecording({
    ticks: TICKS,
    players: ['ann', 'bob', 'cy'],
    joins: [{ tick: 100, name: 'dee' }, { tick: 230, name: 'eve' }],
    leaves: [{ tick: 150, playerId: 2 }, { tick: 301, playerId: 1 }],
  });
  bytes = await encodeRecording(records);
  recording = await readRecording(bytes);
});

/** Offsets of every frame, from the reader. */
function frameOffsets(): number[] {
  return recording.entries.map((e) => e.offset);
}

describe('readRecording', () => {
  it('reads every record of a complete recording, in order', () => {
    expect(recording.complete).toBe(true);
    expect(recording.error).toBeNull();
    expect(recording.truncatedAt).toBeNull();
    expect(recording.entries.map((e) => e.record.type)).toEqual(records.map((r) => r.type));
    expect(recording.lastTick).toBe(TICKS);
    expect(recording.end?.players.map((p) => p.name)).toEqual(['ann', 'bob', 'cy', 'dee', 'eve']);
    // Keyframes are stored deflated; ticks records, already packed, plain.
    const keyframe = recording.entries.find((e) => e.record.type === 'keyframe')!;
    expect(bytes[keyframe.offset + 8]).toBe(1);
    const ticks = recording.entries.find((e) => e.record.type === 'ticks')!;
    expect(bytes[ticks.offset + 8]).toBe(0);
  });

  it('reads a file cut off anywhere up to its last whole record and names the offset of the cut', async () => {
    const offsets = frameOffsets();
    const cuts = new Set<number>([PRELUDE_BYTES + offsets[1]! - offsets[0]!]);
    for (let cut = offsets[1]!; cut < bytes.length; cut += 37) cuts.add(cut);
    for (const o of offsets) for (const d of [0, 1, 7, 8, 9]) if (o + d > offsets[1]! && o + d < bytes.length) cuts.add(o + d);
    for (const cut of cuts) {
      const read = await readRecording(bytes.subarray(0, cut));
      const whole = offsets.filter((o, i) => (offsets[i + 1] ?? bytes.length) <= cut);
      expect(read.entries.length, `cut at ${cut}`).toBe(whole.length);
      expect(read.error).toBeNull();
      expect(read.complete).toBe(false);
      const expected = offsets.includes(cut) ? cut : offsets.find((o, i) => o < cut && (offsets[i + 1] ?? bytes.length) > cut);
      expect(read.truncatedAt, `cut at ${cut}`).toBe(expected);
    }
  });

  it('refuses what is not a recording, and other format versions, with the reason', async () => {
    await expect(readRecording(new TextEncoder().encode('{"not":"a recording"}'))).rejects.toThrow(/NOT_A_RECORDING at byte 0/);
    await expect(readRecording(new Uint8Array(0))).rejects.toThrow(/TRUNCATED/);
    const older = concatBytes([encodePrelude(1), bytes.subarray(PRELUDE_BYTES)]);
    await expect(readRecording(older)).rejects.toThrow(/UNSUPPORTED_VERSION at byte 8: recording format version 1 is an older format than this build reads \(versions 2, 3 and 4\)/);
    const newer = concatBytes([encodePrelude(5), bytes.subarray(PRELUDE_BYTES)]);
    await expect(readRecording(newer)).rejects.toThrow(/version 5 is newer than this build reads \(versions 2, 3 and 4\); update the replay tools/);
    await expect(readRecording(bytes.subarray(0, 20))).rejects.toThrow(/before its header record is complete/);
  });

  it('reads a version 2 file: its arena scores become the named columns score, kills, deaths', async () => {
    const v2Records = records.map((r) => {
      if (r.type === 'header') {
        const { scoreColumns: _columns, rulesVersion: _rules, ...header } = r;
        return header;
      }
      if (r.type === 'end') return { ...r, scores: [{ playerId: 1, name: 'ann', kills: 3, deaths: 1, score: 3 }] };
      return r;
    }) as unknown as RecordingRecord[];
    const v3 = await encodeRecording(v2Records);
    const v2 = concatBytes([encodePrelude(2), v3.subarray(PRELUDE_BYTES)]);
    const read = await readRecording(v2);
    expect(read.version).toBe(2);
    expect(read.error).toBeNull();
    expect(read.header.rulesVersion).toBe(1);
    expect(read.header.scoreColumns.map((c) => c.key)).toEqual(['score', 'kills', 'deaths']);
    expect(read.end?.scores).toEqual([{ playerId: 1, name: 'ann', values: { score: 3, kills: 3, deaths: 1 } }]);
  });

  it('reads the rules version of the header: required from format version 4, 1 in versions 2 and 3', async () => {
    expect(recording.version).toBe(4);
    expect(recording.header.rulesVersion).toBe(arenaGame.rulesVersion);
    const withoutRules = records.map((r) => {
      if (r.type !== 'header') return r;
      const { rulesVersion: _rules, ...header } = r;
      return header;
    }) as unknown as RecordingRecord[];
    const unnamed = await encodeRecording(withoutRules);
    await expect(readRecording(unnamed)).rejects.toThrow(/BAD_RECORD at byte 12: header record: rulesVersion must be an integer in \[1, /);
    const v3 = await readRecording(concatBytes([encodePrelude(3), unnamed.subarray(PRELUDE_BYTES)]));
    expect(v3).toMatchObject({ version: 3, error: null, complete: true });
    expect(v3.header.rulesVersion).toBe(1);
  });

  it('stops at a corrupted record and names its offset, keeping every record before it', async () => {
    const offsets = frameOffsets();
    for (let i = 1; i < offsets.length; i += 3) {
      const damaged = bytes.slice();
      const at = offsets[i]! + 8 + 3; // inside the record's body
      damaged[at] = damaged[at]! ^ 0x40;
      const read = await readRecording(damaged);
      expect(read.error?.code, `record ${i}`).toBe('BAD_CHECKSUM');
      expect(read.error?.offset).toBe(offsets[i]);
      expect(read.error?.message).toMatch(new RegExp(`BAD_CHECKSUM at byte ${offsets[i]}: record of \\d+ bytes fails its CRC-32`));
      expect(read.entries.length).toBe(i);
      expect(read.complete).toBe(false);
    }
    // A length field turned into nonsense.
    const badLength = bytes.slice();
    new DataView(badLength.buffer).setUint32(offsets[3]!, 0xfffffff0, true);
    const read = await readRecording(badLength);
    expect(read.error?.code).toBe('BAD_LENGTH');
    expect(read.error?.offset).toBe(offsets[3]);
  });

  it('tells valid frames with invalid contents apart: msgpack, record shape, order, trailing bytes', async () => {
    const header = encodeRecordPayload(records[0]!);
    const frame = (payload: Uint8Array) => encodeFrame(0, payload);
    const notMsgpack = await readRecording(concatBytes([encodePrelude(), frame(header), frame(Uint8Array.of(0xc1))]));
    expect(notMsgpack.error?.code).toBe('BAD_MSGPACK');
    const badShape = await readRecording(concatBytes([encodePrelude(), frame(header), frame(encodeRecordPayload({ type: 'join', tick: 0 } as never))]));
    expect(badShape.error?.message).toMatch(/BAD_RECORD at byte \d+: join record: playerId must be an integer/);
    const unknown = await readRecording(concatBytes([encodePrelude(), frame(header), frame(encodeRecordPayload({ type: 'chat' } as never))]));
    expect(unknown.error?.message).toMatch(/unknown record type "chat"/);
    const gap = await readRecording(concatBytes([encodePrelude(), frame(header), frame(encodeRecordPayload({ type: 'join', tick: 5, playerId: 1, name: 'x' }))]));
    expect(gap.error?.message).toMatch(/OUT_OF_ORDER at byte \d+: join record at tick 5, expected tick 0/);
    const trailing = await readRecording(concatBytes([bytes, Uint8Array.of(1, 2, 3)]));
    expect(trailing.error?.code).toBe('TRAILING_DATA');
    expect(trailing.error?.offset).toBe(bytes.length);
    const unknownEncoding = frame(header);
    unknownEncoding[8] = 7;
    new DataView(unknownEncoding.buffer).setUint32(4, crc32(unknownEncoding, 8), true);
    await expect(readRecording(concatBytes([encodePrelude(), unknownEncoding]))).rejects.toThrow(/BAD_ENCODING at byte 12: unknown record encoding 7/);
    // A deflate frame whose contents do not inflate.
    const garbage = encodeFrame(1, Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    const badDeflate = await readRecording(concatBytes([encodePrelude(), frame(header), garbage]));
    expect(badDeflate.error?.code).toBe('BAD_COMPRESSION');
  });
});

describe('ReplaySimulator', () => {
  /** The hash after every tick, simulating straight through. */
  function straightHashes(): number[] {
    const sim = new ReplaySimulator(recording, arenaGame);
    const hashes = [sim.hash()];
    while (sim.step()) hashes.push(sim.hash());
    return hashes;
  }

  it('re-simulates the whole match: same events as recorded, same final hash', () => {
    const sim = new ReplaySimulator(recording, arenaGame);
    let ticks = 0;
    let stored = 0;
    for (let step = sim.step(); step; step = sim.step()) {
      // Every tick's events match its recorded digest; kills and match ends are also stored in full.
      expect(step.recordedEventsDigest).toBe(step.events.length > 0 ? stateDigest(step.events) : null);
      expect(step.events.filter((e) => e[0] === EVT_KILL || e[0] === EVT_MATCH_END)).toEqual(step.recordedEvents);
      stored += step.recordedEvents.length;
      ticks++;
    }
    expect(stored).toBeGreaterThan(0);
    expect(ticks).toBe(TICKS);
    expect(sim.hash()).toBe(recording.end!.hash);
    expect(sim.seats.map((s) => s.name)).toEqual(['cy', 'dee', 'eve']);
  });

  it('seeks anywhere, forwards and backwards, to the same state as a straight replay', () => {
    const hashes = straightHashes();
    const sim = new ReplaySimulator(recording, arenaGame);
    const targets = [0, 399, 1, 90, 89, 91, 180, 150, 151, 100, 101, 300, 301, 302, 270, 400, 5, 229, 230, 231];
    for (const target of targets) {
      expect(sim.seek(target)).toBe(target);
      expect(sim.hash(), `tick ${target}`).toBe(hashes[target]);
    }
    expect(sim.seek(10_000)).toBe(TICKS);
    expect(sim.seek(-5)).toBe(0);
  });

  it('refuses a recording of another game or another build of the rules', () => {
    const other = { ...arenaGame, name: 'chess' } as unknown as AnyGame;
    expect(() => new ReplaySimulator(recording, other)).toThrow(/WRONG_GAME.*of game "arena", not "chess"/);
    const rebuilt = { ...arenaGame, hash: () => 42 } as unknown as AnyGame;
    expect(() => new ReplaySimulator(recording, rebuilt)).toThrow(/BUILD_MISMATCH.*different version of the game rules or map/);
  });

  it('simulates with the rules of the recording\'s version, and refuses a version this build does not simulate', async () => {
    const withRules = async (rulesVersion: number) =>
      readRecording(await encodeRecording(records.map((r) => (r.type === 'header' ? { ...r, rulesVersion } : r))));
    expect(arenaGame.rulesVersion).toBe(2);
    expect(new ReplaySimulator(recording, arenaGame).rules).toBe(arenaGame);
    expect(new ReplaySimulator(await withRules(1), arenaGame).rules).toBe(arenaGame.olderRules![1]);

    const unknown = await withRules(99);
    const message = 'recorded with arena rules version 99; this build simulates versions [1, 2]';
    expect(() => new ReplaySimulator(unknown, arenaGame)).toThrow(ReplayError);
    expect(() => new ReplaySimulator(unknown, arenaGame)).toThrow(`BUILD_MISMATCH at tick 0 (record at byte 12): ${message}`);
    const verified = await verifyRecording(unknown, arenaGame);
    expect(verified).toMatchObject({ ok: false, ticksSimulated: 0, error: { code: 'BUILD_MISMATCH', tick: 0, offset: 12 } });
    expect(verified.error!.message).toContain(message);
    // A game without older rules simulates its own version only (the default, 1, when it names none).
    const { rulesVersion: _v, olderRules: _older, ...unversioned } = arenaGame;
    expect(() => new ReplaySimulator(recording, unversioned)).toThrow('recorded with arena rules version 2; this build simulates versions [1]');
    expect(new ReplaySimulator(await withRules(1), unversioned).rules).toBe(unversioned);
  });

  it('refuses to restore a keyframe whose state does not match its hash', async () => {
    const changed = records.map((r) => (r.type === 'keyframe' && r.tick === 180 ? { ...r, state: { ...(r.state as object), matchTicksLeft: 5 } } : r));
    const sim = new ReplaySimulator(await readRecording(await encodeRecording(changed)), arenaGame);
    expect(() => sim.seek(200)).toThrow(ReplayError);
    expect(() => sim.seek(200)).toThrow(/BAD_KEYFRAME at tick 180.*hashes to 0x[0-9a-f]{8}, but it says/);
  });
});

describe('verifyRecording', () => {
  it('fails a keyframe whose seat inputs are not the replay\'s (seeking would start from them)', async () => {
    const records = recording.entries.map((e) => e.record);
    const index = records.findIndex((r) => r.type === 'keyframe');
    const keyframe = records[index] as Extract<RecordingRecord, { type: 'keyframe' }>;
    records[index] = {
      ...keyframe,
      seats: keyframe.seats.map(([id, name, payload, offset], i) => [id, name, i === 0 ? { keys: 0, aim: ((payload as ArenaInput).aim + 1) % 4096 } : payload, offset] as const),
    };
    const result = await verifyRecording(await encodeRecording(records), arenaGame);
    expect(result.ok).toBe(false);
    expect(result.divergence).toMatchObject({ kind: 'keyframe-seats', tick: keyframe.tick });
    expect(result.divergence!.message).toMatch(/keyframe seat 0 \(player \d+\) has input/);
  });

  it('passes a faithful recording', async () => {
    const progress: number[] = [];
    const result = await verifyRecording(bytes, arenaGame, { onProgress: (done) => progress.push(done), progressEvery: 100 });
    expect(result).toMatchObject({ ok: true, complete: true, truncated: false, lastTick: TICKS, divergence: null, error: null });
    expect(result.keyframesChecked).toBe(4);
    expect(result.eventsChecked).toBe(TICKS);
    expect(result.checkpointsChecked).toBeGreaterThan(8);
    expect(progress.at(-1)).toBe(TICKS);
  });

  it('names the tick of a changed input when that tick\'s events show it', async () => {
    // A tick on which player 3 fired the rifle: turn its aim by a quarter turn.
    let target = -1;
    const events = replayedEvents(recording);
    for (let t = 40; t < 380 && target < 0; t++) {
      if (t % 90 === 0) continue;
      if (events.get(t)?.some((e) => e[0] === EVT_SHOT && e[1] === 3)) target = t;
    }
    expect(target).toBeGreaterThan(0);
    const tampered = await encodeRecording(
      rewriteInputs(recording, (tick, applied) => {
        if (tick !== target) return;
        const seat = applied.find((a) => a.playerId === 3)!;
        const input = seat.payload as ArenaInput;
        seat.payload = { keys: input.keys, aim: (input.aim + 1024) % 4096 };
      }),
    );
    const result = await verifyRecording(tampered, arenaGame);
    expect(result.ok).toBe(false);
    expect(result.firstDivergentTick).toBe(target);
    expect(result.divergence).toMatchObject({ kind: 'events', tick: target });
    expect(result.divergence!.message).toBe(`tick ${target}: the digest of its re-simulated events differs from the recorded one`);
  });

  it('localizes a change the events do not show to between two checkpoints', async () => {
    // Player 4 (dee), alive, holds the opposite movement keys for one tick and does not fire.
    const sim = new ReplaySimulator(recording, arenaGame);
    let target = 205;
    for (; ; target++) {
      sim.seek(target - 1);
      if ((sim.world as ArenaWorld).players.find((p) => p.id === 4)?.alive) break;
    }
    const tampered = await encodeRecording(
      rewriteInputs(recording, (tick, applied) => {
        if (tick !== target) return;
        const seat = applied.find((a) => a.playerId === 4)!;
        const input = seat.payload as ArenaInput;
        seat.payload = { keys: (input.keys & KEY_LEFT) !== 0 ? KEY_RIGHT : KEY_LEFT, aim: input.aim };
      }),
    );
    const result = await verifyRecording(tampered, arenaGame);
    expect(result.ok).toBe(false);
    const d = result.divergence!;
    expect(d.lastMatchingTick).toBeLessThan(target);
    expect(d.tick).toBeGreaterThanOrEqual(target);
    expect(d.tick - d.lastMatchingTick).toBeLessThanOrEqual(30);
  });

  it('verifies a truncated file up to its last whole record and says it is truncated', async () => {
    const offsets = frameOffsets();
    const cut = offsets[offsets.length - 4]! + 20;
    const result = await verifyRecording(bytes.subarray(0, cut), arenaGame);
    expect(result.ok).toBe(true);
    expect(result.complete).toBe(false);
    expect(result.truncated).toBe(true);
    expect(result.truncatedAt).toBe(offsets[offsets.length - 4]);
    expect(result.lastTick).toBeGreaterThan(300);
    expect(result.lastTick).toBeLessThan(TICKS);
  });

  it('reports a corrupted record with its offset after verifying what precedes it', async () => {
    const offsets = frameOffsets();
    const damaged = bytes.slice();
    damaged[offsets[12]! + 20] ^= 1;
    const result = await verifyRecording(damaged, arenaGame);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'BAD_CHECKSUM', offset: offsets[12] });
    expect(result.lastTick).toBeGreaterThan(0);
  });

  it('throws RecordingError only for what is not a recording at all', async () => {
    await expect(verifyRecording(new Uint8Array(64), arenaGame)).rejects.toBeInstanceOf(RecordingError);
  });
});
