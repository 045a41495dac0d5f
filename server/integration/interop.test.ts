// Interop: a client built on the stock socket.io-msgpack-parser (the wire format we keep) joins and
// plays against our server, which itself never runs that parser.

import { afterEach, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import stockParser from 'socket.io-msgpack-parser';
import { SnapshotMirror } from '../../shared/codec/index.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import { KEY_DOWN } from '../../shared/game/arena/input.js';
import { EV, PROTOCOL_VERSION, type JoinReply } from '../../shared/protocol.js';
import { numberField, waitFor } from '../test-support/test-client.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

let ts: TestServer | null = null;
let socket: Socket | null = null;
let timer: NodeJS.Timeout | null = null;

afterEach(async () => {
  if (timer) clearInterval(timer);
  socket?.close();
  await ts?.close();
});

for (const transport of ['websocket', 'polling'] as const) {
  it(`a stock socket.io-msgpack-parser client joins and plays over ${transport}`, async () => {
    ts = await startTestServer();
    socket = io(ts.url, {
      parser: stockParser,
      transports: [transport],
      auth: { protocol: PROTOCOL_VERSION, name: 'stock' },
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', resolve);
      socket!.once('connect_error', reject);
    });
    const reply = (await socket.timeout(3000).emitWithAck(EV.quickPlay, {})) as JoinReply;
    expect(reply.ok && 'join' in reply).toBe(true);
    if (!reply.ok || !('join' in reply)) return;
    const { playerId } = reply.join;

    const mirror = new SnapshotMirror(arenaGame.schema);
    let decodeErrors = 0;
    socket.on(EV.snapshot, (bytes: Uint8Array) => {
      try {
        mirror.apply(new Uint8Array(bytes));
      } catch {
        decodeErrors++;
      }
    });
    let seq = 0;
    const s = socket;
    timer = setInterval(() => s.emit(EV.input, [++seq, mirror.latestTick, Math.max(0, mirror.latestTick), [KEY_DOWN, 0]]), 33);
    await waitFor(() => mirror.entities.has(playerId), 3000, 'own player in the mirror');
    const startY = numberField(mirror.entities.get(playerId)!, 'y');
    await waitFor(() => numberField(mirror.entities.get(playerId)!, 'y') > startY, 3000, 'the player to move down');
    expect(decodeErrors).toBe(0);
    const chat = (await socket.timeout(3000).emitWithAck(EV.sendChat, { text: 'hi from stock' })) as { ok: boolean };
    expect(chat.ok).toBe(true);
  });
}
