// What the Redis directory costs: for each operation, round trips from the node, commands Redis executes
// inside the script, and Redis CPU time per call (INFO commandstats), with a directory of a given size; and
// quick-play throughput from several nodes at once. docs/SCALING.md quotes a run and derives the cluster
// arithmetic from it.
//
//   node --import tsx server/cluster/directory-cost.ts [--nodes 100] [--rooms 2000] [--calls 500]
//
// Starts its own redis-server (Debian's) on a free port; prints Markdown.

import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { startRedisServer } from '../test-support/redis-server.js';
import { RedisRoomDirectory } from './redis-room-directory.js';
import { SCRIPTS } from './redis-scripts.js';
import type { DirectoryOp, Placement } from './room-directory.js';

export interface OpCost {
  readonly op: string;
  /** Round trips from the node per call. */
  readonly roundTrips: number;
  /** Commands Redis executed per call, the script call included. */
  readonly commands: number;
  /** Redis CPU time per call (µs), as commandstats measures the script. */
  readonly redisMicros: number;
}

export interface DirectoryCost {
  readonly nodes: number;
  readonly rooms: number;
  readonly ops: readonly OpCost[];
  /** Quick plays per second from 3 nodes, 64 in flight each. */
  readonly quickPlaysPerSecond: number;
}

/** Commands other than the directory's (the measurement's own). */
const NOT_COUNTED = new Set(['config|resetstat', 'info', 'script|load', 'eval']);

interface Stats {
  readonly commands: number;
  readonly scriptMicros: number;
}

async function readStats(client: Redis): Promise<Stats> {
  const info = await client.info('commandstats');
  let commands = 0;
  let scriptMicros = 0;
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (!match || NOT_COUNTED.has(match[1]!)) continue;
    commands += Number(match[2]);
    if (match[1] === 'evalsha') scriptMicros += Number(match[3]);
  }
  return { commands, scriptMicros };
}

