// CPU per input from the WebSocket's 'message' event to the input handler, in process (issue 14): a real
// socket.io server with the parser of --repo and one real client connected over a WebSocket; the bench
// emits 'message' on the server's ws WebSocket with an input frame, as ws's Receiver does for each frame
// read, N times per round, and measures CPU per frame. No syscalls, no other process: it isolates what
// engine.io, socket.io, our parser and the dispatch cost, which end-to-end CPU on a busy machine cannot
// resolve. The input handler is wired as --repo's server/player-connection.ts wires it: through the
// parser's shortcut, deferred by process.nextTick in checkouts without server/receive-direct.ts (which
// also installs the direct receive path when present).
// usage: node --import tsx sim/bench/profile/input-dispatch-bench.mts --repo DIR [--frames 200000] [--rounds 9]
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Server, type Socket } from 'socket.io';
import { io as connect } from 'socket.io-client';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: '.' },
    frames: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '9' },
    label: { type: 'string', default: 'run' },
  },
});
const repo = resolve(values.repo);
type Parser = typeof import('../../../shared/net/msgpack-parser.js');
type ReceiveDirect = typeof import('../../../server/receive-direct.js');
const { serverParser, clientParser } = (await import(`${repo}/shared/net/msgpack-parser.ts`)) as Parser;
const directFile = `${repo}/server/receive-direct.ts`;
const direct = existsSync(directFile) ? ((await import(directFile)) as ReceiveDirect) : null;

const http = createServer();
const io = new Server(http, { parser: serverParser, transports: ['websocket'], perMessageDeflate: false });
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
let handled = 0;
const onInput = (data: readonly unknown[]): void => {
  if ((data[1] as unknown[]).length === 4) handled++;
};
const connected = new Promise<Socket>((r) =>
  io.once('connection', (socket) => {
    const decoder = (socket.client as unknown as { decoder: { setShortcut(name: string, h: (data: readonly unknown[]) => void): void } }).decoder;
    if (direct) {
      direct.receiveFramesDirectly(socket, () => {});
      decoder.setShortcut('i', onInput);
    } else {
      decoder.setShortcut('i', (data) => process.nextTick(onInput, data));
    }
    r(socket);
  }),
);
const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { parser: clientParser, transports: ['websocket'] });
const socket = await connected;
const ws = (socket.conn as unknown as { transport: { socket: { emit(event: string, data: unknown, isBinary: boolean): void } } }).transport.socket;
const frame = Buffer.from(new clientParser.Encoder().encode({ type: 2, nsp: '/', data: ['i', [5000, 4990, 4988, [5, 300]]] })[0]);

const frames = Number(values.frames);
const perRound: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const before = handled;
  const cpu = process.cpuUsage();
  for (let i = 0; i < frames; i++) {
    ws.emit('message', frame, true);
    // Let deferred handlers run as they would between reads (bounded queue).
    if (i % 64 === 63) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setImmediate(r));
  const used = process.cpuUsage(cpu);
  if (handled - before !== frames) throw new Error(`handled ${handled - before} of ${frames} frames`);
  perRound.push(((used.user + used.system) * 1000) / frames);
}
perRound.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    label: values.label,
    directPath: direct !== null,
    nsPerFrameMedian: Math.round(perRound[perRound.length >> 1]!),
    nsPerFrameMin: Math.round(perRound[0]!),
    rounds: perRound.map(Math.round),
  }),
);
client.close();
await io.close();
