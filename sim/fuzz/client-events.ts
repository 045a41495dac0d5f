// Valid socket.io packets for every event a client may send (shared/protocol.ts), as a well-behaved
// client would build them, plus the other packet kinds a client can put on the wire (CONNECT,
// DISCONNECT, ACK). The mutators start from these.

import { AIM_STEPS, ALL_KEYS, DIRECTION_KEYS, encodeArenaInput } from '../../shared/game/arena/index.js';
import { EV, JOIN_CODE_ALPHABET, LIMITS, PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { FuzzRng } from './fuzz-rng.js';

/** A socket.io packet before encoding; fields may hold anything once mutated. */
export interface PacketShape {
  type?: unknown;
  nsp?: unknown;
  data?: unknown;
  id?: unknown;
  [extra: string]: unknown;
}

export const CLIENT_EVENT_WEIGHTS = {
  [EV.input]: 30,
  [EV.listRooms]: 7,
  [EV.quickPlay]: 9,
  [EV.createRoom]: 6,
  [EV.joinRoom]: 8,
  [EV.rejoinRoom]: 6,
  [EV.leaveRoom]: 6,
  [EV.sendChat]: 10,
  /** An event name the server does not know (answered UNKNOWN_EVENT). */
  unknown: 3,
  /** Packet kinds other than EVENT: a second CONNECT, DISCONNECT, ACK. */
  connect: 0.5,
  disconnect: 0.5,
  ack: 0.5,
} as const;

export type ClientPacketKind = keyof typeof CLIENT_EVENT_WEIGHTS;

/** Values the server handed out (room ids, join codes, reconnect tokens): they make packets reach deeper. */
export class ServerKnowledge {
  readonly roomIds: string[] = [];
  readonly codes: string[] = [];
  readonly tokens: string[] = [];

  /** Learns from a reply: room lists and join infos. */
  learn(reply: unknown): void {
    if (typeof reply !== 'object' || reply === null) return;
    const { rooms, join } = reply as { rooms?: unknown; join?: unknown };
    if (Array.isArray(rooms)) {
      for (const room of rooms.slice(0, 4)) {
        const roomId = (room as { roomId?: unknown } | null)?.roomId;
        if (typeof roomId === 'string') remember(this.roomIds, roomId);
      }
    }
    if (typeof join === 'object' && join !== null) {
      const { roomId, code, reconnectToken } = join as { roomId?: unknown; code?: unknown; reconnectToken?: unknown };
      if (typeof roomId === 'string') remember(this.roomIds, roomId);
      if (typeof code === 'string') remember(this.codes, code);
      if (typeof reconnectToken === 'string') remember(this.tokens, reconnectToken);
    }
  }
}

const KNOWLEDGE_SIZE = 32;

function remember(list: string[], value: string): void {
  if (list.includes(value)) return;
  list.push(value);
  if (list.length > KNOWLEDGE_SIZE) list.shift();
}

/**
 * One of the known values or, when none is known yet, `fallback`. The PRNG is drawn the same way
 * either way, so a seed makes the same choices whatever the server answered.
 */
function known(rng: FuzzRng, list: readonly string[], fallback: string): string {
  const roll = rng.int(KNOWLEDGE_SIZE);
  return list.length === 0 ? fallback : list[roll % list.length]!;
}

/** Per-connection counters a real client keeps. */
export interface ClientCounters {
  /** Next ack id (socket.io-client counts from 0). */
  nextAckId: number;
  /** Last input sequence number sent. */
  seq: number;
}

const NAMES = ['ann', 'bob', 'Zoë', '玩家', '🎮 gamer', 'x'.repeat(LIMITS.maxNameLength), '  spaced  out  '];
const CHAT_LINES = ['gg', 'hello there', 'ça va ?', 'نعم', '🚀🚀🚀', 'y'.repeat(LIMITS.maxChatLength), 'rush B'];

function randomCode(rng: FuzzRng): string {
  let code = '';
  for (let i = 0; i < LIMITS.joinCodeLength; i++) code += JOIN_CODE_ALPHABET[rng.int(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** The auth object of a CONNECT, as NetClient sends it. */
export function validAuth(rng: FuzzRng): Record<string, unknown> {
  return { protocol: PROTOCOL_VERSION, name: rng.pick(NAMES) };
}

export function connectPacket(rng: FuzzRng): PacketShape {
  return { type: 0, nsp: '/', data: validAuth(rng) };
}

function request(counters: ClientCounters, name: string, payload: unknown): PacketShape {
  return { type: 2, nsp: '/', data: [name, payload], id: counters.nextAckId++ };
}

/** A valid packet of `kind`, built from what the session knows. */
export function validPacket(kind: ClientPacketKind, rng: FuzzRng, counters: ClientCounters, knowledge: ServerKnowledge): PacketShape {
  switch (kind) {
    case EV.input: {
      // Mostly one input, sometimes a batch of up to LIMITS.maxInputsPerMessage consecutive ones.
      const count = rng.chance(0.7) ? 1 : 2 + rng.int(LIMITS.maxInputsPerMessage - 1);
      const payloads = Array.from({ length: count }, () => {
        const keys = rng.chance(0.5) ? rng.pick(DIRECTION_KEYS) : rng.int(ALL_KEYS + 1);
        return encodeArenaInput({ keys, aim: rng.int(AIM_STEPS) });
      });
      const tick = rng.int(100_000);
      const seq = counters.seq + 1;
      counters.seq += count;
      const renderTick = Math.max(0, tick - rng.int(8));
      const later = payloads.slice(1).flatMap((payload, i) => [i + rng.int(2), payload]);
      const message = [seq, tick - 1, renderTick, payloads[0], ...later];
      return { type: 2, nsp: '/', data: [EV.input, message] };
    }
    case EV.listRooms:
      return request(counters, EV.listRooms, {});
    case EV.quickPlay:
      return request(counters, EV.quickPlay, {});
    case EV.createRoom:
      return request(counters, EV.createRoom, { private: rng.chance(0.5) });
    case EV.joinRoom: {
      const byCode = rng.chance(0.5);
      const code = known(rng, knowledge.codes, randomCode(rng));
      const roomId = known(rng, knowledge.roomIds, 'r0000000');
      return request(counters, EV.joinRoom, byCode ? { code } : { roomId });
    }
    case EV.rejoinRoom:
      return request(counters, EV.rejoinRoom, { token: known(rng, knowledge.tokens, 'room.1.0.sig') });
    case EV.leaveRoom:
      return request(counters, EV.leaveRoom, {});
    case EV.sendChat:
      return request(counters, EV.sendChat, { text: rng.pick(CHAT_LINES) });
    case 'unknown':
      return request(counters, rng.pick(['room:explode', 'admin:kick', 'chat', 's', 'notice']), {});
    case 'connect':
      return connectPacket(rng);
    case 'disconnect':
      return { type: 1, nsp: '/' };
    case 'ack':
      return { type: 3, nsp: '/', data: [{ ok: true }], id: rng.int(1000) };
  }
}
