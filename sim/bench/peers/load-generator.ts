// The load generator of a peer (Colyseus, ws floor): connects WORKLOAD players at a steady ramp, sends every
// connected player's input 30 times a second from one clock, measures for --duration seconds after the
// ramp, then writes a PeerLoadReport (--json FILE) and exits. Each peer only says how one player connects.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ArenaInput } from '../../../shared/game/arena/index.js';
import { startTickClock, WORKLOAD, WorkloadPlayer, type PeerLoadReport } from './workload.js';

export interface PeerClient {
  send(input: ArenaInput): void;
  /** State messages received so far. */
  readonly received: number;
  readonly open: boolean;
  close(): void;
}

/** Connects player `index` (of room `Math.floor(index / playersPerRoom)`) to the server at `url`. */
export type Connect = (url: string, index: number) => Promise<PeerClient>;

export async function runPeerLoad(url: string, players: number, durationSec: number, rampPerSec: number, connect: Connect): Promise<PeerLoadReport> {
  const clients: { client: PeerClient; player: WorkloadPlayer }[] = [];
  const failures: Record<string, number> = {};
  let inputsSent = 0;
  const stopClock = startTickClock(() => {
    for (const c of clients) {
      if (!c.client.open) continue;
      c.client.send(c.player.nextInput());
      inputsSent++;
    }
  });
  const joins: Promise<void>[] = [];
  for (let i = 0; i < players; i++) {
    joins.push(
      connect(url, i).then(
        (client) => void clients.push({ client, player: new WorkloadPlayer(i + 1) }),
        (err: unknown) => {
          const key = (err instanceof Error ? err.message : String(err)).slice(0, 60);
          failures[key] = (failures[key] ?? 0) + 1;
        },
      ),
    );
    await new Promise((r) => setTimeout(r, 1000 / rampPerSec));
  }
  await Promise.all(joins);

  const from = performance.now();
  const cpuFrom = process.cpuUsage();
  const sentFrom = inputsSent;
  const receivedFrom = clients.reduce((n, c) => n + c.client.received, 0);
  await new Promise((r) => setTimeout(r, durationSec * 1000));
  const seconds = (performance.now() - from) / 1000;
  const cpu = process.cpuUsage(cpuFrom);
  stopClock();
  const connected = clients.filter((c) => c.client.open).length;
  const report: PeerLoadReport = {
    requested: players,
    connected,
    failed: players - clients.length,
    failures,
    inputsSent: inputsSent - sentFrom,
    inputsDue: connected * WORKLOAD.inputsPerSec * seconds,
    messagesReceived: clients.reduce((n, c) => n + c.client.received, 0) - receivedFrom,
    durationSec: seconds,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
  };
  for (const c of clients) c.client.close();
  return report;
}

/** The CLI of a peer's load generator: --url URL --players N --duration S [--ramp N] [--json FILE]. */
export function loadGeneratorMain(connect: Connect): void {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      players: { type: 'string' },
      duration: { type: 'string', default: '10' },
      ramp: { type: 'string', default: String(WORKLOAD.rampPerSec) },
      json: { type: 'string' },
    },
  });
  if (!values.url || !values.players) throw new Error('--url and --players are required');
  runPeerLoad(values.url, Number(values.players), Number(values.duration), Number(values.ramp), connect)
    .then((report) => {
      if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
      process.stderr.write(`${JSON.stringify(report)}\n`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(`load generator failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
}
