// The real server (server/main.ts, what `npm start` runs) as a child process, for tests and tools that need
// a process of their own: one that can be killed -9, frozen, or given its own environment. Its output is
// read to the end (a pipe nobody reads would block the server), the newest lines are kept, and it is ready
// once it listens: with PORT=0 its "listening" log line says on which port; with a fixed PORT (or when it
// logs below info) once /healthz there answers 200.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const SERVER_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Measured here: "listening" 0.8-1.5 s after spawn when idle, up to ~5 s with both cores busy.
const READY_TIMEOUT_MS = 60_000;
const HEALTH_POLL_MS = 100;

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /** Added to this process's environment. PORT defaults to 0 and HOST to 127.0.0.1. */
  readonly env: NodeJS.ProcessEnv;
  /** Arguments after the entry file, if the entry takes any. */
  readonly args?: readonly string[];
  readonly readyTimeoutMs?: number;
  /** Output lines kept, newest last (stdout and stderr interleaved); default 1000. */
  readonly keepLines?: number;
  /** Every line of output as it arrives. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * In a process group of its own, so that killGroup() also reaches whatever it starts (worker processes),
   * even once it is gone itself.
   */
  readonly ownProcessGroup?: boolean;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The newest lines of output. */
  readonly lines: readonly string[];
  /** Resolves once the process has exited and its output is read to the end. */
  readonly exited: Promise<ExitStatus>;
  /** The exit status once exited, null while it runs. */
  exitStatus(): ExitStatus | null;
  /** Sends a signal unless the process has exited. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL to its whole process group (ownProcessGroup), or to the process; resolves once it has exited. */
  killGroup(): Promise<ExitStatus>;
  /** SIGTERM (after SIGCONT, should it be frozen), SIGKILL past `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<ExitStatus>;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  // No server-hosted bots unless the test asks (BOT_FILL): tests count players.
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', BOT_FILL: '0', ...options.env };
  const keep = options.keepLines ?? 1000;
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_MAIN, ...(options.args ?? [])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup === true,
  });
  const lines: string[] = [];
  let status: ExitStatus | null = null;
  // 'close', not 'exit': the output is read to its end first, so a crash's stack trace is in `lines`.
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('close', (code, signal) => {
      status = { code, signal };
      resolve(status);
    }),
  );
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const running = { child, group: options.ownProcessGroup === true };
  killOnExit(running);
  void exited.then(() => stillRunning.delete(running));

  let listeningPort = 0;
  const read = (stream: 'stdout' | 'stderr') => (line: string) => {
    lines.push(line);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
    if (listeningPort === 0 && stream === 'stdout' && line.includes('"listening"')) listeningPort = portOfListeningLine(line);
    options.onLine?.(line, stream);
  };
  createInterface({ input: child.stdout! }).on('line', read('stdout'));
  createInterface({ input: child.stderr! }).on('line', read('stderr'));

  const fixedPort = Number(env.PORT);
  const signal = (sig: NodeJS.Signals) => {
    if (status === null) killQuietly(child, false, sig);
  };
  const untilExit = async (graceMs: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
    clearTimeout(timer);
    return done;
  };
  const killGroup = async (): Promise<ExitStatus> => {
    killQuietly(child, options.ownProcessGroup === true, 'SIGKILL');
    return exited;
  };

  const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const deadline = performance.now() + timeoutMs;
  let port = 0;
  try {
    for (;;) {
      const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), HEALTH_POLL_MS))]);
      if (failed) throw failed;
      if (status !== null) throw new Error(`the server exited while starting (${JSON.stringify(status)}):\n${lines.slice(-30).join('\n')}`);
      if (fixedPort === 0 && listeningPort !== 0) port = listeningPort;
      else if (fixedPort !== 0 && (await healthy(fixedPort))) port = fixedPort;
      if (port !== 0) break;
      if (performance.now() > deadline) throw new Error(`the server was not ready within ${timeoutMs / 1000} s:\n${lines.slice(-30).join('\n')}`);
    }
  } catch (err) {
    await killGroup();
    throw err;
  }

  return {
    child,
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    exited,
    exitStatus: () => status,
    signal,
    killGroup,
    async stop(graceMs) {
      signal('SIGCONT');
      signal('SIGTERM');
      if (!(await untilExit(graceMs))) await killGroup();
      return exited;
    },
  };
}

const stillRunning = new Set<{ readonly child: ChildProcess; readonly group: boolean }>();

/** A test or tool that exits without stopping its servers (a crash, an uncaught failure) must not leave them running. */
function killOnExit(running: { readonly child: ChildProcess; readonly group: boolean }): void {
  if (!process.listeners('exit').includes(killAllOnExit)) process.on('exit', killAllOnExit);
  stillRunning.add(running);
}

function killAllOnExit(): void {
  for (const { child, group } of stillRunning) killQuietly(child, group, 'SIGKILL');
}

function portOfListeningLine(line: string): number {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return entry.msg === 'listening' && typeof entry.port === 'number' ? entry.port : 0;
  } catch {
    return 0;
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

function killQuietly(child: ChildProcess, group: boolean, signal: NodeJS.Signals): void {
  try {
    if (group) process.kill(-child.pid!, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}
