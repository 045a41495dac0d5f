// The replay CLI: its commands in-process (exit codes, messages, JSON), and once as a child process.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arenaGame, type ArenaInput } from '../../shared/game/arena/index.js';
import { PRELUDE_BYTES, ReplaySimulator, concatBytes, encodePrelude, encodeRecording, readRecording, type RecordingRecord } from '../../shared/recording/index.js';
import { rewriteInputs, simulateRecording } from '../../shared/recording/test-support.js';
import { main } from './cli.js';
import { render } from './progress.js';

let dir: string;
let good: string;
let records: RecordingRecord[];
let bytes: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
  records = simulateRecording({ ticks: 300, players: ['ann', 'bob'], joins: [{ tick: 120, name: 'cy' }], leaves: [{ tick: 200, playerId: 1 }] });
  bytes = await encodeRecording(records);
  good = write('good.rec', bytes);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: Uint8Array | string): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), progress: false });
  return { code, out, err };
}

describe('replay CLI', () => {
  it('explains its usage, and refuses bad arguments with exit code 2', async () => {
    expect((await run('--help')).out).toMatch(/usage: npm run replay -- <command> FILE/);
    expect(await run()).toMatchObject({ code: 2 });
    expect(await run('play', good)).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "play"') });
    expect(await run('info')).toMatchObject({ code: 2, err: expect.stringContaining('info takes exactly one FILE') });
    expect(await run('info', good, good)).toMatchObject({ code: 2 });
    expect(await run('info', good, '--colour')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--colour'") });
    expect(await run('info', join(dir, 'missing.rec'))).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
  });

  it('info: header, duration, players, events summary', async () => {
    const { code, out } = await run('info', good);
    expect(code).toBe(0);
    expect(out).toContain(`game       arena (rules version ${arenaGame.rulesVersion}, protocol 1), map arena-1`);
    expect(out).toContain('duration   0:10.0 (300 ticks at 30 Hz');
    expect(out).toContain('status     complete');
    expect(out).toMatch(/#1 +ann +joined tick 0 +left tick 200/);
    expect(out).toMatch(/#3 +cy +joined tick 120 +score/);
    expect(out).toMatch(/events +\d+ ticks produced events; stored in full: /);
    const json = JSON.parse((await run('info', good, '--json')).out) as { ticks: number; players: unknown[]; status: string; ticksWithEvents: number; storedEvents: Record<string, number> };
    expect(json).toMatchObject({ ticks: 300, status: 'complete' });
    expect(json.players).toHaveLength(3);
    expect(json.ticksWithEvents).toBeGreaterThan(0);
    // Only kills and match ends are stored in full; shots live in the tick digests.
    expect(Object.keys(json.storedEvents).every((type) => type === 'kill' || type === 'match_end')).toBe(true);
  });

  it('verify: 0 when it re-simulates exactly, 1 naming the tick of a changed input, 3 for a cut file', async () => {
    const ok = await run('verify', good);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK: re-simulated 300 ticks \(0:10\.0\); \d+ keyframes, \d+ checkpoints and the events of 300 ticks match/);

    const recording = await readRecording(bytes);
    const sim = new ReplaySimulator(recording, arenaGame);
    sim.seek(60);
    const target = 61;
    const tampered = write(
      'tampered.rec',
      await encodeRecording(
        rewriteInputs(recording, (tick, applied) => {
          if (tick !== target) return;
          // Everyone turns around and pulls the trigger: the tick's shots change.
          for (const a of applied) {
            const input = a.payload as ArenaInput;
            a.payload = { keys: input.keys | 16, aim: (input.aim + 2048) % 4096 };
          }
        }),
      ),
    );
    const bad = await run('verify', tampered);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`FAILED: the re-simulation diverges at tick ${target} (events;`);
    expect(bad.out).toMatch(/recorded: +events digest 0x[0-9a-f]{8}/);
    const json = JSON.parse((await run('verify', tampered, '--json')).out) as { exitCode: number; firstDivergentTick: number };
    expect(json).toMatchObject({ exitCode: 1, firstDivergentTick: target });

    const cutAt = recording.entries[recording.entries.length - 2]!.offset;
    const cut = await run('verify', write('cut.rec', bytes.subarray(0, cutAt + 5)));
    expect(cut.code).toBe(3);
    expect(cut.out).toContain(`TRUNCATED: the file is cut off inside the record at byte ${cutAt}`);
  });

  it('verify: 2 with the reason for what is not a recording, another version, a damaged record, an unknown game', async () => {
    const notRec = await run('verify', write('notes.rec', 'just some text'));
    expect(notRec.code).toBe(2);
    expect(notRec.err).toContain('is not a recording: NOT_A_RECORDING at byte 0');
    const older = await run('verify', write('old.rec', concatBytes([encodePrelude(1), bytes.subarray(PRELUDE_BYTES)])));
    expect(older.code).toBe(2);
    expect(older.err).toContain('recording format version 1 is an older format than this build reads (versions 2, 3 and 4)');
    const newer = await run('verify', write('new.rec', concatBytes([encodePrelude(5), bytes.subarray(PRELUDE_BYTES)])));
    expect(newer.code).toBe(2);
    expect(newer.err).toContain('recording format version 5 is newer than this build reads (versions 2, 3 and 4); update the replay tools');
    const recording = await readRecording(bytes);
    const damaged = bytes.slice();
    const at = recording.entries[5]!.offset;
    damaged[at + 30] ^= 0xff;
    const broken = await run('verify', write('damaged.rec', damaged));
    expect(broken.code).toBe(2);
    expect(broken.out).toContain(`BAD_CHECKSUM at byte ${at}`);
    const chess = records.map((r) => (r.type === 'header' ? { ...r, game: 'chess' } : r));
    const unknown = await run('verify', write('chess.rec', await encodeRecording(chess)));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('game "chess", which these tools do not know');
  });

  it('verify and export: 2 with the reason for a rules version this build does not simulate', async () => {
    const future = write('rules-99.rec', await encodeRecording(records.map((r) => (r.type === 'header' ? { ...r, rulesVersion: 99 } : r))));
    const message = 'BUILD_MISMATCH at tick 0 (record at byte 12): recorded with arena rules version 99; this build simulates versions [1, 2]';
    const verified = await run('verify', future);
    expect(verified.code).toBe(2);
    expect(verified.out).toBe(`FAILED: cannot verify beyond tick 0 at tick 0: ${message}\n  (0 keyframes, 0 checkpoints and the events of 0 ticks matched before that)\n`);
    const exported = await run('export', future, '--format', 'json', '--ticks', '10');
    expect(exported).toMatchObject({ code: 2, err: expect.stringContaining(message) });
    expect((await run('info', future)).out).toContain('game       arena (rules version 99, protocol 1)');
  });

  it('export --format json: the events, or the state at chosen ticks', async () => {
    expect(await run('export', good)).toMatchObject({ code: 2, err: expect.stringContaining('--format json is required') });
    const events = JSON.parse((await run('export', good, '--format', 'json')).out) as {
      events: { tick: number; type: string; event: unknown[] }[];
      players: { type: string }[];
    };
    expect(events.events.length).toBeGreaterThan(0);
    expect(events.events[0]).toMatchObject({ tick: expect.any(Number), type: expect.any(String) });
    // All of them, re-simulated: the shots too, which the file keeps only as digests.
    expect(events.events.some((e) => e.type === 'shot')).toBe(true);
    expect(events.players.map((p) => p.type)).toEqual(['join', 'join', 'join', 'leave']);

    const out = join(dir, 'states.json');
    const written = await run('export', good, '--format', 'json', '--ticks', '0,150,end', '--at', '0:05', '--out', out);
    expect(written.code).toBe(0);
    const states = (JSON.parse(readFileSync(out, 'utf8')) as { states: { tick: number; hash: number; state: { tick: number } }[] }).states;
    expect(states.map((s) => s.tick)).toEqual([0, 150, 300, 150]);
    const sim = new ReplaySimulator(await readRecording(bytes), arenaGame);
    sim.seek(150);
    expect(states[1]!.hash).toBe(sim.hash());
    expect(states[1]!.state.tick).toBe(150);
    expect(await run('export', good, '--format', 'json', '--ticks', '999')).toMatchObject({ code: 2, err: expect.stringContaining('outside the recording (ticks 0..300)') });
    expect(await run('export', good, '--format', 'json', '--at', 'noon')).toMatchObject({ code: 2 });
  });

  it('export stops at a divergence (exit 1) and refuses a recording of another build (exit 2)', async () => {
    const recording = await readRecording(bytes);
    const tampered = write(
      'tampered-export.rec',
      await encodeRecording(
        rewriteInputs(recording, (tick, applied) => {
          if (tick !== 61) return;
          for (const a of applied) a.payload = { keys: (a.payload as ArenaInput).keys | 16, aim: ((a.payload as ArenaInput).aim + 2048) % 4096 };
        }),
      ),
    );
    const diverged = await run('export', tampered, '--format', 'json');
    expect(diverged.code).toBe(1);
    const json = JSON.parse(diverged.out) as { events: { tick: number }[]; diverged: { tick: number; message: string } };
    expect(json.diverged.tick).toBe(61);
    expect(json.events.every((e) => e.tick < 61)).toBe(true);
    expect(diverged.err).toContain('diverges at tick 61');

    const otherBuild = write('other-build.rec', await encodeRecording(records.map((r) => (r.type === 'header' ? { ...r, initialHash: (r.initialHash + 1) >>> 0 } : r))));
    for (const args of [[], ['--ticks', '10']]) {
      const refused = await run('export', otherBuild, '--format', 'json', ...args);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('BUILD_MISMATCH');
    }
  });

  it('draws a progress bar', () => {
    const line = render('verify', 27, 54, 60);
    expect(line.length).toBeLessThanOrEqual(60);
    const [, done, todo] = /^verify \[(#+)(-+)\]  50% 27\/54 ticks$/.exec(line)!;
    expect(Math.abs(done!.length - todo!.length)).toBeLessThanOrEqual(1);
    expect(render('verify', 54, 54, 200)).toContain('100% 54/54 ticks');
  });

  it('runs as `node --import tsx sim/replay/cli.ts`', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'sim/replay/cli.ts', 'verify', good, '--progress'], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/^OK: re-simulated 300 ticks/);
    expect(child.stderr).toContain('100% 300/300 ticks');
    const missing = spawnSync(process.execPath, ['--import', 'tsx', 'sim/replay/cli.ts', 'info', join(dir, 'nope.rec')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read/);
  });
});
