// `npm run bench:codec`: what our acked-baseline deltas cost against sending the full state, side by
// side in one run. The arena runs with 16 bots (fighting, or wandering without firing); every tick each
// encoder produces what each of the 16 clients would receive. Reported: bytes per snapshot (payload, and
// per socket.io packet), bytes per client per second (payload and packet) and encode time per client-tick.
//
// Options: --ticks N (measured ticks, default 1800 = 60 s of game time), --players N (default 16),
//          --behaviour fight|wander|idle (default fight), --out DIR (default bench-results).

import { Encoder } from '@msgpack/msgpack';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Encoder as JsonPacketEncoder } from 'socket.io-parser';
import { Replicator, type ReplicationClient } from '../../shared/codec/index.js';
import type { GameEvent } from '../../shared/codec/schema.js';
import { arenaGame, type ArenaWorld } from '../../shared/game/arena/index.js';
import { serverParser } from '../../shared/net/msgpack-parser.js';
import { EV } from '../../shared/protocol.js';
import { ArenaBrain, type BotBehaviour } from '../../shared/game/arena/bot-brain.js';
import { fullStateMessage, NAIVE_STATE_EVENT } from './naive/full-state.js';
import { barChartSvg } from './svg-bar-chart.js';

const { values: args } = parseArgs({
  options: {
    ticks: { type: 'string', default: '1800' },
    players: { type: 'string', default: '16' },
    out: { type: 'string', default: 'bench-results' },
    behaviour: { type: 'string', default: 'fight,wander' },
  },
});
const BEHAVIOURS = args.behaviour!.split(',') as BotBehaviour[];
const MEASURED_TICKS = Number(args.ticks);
const PLAYERS = Number(args.players);
const WARMUP_TICKS = 150;
const TICK_RATE = arenaGame.tickRate;
/** Clients acknowledge a snapshot this many ticks after it was sent (about 100 ms of round trip). */
const ACK_DELAY_TICKS = 3;
/** Fraction of snapshots lost (never acknowledged), as volatile emits skipped under load would be. */
const LOSS = 0.02;

interface Column {
  readonly name: string;
  bytes: number;
  framed: number;
  ms: number;
}

const msgpack = new Encoder({ ignoreUndefined: true });
const ourPacket = new serverParser.Encoder();
const jsonPacket = new JsonPacketEncoder();

function framedSize(encoded: (string | Uint8Array)[]): number {
  return encoded.reduce((n, part) => n + (typeof part === 'string' ? Buffer.byteLength(part) + 1 : part.byteLength), 0);
}