export async function measureDirectoryCost(redisUrl: string, nodeCount: number, roomCount: number, calls: number): Promise<DirectoryCost> {
  const prefix = `cost${randomBytes(3).toString('hex')}:`;
  // Long heartbeats and reaper periods: no background calls during a measurement (renew and reap are measured explicitly).
  const quiet = { leaseTtlMs: 600_000, reaperIntervalMs: 600_000, reportIntervalMs: 600_000, commandTimeoutMs: 10_000 };
  const nodes = await Promise.all(
    Array.from({ length: nodeCount }, (_, i) =>
      new RedisRoomDirectory({ redisUrl, prefix, url: `http://node-${i}.test`, games: ['arena', 'solo', 'burst'], maxRooms: 500_000, ...quiet }),
    ),
  );
  const owner = (p: Placement) => nodes.find((n) => n.nodeId === p.nodeId)!;
  const stats = new Redis(redisUrl);
  try {
    for (const started of await Promise.all(nodes.map((n) => n.start()))) if (!started.ok) throw new Error(started.error.message);
    // The directory: roomCount public rooms of 16 seats, each with 8 players reported (free seats everywhere).
    for (let i = 0; i < roomCount; i++) {
      const reply = await nodes[i % nodeCount]!.createRoom('arena', false, 16);
      if (!reply.ok) throw new Error(reply.error.message);
      const node = owner(reply.placement);
      await node.redeem(reply.placement.ticket);
      node.reportRoom({ roomId: reply.placement.roomId, game: 'arena', isPrivate: false, code: null, players: 8, maxPlayers: 16 });
    }
    await Promise.all(nodes.map((n) => n.flush()));

    const a = nodes[0]!;
    const ops: OpCost[] = [];
    const roundTrips = (op: DirectoryOp) => nodes.reduce((sum, n) => sum + n.commandCounts()[op], 0);
    const measure = async (op: string, counted: DirectoryOp, n: number, run: (i: number) => Promise<unknown>) => {
      const trips = roundTrips(counted);
      await stats.config('RESETSTAT');
      for (let i = 0; i < n; i++) await run(i);
      const s = await readStats(stats);
      ops.push({ op, roundTrips: (roundTrips(counted) - trips) / n, commands: s.commands / n, redisMicros: s.scriptMicros / n });
    };
    const tickets: Placement[] = [];
    await measure('quickPlay (a free seat)', 'quickPlay', calls, async () => {
      const reply = await a.quickPlay('arena', 16);
      if (reply.ok) tickets.push(reply.placement);
    });
    // One-seat rooms: every quick play opens one.
    await measure('quickPlay (opens a room)', 'quickPlay', Math.min(calls, 100), () => a.quickPlay('solo', 1));
    const privates: Placement[] = [];
    await measure('createRoom (private)', 'createRoom', Math.min(calls, 100), async () => {
      const reply = await a.createRoom('arena', true, 16);
      if (reply.ok) privates.push(reply.placement);
    });
    await measure('joinByCode', 'joinByCode', privates.length, (i) => a.joinByCode(privates[i]!.code!));
    await measure('redeem', 'redeem', tickets.length, (i) => owner(tickets[i]!).redeem(tickets[i]!.ticket));
    const room = tickets[0]!;
    await measure('report (1 room, 1 ticket settled)', 'report', Math.min(calls, 100), (i) => {
      owner(room).reportRoom({ roomId: room.roomId, game: 'arena', isPrivate: false, code: null, players: 1 + (i % 15), maxPlayers: 16 });
      return owner(room).flush();
    });
    await measure('renew (heartbeat)', 'renew', Math.min(calls, 100), () => a.setDraining(false));
    await measure('publicRooms (100 rows)', 'publicRooms', Math.min(calls, 100), () => a.publicRooms('arena', 100));
    await measure('nodes (up to 100)', 'nodes', Math.min(calls, 100), () => a.nodes(100));
    // The reaper with nothing to reap, as every node runs it (called directly: it is internal to the directory).
    await stats.config('RESETSTAT');
    const reaps = Math.min(calls, 100);
    for (let i = 0; i < reaps; i++) await stats.eval(SCRIPTS.reap, 0, prefix, 16);
    const reap = await readStats(stats);
    const info = await stats.info('commandstats');
    const evalMicros = Number(/cmdstat_eval:calls=\d+,usec=(\d+)/.exec(info)?.[1] ?? 0);
    ops.push({ op: 'reap (nothing to reap)', roundTrips: 1, commands: (reap.commands + reaps) / reaps, redisMicros: evalMicros / reaps });

    // Throughput: 3 nodes, 64 quick plays in flight each, for ~2 s.
    const senders = nodes.slice(0, Math.min(3, nodeCount));
    let done = 0;
    const until = performance.now() + 2000;
    const started = performance.now();
    await Promise.all(
      senders.flatMap((node) =>
        Array.from({ length: 64 }, async () => {
          while (performance.now() < until) {
            await node.quickPlay('burst', 16);
            done++;
          }
        }),
      ),
    );
    return { nodes: nodeCount, rooms: roomCount, ops, quickPlaysPerSecond: done / ((performance.now() - started) / 1000) };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    stats.disconnect();
  }
}

export function costMarkdown(cost: DirectoryCost): string {
  const lines = [
    `Directory of ${cost.nodes} nodes and ${cost.rooms} public rooms:`,
    '',
    '| operation | round trips | Redis commands per call | Redis µs per call |',
    '|---|---:|---:|---:|',
    ...cost.ops.map((o) => `| ${o.op} | ${o.roundTrips.toFixed(1)} | ${o.commands.toFixed(1)} | ${o.redisMicros.toFixed(0)} |`),
    '',
    `Quick plays per second (3 nodes, 64 in flight each): ${Math.round(cost.quickPlaysPerSecond)}`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { nodes: { type: 'string', default: '10' }, rooms: { type: 'string', default: '200' }, calls: { type: 'string', default: '500' } } });
  const redis = await startRedisServer();
  try {
    process.stderr.write(`measuring: ${values.nodes} nodes, ${values.rooms} rooms...\n`);
    const cost = await measureDirectoryCost(redis.url, Number(values.nodes), Number(values.rooms), Number(values.calls));
    process.stdout.write(`${costMarkdown(cost)}\n`);
  } finally {
    await redis.stop();
  }
}
