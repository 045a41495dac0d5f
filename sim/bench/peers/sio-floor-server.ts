// The socket.io floor of the peers benchmark: the bare `ws` floor's message pattern through socket.io (with
// our msgpack parser, WebSocket only), as a socket.io server with no game would move it: players connect with
// `?room=N`; every 1/30 s each room emits each of its players one 's' event carrying --message-bytes bytes
// (the size of our average snapshot), and every 'i' event received is counted and dropped. Against the ws
// floor, it shows what socket.io itself costs; against ours, what our game, deltas and checks add to it.
// Prints one JSON line {"msg":"listening","port","statsPort"} on stdout once it accepts players.
// `node --import tsx sim/bench/peers/sio-floor-server.ts --message-bytes 48`

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import { serverParser } from '../../../shared/net/msgpack-parser.js';
import { memoryStats, serveStats, SocketBytes, TickWork } from './server-stats.js';
import { startTickClock } from './workload.js';

const { values } = parseArgs({ options: { 'message-bytes': { type: 'string', default: '48' } } });
const messageBytes = Number(values['message-bytes']);
if (!Number.isInteger(messageBytes) || messageBytes < 1) throw new Error('--message-bytes must be a positive integer');

const tickWork = new TickWork();
let inputs = 0;
const http = createServer();
const bytes = new SocketBytes();
bytes.watch(http);
const io = new Server(http, { parser: serverParser, transports: ['websocket'], perMessageDeflate: false, serveClient: false });
io.on('connection', (socket) => {
  const room = typeof socket.handshake.query.room === 'string' ? socket.handshake.query.room : '0';
  void socket.join(room);
  socket.on('i', () => void inputs++);
});

// Each message is a fresh buffer with a changing tick number, as a real snapshot would be.
let tick = 0;
startTickClock(() => {
  const started = performance.now();
  tick++;
  for (const members of io.sockets.adapter.rooms.values()) {
    for (const id of members) {
      const message = Buffer.alloc(messageBytes);
      message.writeUInt32LE(tick >>> 0, 0);
      io.sockets.sockets.get(id)?.volatile.emit('s', message);
    }
  }
  tickWork.add(started, performance.now() - started);
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stats = await serveStats(() => {
    const { sent, received } = bytes.totals();
    return { tickP50Ms: tickWork.quantile(0.5), tickP99Ms: tickWork.quantile(0.99), ...memoryStats(), bytesSent: sent, bytesReceived: received, clients: io.engine.clientsCount };
  });
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port, statsPort: stats.port, messageBytes })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
