// A raw engine.io v4 client that speaks socket.io by hand, over a WebSocket or over HTTP long-polling,
// so tests and the fuzzer (sim/fuzz) can send packets no well-behaved client would: malformed msgpack,
// text frames, reserved or non-string event names, packets for other namespaces.
//
// engine.io v4 framing, as socket.io-client uses it: over a WebSocket a binary message is one binary
// frame holding the bytes as they are, and every other packet is a text frame led by its type digit
// ("4" message, "2" ping, "3" pong, "1" close). Over long-polling, packets travel as text joined by the
// record separator \x1e, a binary message written as "b" + base64; one POST carries a batch, one GET
// at a time waits for what the server sends.

import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { Decoder, Encoder } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';

export type RawTransport = 'websocket' | 'polling';

/**
 * One engine.io packet to send: bytes go as a binary message; a string is a whole engine.io text packet,
 * type digit included ("42[...]" is a text socket.io message, "3" a pong, "9" no packet type at all).
 */
export type RawFrame = Uint8Array | string;

export interface RawSocketOptions {
  readonly transport?: RawTransport;
}

/** What RawSocket needs from an engine.io connection, whichever its transport. */
interface EngineLink {
  /** Sends packets in order; over polling one POST carries them all. */
  send(frames: readonly RawFrame[]): void;
  close(): void;
}

interface LinkEvents {
  /** An engine.io message from the server: binary as bytes, text without its "4". */
  message(frame: RawFrame): void;
  closed(): void;
}

const encoder = new Encoder();
/** Without limits or validation: the raw socket reports whatever the server sends. */
const decoder = new Decoder();
const ENGINE_PATH = '/socket.io/?EIO=4';
const RECORD_SEPARATOR = '\x1e';

// ---- WebSocket ----

function openWebSocket(port: number, events: LinkEvents): Promise<EngineLink> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${ENGINE_PATH}&transport=websocket`);
  return new Promise((resolve, reject) => {
    let open = false;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return events.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const text = data.toString();
      if (text.startsWith('0') && !open) {
        open = true;
        resolve({
          send: (frames) => {
            for (const frame of frames) ws.send(frame, { binary: typeof frame !== 'string' });
          },
          close: () => ws.close(),
        });
      } else if (text === '2') {
        ws.send('3'); // answer engine.io's ping so the server does not time us out
      } else if (text.startsWith('4')) {
        events.message(text.slice(1));
      }
    });
    ws.on('error', (err) => {
      if (!open) reject(err);
    });
    ws.on('close', () => {
      if (!open) reject(new Error('WebSocket closed before engine.io opened'));
      events.closed();
    });
  });
}

// ---- long-polling ----

/** Keep-alive sockets shared by every polling connection: a POST and a GET per connection at most. */
const pollingAgent = new Agent({ keepAlive: true });

interface HttpReply {
  readonly status: number;
  readonly body: string;
}

function httpRequest(port: number, method: 'GET' | 'POST', path: string, body?: string, onRequest?: (req: ClientRequest) => void): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: pollingAgent,
        headers: body === undefined ? {} : { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) },
      },
      (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    onRequest?.(req);
    req.end(body);
  });
}

function encodePollingPacket(frame: RawFrame): string {
  return typeof frame === 'string' ? frame : `b${Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64')}`;
}

class PollingLink implements EngineLink {
  private readonly path: string;
  private readonly queue: string[] = [];
  private posting = false;
  private ended = false;
  private closedReported = false;
  private poll: ClientRequest | null = null;

  constructor(
    private readonly port: number,
    sid: string,
    private readonly events: LinkEvents,
  ) {
    this.path = `${ENGINE_PATH}&transport=polling&sid=${encodeURIComponent(sid)}`;
  }

  static async open(port: number, events: LinkEvents): Promise<EngineLink> {
    const reply = await httpRequest(port, 'GET', `${ENGINE_PATH}&transport=polling`);
    if (reply.status !== 200 || !reply.body.startsWith('0')) throw new Error(`polling handshake failed: ${reply.status} ${reply.body.slice(0, 80)}`);
    const { sid } = JSON.parse(reply.body.slice(1)) as { sid: string };
    const link = new PollingLink(port, sid, events);
    void link.pollLoop();
    return link;
  }

  send(frames: readonly RawFrame[]): void {
    if (this.ended || frames.length === 0) return;
    this.queue.push(frames.map(encodePollingPacket).join(RECORD_SEPARATOR));
    this.flush();
  }

  close(): void {
    if (this.ended) return;
    // engine.io's close packet, then stop polling whatever the server answers.
    void httpRequest(this.port, 'POST', this.path, '1').catch(() => {});
    this.end();
  }

  /** engine.io refuses overlapping POSTs (it closes the session): one at a time, batches queued meanwhile. */
  private flush(): void {
    if (this.posting || this.ended || this.queue.length === 0) return;
    const body = this.queue.splice(0).join(RECORD_SEPARATOR);
    this.posting = true;
    httpRequest(this.port, 'POST', this.path, body).then(
      (reply) => {
        this.posting = false;
        // 400 for a session the server has closed, 413 for a body over its buffer limit.
        if (reply.status !== 200) this.end();
        else this.flush();
      },
      () => {
        // The server destroys the POST of a connection it closes while reading it.
        this.posting = false;
        this.end();
      },
    );
  }

