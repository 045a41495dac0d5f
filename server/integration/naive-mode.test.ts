// The --naive baseline (what benchmarks compare against): socket.io's default JSON parser and the full
// world state broadcast to the whole room every tick. It must really work, or the comparison is void.

import { afterEach, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { FullStateMessage } from '../../shared/codec/full-state.js';
import { KEY_RIGHT } from '../../shared/game/arena/input.js';
import { EV, NAIVE_STATE_EVENT, PROTOCOL_VERSION, type JoinReply } from '../../shared/protocol.js';
import { waitFor } from '../test-support/test-client.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

let ts: TestServer | null = null;
const sockets: Socket[] = [];
let timer: NodeJS.Timeout | null = null;

afterEach(async () => {
  if (timer) clearInterval(timer);
  for (const s of sockets.splice(0)) s.close();
  await ts?.close();
});

async function naiveClient(url: string, name: string): Promise<{ socket: Socket; states: FullStateMessage[]; join: JoinReply }> {
  const socket = io(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, name }, reconnection: false });
  sockets.push(socket);
  const states: FullStateMessage[] = [];
  socket.on(NAIVE_STATE_EVENT, (state: FullStateMessage) => states.push(state));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const join = (await socket.timeout(3000).emitWithAck(EV.quickPlay, {})) as JoinReply;
  return { socket, states, join };
}

it('broadcasts the full state as JSON to everyone in the room every tick', async () => {
  ts = await startTestServer({ naive: true });
  const a = await naiveClient(ts.url, 'a');
  const b = await naiveClient(ts.url, 'b');
  expect(a.join.ok && b.join.ok).toBe(true);
  if (!a.join.ok || !('join' in a.join)) return;
  const id = a.join.join.playerId;
  let seq = 0;
  timer = setInterval(() => a.socket.emit(EV.input, [++seq, -1, 0, [KEY_RIGHT, 0]]), 33);
  await waitFor(() => b.states.length > 30, 5000, '30 full states at b');
  const xs = b.states.map((s) => s.entities.find((e) => e.id === id && e.kind === 'player')?.x as number);
  expect(xs.at(-1)!).toBeGreaterThan(xs[0]!);
  // Every message holds every entity: both players, both player infos and the match clock.
  expect(b.states.at(-1)!.entities.length).toBeGreaterThanOrEqual(5);
  // Ticks arrive in order, one state per tick.
  const ticks = b.states.map((s) => s.tick);
  expect(ticks).toEqual([...ticks].sort((x, y) => x - y));
});
