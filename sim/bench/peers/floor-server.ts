// The bare `ws` floor of the peers benchmark: no game, no state. Players connect to /?room=N; every 1/30 s
// each room sends each of its players one binary message of --message-bytes bytes (the size of our average
// snapshot), and every input message received is counted and dropped. What it costs is the cost of moving
// that many messages: no server doing the same work can be cheaper.
// Prints one JSON line {"msg":"listening","port","statsPort"} on stdout once it accepts players.
// `node --import tsx sim/bench/peers/floor-server.ts --message-bytes 48`

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { memoryStats, serveStats, SocketBytes, TickWork } from './server-stats.js';
import { startTickClock } from './workload.js';

const { values } = parseArgs({ options: { 'message-bytes': { type: 'string', default: '48' } } });
const messageBytes = Number(values['message-bytes']);
if (!Number.isInteger(messageBytes) || messageBytes < 1) throw new Error('--message-bytes must be a positive integer');

const rooms = new Map<string, Set<WebSocket>>();
const tickWork = new TickWork();
let inputs = 0;

const http = createServer((_req, res) => res.writeHead(404).end());
const bytes = new SocketBytes();
bytes.watch(http);
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 4096 });
wss.on('connection', (ws, req) => {
  const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '0';
  const members = rooms.get(room) ?? new Set<WebSocket>();
  rooms.set(room, members);
  members.add(ws);
  ws.on('message', () => void inputs++);
  ws.once('close', () => {
    members.delete(ws);
    if (members.size === 0) rooms.delete(room);
  });
});

// One drift-free clock for every room, like our tick scheduler. Each message is a fresh buffer with a
// changing tick number, as a real snapshot would be (not one shared buffer sent to everyone).
let tick = 0;
startTickClock(() => {
  const started = performance.now();
  tick++;
  for (const members of rooms.values()) {
    for (const ws of members) {
      const message = Buffer.alloc(messageBytes);
      message.writeUInt32LE(tick >>> 0, 0);
      ws.send(message, { binary: true });
    }
  }
  tickWork.add(started, performance.now() - started);
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stats = await serveStats(() => {
    const { sent, received } = bytes.totals();
    return { tickP50Ms: tickWork.quantile(0.5), tickP99Ms: tickWork.quantile(0.99), ...memoryStats(), bytesSent: sent, bytesReceived: received, clients: wss.clients.size };
  });
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port, statsPort: stats.port, messageBytes })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
