// The real server (server/main.ts, what `npm start` runs) as a child process for a soak: started with
// the given environment, ready once it logs "listening" (its port), its JSON log lines read to the end
// (a pipe nobody reads would block the server) and its warnings and errors counted by message.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER_MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));

export interface ServerLogCounts {
  warn: number;
  error: number;
  /** "level: msg" -> count, for warnings and errors. */
  readonly messages: Record<string, number>;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly logs: ServerLogCounts;
  /** Exit code or signal once the process has exited, null while it runs. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGTERM (graceful shutdown), SIGKILL past `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs: number): Promise<number | null>;
}

export function startServerProcess(env: NodeJS.ProcessEnv, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_MAIN], {
    env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: ServerLogCounts = { warn: 0, error: 0, messages: {} };
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const count = (line: string) => {
    let entry: { level?: unknown; msg?: unknown };
    try {
      entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
    } catch {
      entry = { level: 'error', msg: line.slice(0, 120) }; // not a log line: a crash trace
    }
    if (entry.level !== 'warn' && entry.level !== 'error') return;
    logs[entry.level]++;
    const key = `${entry.level}: ${String(entry.msg)}`;
    logs.messages[key] = (logs.messages[key] ?? 0) + 1;
  };
  createInterface({ input: child.stderr! }).on('line', count);
  const stdout = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not log "listening" within ${startTimeoutMs / 1000} s`));
    }, startTimeoutMs);
    void exitedPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited during start-up (${JSON.stringify(exit)})`));
    });
    let port = 0;
    stdout.on('line', (line) => {
      count(line);
      if (port !== 0 || !line.includes('"listening"')) return;
      port = (JSON.parse(line) as { port: number }).port;
      clearTimeout(timer);
      resolve({
        child,
        pid: child.pid!,
        port,
        url: `http://127.0.0.1:${port}`,
        logs,
        exited: () => exit,
        stop: async (graceMs) => {
          if (exit) return exit.code;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exitedPromise;
          clearTimeout(killer);
          return exit!.code;
        },
      });
    });
  });
}
