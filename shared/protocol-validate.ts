// Validators for every payload a client can send. Each returns the typed value or a ValidationError with
// a message meant for the developer who sent it. They run on the server for every packet, so they are
// hand-written (no schema library allocations on the input hot path).

import {
  BOT_NAME_MARK,
  JOIN_CODE_ALPHABET,
  LIMITS,
  type CreateRoomRequest,
  type HandshakeAuth,
  type JoinRoomRequest,
  type ListRoomsRequest,
  type QuickPlayRequest,
  type RejoinRoomRequest,
  type ClaimSeatRequest,
  type SendChatRequest,
} from './protocol.js';

export class ValidationError {
  constructor(readonly message: string) {}
}

export type Validated<T> = T | ValidationError;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (value instanceof Uint8Array) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): string | null {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) return key;
  }
  return null;
}

/** An object payload with no unknown keys; `undefined`/missing payloads count as `{}`. */
function objectPayload(raw: unknown, allowed: readonly string[], what: string): Validated<Record<string, unknown>> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) return new ValidationError(`${what}: payload must be an object`);
  const extra = onlyKeys(raw, allowed);
  if (extra !== null) return new ValidationError(`${what}: unknown field "${extra.slice(0, 32)}"`);
  return raw;
}

export function isSafeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * Whitespace runs (tabs, newlines included) become one space; other control characters, zero-width and
 * bidi overrides, private-use and unassigned code points are removed.
 */
function cleanText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\s+/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, '')
    .trim();
}

/**
 * Display names: trimmed, control and invisible characters removed, whitespace collapsed, at most
 * LIMITS.maxNameLength characters (code points). Returns null when nothing printable is left.
 */
export function sanitizeName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  // The bot mark is the server's: nobody passes for a bot, or a bot for a person.
  const cleaned = cleanText(raw.slice(0, 256).replaceAll(BOT_NAME_MARK, ''));
  const limited = Array.from(cleaned).slice(0, LIMITS.maxNameLength).join('').trim();
  return limited.length > 0 ? limited : null;
}

/** Chat text: same cleaning as names but keeps length up to LIMITS.maxChatLength. */
export function validateChat(raw: unknown): Validated<SendChatRequest> {
  const body = objectPayload(raw, ['text'], 'chat:send');
  if (body instanceof ValidationError) return body;
  if (typeof body.text !== 'string') return new ValidationError('chat:send: "text" must be a string');
  const text = cleanText(body.text);
  if (text.length === 0) return new ValidationError('chat:send: message is empty');
  if (Array.from(text).length > LIMITS.maxChatLength) {
    return new ValidationError(`chat:send: message longer than ${LIMITS.maxChatLength} characters`);
  }
  return { text };
}

export function validateHandshake(raw: unknown): Validated<HandshakeAuth> {
  if (!isPlainObject(raw)) return new ValidationError('handshake auth must be an object');
  const extra = onlyKeys(raw, ['protocol', 'name', 'token']);
  if (extra !== null) return new ValidationError(`handshake auth: unknown field "${extra.slice(0, 32)}"`);
  if (!isSafeInt(raw.protocol)) return new ValidationError('handshake auth: "protocol" must be an integer');
  if (raw.name !== undefined && typeof raw.name !== 'string') {
    return new ValidationError('handshake auth: "name" must be a string');
  }
  if (raw.token !== undefined && (typeof raw.token !== 'string' || raw.token.length > LIMITS.maxTokenLength)) {
    return new ValidationError('handshake auth: "token" must be a short string');
  }
  return { protocol: raw.protocol, name: raw.name as string | undefined, token: raw.token as string | undefined };
}

export function validateEmpty(raw: unknown, what: string): Validated<Record<string, never>> {
  const body = objectPayload(raw, [], what);
  if (body instanceof ValidationError) return body;
  return {};
}

/** Game names: lower-case letters, digits and dashes (they also appear in URLs and directory keys). */
export const GAME_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** The optional `game` field of a request: absent, or a well-formed game name. */
function gameField(body: Record<string, unknown>, what: string): Validated<{ game?: string }> {
  if (body.game === undefined) return {};
  if (typeof body.game !== 'string' || !GAME_NAME_PATTERN.test(body.game)) {
    return new ValidationError(`${what}: "game" must be a game name (lower-case letters, digits, dashes)`);
  }
  return { game: body.game };
}

export function validateListRooms(raw: unknown): Validated<ListRoomsRequest> {
  const body = objectPayload(raw, ['game'], 'room:list');
  if (body instanceof ValidationError) return body;
  return gameField(body, 'room:list');
}

export function validateQuickPlay(raw: unknown): Validated<QuickPlayRequest> {
  const body = objectPayload(raw, ['game'], 'room:quick');
  if (body instanceof ValidationError) return body;
  return gameField(body, 'room:quick');
}