  private async pollLoop(): Promise<void> {
    while (!this.ended) {
      let reply: HttpReply;
      try {
        reply = await httpRequest(this.port, 'GET', this.path, undefined, (req) => (this.poll = req));
      } catch {
        break;
      }
      if (reply.status !== 200) break;
      for (const packet of reply.body.split(RECORD_SEPARATOR)) {
        if (packet.startsWith('b')) this.events.message(new Uint8Array(Buffer.from(packet.slice(1), 'base64')));
        else if (packet.startsWith('4')) this.events.message(packet.slice(1));
        else if (packet === '2') this.send(['3']);
        else if (packet === '1') this.ended = true;
      }
    }
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.poll?.destroy();
    this.poll = null;
    if (this.closedReported) return;
    this.closedReported = true;
    this.events.closed();
  }
}

// ---- socket.io on top ----

type PacketListener = (packet: unknown) => void;

/** A waitForPacket call: offered each packet, finished with undefined on close. */
interface Waiter {
  offer(packet: unknown): void;
  finish(packet: unknown): void;
}

export class RawSocket {
  /** Every socket.io packet the server sent, msgpack-decoded; a frame that is not msgpack as its bytes. */
  readonly received: unknown[] = [];
  /** Called for each packet as it arrives (after it is added to `received`, unless keepReceived is off). */
  onPacket: PacketListener | null = null;
  /** Called with each message as it arrived, before any decoding (for a caller with its own decoder). */
  onFrame: ((frame: RawFrame) => void) | null = null;
  /** Called once when the connection is closed, by either side. */
  onClose: (() => void) | null = null;
  /** Off: nothing is kept in `received` (long-running users such as the fuzzer). */
  keepReceived = true;
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;
  private link: EngineLink | null = null;
  private readonly waiters = new Set<Waiter>();

  private constructor(readonly transport: RawTransport) {
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Opens an engine.io connection (no socket.io CONNECT yet). */
  static async open(port: number, options: RawSocketOptions = {}): Promise<RawSocket> {
    const transport = options.transport ?? 'websocket';
    const socket = new RawSocket(transport);
    const events: LinkEvents = {
      message: (frame) => socket.onMessage(frame),
      closed: () => {
        socket.closedFlag = true;
        socket.resolveClosed();
        for (const waiter of [...socket.waiters]) waiter.finish(undefined);
        socket.onClose?.();
      },
    };
    socket.link = transport === 'websocket' ? await openWebSocket(port, events) : await PollingLink.open(port, events);
    return socket;
  }

  /** Opens the connection, sends a socket.io CONNECT with auth and waits for the server's answer. */
  static async connect(
    port: number,
    auth: unknown = { protocol: PROTOCOL_VERSION, name: 'raw' },
    options: RawSocketOptions = {},
  ): Promise<RawSocket> {
    const socket = await RawSocket.open(port, options);
    const answered = socket.nextPacket(5000);
    socket.sendPacket({ type: 0, nsp: '/', data: auth });
    if ((await answered) === undefined) {
      socket.close();
      throw new Error('no answer to CONNECT within 5000 ms');
    }
    return socket;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Encodes any value as a msgpack packet (no validation: that is the point). */
  sendPacket(packet: unknown): void {
    this.sendFrames([encoder.encode(packet)]);
  }

  sendBinary(bytes: Uint8Array): void {
    this.sendFrames([bytes]);
  }

  /** A whole engine.io text packet, e.g. '42["room:list",{}]'. */
  sendText(text: string): void {
    this.sendFrames([text]);
  }

  /** Sends packets back to back (over polling, in one POST). */
  sendFrames(frames: readonly RawFrame[]): void {
    if (!this.closedFlag) this.link?.send(frames);
  }

  /** The first packet received from now on that satisfies `predicate`, or undefined after `timeoutMs` or on close. */
  waitForPacket(predicate: (packet: unknown) => boolean, timeoutMs: number): Promise<unknown> {
    if (this.closedFlag) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offer: (packet) => {
          if (predicate(packet)) waiter.finish(packet);
        },
        finish: (packet) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(packet);
        },
      };
      const timer = setTimeout(() => waiter.finish(undefined), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The next packet received, or undefined after `timeoutMs` or on close. */
  nextPacket(timeoutMs: number): Promise<unknown> {
    return this.waitForPacket(() => true, timeoutMs);
  }

  /** Resolves true if the server closed the connection within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const closed = await Promise.race([this.closedPromise.then(() => true), timeout]);
    clearTimeout(timer);
    return closed;
  }

  close(): void {
    this.link?.close();
  }

  private onMessage(frame: RawFrame): void {
    this.onFrame?.(frame);
    if (!this.keepReceived && this.onPacket === null && this.waiters.size === 0) return;
    let packet: unknown = frame;
    if (typeof frame !== 'string') {
      try {
        packet = decoder.decode(frame);
      } catch {
        // Not msgpack: reported as the bytes themselves.
      }
    }
    if (this.keepReceived) this.received.push(packet);
    this.onPacket?.(packet);
    for (const waiter of [...this.waiters]) waiter.offer(packet);
  }
}
