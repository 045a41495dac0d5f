// `npm start` as a supervisor runs it: SIGTERM to any one process of its chain (the npm process alone, as
// Docker's `CMD npm start` does, or the server process), or SIGINT to the whole process group (a terminal's
// Ctrl-C), gives exactly one graceful shutdown: players are told, the recording is finalized, every process
// of the tree exits and npm exits with the server's code 0.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import { readRecording } from '../../shared/recording/index.js';
import { connectClient, waitFor } from '../test-support/test-client.js';
import { isRunning, processTree, type ProcInfo } from '../test-support/process-tree.js';

// Measured on a loaded 2-core machine with tsx's cache off: start, play and graceful shutdown take under
// 2 s together. Each wait below is bounded at 10x that or more; the test limits are their sums.
const LISTENING_MS = 20_000;
const SHUTDOWN_MS = 10_000;

interface NpmStart {
  readonly npm: ChildProcess;
  readonly port: number;
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

const groups: number[] = [];
const clients: NetClient[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  // Whatever a failed test left running: the whole process group (orphans keep their group).
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `npm start` in its own process group (as a terminal or supervisor runs it), up to its "listening" log. */
function npmStart(recordingsDir: string): Promise<NpmStart> {
  const npm = spawn('npm', ['start'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SKIP_CLIENT_BUILD: '1', RECORDINGS_DIR: recordingsDir, BOT_FILL: '0' },
  });
  groups.push(npm.pid!);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  npm.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not log "listening" within ${LISTENING_MS} ms\n${stderr}`)), LISTENING_MS);
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return; // npm's banner
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'listening') {
        clearTimeout(timer);
        resolve({ npm, port: entry.port as number, logs, exited });
      }
    });
    void exited.then((code) => reject(new Error(`npm start exited early with ${code}\n${stderr}`)));
  });
}

/**
 * The chain from npm down to the server: the deepest `node` process and its ancestors. Helpers the chain
 * starts beside it (tsx's esbuild service) are in the tree but not in the chain.
 */
function serverChain(tree: readonly ProcInfo[]): ProcInfo[] {
  const server = tree.filter((p) => p.comm === 'node').at(-1);
  if (!server) throw new Error(`no node process under npm: ${tree.map((p) => p.comm).join(', ')}`);
  const chain = [server];
  while (chain[0]!.pid !== tree[0]!.pid) chain.unshift(tree.find((p) => p.pid === chain[0]!.ppid)!);
  return chain;
}

/** Starts `npm start` with a player in a recorded match, signals, and checks the whole graceful shutdown. */
async function shutDownBy(signal: 'SIGTERM' | 'SIGINT', target: (npmPid: number, chain: readonly ProcInfo[]) => number): Promise<number> {
  const recordings = mkdtempSync(join(tmpdir(), 'signals-rec-'));
  dirs.push(recordings);
  const { npm, port, logs, exited } = await npmStart(recordings);
  const tree = processTree(npm.pid!);
  const chain = serverChain(tree);

  const player = await connectClient(`http://127.0.0.1:${port}`, { name: 'signalled' });
  clients.push(player);
  await player.quickPlay();
  await waitFor(() => player.mirror.latestTick > 10, SHUTDOWN_MS, 'snapshots');
  const closed = player.next('roomClosed', SHUTDOWN_MS);

  const pid = target(npm.pid!, chain);
  process.kill(pid, signal);
  const what = `${signal} to ${pid === -npm.pid! ? 'the process group' : chain.find((p) => p.pid === pid)?.comm ?? pid}`;

  expect((await closed).reason, what).toBe('shutdown');
  const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), SHUTDOWN_MS))]);
  expect(code, `npm's exit code after ${what}`).toBe(0);
  await waitFor(() => tree.every((p) => !isRunning(p.pid)), SHUTDOWN_MS, `every process of the tree to exit after ${what}`);
  expect(logs.filter((l) => l.msg === 'signal received'), what).toHaveLength(1);

  const files = readdirSync(recordings).filter((f) => f.endsWith('.rec'));
  expect(files, what).toHaveLength(1);
  const recording = await readRecording(readFileSync(join(recordings, files[0]!)));
  expect(recording.complete, what).toBe(true);
  expect(recording.end?.reason, what).toBe('shutdown');
  expect(recording.end?.players.map((p) => p.name), what).toEqual(['signalled']);
  return chain.length;
}

it('SIGTERM to the npm process, or to any other process of the chain, shuts the server down gracefully', async () => {
  const depth = await shutDownBy('SIGTERM', (npmPid) => npmPid);
  // Then each process below npm in turn, down to the server itself.
  for (let i = 1; i < depth; i++) await shutDownBy('SIGTERM', (_npm, chain) => chain[i]!.pid);
}, 120_000);

it('SIGINT to the whole process group (Ctrl-C in a terminal) gives one graceful shutdown', async () => {
  await shutDownBy('SIGINT', (npmPid) => -npmPid);
}, 60_000);
