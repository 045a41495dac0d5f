// The Colyseus 0.18 peer of the benchmark: a room of 16 with setFixedTimestep at 30 Hz and a schema state
// of players shaped like our arena entity, moved by our own movement function (stepMotion: same speed,
// acceleration, walls and map bounds), patches broadcast 30 times a second, matchmaking by joinOrCreate.
// Prints one JSON line {"msg":"listening","port","statsPort"} on stdout once it accepts players.
// `node --import tsx sim/bench/peers/colyseus-server.ts`

import { createServer } from 'node:http';
import { Room, Server, type Client } from '@colyseus/core';
import { schema, t, type SchemaType } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { ARENA_MAP, MAX_HEALTH, parseArenaInput, stepMotion, type ArenaInput } from '../../../shared/game/arena/index.js';
import { memoryStats, serveStats, SocketBytes, TickWork } from './server-stats.js';
import { WORKLOAD } from './workload.js';

/** Our arena player's replicated fields (position and velocity in units, aim step, health, score, weapon state). */
const Player = schema({
  x: t.int32(),
  y: t.int32(),
  vx: t.int8(),
  vy: t.int8(),
  aim: t.uint16(),
  hp: t.uint8(),
  score: t.int16(),
  alive: t.boolean(),
  weapon: t.uint8(),
});
type Player = SchemaType<typeof Player>;
const ArenaState = schema({ players: t.map(Player) });
type ArenaState = SchemaType<typeof ArenaState>;

const tickWork = new TickWork();
let spawnIndex = 0;

class ArenaRoom extends Room {
  override maxClients = WORKLOAD.playersPerRoom;
  override patchRate = 1000 / WORKLOAD.snapshotsPerSec;
  override state: ArenaState = new ArenaState();
  /** The newest input of each player, applied every tick until the next one arrives. */
  private readonly latestInputs = new Map<string, ArenaInput>();
  private stepMs = 0;

  override onCreate(): void {
    this.onMessage('i', (client: Client, raw: unknown) => {
      const input = parseArenaInput(raw);
      if (input) this.latestInputs.set(client.sessionId, input);
    });
    this.setFixedTimestep(() => {
      const started = performance.now();
      this.state.players.forEach((p: Player, id: string) => {
        const input = this.latestInputs.get(id);
        if (!input) return;
        const m = stepMotion(p, input.keys);
        p.x = m.x;
        p.y = m.y;
        p.vx = m.vx;
        p.vy = m.vy;
        p.aim = input.aim;
      });
      this.stepMs += performance.now() - started;
    }, WORKLOAD.inputsPerSec);
  }

  /** A tick's work is its step plus the patch that sends it: both are timed, summed per tick period. */
  override broadcastPatch(): boolean {
    const started = performance.now();
    const sent = super.broadcastPatch();
    tickWork.add(started, this.stepMs + performance.now() - started);
    this.stepMs = 0;
    return sent;
  }

  override onJoin(client: Client): void {
    const spawn = ARENA_MAP.spawns[spawnIndex++ % ARENA_MAP.spawns.length]!;
    this.state.players.set(client.sessionId, new Player({ x: spawn.x, y: spawn.y, vx: 0, vy: 0, aim: 0, hp: MAX_HEALTH, score: 0, alive: true, weapon: 1 }));
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
    this.latestInputs.delete(client.sessionId);
  }
}

async function main(): Promise<void> {
  const http = createServer();
  const bytes = new SocketBytes();
  bytes.watch(http);
  const transport = new WebSocketTransport({ server: http });
  const gameServer = new Server({ transport, greet: false, gracefullyShutdown: false });
  gameServer.define('arena', ArenaRoom);
  await gameServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stats = await serveStats(() => {
    const { sent, received } = bytes.totals();
    return { tickP50Ms: tickWork.quantile(0.5), tickP99Ms: tickWork.quantile(0.99), ...memoryStats(), bytesSent: sent, bytesReceived: received, clients: bytes.players() };
  });
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port, statsPort: stats.port })}\n`);
  process.once('SIGTERM', () => process.exit(0));
}

void main();