import { decode as rawDecode, encode as rawEncode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { Decoder as StockDecoder, Encoder as StockEncoder } from 'socket.io-msgpack-parser';
import { describe, expect, it } from 'vitest';
import { RESERVED_EVENTS } from '../protocol.js';
import {
  CLIENT_PARSER_LIMITS,
  clientParser,
  createParser,
  type DecodedPacket,
  type OutgoingPacket,
  PacketRejected,
  PacketType,
  SERVER_PARSER_LIMITS,
  serverParser,
  type SocketIoParser,
} from './msgpack-parser.js';

// ---- helpers ----

function decodeWith(parser: SocketIoParser, chunk: unknown): DecodedPacket {
  const decoder = new parser.Decoder();
  const seen: DecodedPacket[] = [];
  decoder.on('decoded', (packet) => seen.push(packet));
  decoder.add(chunk);
  expect(seen).toHaveLength(1);
  return seen[0];
}

function encodeWith(parser: SocketIoParser, packet: OutgoingPacket): Uint8Array {
  const out = new parser.Encoder().encode(packet);
  expect(out).toHaveLength(1);
  expect(out[0]).toBeInstanceOf(Uint8Array);
  return out[0];
}

/** The reason of the PacketRejected thrown by `fn`; fails if it throws anything else or nothing. */
function rejection(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PacketRejected);
    return (error as PacketRejected).reason;
  }
  throw new Error('expected PacketRejected, nothing was thrown');
}

function rejectedBy(parser: SocketIoParser, chunk: unknown): string {
  return rejection(() => new parser.Decoder().add(chunk));
}

/** Bytes for any value, with a plain msgpack encoder: crafts packets our Encoder would never produce. */
function craft(value: unknown): Uint8Array {
  return rawEncode(value);
}

// The stock parser (socket.io-msgpack-parser, CJS, typed loosely): encode returns [Buffer], and its
// notepack decoder needs a Node Buffer (engine.io-client hands it one), not a bare Uint8Array.
function stockEncode(packet: object): Uint8Array {
  const out = new StockEncoder().encode(packet) as unknown as Uint8Array[];
  return out[0];
}

