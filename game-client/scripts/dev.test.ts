// `npm run dev` as a developer uses it: npm in a process group of its own (a terminal's foreground group),
// the game server and Vite up, a browser tab that drops its socket.io connection through Vite's proxy (a
// TCP reset, as a closed tab does), a restart on a source change, then Ctrl-C to the whole group in the
// middle of a restart. The output must stay quiet (no EPIPE, no stack trace, no complaint), npm must exit
// 0, and no process of the chain may be left.

import { spawn, type ChildProcess } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { Agent, type ClientRequestArgs } from 'node:http';
import { Socket as TcpSocket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { io, type Socket } from 'socket.io-client';
import { afterEach, expect, it } from 'vitest';
import { clientParser } from '../../shared/net/msgpack-parser.js';
import { EV, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { freePort } from '../../server/test-support/free-port.js';
import { isRunning, processTree } from '../../server/test-support/process-tree.js';
import { waitFor } from '../../server/test-support/test-client.js';
import { REPO_ROOT } from './client-build.js';

// Measured here: both servers are up 1.6 s after spawn when idle, 2.4 s with both cores busy; a restart
// takes 1 s (2 s busy); Ctrl-C in the middle of a restart ends everything in 0.15 s. Each bound is 10x or more.
const STARTUP_MS = 60_000;
const RESTART_MS = 30_000;
const STOP_MS = 15_000;
const SNAPSHOTS_MS = 15_000;
/** A server file whose modification time the test bumps (its content is left alone). */
const WATCHED_FILE = join(REPO_ROOT, 'server', 'logger.ts');

const started: ChildProcess[] = [];
const seenPids = new Set<number>();
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  // Whatever a failed test left running: npm's group, and each process of the chain seen (the game
  // server runs in a group of its own).
  for (const child of started.splice(0)) {
    child.stdin?.destroy();
    killQuietly(-child.pid!);
  }
  for (const pid of seenPids) killQuietly(pid);
  seenPids.clear();
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** An http.Agent that keeps the TCP sockets it opens, so that the test can reset one as a closed tab does. */
class SocketKeepingAgent extends Agent {
  readonly opened: TcpSocket[] = [];

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (socket instanceof TcpSocket) this.opened.push(socket);
    return socket;
  }
}

interface DevRun {
  readonly npm: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  lines(): readonly string[];
  readonly exited: Promise<number | null>;
}

// Terminal colour codes (ESC [ ... m).
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

function npmRunDev(env: NodeJS.ProcessEnv): DevRun {
  const npm = spawn('npm', ['run', 'dev'], {
    cwd: REPO_ROOT,
    detached: true,
    // stdin stays open, as a terminal's: Vite stops when its stdin ends.
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info', RECORDINGS_DIR: 'off', ...env },
  });
  started.push(npm);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  // Without colour codes: Vite colours its output when CI is set (picocolors), even into a pipe.
  for (const stream of [npm.stdout!, npm.stderr!]) createInterface({ input: stream }).on('line', (line) => lines.push(line.replace(ANSI_ESCAPE, '')));
  return { npm, output: () => lines.join('\n'), lines: () => lines, exited };
}

function rememberProcesses(run: DevRun): void {
  for (const p of processTree(run.npm.pid!)) seenPids.add(p.pid);
}

const listeningCount = (run: DevRun) => run.lines().filter((line) => line.includes('"msg":"listening"')).length;

it('stays quiet when a tab drops its connection, restarts on a change, and stops on Ctrl-C mid-restart with exit code 0 and nothing left', async () => {
  const port = await freePort();
  const run = npmRunDev({ PORT: String(port), VITE_PORT: String(await freePort()) });
  await waitFor(
    () => listeningCount(run) === 1 && /Local:\s+http:\/\/localhost:\d+\//.test(run.output()),
    STARTUP_MS,
    `the game server and Vite to start:\n${run.output()}`,
  );
  rememberProcesses(run);
  // Vite moves to the next port when the chosen one was taken meanwhile: its own line says where it is.
  const vitePort = Number(/Local:\s+http:\/\/localhost:(\d+)\//.exec(run.output())![1]);

  // A player in a room through Vite's /socket.io proxy, receiving snapshots, whose tab goes away.
  const agent = new SocketKeepingAgent();
  const tab = io(`http://127.0.0.1:${vitePort}`, {
    transports: ['websocket'],
    parser: clientParser,
    auth: { protocol: PROTOCOL_VERSION, name: 'tab' },
    reconnection: false,
    // Typed for browsers (string | boolean); in Node.js engine.io-client hands it to ws as the http.Agent.
    agent: agent as unknown as string,
  });
  sockets.push(tab);
  let snapshots = 0;
  tab.on(EV.snapshot, () => void snapshots++);
  await new Promise<void>((resolve, reject) => {
    tab.once('connect', resolve);
    tab.once('connect_error', reject);
  });
  expect(await tab.timeout(5000).emitWithAck(EV.quickPlay, {})).toMatchObject({ ok: true });
  await waitFor(() => snapshots >= 10, SNAPSHOTS_MS, 'snapshots through the proxy');
  expect(agent.opened.length).toBeGreaterThan(0);
  for (const socket of agent.opened) socket.resetAndDestroy();
  await waitFor(() => run.output().includes('player disconnected, seat held'), SNAPSHOTS_MS, 'the game server to see the tab go');

  // A source change restarts the game server.
  const now = new Date();
  utimesSync(WATCHED_FILE, now, now);
  await waitFor(() => listeningCount(run) === 2, RESTART_MS, `the game server to restart:\n${run.output()}`);
  expect(run.output()).toContain('[dev] server/logger.ts changed: restarting the game server');
  rememberProcesses(run);

  // Another change, and Ctrl-C (SIGINT to the foreground group) while the server stops for that restart.
  const restarts = () => run.lines().filter((line) => line.includes('restarting the game server')).length;
  const later = new Date(now.getTime() + 1000);
  utimesSync(WATCHED_FILE, later, later);
  await waitFor(() => restarts() === 2, RESTART_MS, 'the second restart to begin');
  rememberProcesses(run);
  const tree = processTree(run.npm.pid!);
  expect(tree.filter((p) => p.comm === 'node').length, 'dev.ts, Vite and the game server').toBeGreaterThanOrEqual(3);
  process.kill(-run.npm.pid!, 'SIGINT');

  const code = await Promise.race([run.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), STOP_MS))]);
  expect(code, `npm's exit code after Ctrl-C:\n${run.output()}`).toBe(0);
  await waitFor(() => [...seenPids].every((pid) => !isRunning(pid)), STOP_MS, 'every process of npm run dev to exit');
  run.npm.stdin!.destroy();

  const output = run.output();
  expect(output).not.toMatch(/EPIPE|ECONNRESET/);
  expect(output, 'a stack trace').not.toMatch(/^\s+at \S.*:\d+:\d+\)?$/m);
  expect(output).not.toMatch(/hasn't exited|didn't exit|Force killing|still running after/i);
}, STARTUP_MS + SNAPSHOTS_MS * 2 + RESTART_MS * 2 + STOP_MS * 2);
