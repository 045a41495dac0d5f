// Turns a seeded PRNG into the frames of one fuzzing connection: a valid packet of a client event,
// then (by tier) left valid, its arguments mutated, the packet itself mutated, its bytes mutated, or
// replaced by an engine.io text packet; encoded as msgpack with integers as ints, float64s or float32s.

import { Encoder } from '@msgpack/msgpack';
import type { RawFrame } from '../../server/test-support/raw-socket.js';
import { serverParser } from '../../shared/net/msgpack-parser.js';
import {
  CLIENT_EVENT_WEIGHTS,
  connectPacket,
  validAuth,
  validPacket,
  type ClientCounters,
  type ClientPacketKind,
  type PacketShape,
  type ServerKnowledge,
} from './client-events.js';
import type { FuzzRng } from './fuzz-rng.js';
import { engineText, mutateArguments, mutateBytes, mutatePacket } from './packet-mutations.js';
import { mutateValue } from './value-mutations.js';

// Most frames reach the handlers: a frame the parser rejects ends its connection, and a new connection
// costs the server a handshake, so every rejected frame makes the run slower.
export const TIER_WEIGHTS = {
  /** Exactly what a well-behaved client sends. */
  valid: 35,
  /** The event's arguments mutated within the parser's limits: reaches the validators and handlers. */
  args: 55,
  /** The packet's type, namespace, ack id, event name, argument count, keys or shape mutated. */
  packet: 5,
  /** The encoded bytes mutated. */
  bytes: 3,
  /** An engine.io text packet instead of a binary one. */
  engine: 1.5,
  /** The arguments mutated with no regard for the parser's limits (sizes, nesting): often rejected. */
  limits: 0.5,
} as const;

/** Redraws of an args mutation the parser would reject, before it is sent as a 'limits' frame. */
const ARGS_REDRAWS = 3;

/** True when the server's parser accepts `bytes` as the first packet of a connection. */
function parserAccepts(bytes: Uint8Array): boolean {
  const decoder = new serverParser.Decoder();
  decoder.on('decoded', () => {});
  try {
    decoder.add(bytes);
    return true;
  } catch {
    return false;
  }
}

export type MutationTier = keyof typeof TIER_WEIGHTS;

export interface FuzzFrame {
  readonly frame: RawFrame;
  readonly kind: ClientPacketKind | 'connect-first';
  readonly tier: MutationTier;
  /** What was done to the valid packet, for reports. */
  readonly label: string;
}

// Encoders for every way a peer may write numbers. BigInts become int64/uint64; undefined becomes nil.
const ENCODERS = {
  int: new Encoder({ useBigInt64: true, ignoreUndefined: false }),
  float64: new Encoder({ useBigInt64: true, ignoreUndefined: false, forceIntegerToFloat: true }),
  float32: new Encoder({ useBigInt64: true, ignoreUndefined: false, forceIntegerToFloat: true, forceFloat32: true }),
} as const;

function encode(packet: unknown, rng: FuzzRng): { bytes: Uint8Array; encoding: string } {
  const encoding = rng.weighted({ int: 85, float64: 10, float32: 5 });
  try {
    return { bytes: ENCODERS[encoding].encode(packet), encoding };
  } catch {
    // Only values msgpack cannot hold end up here (none are generated today): send nil instead.
    return { bytes: Uint8Array.of(0xc0), encoding: 'unencodable' };
  }
}

export class FrameGenerator {
  readonly counters: ClientCounters = { nextAckId: 0, seq: 0 };

  constructor(
    private readonly rng: FuzzRng,
    private readonly knowledge: ServerKnowledge,
  ) {}

  /** The connection's CONNECT: valid most of the time, else its auth or the packet mutated. */
  connect(): FuzzFrame {
    const rng = this.rng;
    const packet = connectPacket(rng);
    const tier = rng.weighted({ valid: 92, args: 6, packet: 2 });
    if (tier === 'valid') return this.finish(packet, 'connect-first', 'valid', 'CONNECT');
    if (tier === 'args') {
      const { value, where } = mutateValue(validAuth(rng), rng);
      return this.finish({ ...packet, data: value }, 'connect-first', 'args', `CONNECT auth@${where}`);
    }
    const { packet: mutated, label } = mutatePacket(packet, rng);
    return this.finish(mutated, 'connect-first', 'packet', `CONNECT ${label}`);
  }

  next(): FuzzFrame {
    const rng = this.rng;
    const kind = rng.weighted(CLIENT_EVENT_WEIGHTS);
    const packet = validPacket(kind, rng, this.counters, this.knowledge);
    const tier = rng.weighted(TIER_WEIGHTS);
    switch (tier) {
      case 'valid':
        return this.finish(packet, kind, tier, kind);
      case 'args':
      case 'limits': {
        // Redrawn while the parser would reject it ('args'); the first draw as it is ('limits').
        let frame: FuzzFrame | null = null;
        for (let draw = 0; draw <= ARGS_REDRAWS && (frame === null || !parserAccepts(frame.frame as Uint8Array)); draw++) {
          let mutated: PacketShape = packet;
          const labels: string[] = [];
          const count = rng.chance(0.7) ? 1 : 2;
          for (let i = 0; i < count; i++) {
            const step = mutateArguments(mutated, rng);
            mutated = step.packet;
            labels.push(step.label);
          }
          frame = this.finish(mutated, kind, tier, `${kind} ${labels.join(' ')}`);
          if (tier === 'limits') break;
        }
        return frame!;
      }
      case 'packet': {
        const { packet: mutated, label } = mutatePacket(packet, rng);
        return this.finish(mutated, kind, tier, `${kind} ${label}`);
      }
      case 'bytes': {
        const { bytes, encoding } = encode(packet, rng);
        const { bytes: mutated, label } = mutateBytes(bytes, rng);
        return { frame: mutated, kind, tier, label: `${kind} ${encoding} ${label}` };
      }
      case 'engine': {
        const text = engineText(rng);
        return { frame: text, kind, tier, label: `engine text ${JSON.stringify(text.slice(0, 24))}` };
      }
    }
  }

  private finish(packet: unknown, kind: FuzzFrame['kind'], tier: MutationTier, label: string): FuzzFrame {
    const { bytes, encoding } = encode(packet, this.rng);
    return { frame: bytes, kind, tier, label: encoding === 'int' ? label : `${label} (${encoding})` };
  }
}
