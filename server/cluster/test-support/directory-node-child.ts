// Starts directory-node-process.ts as a child process and drives it: typed calls over IPC, the events it
// reports, signals (kill -9, SIGSTOP/SIGCONT). Whatever a test starts, stopAll() kills.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RedisRoomDirectoryOptions } from '../redis-room-directory.js';
import type { DirectoryEvents } from '../room-directory.js';
import type { NodeHandlers, NodeRequest } from './directory-node-process.js';

const ENTRY = fileURLToPath(new URL('./directory-node-process.ts', import.meta.url));
// Measured here: ready 0.6-0.9 s after fork idle, ~2 s with both cores busy.
const READY_TIMEOUT_MS = 15_000;

export interface ChildEvent {
  readonly event: keyof DirectoryEvents;
  readonly value: unknown;
}

export interface DirectoryNodeChild {
  readonly nodeId: string;
  readonly pid: number;
  /** Directory events the node reported, in order. */
  readonly events: readonly ChildEvent[];
  call<K extends keyof NodeHandlers>(method: K, ...args: Parameters<NodeHandlers[K]>): Promise<Awaited<ReturnType<NodeHandlers[K]>>>;
  signal(signal: NodeJS.Signals): void;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
}

const children = new Set<ChildProcess>();

export async function startDirectoryNodeChild(options: Omit<RedisRoomDirectoryOptions, 'log' | 'redisOptions'>): Promise<DirectoryNodeChild> {
  const child = fork(ENTRY, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  const events: ChildEvent[] = [];
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
  void exited.then(() => {
    for (const call of pending.values()) call.reject(new Error('directory node process exited during a call'));
    pending.clear();
  });
  let nextId = 1;

  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`directory node process not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    void exited.then(() => reject(new Error('directory node process exited before it was ready')));
    child.on('message', (raw) => {
      const message = raw as { ready?: { ok: boolean }; nodeId?: string; id?: number; result?: unknown; event?: keyof DirectoryEvents; value?: unknown };
      if (message.ready) {
        clearTimeout(timer);
        if (message.ready.ok) resolve(message.nodeId!);
        else reject(new Error(`directory node process could not register: ${JSON.stringify(message.ready)}`));
      } else if (message.event) {
        events.push({ event: message.event, value: message.value });
      } else if (message.id !== undefined) {
        pending.get(message.id)?.resolve(message.result);
        pending.delete(message.id);
      }
    });
  });
  const nodeId = await ready;

  return {
    nodeId,
    pid: child.pid!,
    events,
    exited,
    call(method, ...args) {
      const id = nextId++;
      const request: NodeRequest = { id, method, args };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        child.send(request);
      });
    },
    signal(signal) {
      child.kill(signal);
    },
  };
}

/** Kills (-9) every node process still running, and waits for each to exit. */
export async function stopAllDirectoryNodeChildren(): Promise<void> {
  const running = [...children];
  await Promise.all(
    running.map((child) => {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.kill('SIGKILL');
      return exited;
    }),
  );
}