function stockDecode(bytes: Uint8Array): unknown {
  const decoder = new StockDecoder();
  const seen: unknown[] = [];
  decoder.on('decoded', (packet: unknown) => seen.push(packet));
  decoder.add(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return seen[0];
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** The server's limits for a server that also serves "/admin". */
const adminParser = createParser({ ...SERVER_PARSER_LIMITS, namespaces: ['/', '/admin'], maxConnects: 2 });

/** An EVENT frame ["x", <levels nested arrays around nil>]: the frame's depth is 2 + levels. */
function nestedEventFrame(levels: number): Uint8Array {
  const head = [0x83, 0xa4, ...ascii('type'), 0x02, 0xa3, ...ascii('nsp'), 0xa1, 0x2f, 0xa4, ...ascii('data')];
  const bytes = new Uint8Array(head.length + 3 + levels + 1);
  bytes.set(head);
  bytes.set([0x92, 0xa1, 0x78], head.length); // data: fixarray(2), "x"
  bytes.fill(0x91, head.length + 3, head.length + 3 + levels); // fixarray(1), levels times
  bytes[bytes.length - 1] = 0xc0; // nil
  return bytes;
}

/** Same, with maps {a: {a: ... nil}} instead of arrays. */
function nestedMapEventFrame(levels: number): Uint8Array {
  const head = [0x83, 0xa4, ...ascii('type'), 0x02, 0xa3, ...ascii('nsp'), 0xa1, 0x2f, 0xa4, ...ascii('data')];
  const bytes: number[] = [...head, 0x92, 0xa1, 0x78];
  for (let i = 0; i < levels; i++) bytes.push(0x81, 0xa1, 0x61);
  bytes.push(0xc0);
  return Uint8Array.from(bytes);
}

/** {type: 2, nsp: "/", data: ["x", <raw>]}: the second argument given as raw msgpack bytes. */
function withRaw(raw: number[]): Uint8Array {
  const head = [0x83, 0xa4, ...ascii('type'), 0x02, 0xa3, ...ascii('nsp'), 0xa1, 0x2f, 0xa4, ...ascii('data')];
  return Uint8Array.from([...head, 0x92, 0xa1, 0x78, ...raw]);
}

// ---- round trips ----

describe('round trips', () => {
  const cases: Array<[string, SocketIoParser, OutgoingPacket]> = [
    ['CONNECT with auth', serverParser, { type: PacketType.CONNECT, nsp: '/', data: { protocol: 1, name: 'ann' } }],
    ['CONNECT without auth', serverParser, { type: PacketType.CONNECT, nsp: '/' }],
    ['CONNECT reply', clientParser, { type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } }],
    ['DISCONNECT', serverParser, { type: PacketType.DISCONNECT, nsp: '/' }],
    ['EVENT', serverParser, { type: PacketType.EVENT, nsp: '/', data: ['i', [7, 41, 40, { mx: 1, my: -1, fire: true }]] }],
    ['EVENT with ack id', serverParser, { type: PacketType.EVENT, nsp: '/', data: ['room:list', {}], id: 12 }],
    ['EVENT in a namespace', adminParser, { type: PacketType.EVENT, nsp: '/admin', data: ['x', null, 1.5, 'é'] }],
    ['ACK', clientParser, { type: PacketType.ACK, nsp: '/', data: [{ ok: true }], id: 0 }],
    ['ACK with no arguments', clientParser, { type: PacketType.ACK, nsp: '/', data: [], id: 2 ** 40 }],
    ['CONNECT_ERROR string', clientParser, { type: PacketType.CONNECT_ERROR, nsp: '/', data: 'nope' }],
    ['CONNECT_ERROR map', clientParser, { type: PacketType.CONNECT_ERROR, nsp: '/', data: { message: 'AUTH_FAILED' } }],
  ];
  it.each(cases)('%s', (_name, parser, packet) => {
    const decoded = decodeWith(parser, encodeWith(parser, packet));
    expect(decoded).toStrictEqual({ type: packet.type, nsp: packet.nsp, data: packet.data, id: packet.id });
  });

  it('sends Uint8Array (snapshots) as msgpack bin and decodes it as a Uint8Array', () => {
    const snapshot = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const bytes = encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/', data: ['s', snapshot] });
    expect(bytes.includes(0xc5)).toBe(true); // bin 16 header
    const decoded = decodeWith(clientParser, bytes);
    const data = decoded.data as unknown[];
    expect(data[1]).toBeInstanceOf(Uint8Array);
    expect(data[1]).toEqual(snapshot);
  });

  it('accepts ArrayBuffer frames (what browsers receive) and Buffer frames (Node)', () => {
    const bytes = encodeWith(serverParser, { type: PacketType.EVENT, nsp: '/', data: ['x', 1] });
    const copy = bytes.slice();
    expect(decodeWith(serverParser, copy.buffer).data).toEqual(['x', 1]);
    expect(decodeWith(serverParser, Buffer.from(bytes)).data).toEqual(['x', 1]);
  });

  it('drops undefined map values and never emits extension bytes', () => {
    const bytes = encodeWith(serverParser, {
      type: PacketType.CONNECT,
      nsp: '/',
      data: { sid: 's1', pid: undefined }, // exactly what socket.io 4.8 sends without connection state recovery
    });
    expect(rawDecode(bytes)).toStrictEqual({ type: 0, data: { sid: 's1' }, nsp: '/' });
  });

  it('refuses to encode an ArrayBuffer, which msgpack would otherwise send as an empty map', () => {
    const encoder = new serverParser.Encoder();
    expect(() => encoder.encode({ type: PacketType.EVENT, nsp: '/', data: ['s', new ArrayBuffer(4)] })).toThrow(TypeError);
  });

  it('property: any packet of plain values survives a round trip', () => {
    const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');
    const scalar = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true }).map((x) => (x === 0 ? 0 : x)), // msgpack has no -0 integer
      fc.string({ maxLength: 20 }),
      fc.uint8Array({ maxLength: 20 }),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', maxDepth: 5, withCrossShrink: true }, scalar, tie('array'), tie('map')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      map: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    }));
    const eventName = fc.string({ maxLength: 10 }).filter((name) => !RESERVED_EVENTS.has(name));
    fc.assert(
      fc.property(eventName, fc.array(value, { maxLength: 5 }), fc.option(fc.nat(), { nil: undefined }), (name, args, id) => {
        const packet = { type: PacketType.EVENT, nsp: '/', data: [name, ...args], id };
        expect(decodeWith(clientParser, encodeWith(clientParser, packet))).toEqual(packet);
      }),
    );
  });
});

// ---- interop with the stock socket.io-msgpack-parser ----

