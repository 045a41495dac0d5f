// Match recording on a real server: bots (NetClients driven by shared/game/arena/bot-brain.ts from what their
// mirrors show) play a match that the server records without them noticing; the match is listed and
// downloaded over HTTP and verified by the replay CLI as a child process. The same recording with one
// input changed fails verification naming that tick; cut off mid-record it verifies up to the cut.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import {
  EVT_SHOT,
  KEY_FIRE_PRIMARY,
  KIND_PLAYER,
  PLAYER_FIELD,
  PLAYER_FLAG_ALIVE,
  arenaGame,
  type ArenaInput,
  type ArenaWorld,
} from '../../shared/game/arena/index.js';
import { ReplaySimulator, encodeRecording, readRecording, type Recording } from '../../shared/recording/index.js';
import { replayedEvents, rewriteInputs } from '../../shared/recording/test-support.js';
import { ArenaBrain } from '../../shared/game/arena/bot-brain.js';
import { connectClient, sleep, waitFor } from '../test-support/test-client.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import type { RoomObserver } from '../room.js';
import type { MatchSummary } from './store.js';

const servers: TestServer[] = [];
const clients: NetClient[] = [];
const timers: NodeJS.Timeout[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recording-it-'));
  dirs.push(dir);
  return dir;
}

/** Rifle shots fired on the servers of this file (seen by a second room observer, next to the recorder). */
let shots = 0;

async function server(recordingsDir: string | null, overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const observer: RoomObserver = { onTick: (_room, _tick, _applied, events) => void (shots += events.filter((e) => e[0] === EVT_SHOT).length) };
  const s = await startTestServer({ recordingsDir, emptyRoomGraceMs: 300, ...overrides }, { observeRoom: () => observer });
  servers.push(s);
  return s;
}

/** A bot: a NetClient in the room, thinking with ArenaBrain from its mirror 30 times a second. */
async function bot(url: string, name: string, seed: number): Promise<NetClient> {
  const client = await connectClient(url, { name });
  clients.push(client);
  const join = await client.quickPlay();
  const brain = new ArenaBrain('fight', seed);
  const alive = (values: readonly (number | string)[]) => ((values[PLAYER_FIELD.flags] as number) & PLAYER_FLAG_ALIVE) !== 0;
  timers.push(
    setInterval(() => {
      if (!client.connected || !client.join) return;
      const players = [...client.mirror.entities].filter(([, e]) => e.kind === KIND_PLAYER);
      const self = players.find(([id]) => id === join.playerId)?.[1];
      const input = brain.think({
        self: self ? { x: self.values[PLAYER_FIELD.x] as number, y: self.values[PLAYER_FIELD.y] as number, alive: alive(self.values) } : null,
        enemies: players
          .filter(([id, e]) => id !== join.playerId && alive(e.values))
          .map(([, e]) => ({ x: e.values[PLAYER_FIELD.x] as number, y: e.values[PLAYER_FIELD.y] as number })),
      });
      client.sendInput([input.keys, input.aim]);
    }, 33),
  );
  return client;
}

