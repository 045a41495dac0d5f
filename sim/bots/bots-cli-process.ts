// `npm run bots` as a real process, for tests: `node --import tsx sim/bots/cli.ts` in a process group of
// its own (so its workers go with it), its output kept line by line, and the whole group killed with -9
// when it outlives its deadline or when the test calls kill().

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { botsCommand } from './bots-command.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BotsCliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From the spawn to the end of its output. */
  readonly elapsedMs: number;
}

export interface BotsCliRun {
  readonly pid: number;
  /** Resolves with the first stderr line (progress, notes, errors) that matches; rejects if the process ends first. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves once the process has exited and its output is read to the end. */
  readonly done: Promise<BotsCliExit>;
  /** SIGKILL to its process group (the CLI and its workers), if it still runs. */
  kill(): void;
}

export function startBotsCli(args: readonly string[], deadlineMs: number): BotsCliRun {
  const started = performance.now();
  const [node, ...nodeArgs] = botsCommand(args);
  const child = spawn(node!, nodeArgs, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let ended = false;
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    for (const w of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(kill, deadlineMs);
  const done = new Promise<BotsCliExit>((resolve) => {
    child.once('close', (code, signal) => {
      ended = true;
      clearTimeout(timer);
      kill(); // tsx's helper processes, should any outlive the CLI
      for (const w of waiters.splice(0)) w.reject(new Error(`the bots CLI ended before printing ${w.pattern}:\n${stderr.join('\n')}`));
      resolve({ code, signal, stdout: stdout.join('\n'), stderr: stderr.join('\n'), elapsedMs: performance.now() - started });
    });
  });
  return {
    pid: child.pid!,
    done,
    kill,
    waitForLine: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = stderr.find((line) => pattern.test(line));
        if (seen !== undefined) resolve(seen);
        else if (ended) reject(new Error(`the bots CLI has ended:\n${stderr.join('\n')}`));
        else waiters.push({ pattern, resolve, reject });
      }),
  };
}