describe('shortcut events', () => {
  it('hands the main namespace\'s events of that name without ack id to the handler, everything else to socket.io', () => {
    const decoder = new adminParser.Decoder();
    const shortcut: (readonly unknown[])[] = [];
    const decoded: DecodedPacket[] = [];
    decoder.setShortcut('i', (data) => shortcut.push(data));
    decoder.on('decoded', (packet) => decoded.push(packet));
    decoder.add(encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/', data: ['i', { seq: 1 }] }));
    decoder.add(encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/', data: ['i', { seq: 2 }], id: 7 }));
    decoder.add(encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/admin', data: ['i', { seq: 3 }] }));
    decoder.add(encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/', data: ['chat:send', 'hi'] }));
    expect(shortcut).toEqual([['i', { seq: 1 }]]);
    expect(decoded.map((p) => [p.nsp, p.id, p.data])).toEqual([
      ['/', 7, ['i', { seq: 2 }]],
      ['/admin', undefined, ['i', { seq: 3 }]],
      ['/', undefined, ['chat:send', 'hi']],
    ]);
    // Validated as any packet: a bad one is refused before the shortcut sees it.
    expect(rejection(() => decoder.add(craft({ type: 2, nsp: '/', data: ['i', { a: { b: { c: { d: { e: 1 } } } } }] })))).toMatch(/nested deeper/);
    expect(shortcut).toHaveLength(1);
  });
});

describe('shortcut events read from their fixed layout', () => {
  type Outcome = { shortcut: readonly unknown[] } | { decoded: DecodedPacket } | { rejected: string };

  /** What a Decoder does with `bytes`: hands them to the shortcut, emits a packet, or rejects them. */
  function outcome(parser: SocketIoParser, bytes: Uint8Array, shortcutName: string | null): Outcome {
    const decoder = new parser.Decoder();
    const seen: Outcome[] = [];
    if (shortcutName !== null) decoder.setShortcut(shortcutName, (data) => seen.push({ shortcut: data }));
    decoder.on('decoded', (packet) => seen.push({ decoded: packet }));
    try {
      decoder.add(bytes);
    } catch (error) {
      if (!(error instanceof PacketRejected)) throw error;
      return { rejected: error.reason };
    }
    expect(seen).toHaveLength(1);
    return seen[0]!;
  }

  /** The generic path's verdict (no shortcut), expressed as what a Decoder with the shortcut must do. */
  function expectedOutcome(parser: SocketIoParser, bytes: Uint8Array, shortcutName: string): Outcome {
    const plain = outcome(parser, bytes, null);
    if (!('decoded' in plain)) return plain;
    const { type, nsp, id, data } = plain.decoded;
    const toShortcut = type === PacketType.EVENT && nsp === '/' && id === undefined && (data as unknown[])[0] === shortcutName;
    return toShortcut ? { shortcut: data as unknown[] } : plain;
  }

  const inputFrame = (data: readonly unknown[]) => encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/', data: ['i', ...data] });
  // Integers of every msgpack width the reader handles (up to 32 bits), and around their edges.
  const int32ish = fc.oneof(
    fc.integer({ min: -40, max: 300 }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
    fc.constantFrom(-129, -128, -33, -32, 127, 128, 255, 256, 65535, 65536, -32768, -32769, 2 ** 31 - 1, 2 ** 32 - 1, -(2 ** 31)),
  );
  const input = fc.tuple(int32ish, int32ish, int32ish, fc.array(int32ish, { maxLength: 4 }));

  it('reads N of N inputs as our Encoder writes them without the generic decoder, to the same data', () => {
    const counts = { ...serverParser.shortcutCounts };
    let runs = 0;
    fc.assert(
      fc.property(input, (envelope) => {
        runs++;
        expect(outcome(serverParser, inputFrame([envelope]), 'i')).toEqual({ shortcut: ['i', envelope] });
      }),
      { numRuns: 2000 },
    );
    expect(serverParser.shortcutCounts.fixedLayout - counts.fixedLayout).toBe(runs);
    expect(serverParser.shortcutCounts.generic - counts.generic).toBe(0);
  });

  it('leaves any other layout to the generic decoder: a stock-encoded input, floats, strings, an ack id', () => {
    const counts = { ...serverParser.shortcutCounts };
    const stock = stockEncode({ type: 2, data: ['i', [1, -1, 0, [3, 4]]], options: { compress: true }, nsp: '/' });
    expect(outcome(serverParser, stock, 'i')).toEqual({ shortcut: ['i', [1, -1, 0, [3, 4]]] });
    expect(outcome(serverParser, inputFrame([[1, 0.5, 0, [3, 4]]]), 'i')).toEqual({ shortcut: ['i', [1, 0.5, 0, [3, 4]]] });
    expect(outcome(serverParser, inputFrame([[1, 2, 3, ['x']]]), 'i')).toEqual({ shortcut: ['i', [1, 2, 3, ['x']]] });
    expect(serverParser.shortcutCounts.generic - counts.generic).toBe(3);
    expect(serverParser.shortcutCounts.fixedLayout - counts.fixedLayout).toBe(0);
    const withAck = encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/', data: ['i', [1, 2, 3, [4]]], id: 9 });
    expect(outcome(serverParser, withAck, 'i')).toEqual({ decoded: { type: 2, nsp: '/', data: ['i', [1, 2, 3, [4]]], id: 9 } });
  });

  it('reads snapshots (one bin argument, of every bin width) without the generic decoder, as views of the frame', () => {
    const counts = { ...clientParser.shortcutCounts };
    const sizes = [0, 1, 255, 256, 65_535, 65_536, 70_000];
    for (const size of sizes) {
      const snapshot = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
      const frame = encodeWith(serverParser, { type: PacketType.EVENT, nsp: '/', data: ['s', snapshot] });
      const result = outcome(clientParser, frame, 's');
      expect(result).toEqual({ shortcut: ['s', snapshot] });
      const bytes = ('shortcut' in result ? result.shortcut[1] : null) as Uint8Array;
      expect(bytes.buffer).toBe(frame.buffer);
    }
    expect(clientParser.shortcutCounts.fixedLayout - counts.fixedLayout).toBe(sizes.length);
    expect(clientParser.shortcutCounts.generic - counts.generic).toBe(0);
  });

  // Tight limits: the reader must bound array lengths, depth and bins exactly as the generic decoder does.
  const tightParser = createParser({ ...SERVER_PARSER_LIMITS, maxArrayLength: 3, maxDepth: 4, maxBinLength: 40 });

  it.each([
    ['the server\'s limits', serverParser],
    ['tight limits', tightParser],
  ])('property, %s: any edit of an input frame gets the same verdict with and without the fixed-layout reader', (_name, parser) => {
    const frames = fc.oneof(
      input.map((envelope) => inputFrame([envelope])),
      // More arguments, nested arrays beyond the depth limit, other event names.
      fc.array(fc.oneof(int32ish, fc.array(fc.oneof(int32ish, fc.array(int32ish, { maxLength: 4 })), { maxLength: 5 })), { maxLength: 5 }).map(inputFrame),
      // Bins, alone or in arrays, around the limits (64 bytes on the server, 40 in the tight parser).
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 70 }), fc.array(fc.oneof(int32ish, fc.uint8Array({ maxLength: 70 })), { maxLength: 3 })), { maxLength: 3 }).map(inputFrame),
      fc.constantFrom('i', 'j', 'disconnect').map((name) => encodeWith(clientParser, { type: PacketType.EVENT, nsp: '/', data: [name, [1, 2]] })),
    );
    const edit = fc.oneof(
      fc.tuple(fc.nat(60), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => (b: Uint8Array) => {
        const out = b.slice();
        if (at < out.length) out[at] = byte;
        return out;
      }),
      fc.nat(60).map((n) => (b: Uint8Array) => b.slice(0, Math.max(0, b.length - n))),
      fc.uint8Array({ minLength: 1, maxLength: 3 }).map((extra) => (b: Uint8Array) => Uint8Array.of(...b, ...extra)),
    );
    fc.assert(
      fc.property(frames, fc.array(edit, { maxLength: 3 }), (frame, edits) => {
        const bytes = edits.reduce((b, e) => e(b), frame);
        expect(outcome(parser, bytes, 'i')).toEqual(expectedOutcome(parser, bytes, 'i'));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('interop with socket.io-msgpack-parser', () => {
  // Packets exactly as socket.io-client 4.8 builds them: emit adds `options: {compress}` (client only).
  const stockClientPackets: Array<[string, object, Partial<DecodedPacket>]> = [
    [
      'emit with options',
      { type: 2, data: ['i', [1, -1, 0, { mx: 1 }]], options: { compress: true }, nsp: '/' },
      { type: 2, data: ['i', [1, -1, 0, { mx: 1 }]], nsp: '/' },
    ],
    [
      'emit with ack id',
      { type: 2, data: ['room:list', {}], options: { compress: true }, id: 3, nsp: '/' },
      { type: 2, data: ['room:list', {}], nsp: '/', id: 3 },
    ],
    ['connect with auth', { type: 0, data: { protocol: 1 }, nsp: '/' }, { type: 0, data: { protocol: 1 }, nsp: '/' }],
    // notepack encodes `undefined` as fixext 1 type 0: the one extension we accept (see maxExtLength).
    ['connect without auth', { type: 0, data: undefined, nsp: '/' }, { type: 0, nsp: '/' }],
    ['disconnect', { type: 1, nsp: '/' }, { type: 1, nsp: '/' }],
  ];
  it.each(stockClientPackets)('stock-encoded %s decodes with ours, options dropped', (_name, packet, expected) => {
    const decoded = decodeWith(serverParser, stockEncode(packet));
    expect(decoded).toEqual(expected);
    expect(Object.keys(decoded).sort()).toEqual(['data', 'id', 'nsp', 'type']);
  });

  it('decodes undefined values inside a stock-encoded payload', () => {
    const bytes = stockEncode({ type: 2, data: ['room:join', { roomId: undefined, code: 'ABCDEF' }], nsp: '/' });
    const data = decodeWith(serverParser, bytes).data as [string, Record<string, unknown>];
    expect(data[1]).toEqual({ code: 'ABCDEF' });
  });

  // Packets exactly as socket.io 4.8.4's server builds them (socket.js emit/ack/_onconnect/_error,
  // broadcast-operator + in-memory-adapter): no `options`, flags travel beside the packet.
  const serverPackets: Array<[string, OutgoingPacket & Record<string, unknown>]> = [
    ['emit', { type: 2, data: ['chat', { id: 1, text: 'hi' }], nsp: '/' }],
    ['emit with ack id', { type: 2, data: ['ping?'], id: 9, nsp: '/' }],
    ['snapshot', { type: 2, data: ['s', Uint8Array.of(1, 2, 3, 250)], nsp: '/' }],
    ['ack', { id: 4, type: 3, data: [{ ok: true, rooms: [] }], nsp: '/' }],
    ['connect', { type: 0, data: { sid: 'QnZz', pid: undefined }, nsp: '/' }],
    ['connect_error', { type: 4, data: { message: 'AUTH_FAILED', data: undefined }, nsp: '/' }],
    ['disconnect', { type: 1, nsp: '/' }],
  ];
  it.each(serverPackets)('our %s decodes with the stock decoder into the same packet', (_name, packet) => {
    const decoded = stockDecode(encodeWith(serverParser, packet)) as Record<string, unknown>;
    // Field by field: the stock decoder turns bins into Buffers, and we drop undefined map values.
    expect(Object.keys(decoded).sort()).toEqual(Object.keys(normalise(packet) as object).sort());
    expect(decoded.type).toBe(packet.type);
    expect(decoded.nsp).toBe(packet.nsp);
    expect(decoded.id).toBe(packet.id);
    expect(normalise(decoded.data)).toEqual(normalise(packet.data));
  });

  it('our bytes carry no options: an emit is smaller than the stock encoding by the options field', () => {
    const packet = { type: 2, data: ['i', [5, 4, 3, { mx: 0 }]], options: { compress: true }, nsp: '/' };
    const ours = encodeWith(clientParser, packet);
    const stock = stockEncode(packet);
    expect(Object.keys(rawDecode(ours) as object)).not.toContain('options');
    expect(ours.length).toBeLessThan(stock.length);
    // "options" (8) + fixmap (1) + "compress" (9) + true (1)
    expect(stock.length - ours.length).toBe(19);
  });
});

/** Buffers (stock decoder) and Uint8Arrays compare equal; undefined map values are dropped on our wire. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}

// ---- rejections ----

describe('rejections', () => {
  const event = (data: unknown, extra: Record<string, unknown> = {}): Uint8Array =>
    craft({ type: 2, nsp: '/', data, ...extra });

  it('rejects a text frame', () => {
    expect(rejectedBy(serverParser, '2["x"]')).toMatch(/text frame/);
  });

  it('rejects input that is neither text nor binary', () => {
    for (const chunk of [123, null, undefined, {}, [1, 2]]) expect(rejectedBy(serverParser, chunk)).toMatch(/not a binary frame/);
  });

  it('rejects truncated msgpack', () => {
    const bytes = event(['chat:send', { text: 'hello' }]);
    expect(rejectedBy(serverParser, bytes.subarray(0, bytes.length - 1))).toMatch(/malformed msgpack/);
  });

  it('rejects garbage bytes', () => {
    expect(rejectedBy(serverParser, Uint8Array.of(0xc1, 0xff, 0x00))).toMatch(/malformed msgpack/);
  });

  it('rejects trailing bytes after the packet', () => {
    expect(rejectedBy(serverParser, Uint8Array.of(...event(['x']), 0x00))).toMatch(/malformed msgpack/);
  });

  it('rejects an empty frame', () => {
    expect(rejectedBy(serverParser, new Uint8Array(0))).toMatch(/malformed msgpack/);
  });

  it.each([
    ['an array', [2, '/', ['x']], /an array, not a map/],
    ['a number', 2, /2, not a map/],
    ['nil', null, /nil, not a map/],
    ['a string', '2', /not a map/],
    ['binary', Uint8Array.of(2), /binary, not a map/],
  ])('rejects a top-level %s', (_name, value, reason) => {
    expect(rejectedBy(serverParser, craft(value))).toMatch(reason);
  });

  it.each([[7], [-1], [1.5], ['2'], [null], [undefined], [5]])('rejects packet type %j', (type) => {
    expect(rejectedBy(serverParser, craft({ type, nsp: '/', data: ['x'] }))).toMatch(/packet type .* not accepted/);
  });

  it('rejects CONNECT_ERROR from a client, accepts it from the server', () => {
    const bytes = craft({ type: 4, nsp: '/', data: { message: 'x' } });
    expect(rejectedBy(serverParser, bytes)).toMatch(/packet type 4 not accepted/);
    expect(decodeWith(clientParser, bytes).type).toBe(4);
  });

  it.each([[1], [null], [undefined], [''], ['chat'], [{ toString: '/' }]])('rejects namespace %j', (nsp) => {
    expect(rejectedBy(serverParser, craft({ type: 2, nsp, data: ['x'] }))).toMatch(/namespace/);
  });

  it.each([[-1], [1.5], ['3'], [null], [2 ** 53], [{}]])('rejects ack id %j', (id) => {
    expect(rejectedBy(serverParser, event(['x'], { id }))).toMatch(/ack id/);
  });

  it('rejects an event name that is a map ({toString: "x"}), which crashes socket.io with the stock parser', () => {
    expect(rejectedBy(serverParser, event([{ toString: 'x' }]))).toMatch(/event name must be a string/);
  });

  it('rejects an event name that is a number (socket.io-parser would accept it)', () => {
    expect(rejectedBy(serverParser, event([42]))).toMatch(/event name must be a string/);
  });

  it('rejects EVENT with empty or non-array data', () => {
    expect(rejectedBy(serverParser, event([]))).toMatch(/non-empty array/);
    expect(rejectedBy(serverParser, event({ 0: 'x' }))).toMatch(/non-empty array/);
    expect(rejectedBy(serverParser, craft({ type: 2, nsp: '/' }))).toMatch(/non-empty array/);
  });

  it.each([...RESERVED_EVENTS])('rejects the reserved event name "%s"', (name) => {
    expect(rejectedBy(serverParser, event([name]))).toMatch(/reserved event name/);
    expect(rejectedBy(serverParser, event([name, null], { id: 1 }))).toMatch(/reserved event name/);
  });

  it('covers every name socket.io reserves, and "error", which its server Socket emits itself', () => {
    expect([...RESERVED_EVENTS].sort()).toEqual(
      ['connect', 'connect_error', 'disconnect', 'disconnecting', 'error', 'newListener', 'removeListener'].sort(),
    );
  });

  it('rejects ACK without id or with non-array data', () => {
    expect(rejectedBy(clientParser, craft({ type: 3, nsp: '/', data: [] }))).toMatch(/ACK without id/);
    expect(rejectedBy(clientParser, craft({ type: 3, nsp: '/', data: 'x', id: 1 }))).toMatch(/ACK data/);
  });

  it('rejects CONNECT with non-map data and DISCONNECT with data', () => {
    expect(rejectedBy(serverParser, craft({ type: 0, nsp: '/', data: ['x'] }))).toMatch(/CONNECT data/);
    expect(rejectedBy(serverParser, craft({ type: 0, nsp: '/', data: 'x' }))).toMatch(/CONNECT data/);
    expect(rejectedBy(serverParser, craft({ type: 1, nsp: '/', data: {} }))).toMatch(/DISCONNECT/);
  });

  it('rejects CONNECT_ERROR data that is neither a string nor a map', () => {
    expect(rejectedBy(clientParser, craft({ type: 4, nsp: '/', data: [1] }))).toMatch(/CONNECT_ERROR data/);
  });

  it('rejects an oversize string (server: 1024 bytes)', () => {
    expect(decodeWith(serverParser, event(['x', 'a'.repeat(900)])).data).toHaveLength(2);
    // With the server limits a too-long string cannot fit a frame; a header can still claim one.
    expect(rejectedBy(serverParser, withRaw([0xdb, 0x7f, 0xff, 0xff, 0xff]))).toMatch(/maxStrLength/);
    const roomier = createParser({ ...SERVER_PARSER_LIMITS, maxPacketBytes: 4096 });
    expect(decodeWith(roomier, event(['x', 'é'.repeat(512)])).data).toHaveLength(2);
    expect(rejectedBy(roomier, event(['x', 'é'.repeat(513)]))).toMatch(/maxStrLength/);
  });

  it('rejects an oversize array (server: 32 elements)', () => {
    expect(decodeWith(serverParser, event(['x', new Array<number>(32).fill(1)])).data).toHaveLength(2);
    expect(rejectedBy(serverParser, event(['x', new Array<number>(33).fill(1)]))).toMatch(/maxArrayLength/);
  });

  it('rejects an oversize map (server: 16 entries)', () => {
    const map = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(decodeWith(serverParser, event(['x', map(16)])).data).toHaveLength(2);
    expect(rejectedBy(serverParser, event(['x', map(17)]))).toMatch(/maxMapLength/);
  });

  it('rejects an oversize bin (server: 64 bytes)', () => {
    expect(decodeWith(serverParser, event(['x', new Uint8Array(64)])).data).toHaveLength(2);
    expect(rejectedBy(serverParser, event(['x', new Uint8Array(65)]))).toMatch(/maxBinLength/);
  });

  it('rejects a frame over maxPacketBytes before decoding it', () => {
    const bytes = event(['x', 'a'.repeat(600), 'b'.repeat(600)]);
    expect(bytes.length).toBeGreaterThan(SERVER_PARSER_LIMITS.maxPacketBytes);
    expect(rejectedBy(serverParser, bytes)).toMatch(/exceeds 1024/);
    // Even garbage is measured first: nothing of it is decoded.
    expect(rejectedBy(serverParser, new Uint8Array(1025).fill(0xc1))).toMatch(/exceeds 1024/);
  });

  it('accepts nesting up to maxDepth and rejects one level more (arrays and maps)', () => {
    const { maxDepth } = SERVER_PARSER_LIMITS; // packet map = level 1, data = level 2
    expect(decodeWith(serverParser, nestedEventFrame(maxDepth - 2)).type).toBe(2);
    expect(rejectedBy(serverParser, nestedEventFrame(maxDepth - 1))).toMatch(/nested deeper than 6/);
    expect(decodeWith(serverParser, nestedMapEventFrame(maxDepth - 2)).type).toBe(2);
    expect(rejectedBy(serverParser, nestedMapEventFrame(maxDepth - 1))).toMatch(/nested deeper than 6/);
  });

  it('rejects 1000-deep nesting within the server byte limit', () => {
    const bytes = nestedEventFrame(1000);
    expect(bytes.length).toBeLessThanOrEqual(SERVER_PARSER_LIMITS.maxPacketBytes);
    expect(rejectedBy(serverParser, bytes)).toMatch(/nested deeper/);
    expect(rejectedBy(serverParser, nestedMapEventFrame(330))).toMatch(/nested deeper/);
  });

  it('rejects 100k-deep nesting without overflowing the stack', () => {
    const bytes = nestedEventFrame(100_000);
    expect(rejectedBy(serverParser, bytes)).toMatch(/exceeds/); // too big for a client frame anyway
    expect(bytes.length).toBeLessThanOrEqual(CLIENT_PARSER_LIMITS.maxPacketBytes);
    expect(rejectedBy(clientParser, bytes)).toMatch(/nested deeper than 8/);
    expect(rejectedBy(clientParser, nestedMapEventFrame(100_000))).toMatch(/nested deeper than 8/);
  });

  it.each([
    ['fixext 1, type 5', [0xd4, 0x05, 0x00]],
    ['ext 8, empty, type 7', [0xc7, 0x00, 0x07]],
    ['timestamp (type -1)', [0xd6, 0xff, 0x00, 0x00, 0x00, 0x01]],
    ['notepack undefined with a payload of 1', [0xd4, 0x00, 0x01]],
  ])('rejects an extension: %s', (_name, ext) => {
    expect(rejectedBy(serverParser, withRaw(ext))).toMatch(/extension type|maxExtLength/);
  });

  it('rejects a larger extension by length alone', () => {
    expect(rejectedBy(serverParser, withRaw([0xd5, 0x05, 0x00, 0x00]))).toMatch(/maxExtLength/);
  });

  it("accepts notepack's undefined marker only while maxExtLength >= 1", () => {
    const marker = withRaw([0xd4, 0x00, 0x00]);
    expect(decodeWith(serverParser, marker).data).toEqual(['x', undefined]);
    const strict = createParser({ ...SERVER_PARSER_LIMITS, maxExtLength: 0 });
    expect(rejectedBy(strict, marker)).toMatch(/maxExtLength/);
  });

  it('rejects a "__proto__" key at the top level and inside data, without touching any prototype', () => {
    const top = craft(JSON.parse('{"type":2,"nsp":"/","data":["x"],"__proto__":{"polluted":1}}'));
    const nested = craft(JSON.parse('{"type":2,"nsp":"/","data":["x",{"__proto__":{"polluted":1}}]}'));
    expect(rejectedBy(serverParser, top)).toMatch(/__proto__/);
    expect(rejectedBy(serverParser, nested)).toMatch(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps "constructor" and "prototype" keys as plain own data', () => {
    const bytes = event(['x', { constructor: { prototype: { polluted: 1 } }, toString: 'y' }]);
    const arg = (decodeWith(serverParser, bytes).data as unknown[])[1] as Record<string, unknown>;
    expect(Object.getPrototypeOf(arg)).toBe(Object.prototype);
    expect(Object.keys(arg)).toEqual(['constructor', 'toString']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof Object.prototype.toString).toBe('function');
  });

  it('reports the reason in the message too', () => {
    const error = (() => {
      try {
        new serverParser.Decoder().add('x');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('PacketRejected');
    expect((error as Error).message).toMatch(/^packet rejected: text frame/);
  });

  it('property: random bytes never throw anything but PacketRejected', () => {
    const decoder = new serverParser.Decoder();
    decoder.on('decoded', () => {});
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          decoder.add(bytes);
        } catch (error) {
          if (!(error instanceof PacketRejected)) throw error;
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('property: mutated valid frames never throw anything but PacketRejected', () => {
    const valid = event(['chat:send', { text: 'hello', n: [1, 2.5, -3], b: Uint8Array.of(1) }], { id: 7 });
    const decoder = new clientParser.Decoder();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (edits) => {
        const bytes = valid.slice();
        for (const [at, byte] of edits) bytes[at] = byte;
        try {
          decoder.add(bytes);
        } catch (error) {
          if (!(error instanceof PacketRejected)) throw error;
        }
      }),
      { numRuns: 5000 },
    );
  });
});

// ---- limits on packet kinds: what socket.io would otherwise accept without end ----

describe('packet kinds and counts', () => {
  const connect = (nsp = '/') => craft({ type: PacketType.CONNECT, nsp, data: { protocol: 1 } });

  it('rejects an ACK from a client (the server never asks for one), accepts one from the server', () => {
    const ack = stockEncode({ type: 3, id: 5, data: [{ ok: true }], nsp: '/' });
    expect(rejectedBy(serverParser, ack)).toBe('packet type 3 not accepted');
    expect(decodeWith(clientParser, ack)).toEqual({ type: 3, data: [{ ok: true }], nsp: '/', id: 5 });
  });

  it.each([
    ['CONNECT', { type: 0, nsp: '/admin', data: { protocol: 1 } }],
    ['DISCONNECT', { type: 1, nsp: '/admin' }],
    ['EVENT', { type: 2, nsp: '/admin', data: ['room:list', {}], id: 1 }],
  ])('rejects a %s for any namespace but "/" by default', (_name, packet) => {
    expect(rejectedBy(serverParser, craft(packet))).toBe('namespace string "/admin" not served');
    expect(rejectedBy(serverParser, craft({ ...packet, nsp: '//' }))).toMatch(/not served/);
    expect(decodeWith(adminParser, craft(packet)).nsp).toBe('/admin');
  });

  it('accepts one CONNECT per connection on the server, any number on the client (reconnects reuse its Decoder)', () => {
    const decoder = new serverParser.Decoder();
    decoder.on('decoded', () => {});
    decoder.add(connect());
    expect(rejection(() => decoder.add(connect()))).toBe('more than 1 CONNECT on one connection');
    // Every other kind still passes: the limit is on sessions, not on the connection's traffic.
    decoder.add(craft({ type: PacketType.EVENT, nsp: '/', data: ['x'] }));
    decoder.add(craft({ type: PacketType.DISCONNECT, nsp: '/' }));
    expect(decodeWith(serverParser, connect()).type).toBe(PacketType.CONNECT); // a new connection, a new Decoder

    const client = new clientParser.Decoder();
    let count = 0;
    client.on('decoded', () => count++);
    for (let i = 0; i < 100; i++) client.add(craft({ type: PacketType.CONNECT, nsp: '/', data: { sid: `s${i}` } }));
    expect(count).toBe(100);
  });

  it('counts CONNECTs to every namespace against maxConnects', () => {
    const decoder = new adminParser.Decoder();
    decoder.on('decoded', () => {});
    decoder.add(connect('/'));
    decoder.add(connect('/admin'));
    expect(rejection(() => decoder.add(connect('/admin')))).toBe('more than 2 CONNECT on one connection');
  });

  it('validates namespaces and maxConnects', () => {
    expect(() => createParser({ ...SERVER_PARSER_LIMITS, namespaces: [] })).toThrow(RangeError);
    expect(() => createParser({ ...SERVER_PARSER_LIMITS, namespaces: ['admin'] })).toThrow(RangeError);
    expect(() => createParser({ ...SERVER_PARSER_LIMITS, maxConnects: 0 })).toThrow(RangeError);
    expect(() => createParser({ ...SERVER_PARSER_LIMITS, maxConnects: 1.5 })).toThrow(RangeError);
    const { namespaces: _omitted, ...withoutNamespaces } = SERVER_PARSER_LIMITS;
    expect(rejectedBy(createParser(withoutNamespaces), connect('/admin'))).toMatch(/not served/); // the default: "/" only
  });
});

// ---- the Decoder's emitter, as socket.io uses it ----

describe('Decoder emitter', () => {
  const frame = craft({ type: 2, nsp: '/', data: ['x'] });

  it('supports on / off / removeListener("decoded") and destroy()', () => {
    const decoder = new serverParser.Decoder();
    const a: DecodedPacket[] = [];
    const b: DecodedPacket[] = [];
    const listenA = (p: DecodedPacket) => a.push(p);
    const listenB = (p: DecodedPacket) => b.push(p);
    decoder.on('decoded', listenA).on('decoded', listenB);
    decoder.add(frame);
    decoder.off('decoded', listenA); // socket.io-client
    decoder.add(frame);
    decoder.removeListener('decoded', listenB); // socket.io server
    decoder.add(frame);
    expect([a.length, b.length]).toEqual([1, 2]);
    decoder.destroy();
  });

  it("lets a listener's own error through unchanged, not as PacketRejected", () => {
    const decoder = new serverParser.Decoder();
    decoder.on('decoded', () => {
      throw new RangeError('listener bug');
    });
    expect(() => decoder.add(frame)).toThrow(RangeError);
  });

  it('emits nothing for a rejected frame', () => {
    const decoder = new serverParser.Decoder();
    let count = 0;
    decoder.on('decoded', () => count++);
    expect(() => decoder.add(craft({ type: 2, nsp: '/', data: ['disconnect'] }))).toThrow(PacketRejected);
    expect(count).toBe(0);
  });

  it('validates its limits', () => {
    expect(() => createParser({ ...SERVER_PARSER_LIMITS, maxDepth: 1 })).toThrow(RangeError);
    expect(() => createParser({ ...SERVER_PARSER_LIMITS, maxStrLength: -1 })).toThrow(RangeError);
    expect(serverParser.protocol).toBe(5);
  });
});
