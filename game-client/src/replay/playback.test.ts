import { describe, expect, it } from 'vitest';
import { KIND_PLAYER, PLAYER_FIELD, arenaGame } from '../../../shared/game/arena/index.js';
import { arenaInterpolation } from '../../../shared/game/arena/client-models.js';
import { ReplaySimulator, encodeRecording, readRecording, type Recording, type RecordingRecord } from '../../../shared/recording/index.js';
import { replayedEvents, simulateRecording } from '../../../shared/recording/test-support.js';
import { interpolateEntities, lerpAngle } from './interpolate.js';
import { participantsOf } from './participants.js';
import { ReplayPlayback } from './playback.js';
import { formatTime, replayIdOf, replayPath } from './route.js';

async function recordingOf(records: RecordingRecord[]): Promise<Recording> {
  return readRecording(await encodeRecording(records));
}

const match = () => simulateRecording({ ticks: 600, players: ['ann', 'bob', 'cy', 'dee'], keyframeEvery: 90, seed: 5 });

function playersAt(recording: Recording, tick: number) {
  const sim = new ReplaySimulator(recording, arenaGame);
  sim.seek(tick);
  return sim.view().filter((e) => e.kind === KIND_PLAYER);
}

describe('ReplayPlayback', () => {
  it('seeks from the nearest keyframe and shows that tick’s exact state', async () => {
    const recording = await recordingOf(match());
    const playback = new ReplayPlayback(recording, arenaGame);
    expect(playback.endTick).toBe(600);
    expect(playback.seek(400)).toBe(400);
    expect(playback.lastSeek).toMatchObject({ tick: 400, fromKeyframe: 360, stepped: 40 });
    const frame = playback.frame();
    expect(frame.tick).toBe(400);
    expect(frame.alpha).toBe(0);
    expect(frame.a.filter((e) => e.kind === KIND_PLAYER)).toEqual(playersAt(recording, 400));
    expect(frame.b!.filter((e) => e.kind === KIND_PLAYER)).toEqual(playersAt(recording, 401));
    // Backwards, and clamped.
    playback.seek(17);
    expect(playback.lastSeek).toMatchObject({ tick: 17, fromKeyframe: null, stepped: 17 });
    expect(playback.frame().a.filter((e) => e.kind === KIND_PLAYER)).toEqual(playersAt(recording, 17));
    expect(playback.seek(10_000)).toBe(600);
    expect(playback.frame().b).toBeNull();
    expect(playback.seek(-5)).toBe(0);
  });

  it('plays at its speed, hands out the events of the ticks passed, and pauses on a whole tick', async () => {
    const recording = await recordingOf(match());
    const playback = new ReplayPlayback(recording, arenaGame);
    playback.play();
    for (let i = 0; i < 20; i++) playback.advance(50); // 1 s
    expect(playback.tick).toBe(30);
    const events = playback.takeEvents();
    const expected = [];
    const replayed = replayedEvents(recording);
    for (let t = 1; t <= 30; t++) for (const e of replayed.get(t) ?? []) expected.push({ tick: t, event: e });
    expect(events).toEqual(expected);
    playback.setSpeed(4);
    for (let i = 0; i < 20; i++) playback.advance(50);
    expect(playback.tick).toBe(150);
    playback.advance(20); // 2.4 ticks at 4x: between two ticks
    expect(playback.position).toBeCloseTo(152.4, 6);
    expect(playback.frame().alpha).toBeCloseTo(0.4, 6);
    playback.pause();
    expect(playback.position).toBe(152);
    expect(playback.frame()).toMatchObject({ tick: 152, alpha: 0 });
    expect(playback.frame().a.filter((e) => e.kind === KIND_PLAYER)).toEqual(playersAt(recording, 152));
    // A seek hands out no events; playing to the end stops there.
    playback.takeEvents();
    playback.seek(590);
    expect(playback.takeEvents()).toEqual([]);
    playback.play();
    for (let i = 0; i < 10; i++) playback.advance(100);
    expect(playback.playing).toBe(false);
    expect(playback.tick).toBe(600);
    // Play at the end starts over.
    playback.play();
    expect(playback.tick).toBe(0);
  });

  it('stops where a recording stops re-simulating, and says why', async () => {
    const records = match();
    const index = records.findIndex((r) => r.type === 'ticks' && r.from > 200);
    const bad = records[index] as Extract<RecordingRecord, { type: 'ticks' }>;
    records[index] = { ...bad, inputs: Uint8Array.of(0x7f, 0x7f, 1, 2, 3) };
    const recording = await recordingOf(records);
    const playback = new ReplayPlayback(recording, arenaGame);
    playback.seek(bad.from + 10);
    expect(playback.failure?.code).toBe('BAD_INPUTS');
    expect(playback.endTick).toBe(bad.from - 1);
    expect(playback.tick).toBe(bad.from - 1);
    expect(playback.frame().a.filter((e) => e.kind === KIND_PLAYER)).toEqual(playersAt(recording, bad.from - 1));
    playback.seek(bad.from - 20);
    playback.play();
    for (let i = 0; i < 30; i++) playback.advance(100);
    expect(playback.playing).toBe(false);
    expect(playback.tick).toBe(bad.from - 1);
  });

  it('a cut-off recording plays up to its last whole record', async () => {
    const bytes = await encodeRecording(match());
    const full = await readRecording(bytes);
    const cutAt = full.entries[full.entries.length - 4]!.offset + 9;
    const cut = await readRecording(bytes.subarray(0, cutAt));
    expect(cut.complete).toBe(false);
    const playback = new ReplayPlayback(cut, arenaGame);
    expect(playback.endTick).toBe(cut.lastTick);
    expect(playback.seek(1e9)).toBe(cut.lastTick);
    expect(playback.failure).toBeNull();
  });
});

