// `npm run dev`: the game server, restarted when a file of server/ or shared/ changes, and Vite's dev server
// (hot reload, /socket.io proxied to the game server) from one command. Ctrl-C stops both, once each, and
// exits 0 as soon as both have exited.
//
// The server is restarted by this script rather than by `tsx watch`: tsx watch force-kills the server
// (SIGKILL, with "Previous process hasn't exited yet") when a stop signal arrives during a restart, which
// cut the server's graceful shutdown short. Here one owner decides: a restart waits for the old server to
// exit before starting the new one, and a stop lets whichever server is running finish its shutdown.

import { spawn, type ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, VITE_CONFIG } from './client-build.js';

const port = process.env.PORT ?? '3000';
const env = { ...process.env, PORT: port, GAME_SERVER_URL: process.env.GAME_SERVER_URL ?? `http://localhost:${port}` };
/** What the server is built from: a change to one of their files (tests aside) restarts it. */
const WATCHED_DIRS = ['server', 'shared'].map((dir) => join(REPO_ROOT, dir));
/** An editor's save is often several file events: one restart for them all. */
const RESTART_DEBOUNCE_MS = 100;
// Past the server's own 10 s bound on a graceful shutdown (server/main.ts).
const FORCE_KILL_MS = 15_000;

let server: ChildProcess | null = null;
/** A change arrived while the server was stopping for a restart: start it again once it has exited. */
let restartPending = false;
let vite: ChildProcess | null = null;
let stopping = false;
let exitCode = 0;
let watchers: FSWatcher[] = [];
let debounce: NodeJS.Timeout | undefined;

const say = (line: string) => void process.stdout.write(`[dev] ${line}\n`);
const running = (child: ChildProcess | null): child is ChildProcess => child !== null && child.exitCode === null && child.signalCode === null;

/**
 * The server gets a process group of its own, so a terminal's Ctrl-C reaches it only through stop(), once
 * (server/main.ts treats a second signal as "stop now"), and a forced stop reaches whatever it started. It
 * cannot read the terminal then, so its stdin is closed.
 */
function startServer(): void {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  server = child;
  child.on('exit', (code, signal) => {
    if (server === child) server = null;
    if (stopping) return exitWhenAllStopped();
    if (restartPending) {
      restartPending = false;
      return startServer();
    }
    say(`game server exited (${signal ?? code}); it starts again when a file of server/ or shared/ changes`);
  });
}

function restartServer(): void {
  if (stopping) return;
  if (!running(server)) return startServer();
  if (restartPending) return; // already stopping for a restart
  restartPending = true;
  server.kill('SIGTERM');
}

function watchSources(): void {
  for (const dir of WATCHED_DIRS) {
    const watcher = watch(dir, { recursive: true }, (_event, file) => {
      if (!file || !file.endsWith('.ts') || file.endsWith('.test.ts')) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        say(`${relative(REPO_ROOT, join(dir, file))} changed: restarting the game server`);
        restartServer();
      }, RESTART_DEBOUNCE_MS);
    });
    watcher.on('error', (err) => say(`cannot watch ${relative(REPO_ROOT, dir)} (${err.message}): restart the game server by hand`));
    watchers.push(watcher);
  }
}

function startVite(): void {
  vite = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), '--config', VITE_CONFIG], {
    cwd: REPO_ROOT,
    env,
    stdio: 'inherit',
  });
  vite.on('exit', (code, signal) => {
    if (stopping) return exitWhenAllStopped();
    // Vite stays in the terminal's process group (it reads its keyboard shortcuts there), so a Ctrl-C
    // reaches it directly and may end it before this process handles its own: a stop, not a failure.
    if (signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP') return stop(0, signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
    say(`vite exited (${code}); stopping`);
    stop(code ?? 1, 'SIGTERM');
  });
}

/** Stops both (a server stopping for a restart just finishes), then exits with `code`. */
function stop(code: number, signal: NodeJS.Signals): void {
  if (stopping) return; // npm forwards the Ctrl-C that this process also got from the terminal
  stopping = true;
  exitCode = code;
  clearTimeout(debounce);
  for (const watcher of watchers) watcher.close();
  watchers = [];
  // SIGINT tells the server to stop at once, SIGTERM to drain first (server/main.ts); Vite closes on SIGTERM.
  if (running(server)) server.kill(signal);
  if (running(vite)) vite.kill('SIGTERM');
  exitWhenAllStopped();
  setTimeout(() => {
    say(`still running after ${FORCE_KILL_MS / 1000} s: killing`);
    killQuietly(server && -server.pid!);
    killQuietly(vite?.pid);
    process.exit(code);
  }, FORCE_KILL_MS).unref();
}

function exitWhenAllStopped(): void {
  if (!running(server) && !running(vite)) process.exit(exitCode);
}

function killQuietly(pid: number | null | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // exited meanwhile
  }
}

watchSources();
startServer();
startVite();
say(`game server on http://localhost:${port}; open the Vite URL below for hot reload`);

// SIGHUP (the terminal closed) too: the server, in its own group, would not get it from the terminal.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(0, signal === 'SIGHUP' ? 'SIGTERM' : signal));
