// `npm run dev`: the game server (tsx watch, restarts on server/shared changes) and Vite's dev server
// (hot reload, /socket.io proxied to the game server) from one command. Ctrl-C stops both.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, VITE_CONFIG } from './client-build.js';

const port = process.env.PORT ?? '3000';
const env = { ...process.env, PORT: port, GAME_SERVER_URL: process.env.GAME_SERVER_URL ?? `http://localhost:${port}` };

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`[dev] ${name} exited (${signal ?? code}); stopping\n`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(code: number, signal: NodeJS.Signals = 'SIGTERM'): void {
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
    for (const c of alive) c.kill('SIGKILL');
    process.exit(code);
  }, 5000).unref();
}

run('server', [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'watch', '--clear-screen=false', 'server/main.ts']);
run('vite', [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), '--config', VITE_CONFIG]);
process.stdout.write(`[dev] game server on http://localhost:${port}; open the Vite URL below for hot reload\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0, signal));