describe('interpolation with the game\'s model (the arena\'s here)', () => {
  it('draws between two ticks, the short way round for the aim, and never across a jump or a respawn', () => {
    const a = [{ id: 1, kind: KIND_PLAYER, x: 0, y: 0, values: [100, 200, 0, 0, 4090, 100, 1, 0] }];
    const b = [{ id: 1, kind: KIND_PLAYER, x: 0, y: 0, values: [120, 190, 0, 0, 6, 90, 1, 0] }];
    const mid = interpolateEntities(a, b, 0.5, arenaInterpolation)[0]!.values;
    expect(mid[PLAYER_FIELD.x]).toBe(110);
    expect(mid[PLAYER_FIELD.y]).toBe(195);
    expect(mid[PLAYER_FIELD.aim]).toBe(0);
    // Everything else is tick n's until the position reaches n + 1.
    expect(mid[PLAYER_FIELD.hp]).toBe(100);
    expect(interpolateEntities(a, b, 0, arenaInterpolation)[0]).toBe(a[0]);
    const far = [{ ...b[0]!, values: [5000, 190, 0, 0, 6, 100, 1, 0] }];
    expect(interpolateEntities(a, far, 0.5, arenaInterpolation)[0]).toBe(a[0]);
    const dead = [{ ...a[0]!, values: [100, 200, 0, 0, 4090, 0, 0, 0] }];
    expect(interpolateEntities(dead, b, 0.5, arenaInterpolation)[0]).toBe(dead[0]);
    expect(lerpAngle(10, 4000, 0.5, 4096)).toBe((10 - 53 + 4096) % 4096);
  });
});

describe('participants and routes', () => {
  it('names the participants, with when they took and left their seats', async () => {
    const recording = await recordingOf(
      simulateRecording({ ticks: 900, players: ['ann', 'bob'], joins: [{ tick: 100, name: 'cy' }], leaves: [{ tick: 700, playerId: 2 }], seed: 3 }),
    );
    const data = participantsOf(recording);
    expect(data.participants.map((p) => [p.name, p.joinTick, p.leaveTick])).toEqual([
      ['ann', 0, null],
      ['bob', 0, 700],
      ['cy', 100, null],
    ]);
    expect(data.nameOf(3)).toBe('cy');
    expect(data.nameOf(99)).toBe('#99');
  });

  it('lists a player who left and came back under the same name once, with both seats', async () => {
    const recording = await recordingOf(
      simulateRecording({ ticks: 400, players: ['ann', 'bob'], joins: [{ tick: 300, name: 'bob' }], leaves: [{ tick: 200, playerId: 2 }], seed: 3 }),
    );
    const data = participantsOf(recording);
    expect(data.participants.map((p) => [p.name, p.playerIds, p.joinTick, p.leaveTick])).toEqual([
      ['ann', [1], 0, null],
      ['bob', [2, 3], 0, null],
    ]);
    expect(data.ofPlayer(3)?.name).toBe('bob');
    expect(data.ofPlayer(2)).toBe(data.ofPlayer(3));
    expect(data.ofPlayer(9)).toBeNull();
  });

  it('routes and clocks', () => {
    expect(replayIdOf('/replay/2026-01-01T00-00-00.000Z-abc')).toBe('2026-01-01T00-00-00.000Z-abc');
    expect(replayIdOf('/replay/x%20y/')).toBe('x y');
    expect(replayIdOf('/')).toBeNull();
    expect(replayIdOf('/replay/')).toBeNull();
    expect(replayPath('a b')).toBe('/replay/a%20b');
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(59.99)).toBe('0:59');
    expect(formatTime(61)).toBe('1:01');
    expect(formatTime(3725)).toBe('1:02:05');
  });
});
