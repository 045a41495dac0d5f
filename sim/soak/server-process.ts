// The real server (server/main.ts, what `npm start` runs) as a child process for a soak, on a free port
// with info logs, its warnings and errors counted by message.

import { startServerProcess as startProcess, type ExitStatus } from '../../server/test-support/server-process.js';

export interface ServerLogCounts {
  warn: number;
  error: number;
  /** "level: msg" -> count, for warnings and errors. */
  readonly messages: Record<string, number>;
}

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly logs: ServerLogCounts;
  /** Exit code or signal once the process has exited, null while it runs. */
  exited(): ExitStatus | null;
  /** SIGTERM (graceful shutdown), SIGKILL past `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs: number): Promise<number | null>;
}

export async function startServerProcess(env: NodeJS.ProcessEnv, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const logs: ServerLogCounts = { warn: 0, error: 0, messages: {} };
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
  const server = await startProcess({
    env: { BOT_FILL: '0', ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    readyTimeoutMs: startTimeoutMs,
    keepLines: 100,
    onLine: count,
  });
  return {
    pid: server.pid,
    port: server.port,
    url: server.url,
    logs,
    exited: () => server.exitStatus(),
    stop: async (graceMs) => (await server.stop(graceMs)).code,
  };
}