async function listMatches(url: string, query = ''): Promise<{ total: number; matches: MatchSummary[]; next: string | null }> {
  const res = await fetch(`${url}/api/matches${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { total: number; matches: MatchSummary[]; next: string | null };
}

/** Runs the replay CLI as a child process (the way `npm run replay` does). */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/replay/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * One input to change so that the change shows in that very tick's events: a recorded rifle shot turned a
 * quarter turn (its tracer ends elsewhere), or else a trigger pulled by a living player whose rifle is
 * ready (a shot that never happened). Never on a keyframe tick.
 */
function chooseTamper(recording: Recording): { tick: number; playerId: number; change: (input: ArenaInput) => ArenaInput } {
  const keyframes = new Set(recording.entries.flatMap((e) => (e.record.type === 'keyframe' ? [e.record.tick] : [])));
  const events = replayedEvents(recording);
  for (let tick = 40; tick < recording.lastTick - 5; tick++) {
    if (keyframes.has(tick)) continue;
    const shot = events.get(tick)?.find((e) => e[0] === EVT_SHOT);
    if (shot) return { tick, playerId: shot[1] as number, change: (i) => ({ keys: i.keys, aim: (i.aim + 1024) % 4096 }) };
  }
  const sim = new ReplaySimulator(recording, arenaGame);
  for (let tick = 40; tick < recording.lastTick - 5; tick++) {
    if (keyframes.has(tick) || keyframes.has(tick - 1)) continue;
    sim.seek(tick - 1);
    const ready = (sim.world as ArenaWorld).players.find((p) => p.alive && p.primaryCooldown === 0);
    if (ready && sim.seats.some((seat) => seat.playerId === ready.id)) {
      return { tick, playerId: ready.id, change: (i) => ({ keys: i.keys | KEY_FIRE_PRIMARY, aim: i.aim }) };
    }
  }
  throw new Error('no input to change');
}

describe('match recording on a real server', () => {
  it('records a bot match end to end; verify passes; a changed input fails naming its tick; a cut file verifies to the cut', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const s = await server(dir);
    shots = 0;
    const a = await bot(s.url, 'alpha', 1);
    const b = await bot(s.url, 'bravo', 2);
    const c = await bot(s.url, 'charlie', 3);
    const e = await bot(s.url, 'echo', 5);
    await sleep(1200);
    await b.leave();
    const d = await bot(s.url, 'delta', 4);
    await waitFor(() => d.mirror.latestTick > 0, 3000, 'delta to receive snapshots');
    // Bots spawn far apart: play on until they have met and fired a few times.
    await waitFor(() => shots >= 5, 20_000, 'the bots to fire');
    await sleep(300);
    // Everyone leaves; the empty room is disposed, which finalizes its recording.
    for (const client of [a, c, e, d]) await client.leave();
    await waitFor(() => s.server.recordings!.store.list().matches[0]?.complete === true, 5000, 'the recording to be finalized');

    const { total, matches } = await listMatches(s.url);
    expect(total).toBe(1);
    const match = matches[0]!;
    expect(match).toMatchObject({ game: 'arena', map: 'arena-1', live: false, complete: true, endReason: 'disposed' });
    expect(match.players.map((p) => p.name)).toEqual(['alpha', 'bravo', 'charlie', 'echo', 'delta']);
    expect(match.durationSec).toBeGreaterThan(1);
    // Everyone had left when the room closed: each keeps the score line it left with.
    expect(new Set(match.scores!.map((sc) => sc.name))).toEqual(new Set(['alpha', 'bravo', 'charlie', 'echo', 'delta']));
    expect(new Date(match.startTime).getTime()).toBeLessThanOrEqual(new Date(match.endTime!).getTime());

    const res = await fetch(`${s.url}/api/matches/${match.id}/recording`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${match.id}.rec"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBe(match.size);
    expect(Buffer.from(bytes).equals(readFileSync(join(dir, `${match.id}.rec`)))).toBe(true);
    const file = join(tempDir(), 'match.rec');
    writeFileSync(file, bytes);

    const ok = await cli('verify', file);
    expect(ok.stdout).toMatch(/^OK: re-simulated \d+ ticks/);
    expect(ok.code).toBe(0);

    const recording = await readRecording(bytes);
    expect(recording.complete).toBe(true);
    const { tick, playerId, change } = chooseTamper(recording);
    const tampered = await encodeRecording(
      rewriteInputs(recording, (t, applied) => {
        if (t !== tick) return;
        const seat = applied.find((x) => x.playerId === playerId)!;
        seat.payload = change(seat.payload as ArenaInput);
      }),
    );
    const tamperedFile = join(tempDir(), 'tampered.rec');
    writeFileSync(tamperedFile, tampered);
    const bad = await cli('verify', tamperedFile);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`FAILED: the re-simulation diverges at tick ${tick} (events;`);

    // Cut inside the third-to-last record.
    const cutAt = recording.entries[recording.entries.length - 3]!.offset;
    const cutFile = join(tempDir(), 'cut.rec');
    writeFileSync(cutFile, bytes.subarray(0, cutAt + 11));
    const cut = await readRecording(bytes.subarray(0, cutAt + 11));
    expect(cut.entries.length).toBe(recording.entries.length - 3);
    expect(cut.truncatedAt).toBe(cutAt);
    const partial = await cli('verify', cutFile);
    expect(partial.code).toBe(3);
    expect(partial.stdout).toMatch(new RegExp(`^OK up to tick ${cut.lastTick}:`));
    expect(partial.stdout).toContain(`TRUNCATED: the file is cut off inside the record at byte ${cutAt}`);

    const info = await cli('info', file);
    expect(info.code).toBe(0);
    // The server's recorder wrote the rules version the match was played with.
    expect(recording.header.rulesVersion).toBe(arenaGame.rulesVersion);
    expect(info.stdout).toMatch(new RegExp(`game +arena \\(rules version ${arenaGame.rulesVersion}, protocol \\d+\\), map arena-1`));
    expect(info.stdout).toMatch(/events +\d+ ticks produced events; stored in full: /);
  });

  it('finalizes recordings on graceful shutdown; a restarted server lists them', async () => {
    const dir = tempDir();
    const s = await server(dir);
    await bot(s.url, 'solo', 7);
    await waitFor(() => (s.server.recordings?.store.list().matches[0]?.ticks ?? 0) > 30, 5000, 'a live recording');
    const live = (await listMatches(s.url)).matches[0]!;
    expect(live).toMatchObject({ live: true, complete: false, scores: null });
    // A live recording downloads as far as it is written: a readable, truncated recording.
    const partial = await readRecording(new Uint8Array(await (await fetch(`${s.url}/api/matches/${live.id}/recording`)).arrayBuffer()));
    expect(partial.complete).toBe(false);
    await s.close();
    servers.length = 0;

    const again = await server(dir);
    const [match] = (await listMatches(again.url)).matches;
    expect(match).toMatchObject({ id: live.id, complete: true, live: false, endReason: 'shutdown' });
    expect(match!.scores?.map((x) => x.name)).toEqual(['solo']);
  });

  it('pages the list newest first and answers bad requests with clear errors', async () => {
    const dir = tempDir();
    const s = await server(dir);
    for (let i = 0; i < 3; i++) {
      const c = await bot(s.url, `p${i}`, i);
      await waitFor(() => c.mirror.latestTick > 5, 3000, 'snapshots');
      await c.leave();
      await waitFor(() => s.server.recordings!.store.list().matches.filter((m) => m.complete).length === i + 1, 5000, 'finalized');
    }
    const all = await listMatches(s.url);
    expect(all.total).toBe(3);
    const starts = all.matches.map((m) => m.startTime);
    expect([...starts].sort().reverse()).toEqual(starts);
    const page = await listMatches(s.url, '?limit=2');
    expect(page.matches.map((m) => m.id)).toEqual(all.matches.slice(0, 2).map((m) => m.id));
    expect(page.next).toBe('/api/matches?offset=2&limit=2');
    const rest = await listMatches(s.url, '?limit=2&offset=2');
    expect(rest.matches.map((m) => m.id)).toEqual([all.matches[2]!.id]);
    expect(rest.next).toBeNull();
    expect(await (await fetch(`${s.url}/api/matches/${all.matches[0]!.id}`)).json()).toEqual(all.matches[0]);

    const errors: [string, number, string][] = [
      ['/api/matches?limit=0', 400, 'BAD_REQUEST'],
      ['/api/matches?offset=-1', 400, 'BAD_REQUEST'],
      ['/api/matches?limit=abc', 400, 'BAD_REQUEST'],
      ['/api/matches/2026-01-01T00-00-00.000Z-nope/recording', 404, 'NOT_FOUND'],
      ['/api/matches/..%2F..%2Fetc%2Fpasswd/recording', 404, 'NOT_FOUND'],
      ['/api/matches/%E0%A4%A/recording', 400, 'BAD_REQUEST'],
      ['/api/nothing', 404, 'NOT_FOUND'],
    ];
    for (const [path, status, code] of errors) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
    const post = await fetch(`${s.url}/api/matches`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('says so when recording is off', async () => {
    const s = await server(null);
    const res = await fetch(`${s.url}/api/matches`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'RECORDING_DISABLED', message: 'match recording is off on this server (RECORDINGS_DIR=off)' } });
    expect(s.server.recordings).toBeNull();
  });
});
