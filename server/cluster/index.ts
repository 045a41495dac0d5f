// The cluster room directory: the interface, its Redis implementation (a cluster of node processes) and
// its in-memory implementation (the single-process default). docs/SCALING.md describes the model.

export * from './room-directory.js';
export { RedisRoomDirectory, type RedisRoomDirectoryOptions } from './redis-room-directory.js';
export { MemoryRoomDirectory, type MemoryRoomDirectoryOptions } from './memory-room-directory.js';
export { MemoryDirectoryStore } from './memory-directory-store.js';