function run(behaviour: BotBehaviour) {
  const game = arenaGame;
  const world = game.createWorld(20261125) as ArenaWorld;
  const brains: ArenaBrain[] = [];
  for (let id = 1; id <= PLAYERS; id++) {
    game.addPlayer(world, id, `bot${id}`);
    brains.push(new ArenaBrain(behaviour, id * 7919));
  }
  const withInterest = new Replicator(game.schema, { interestRadius: game.interestRadius!, cellSize: game.interestRadius! / 2 });
  const noInterest = new Replicator(game.schema, { interestRadius: 1e9 });
  const clientsA: ReplicationClient[] = brains.map(() => withInterest.addClient());
  const clientsB: ReplicationClient[] = brains.map(() => noInterest.addClient());
  const columns: Column[] = [
    { name: 'full state, JSON (socket.io default parser)', bytes: 0, framed: 0, ms: 0 },
    { name: 'full state, msgpack', bytes: 0, framed: 0, ms: 0 },
    { name: 'ours: acked deltas, no interest filter', bytes: 0, framed: 0, ms: 0 },
    { name: 'ours: acked deltas + interest grid', bytes: 0, framed: 0, ms: 0 },
  ];
  let lossState = 12345;
  const lost = () => ((lossState = (lossState * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) < LOSS;
  const pendingAcks: { tick: number; client: number; replicator: Replicator; handle: ReplicationClient }[] = [];
  let events: { tick: number; event: GameEvent }[] = [];
  let measuredClientTicks = 0;

  for (let tick = 1; tick <= WARMUP_TICKS + MEASURED_TICKS; tick++) {
    // Bots decide from the true world (fine for load generation), the world steps.
    world.players.forEach((p, i) => {
      const enemies = world.players.filter((o) => o.id !== p.id && o.alive).map((o) => ({ x: o.x, y: o.y }));
      const input = brains[i]!.think({ self: { x: p.x, y: p.y, alive: p.alive }, enemies });
      game.applyInput(world, p.id, input, { tick, renderTick: tick - 3 });
    });
    events = game.step(world, tick).map((event) => ({ tick, event }));
    const views = game.view(world);
    // Acks arrive in send order: drain the due ones from the front.
    let due = 0;
    while (due < pendingAcks.length && pendingAcks[due]!.tick <= tick - ACK_DELAY_TICKS) {
      const ack = pendingAcks[due++]!;
      ack.replicator.acknowledge(ack.handle, ack.tick);
    }
    pendingAcks.splice(0, due);
    const measuring = tick > WARMUP_TICKS;

    // Side by side, in a rotating order so no encoder always runs on a warmer cache.
    const order = [0, 1, 2, 3].map((k) => (k + tick) % 4);
    for (const which of order) {
      const column = columns[which]!;
      let bytes = 0;
      let framed = 0;
      const t0 = performance.now();
      if (which === 0) {
        // Broadcast: encoded once per tick for the whole room (as io.to(room).emit does).
        const packet = jsonPacket.encode({ type: 2, nsp: '/', data: [NAIVE_STATE_EVENT, fullStateMessage(tick, views, game.schema)] });
        const size = framedSize(packet);
        bytes = (Buffer.byteLength(JSON.stringify(fullStateMessage(tick, views, game.schema)))) * PLAYERS;
        framed = size * PLAYERS;
      } else if (which === 1) {
        const payload = msgpack.encode(fullStateMessage(tick, views, game.schema));
        const size = ourPacket.encode({ type: 2, nsp: '/', data: [NAIVE_STATE_EVENT, payload] })[0]!.byteLength;
        bytes = payload.byteLength * PLAYERS;
        framed = size * PLAYERS;
      } else {
        const replicator = which === 2 ? noInterest : withInterest;
        const handles = which === 2 ? clientsB : clientsA;
        replicator.commitTick(tick, views, events);
        world.players.forEach((p, i) => {
          const focus = game.focusOf(world, p.id);
          const snapshot = replicator.encodeFor(handles[i]!, focus, { lastInputSeq: tick, lastInputTick: tick, inputQueueDepth: 1 });
          bytes += snapshot.byteLength;
          framed += ourPacket.encode({ type: 2, nsp: '/', data: [EV.snapshot, snapshot] })[0]!.byteLength;
          if (!lost()) pendingAcks.push({ tick, client: i, replicator, handle: handles[i]! });
        });
      }
      const elapsed = performance.now() - t0;
      if (measuring) {
        column.ms += elapsed;
        column.bytes += bytes;
        column.framed += framed;
      }
    }
    if (measuring) measuredClientTicks += PLAYERS;
    if (tick % 300 === 0) process.stderr.write(`  tick ${tick}/${WARMUP_TICKS + MEASURED_TICKS}\n`);
  }

  const rows = columns.map((c) => ({
    encoder: c.name,
    bytesPerSnapshot: c.bytes / measuredClientTicks,
    framedBytesPerSnapshot: c.framed / measuredClientTicks,
    bytesPerClientPerSec: (c.bytes / measuredClientTicks) * TICK_RATE,
    framedBytesPerClientPerSec: (c.framed / measuredClientTicks) * TICK_RATE,
    encodeMicrosPerClientTick: (c.ms * 1000) / measuredClientTicks,
  }));
  return { rows, entities: game.view(world).length };
}

/** One behaviour's table and note. */
function report(behaviour: BotBehaviour) {
  process.stderr.write(`codec bench: ${PLAYERS} bots (${behaviour}), ${MEASURED_TICKS} ticks at ${TICK_RATE} Hz\n`);
  const { rows, entities } = run(behaviour);
  const base = rows[0]!;
  const table = [
    '| encoder | B/snapshot | B/packet (socket.io) | B/s per client (payload) | B/s per client (socket.io packet) | vs JSON | encode µs per client-tick |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.encoder} | ${r.bytesPerSnapshot.toFixed(1)} | ${r.framedBytesPerSnapshot.toFixed(1)} | ${Math.round(r.bytesPerClientPerSec)} | ${Math.round(r.framedBytesPerClientPerSec)} | ${(r.framedBytesPerClientPerSec / base.framedBytesPerClientPerSec).toFixed(3)}x | ${r.encodeMicrosPerClientTick.toFixed(2)} |`,
    ),
  ].join('\n');
  const note =
    `Arena, ${PLAYERS} bots, behaviour **${behaviour}** (${entities} entities at the end, projectiles included), ` +
    `${MEASURED_TICKS} ticks at ${TICK_RATE} Hz, snapshots every tick, acks ${ACK_DELAY_TICKS} ticks late, ${LOSS * 100}% of snapshots never acked.`;
  process.stdout.write(`\n${note}\n\n${table}\n`);
  return { behaviour, rows, table, note };
}

function main(): void {
  const results = BEHAVIOURS.map(report);
  const method =
    'Full-state encoders are encoded once per tick and broadcast (their µs are per client-tick after dividing by the room size); ' +
    'ours encode per client, sharing entity bytes between clients with the same baseline. ' +
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
  mkdirSync(args.out!, { recursive: true });
  writeFileSync(
    join(args.out!, 'codec.json'),
    JSON.stringify({ players: PLAYERS, ticks: MEASURED_TICKS, results: results.map(({ behaviour, rows }) => ({ behaviour, rows })) }, null, 2),
  );
  const sections = results.map((r) => `## ${r.behaviour}\n\n${r.note}\n\n${r.table}\n\n![bytes per client per second, ${r.behaviour}](codec-${r.behaviour}.svg)\n`);
  writeFileSync(join(args.out!, 'codec.md'), `# Codec benchmark\n\n\`npm run bench:codec\`. ${method}\n\n${sections.join('\n')}`);
  for (const r of results) {
    writeFileSync(
      join(args.out!, `codec-${r.behaviour}.svg`),
      barChartSvg({
        title: `Bytes per client per second, 16 bots (${r.behaviour})`,
        unit: 'B/s',
        bars: r.rows.map((row) => ({ label: row.encoder, value: row.framedBytesPerClientPerSec })),
      }),
    );
  }
  process.stderr.write(`wrote ${join(args.out!, 'codec.md')}, codec.json, codec-*.svg\n`);
}

main();