export function validateCreateRoom(raw: unknown): Validated<CreateRoomRequest> {
  const body = objectPayload(raw, ['private', 'game'], 'room:create');
  if (body instanceof ValidationError) return body;
  if (body.private !== undefined && typeof body.private !== 'boolean') {
    return new ValidationError('room:create: "private" must be a boolean');
  }
  const game = gameField(body, 'room:create');
  if (game instanceof ValidationError) return game;
  return { private: body.private === true, ...game };
}

const JOIN_CODE_PATTERN = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${LIMITS.joinCodeLength}}$`);
const ROOM_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${LIMITS.maxRoomIdLength}}$`);

export function validateJoinRoom(raw: unknown): Validated<JoinRoomRequest> {
  const body = objectPayload(raw, ['roomId', 'code'], 'room:join');
  if (body instanceof ValidationError) return body;
  const { roomId, code } = body;
  if ((roomId === undefined) === (code === undefined)) {
    return new ValidationError('room:join: give exactly one of "roomId" or "code"');
  }
  if (roomId !== undefined) {
    if (typeof roomId !== 'string' || !ROOM_ID_PATTERN.test(roomId)) {
      return new ValidationError('room:join: "roomId" is not a valid room id');
    }
    return { roomId };
  }
  if (typeof code !== 'string') return new ValidationError('room:join: "code" must be a string');
  const normalized = code.trim().toUpperCase();
  if (!JOIN_CODE_PATTERN.test(normalized)) {
    return new ValidationError(`room:join: "code" must be ${LIMITS.joinCodeLength} letters or digits`);
  }
  return { code: normalized };
}

export function validateRejoin(raw: unknown): Validated<RejoinRoomRequest> {
  const body = objectPayload(raw, ['token'], 'room:rejoin');
  if (body instanceof ValidationError) return body;
  if (typeof body.token !== 'string' || body.token.length === 0 || body.token.length > LIMITS.maxTokenLength) {
    return new ValidationError('room:rejoin: "token" must be a non-empty string');
  }
  return { token: body.token };
}

export function validateClaimSeat(raw: unknown): Validated<ClaimSeatRequest> {
  const body = objectPayload(raw, ['ticket'], 'room:claim');
  if (body instanceof ValidationError) return body;
  if (typeof body.ticket !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(body.ticket)) {
    return new ValidationError('room:claim: "ticket" must be the ticket of a redirect');
  }
  return { ticket: body.ticket };
}

/**
 * The envelope of an input message; the game validates the payloads itself. Input i of the message
 * (0 <= i < count) is seq + i: read it with inputPayload and inputRenderTick (no array per message).
 */
export interface InputEnvelope {
  readonly seq: number;
  readonly ackTick: number;
  /** 1 to LIMITS.maxInputsPerMessage. */
  readonly count: number;
  /** The validated message itself (InputMessage). */
  readonly message: readonly unknown[];
}

/** The game payload of input i of a validated message. */
export function inputPayload(envelope: InputEnvelope, i: number): unknown {
  return envelope.message[i === 0 ? 3 : 3 + 2 * i];
}

/** The render tick of input i of a validated message. */
export function inputRenderTick(envelope: InputEnvelope, i: number): number {
  const first = envelope.message[2] as number;
  return i === 0 ? first : first + (envelope.message[2 + 2 * i] as number);
}

const MAX_U32 = 0xffffffff;
const INPUT_SHAPE = `input: must be [seq, ackTick, renderTick, payload] followed by up to ${LIMITS.maxInputsPerMessage - 1} [renderTickOffset, payload] pairs`;

export function validateInputEnvelope(raw: unknown): Validated<InputEnvelope> {
  if (!Array.isArray(raw) || raw.length < 4 || raw.length > 2 + 2 * LIMITS.maxInputsPerMessage || raw.length % 2 !== 0) {
    return new ValidationError(INPUT_SHAPE);
  }
  const message = raw as unknown[];
  const [seq, ackTick, renderTick] = message;
  if (!isSafeInt(seq) || seq < 1 || seq > MAX_U32) return new ValidationError('input: seq must be an integer >= 1');
  if (!isSafeInt(ackTick) || ackTick < -1 || ackTick > MAX_U32) {
    return new ValidationError('input: ackTick must be an integer >= -1');
  }
  if (!isSafeInt(renderTick) || renderTick < 0 || renderTick > MAX_U32) {
    return new ValidationError('input: renderTick must be an integer >= 0');
  }
  const count = (message.length - 2) / 2;
  if (seq + count - 1 > MAX_U32) return new ValidationError("input: the last input's seq must fit 32 bits");
  for (let at = 4; at < message.length; at += 2) {
    const offset = message[at];
    if (!isSafeInt(offset) || renderTick + offset < 0 || renderTick + offset > MAX_U32) {
      return new ValidationError('input: a renderTickOffset must be an integer keeping the render tick within 0..2^32-1');
    }
  }
  return { seq, ackTick, count, message };
}
