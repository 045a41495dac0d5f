// Starts a peer's bench server (colyseus-server.ts, floor-server.ts) pinned to core 0, and reads its stats.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pinned } from '../capacity-bench.js';
import type { PeerServerStats } from './server-stats.js';

export interface PeerServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly statsPort: number;
}

const START_TIMEOUT_MS = 30_000;

export function startPeerServer(script: string, args: readonly string[]): Promise<PeerServer> {
  const [cmd, ...rest] = pinned(0, [process.execPath, '--import', 'tsx', script, ...args]);
  const child = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"listening"')) return;
      clearTimeout(timer);
      const { port, statsPort } = JSON.parse(line) as { port: number; statsPort: number };
      resolve({ child, port, statsPort });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}`));
    });
  });
}

export async function peerStats(server: PeerServer): Promise<PeerServerStats> {
  return (await (await fetch(`http://127.0.0.1:${server.statsPort}/bench-stats`)).json()) as PeerServerStats;
}
