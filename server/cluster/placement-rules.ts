// The placement rules, in one place: which room quick play fills, which node gets a new room, and how many
// seats a room has free. MemoryRoomDirectory applies these functions directly; the Redis scripts
// (redis-scripts.ts) implement the same rules in Lua (LOAD_ROOMS_SCALE interpolated), and the shared
// contract tests (directory-contract.ts) hold both implementations to the same outcomes.

import { validateJoinRoom, ValidationError } from '../../shared/protocol-validate.js';
import { MAX_LISTED_ROWS, MAX_LOCATE_IDS, type DirectoryError, type RoomReport } from './room-directory.js';

/**
 * A node's load as one sortable number: fewest players first, then fewest rooms. Rooms stay below this
 * scale (maxRooms is capped to it), so players * scale + rooms orders exactly and stays within a double's
 * 53-bit integer range for up to 2^32 players.
 */
export const LOAD_ROOMS_SCALE = 2 ** 20;

/** Room ids, node ids, tickets and game names are used inside Redis key names: a safe alphabet only. */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface NodeLoad {
  readonly players: number;
  readonly rooms: number;
}

export function nodeLoadScore(node: NodeLoad): number {
  return node.players * LOAD_ROOMS_SCALE + node.rooms;
}

export interface NodeCapacity {
  readonly draining: boolean;
  readonly rooms: number;
  readonly maxRooms: number;
  readonly privateRooms: number;
  readonly maxPrivateRooms: number;
}

/** Whether the node may be given a new room (public, or private when isPrivate). */
export function canTakeNewRoom(node: NodeCapacity, isPrivate: boolean): boolean {
  if (node.draining || node.rooms >= node.maxRooms) return false;
  return !isPrivate || node.privateRooms < node.maxPrivateRooms;
}

/** Seats a placement may still reserve: reported players and live reservations both count. */
export function freeSeats(maxPlayers: number, players: number, reserved: number): number {
  return Math.max(0, maxPlayers - players - reserved);
}

/**
 * Quick play's order among public rooms with a free seat: fewest free seats first (the fullest room),
 * then by room id (Redis sorted sets order equal scores by member).
 */
export function compareForQuickPlay(a: { free: number; roomId: string }, b: { free: number; roomId: string }): number {
  return a.free - b.free || compareIds(a.roomId, b.roomId);
}

/** A new room's node: lowest load score, then by node id. */
export function compareForNewRoom(a: { score: number; nodeId: string }, b: { score: number; nodeId: string }): number {
  return a.score - b.score || compareIds(a.nodeId, b.nodeId);
}

/** Byte order, as Redis compares sorted-set members of equal score. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- argument checks (shared by both implementations) ----

export function badRequest(message: string): { readonly ok: false; readonly error: DirectoryError } {
  return { ok: false, error: { code: 'BAD_REQUEST', message } };
}

export function isSafeName(value: string): boolean {
  return NAME_PATTERN.test(value);
}

/** A valid join code, normalized (upper case), or null. */
export function normalizeJoinCode(code: string): string | null {
  const checked = validateJoinRoom({ code });
  return checked instanceof ValidationError ? null : (checked.code ?? null);
}

export function isValidRoomId(roomId: string): boolean {
  return !(validateJoinRoom({ roomId }) instanceof ValidationError);
}

/** The arguments of quickPlay and createRoom: a refusal, or null when they are fine. */
export function checkNewRoomArgs(game: string, maxPlayers: number): { readonly ok: false; readonly error: DirectoryError } | null {
  if (!isSafeName(game)) return badRequest(`bad game name "${game}"`);
  if (!Number.isInteger(maxPlayers) || maxPlayers < 1 || maxPlayers > 1024) return badRequest(`bad maxPlayers ${maxPlayers}`);
  return null;
}

/** A report names a valid room id, game and join code (private rooms have one); a bad one is the caller's bug. */
export function checkReport(report: RoomReport): void {
  const codeOk = report.code === null ? !report.isPrivate : normalizeJoinCode(report.code) === report.code;
  const countsOk = Number.isInteger(report.players) && report.players >= 0 && checkNewRoomArgs(report.game, report.maxPlayers) === null;
  if (!isValidRoomId(report.roomId) || !codeOk || !countsOk) {
    throw new Error(`room directory: bad report ${JSON.stringify(report)}`);
  }
}

/** The room ids of locateRooms: at most MAX_LOCATE_IDS, each a valid room id. */
export function checkLocateArgs(roomIds: readonly string[]): { readonly ok: false; readonly error: DirectoryError } | null {
  if (roomIds.length > MAX_LOCATE_IDS) return badRequest(`at most ${MAX_LOCATE_IDS} room ids at a time`);
  const bad = roomIds.find((id) => !isValidRoomId(id));
  return bad === undefined ? null : badRequest(`"${bad}" is not a room id`);
}

/** Rows a listing returns: at least 1, at most MAX_LISTED_ROWS. */
export function clampListLimit(limit: number): number {
  return Math.max(1, Math.min(MAX_LISTED_ROWS, Math.floor(limit) || 1));
}

/** Checks a node's settings once, at construction. */
export function checkNodeOptions(options: {
  readonly url: string;
  readonly games: readonly string[];
  readonly maxRooms: number;
  readonly maxPrivateRooms?: number;
  readonly nodeId?: string;
}): void {
  if (options.nodeId !== undefined && !isSafeName(options.nodeId)) throw new Error(`room directory: bad node id "${options.nodeId}"`);
  if (options.games.length === 0 || !options.games.every(isSafeName)) {
    throw new Error(`room directory: games must be names of [A-Za-z0-9_-], got ${JSON.stringify(options.games)}`);
  }
  if (!Number.isInteger(options.maxRooms) || options.maxRooms < 1 || options.maxRooms >= LOAD_ROOMS_SCALE) {
    throw new Error(`room directory: maxRooms must be an integer in [1, ${LOAD_ROOMS_SCALE - 1}]`);
  }
  const maxPrivate = options.maxPrivateRooms ?? options.maxRooms;
  if (!Number.isInteger(maxPrivate) || maxPrivate < 0 || maxPrivate > options.maxRooms) {
    throw new Error('room directory: maxPrivateRooms must be an integer in [0, maxRooms]');
  }
  if (options.url.length === 0 || options.url.includes('\n')) throw new Error('room directory: url is required');
}
