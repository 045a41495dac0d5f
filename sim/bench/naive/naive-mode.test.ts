// The naive baseline (what benchmarks compare against): socket.io's default JSON parser and the full
// world state broadcast to the whole room every tick, plugged into the production server. It must really
// work, or the comparison is void: in process through the plug-in, counted in /metrics like our snapshots,
// and as the benchmarks run it (the bundled entry point, a process of its own).

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { expect, it } from 'vitest';
import { KEY_RIGHT } from '../../../shared/game/arena/input.js';
import { EV, PROTOCOL_VERSION, type JoinReply, type RoomClosedMessage } from '../../../shared/protocol.js';
import { serverFixture } from '../../../server/test-support/server-fixture.js';
import { sleep, waitFor } from '../../../server/test-support/test-client.js';
import { scrape, startServer } from '../capacity-bench.js';
import { sampleValue } from '../prometheus-text.js';
import { NAIVE_STATE_EVENT, type FullStateMessage } from './full-state.js';
import { NAIVE_SERVER_OPTIONS } from './naive-plugin.js';

// Measured here at load averages 5-7 (other tests, and two busy loops besides): 30 states arrive in 1.2-1.5 s
// and the server sees players leave within 0.1 s; the bundle builds in 0.3 s, and the whole process test
// (build, start, 30 states, stop) takes 2-2.7 s. Each bound is 5x or more.
const STATES = 30;
const STATES_MS = 15_000;
const LEAVE_MS = 10_000;
const PROCESS_TEST_MS = 60_000;
const EXIT_MS = 15_000;

const { server, onCleanup } = serverFixture();

interface NaiveClient {
  readonly socket: Socket;
  readonly states: FullStateMessage[];
  readonly join: JoinReply;
}

async function naiveClient(url: string, name: string): Promise<NaiveClient> {
  // socket.io-client's default parser: JSON, as the naive server speaks (ours would refuse it).
  const socket = io(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, name }, reconnection: false });
  onCleanup(() => void socket.close());
  const states: FullStateMessage[] = [];
  socket.on(NAIVE_STATE_EVENT, (state: FullStateMessage) => states.push(state));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const join = (await socket.timeout(5000).emitWithAck(EV.quickPlay, {})) as JoinReply;
  return { socket, states, join };
}

it('broadcasts the full state as JSON to everyone in the room every tick', async () => {
  const ts = await server({}, NAIVE_SERVER_OPTIONS);
  const a = await naiveClient(ts.url, 'a');
  const b = await naiveClient(ts.url, 'b');
  expect(a.join.ok && b.join.ok).toBe(true);
  if (!a.join.ok || !('join' in a.join)) return;
  const id = a.join.join.playerId;
  let seq = 0;
  const timer = setInterval(() => a.socket.emit(EV.input, [++seq, -1, 0, [KEY_RIGHT, 0]]), 33);
  onCleanup(() => clearInterval(timer));
  await waitFor(() => b.states.length > STATES, STATES_MS, `${STATES} full states at b`);
  const xs = b.states.map((s) => s.entities.find((e) => e.id === id && e.kind === 'player')?.x as number);
  expect(xs.at(-1)!).toBeGreaterThan(xs[0]!);
  // Every message holds every entity: both players, both player infos and the match clock.
  expect(b.states.at(-1)!.entities.length).toBeGreaterThanOrEqual(5);
  // Ticks arrive in order, one state per tick.
  const ticks = b.states.map((s) => s.tick);
  expect(ticks).toEqual([...ticks].sort((x, y) => x - y));
  expect(new Set(ticks).size).toBe(ticks.length);
}, STATES_MS * 2);

it('has its full states counted in /metrics as broadcast snapshots, one per client', async () => {
  const ts = await server({}, NAIVE_SERVER_OPTIONS);
  const players = [await naiveClient(ts.url, 'n1'), await naiveClient(ts.url, 'n2')];
  for (const p of players) expect(p.join).toMatchObject({ ok: true });
  await waitFor(() => players.every((p) => p.states.length >= STATES), STATES_MS, `${STATES} states for every player`);
  for (const p of players) p.socket.close();
  // Once the server has seen both go, no more states are sent.
  const deadline = performance.now() + LEAVE_MS;
  let samples = await scrape(ts.port);
  while ((sampleValue(samples, 'game_connections') ?? 0) > 0) {
    if (performance.now() > deadline) throw new Error(`the server did not see the players leave within ${LEAVE_MS} ms`);
    await sleep(50);
    samples = await scrape(ts.port);
  }
  const sent = (type: string) => sampleValue(samples, 'game_snapshots_sent_total', { type }) ?? 0;
  const arrived = players.reduce((n, p) => n + p.states.length, 0);
  // Each state a player got was counted; at most a few were still on their way when it closed.
  expect(sent('broadcast')).toBeGreaterThanOrEqual(arrived);
  expect(sent('broadcast')).toBeLessThanOrEqual(arrived + 5 * players.length);
  expect(sent('direct') + sent('engine')).toBe(0);
}, STATES_MS + LEAVE_MS * 2);

it('runs as the benchmarks start it: the bundled entry point, with plain node', async () => {
  const recordingsDir = mkdtempSync(join(tmpdir(), 'naive-recordings-'));
  onCleanup(() => rmSync(recordingsDir, { recursive: true, force: true }));
  let child: ChildProcess | null = null;
  onCleanup(async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  });
  const started = await startServer(true, recordingsDir);
  child = started.child;
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  const a = await naiveClient(`http://127.0.0.1:${started.port}`, 'a');
  expect(a.join.ok).toBe(true);
  await waitFor(() => a.states.length > STATES, STATES_MS, `${STATES} full states from the naive server process`);
  expect(a.states.at(-1)!.entities.some((e) => e.kind === 'player')).toBe(true);
  // It stops as ours does: SIGTERM, its players told that their room closed, exit 0.
  let closed: RoomClosedMessage | null = null;
  a.socket.on(EV.roomClosed, (message: RoomClosedMessage) => (closed = message));
  started.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), EXIT_MS)))]);
  clearTimeout(timer);
  expect(code).toBe(0);
  expect(closed).toMatchObject({ reason: 'shutdown' });
}, PROCESS_TEST_MS);
