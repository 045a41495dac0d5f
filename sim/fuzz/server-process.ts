// The game server as a separate node process (server/main.ts), for `npm run fuzz`: a crash is the
// process exiting, and every line it logs at level error is a finding.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../server/test-support/free-port.js';
import { startServerProcess } from '../../server/test-support/server-process.js';
import type { FuzzTarget } from './fuzz-run.js';
import type { FuzzFailure } from './fuzz-stats.js';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** Lines of output kept to explain a crash (at level error, all of it is on stderr). */
const STDERR_TAIL = 30;

export interface ServerProcess extends FuzzTarget {
  readonly pid: number;
  /** SIGTERM (SIGKILL if it takes too long); resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Describes one JSON log line at level error (undefined for other lines). */
function errorLine(line: string): string | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || (entry as { level?: unknown }).level !== 'error') return undefined;
  const { time: _time, level: _level, ...rest } = entry as Record<string, unknown>;
  return JSON.stringify(rest).slice(0, 800);
}

/** Starts `server/main.ts` on a free loopback port with `env` added, and resolves once /healthz answers 200. */
export async function spawnServer(env: Readonly<Record<string, string>>): Promise<ServerProcess> {
  const port = await freePort();
  const recordings = mkdtempSync(join(tmpdir(), 'fuzz-recordings-'));
  const problems: FuzzFailure[] = [];
  let stopping = false;
  const server = await startServerProcess({
    // Errors only: warnings (a line per rejected packet) would be most of the server's work.
    env: { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', RECORDINGS_DIR: recordings, ...env },
    readyTimeoutMs: READY_TIMEOUT_MS,
    keepLines: STDERR_TAIL,
    onLine: (line) => {
      const error = errorLine(line);
      if (error !== undefined) problems.push({ kind: 'error-log', message: `server logged an error: ${error}` });
    },
  }).catch((err: unknown) => {
    rmSync(recordings, { recursive: true, force: true });
    throw err;
  });
  void server.exited.then(({ code, signal }) => {
    rmSync(recordings, { recursive: true, force: true });
    const tail = server.lines.map((line) => line.slice(0, 2000));
    if (!stopping) problems.push({ kind: 'crash', message: `server exited (code ${code}, signal ${signal}); stderr:\n${tail.join('\n')}` });
  });

  return {
    port,
    pid: server.pid,
    newProblems: () => problems.splice(0),
    stop: async () => {
      if (server.exitStatus()) return;
      stopping = true;
      await server.stop(STOP_TIMEOUT_MS);
    },
  };
}
