// Typed readings of the directory scripts' replies (redis-scripts.ts documents each shape). A reply of an
// unexpected shape is a bug (or a foreign script under our prefix): it throws.

import type {
  DirectoryError,
  DirectoryErrorCode,
  DirectoryReply,
  NodeSummary,
  Placement,
  PublicRoom,
  RedeemedSeat,
  RoomConflict,
  RoomLocation,
} from './room-directory.js';

/** Every code a script may answer (a Record, so that the compiler checks it covers DirectoryErrorCode). */
const ERROR_CODES: Readonly<Record<DirectoryErrorCode, true>> = {
  ROOM_NOT_FOUND: true,
  ROOM_FULL: true,
  SERVER_FULL: true,
  BAD_REQUEST: true,
  DIRECTORY_UNAVAILABLE: true,
  TICKET_INVALID: true,
  TICKET_WRONG_NODE: true,
  NODE_FENCED: true,
  CODE_TAKEN: true,
  ROOM_ID_TAKEN: true,
};

function isErrorCode(value: string): value is DirectoryErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

function fail(what: string, value: unknown): never {
  throw new Error(`room directory: unexpected ${what} reply ${JSON.stringify(value)}`);
}

function list(value: unknown, what: string): unknown[] {
  return Array.isArray(value) ? value : fail(what, value);
}

function str(value: unknown, what: string): string {
  return typeof value === 'string' ? value : fail(what, value);
}

function num(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : Number(str(value, what));
  return Number.isFinite(n) ? n : fail(what, value);
}

/** A reply { code, message } as an error, or null when its status is OK. */
export function errorOf(reply: readonly unknown[], what: string): DirectoryError | null {
  const status = str(reply[0], what);
  if (status === 'OK') return null;
  if (!isErrorCode(status)) fail(what, reply);
  return { code: status, message: typeof reply[1] === 'string' ? reply[1] : status };
}

export function parsePlacement(value: unknown): DirectoryReply<{ readonly placement: Placement }> {
  const reply = list(value, 'placement');
  const error = errorOf(reply, 'placement');
  if (error) return { ok: false, error };
  const code = str(reply[8], 'placement');
  return {
    ok: true,
    placement: {
      roomId: str(reply[1], 'placement'),
      game: str(reply[2], 'placement'),
      nodeId: str(reply[3], 'placement'),
      nodeUrl: str(reply[4], 'placement'),
      ticket: str(reply[5], 'placement'),
      ticketExpiresAt: num(reply[6], 'placement'),
      isPrivate: reply[7] === '1',
      code: code === '' ? null : code,
      maxPlayers: num(reply[9], 'placement'),
      created: reply[10] === '1',
    },
  };
}

export function parseRedeem(value: unknown): DirectoryReply<{ readonly seat: RedeemedSeat }> {
  const reply = list(value, 'redeem');
  const error = errorOf(reply, 'redeem');
  if (error) return { ok: false, error };
  const code = str(reply[4], 'redeem');
  return {
    ok: true,
    seat: {
      roomId: str(reply[1], 'redeem'),
      game: str(reply[2], 'redeem'),
      isPrivate: reply[3] === '1',
      code: code === '' ? null : code,
      maxPlayers: num(reply[5], 'redeem'),
      create: reply[6] === '1',
    },
  };
}

/** Pairs roomId, kind from `from` on. */
export function parseConflicts(reply: readonly unknown[], from: number): RoomConflict[] {
  const conflicts: RoomConflict[] = [];
  for (let i = from; i + 1 < reply.length; i += 2) {
    const kind = str(reply[i + 1], 'conflict');
    if (kind !== 'room-id' && kind !== 'code') fail('conflict', reply);
    conflicts.push({ roomId: str(reply[i], 'conflict'), kind });
  }
  return conflicts;
}

export function parseRegister(value: unknown): { readonly epoch: number; readonly conflicts: RoomConflict[] } {
  const reply = list(value, 'register');
  return { epoch: num(reply[0], 'register'), conflicts: parseConflicts(reply, 1) };
}

export function parsePublicRooms(value: unknown): PublicRoom[] {
  return list(value, 'publicRooms').map((row) => {
    const r = list(row, 'publicRooms');
    return {
      roomId: str(r[0], 'publicRooms'),
      game: str(r[1], 'publicRooms'),
      players: num(r[2], 'publicRooms'),
      reserved: num(r[3], 'publicRooms'),
      maxPlayers: num(r[4], 'publicRooms'),
      nodeId: str(r[5], 'publicRooms'),
      nodeUrl: str(r[6], 'publicRooms'),
    };
  });
}

export function parseNodes(value: unknown): NodeSummary[] {
  return list(value, 'nodes').map((row) => {
    const r = list(row, 'nodes');
    return {
      nodeId: str(r[0], 'nodes'),
      url: str(r[1], 'nodes'),
      games: str(r[2], 'nodes').split(',').filter((g) => g.length > 0),
      rooms: num(r[3], 'nodes'),
      players: num(r[4], 'nodes'),
      maxRooms: num(r[5], 'nodes'),
      draining: r[6] === '1',
      leaseAgeMs: num(r[7], 'nodes'),
    };
  });
}

export function parseLocations(value: unknown): (RoomLocation | null)[] {
  return list(value, 'locate').map((row) => {
    if (row === null) return null;
    const r = list(row, 'locate');
    return { roomId: str(r[0], 'locate'), nodeId: str(r[1], 'locate'), nodeUrl: str(r[2], 'locate') };
  });
}
