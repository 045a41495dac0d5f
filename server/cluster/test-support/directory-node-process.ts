// A directory node in a process of its own, for tests that must kill (-9) or freeze (SIGSTOP) a real node:
// a RedisRoomDirectory driven over the IPC channel by directory-node-child.ts. Argument: the node's
// options as JSON. Sends { ready }, then { id, result } per request and { event, value } per directory event.

import { RedisRoomDirectory, type RedisRoomDirectoryOptions } from '../redis-room-directory.js';
import type { RoomReport } from '../room-directory.js';

const directory = new RedisRoomDirectory(JSON.parse(process.argv[2] ?? '{}') as RedisRoomDirectoryOptions);

export const handlers = {
  createRoom: (game: string, isPrivate: boolean, maxPlayers: number) => directory.createRoom(game, isPrivate, maxPlayers),
  redeem: (ticket: string) => directory.redeem(ticket),
  /** Reports and flushes at once. */
  reportRoom: (report: RoomReport) => {
    directory.reportRoom(report);
    return directory.flush();
  },
  status: () => ({ nodeId: directory.nodeId, epoch: directory.epoch, fenced: directory.fenced }),
};

export type NodeHandlers = typeof handlers;

export interface NodeRequest {
  readonly id: number;
  readonly method: keyof NodeHandlers;
  readonly args: readonly unknown[];
}

function send(message: unknown): void {
  process.send?.(message);
}

for (const event of ['registered', 'fenced', 'unavailable', 'available', 'reaped'] as const) {
  directory.events.on(event, (value) => send({ event, value }));
}

process.on('message', (raw) => {
  const request = raw as NodeRequest;
  const handler = handlers[request.method] as (...args: readonly unknown[]) => unknown;
  void Promise.resolve(handler(...request.args)).then((result) => send({ id: request.id, result }));
});
process.on('disconnect', () => process.exit(0)); // the test process is gone

const started = await directory.start();
send({ ready: started, nodeId: directory.nodeId });
