// MemoryRoomDirectory, the single-process default, against the directory contract (directory-contract.ts):
// several nodes sharing one in-memory store behave as a Redis cluster does.

import { describe } from 'vitest';
import { describeDirectoryContract, type DirectoryHarness } from './directory-contract.js';
import { MemoryDirectoryStore } from './memory-directory-store.js';
import { MemoryRoomDirectory } from './memory-room-directory.js';
import type { RoomDirectory } from './room-directory.js';

function memoryHarness(): Promise<DirectoryHarness> {
  const store = new MemoryDirectoryStore();
  const nodes: RoomDirectory[] = [];
  return Promise.resolve({
    async startNode(options = {}) {
      const node = new MemoryRoomDirectory({
        store,
        url: `http://node-${nodes.length}.test`,
        games: options.games ?? ['arena'],
        maxRooms: options.maxRooms ?? 100,
        ...(options.maxPrivateRooms !== undefined ? { maxPrivateRooms: options.maxPrivateRooms } : {}),
        ...(options.ticketTtlMs !== undefined ? { ticketTtlMs: options.ticketTtlMs } : {}),
      });
      const started = await node.start();
      if (!started.ok) throw new Error(started.error.message);
      nodes.push(node);
      return node;
    },
    async close() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  });
}

describe('MemoryRoomDirectory', () => {
  describeDirectoryContract(memoryHarness);
});
