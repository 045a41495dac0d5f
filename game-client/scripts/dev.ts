// `npm run dev`: the game server (tsx watch, restarts on server/shared changes) and Vite's dev server
// (hot reload, /socket.io proxied to the game server) from one command. Ctrl-C stops both.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, VITE_CONFIG } from './client-build.js';

const port = process.env.PORT ?? '3000';
const env = { ...process.env, PORT: port, GAME_SERVER_URL: process.env.GAME_SERVER_URL ?? `http://localhost:${port}` };
// Past the server's own 10 s bound on a graceful shutdown (server/main.ts).
const FORCE_KILL_MS = 15_000;

const children: ChildProcess[] = [];
/** Children with a process group of their own: killed with the whole group (tsx watch's server too). */
const groupLeaders = new Set<ChildProcess>();
let stopping = false;

/**
 * `ownGroup`: the child gets a process group of its own, so a terminal's Ctrl-C reaches it only through
 * stop(), once. `tsx watch` force-kills the server on a second signal, which would cut off its graceful
 * shutdown (recordings unfinished) when Ctrl-C also came straight from the terminal. Such a child cannot
 * read the terminal, so its stdin is closed.
 */
function run(name: string, args: string[], ownGroup: boolean): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ownGroup ? ['ignore', 'inherit', 'inherit'] : 'inherit',
    detached: ownGroup,
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`[dev] ${name} exited (${signal ?? code}); stopping\n`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  if (ownGroup) groupLeaders.add(child);
  return child;
}

function stop(code: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (stopping) return; // npm forwards the Ctrl-C that this process also got from the terminal
  stopping = true;
  let alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of alive) c.kill(signal);
  const done = () => {
    alive = alive.filter((c) => c.exitCode === null && c.signalCode === null);
    if (alive.length === 0) process.exit(code);
  };
  for (const c of alive) c.once('exit', done);
  done();
  setTimeout(() => {
    for (const c of alive) {
      try {
        process.kill(groupLeaders.has(c) ? -c.pid! : c.pid!, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    process.exit(code);
  }, FORCE_KILL_MS).unref();
}

run('server', [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'watch', '--clear-screen=false', 'server/main.ts'], true);
run('vite', [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), '--config', VITE_CONFIG], false);
process.stdout.write(`[dev] game server on http://localhost:${port}; open the Vite URL below for hot reload\n`);

// SIGHUP (the terminal closed) too: the server, in its own group, would not get it from the terminal.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(0, signal === 'SIGHUP' ? 'SIGTERM' : signal));
