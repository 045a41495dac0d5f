// One engine.io v4 session over a WebSocket (the `ws` package), WebSocket only: the open packet, the
// server's pings answered, binary message packets in and out. What the bots need of engine.io-client
// without its per-message machinery (packet objects, a write buffer and its flush, drain events on the
// next tick, the `debug` build socket.io-client loads in Node).
//
// engine.io v4 over WebSocket: a text frame is one packet, its type the first character ("0" open with
// the handshake JSON, "1" close, "2" ping, "3" pong, "4" text message, "6" noop); a binary frame is one
// binary message packet, its bytes as they are.
//
// Bounded: a frame larger than maxPayload is refused by ws (the connection closes); outgoing bytes that
// pile up past MAX_BUFFERED_BYTES (the server stopped reading) close the connection; nothing is queued
// before the open packet or after the close. A server that stops pinging for pingInterval + pingTimeout
// is taken as gone ("ping timeout"), as engine.io-client does.

import { EventEmitter } from 'node:events';
import { WebSocket, type RawData } from 'ws';
import type { ConnectionEngine, EnginePacket } from '../../shared/client/client-connection.js';
import { LIMITS } from '../../shared/protocol.js';

/** The open packet's handshake (the fields this client uses). */
export interface EngineHandshake {
  readonly sid: string;
  readonly pingInterval: number;
  readonly pingTimeout: number;
  /** Largest message the server accepts, in bytes. */
  readonly maxPayload: number;
}

/** engine.io-client's close reasons: the socket.io layer passes them on as its disconnect reason. */
export type EngineCloseReason = 'transport close' | 'transport error' | 'ping timeout' | 'forced close' | 'parse error';

export interface EngineHandlers {
  /** The handshake arrived: messages may be sent. */
  onOpen(handshake: EngineHandshake): void;
  /** One message packet (binary for our parser; a text message is passed as a string). */
  onMessage(data: Buffer | string): void;
  /** The session ended (once; never after close() was called). `error` when it never opened or failed. */
  onClose(reason: EngineCloseReason, error?: Error): void;
}

/** Outgoing bytes the socket may hold before the connection is given up (a server that stopped reading). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Largest frame accepted from the server: its largest packet, with room for the frame header. */
const MAX_INCOMING_FRAME = LIMITS.maxServerPacketBytes + 16;

/** engine.io packet types (protocol v4), as the first character of a text frame. */
const OPEN = '0';
const CLOSE = '1';
const PING = '2';
const MESSAGE = '4';
const NOOP = '6';

/** The engine.io endpoint of a socket.io server: `origin` (http or https) and socket.io's `path`. */
export function engineUrl(origin: string, path: string): string {
  const url = new URL(path, origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('EIO', '4');
  url.searchParams.set('transport', 'websocket');
  return url.href;
}

export class LeanEngine extends EventEmitter implements ConnectionEngine {
  readonly transport = { name: 'websocket' } as const;
  private readonly ws: WebSocket;
  private handshake: EngineHandshake | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private ended = false;
  /** Reused for every 'packet' / 'packetCreate' event: listeners read it synchronously (byte counters). */
  private readonly counted: { data: unknown } = { data: undefined };

  constructor(
    url: string,
    private readonly handlers: EngineHandlers,
  ) {
    super();
    this.ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_INCOMING_FRAME });
    this.ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.ws.on('close', () => this.end('transport close'));
    this.ws.on('error', (err) => this.end('transport error', err));
  }

  get open(): boolean {
    return this.handshake !== null && !this.ended;
  }

  /** The server's handshake (its ping settings), null before the open packet. */
  get settings(): EngineHandshake | null {
    return this.handshake;
  }

  /** Sends one binary message packet; false (and nothing sent) when the session is not open. */
  send(bytes: Uint8Array): boolean {
    if (!this.open) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.end('transport error', new Error(`over ${MAX_BUFFERED_BYTES} bytes waiting to be sent: the server is not reading`));
      return false;
    }
    if (bytes.byteLength > this.handshake!.maxPayload) {
      throw new RangeError(`a message of ${bytes.byteLength} bytes exceeds the server's maxPayload ${this.handshake!.maxPayload}`);
    }
    this.count('packetCreate', bytes);
    this.ws.send(bytes);
    return true;
  }

  /** Closes the session as engine.io-client's close() does ("forced close"), telling the handlers. */
  close(): this {
    this.end('forced close');
    return this;
  }

  /** Ends the session for `reason` (e.g. a packet the parser refused: "parse error"), telling the handlers. */
  fail(reason: EngineCloseReason, error: Error): void {
    this.end(reason, error);
  }

  /** Closes the session without telling the handlers (the owner is done with it). */
  discard(): void {
    this.ended = true;
    this.stopWatchdog();
    this.ws.removeAllListeners();
    // An error after this (a connection that fails while closing) must not be an unhandled 'error' event.
    this.ws.on('error', () => {});
    this.closeSocket();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ended) return;
    if (isBinary) {
      if (this.handshake === null) return this.end('parse error', new Error('binary frame before the open packet'));
      const bytes = data as Buffer; // binaryType 'nodebuffer', unfragmented frames: one Buffer
      this.count('packet', bytes);
      this.handlers.onMessage(bytes);
      return;
    }
    const text = data.toString();
    switch (text[0]) {
      case OPEN:
        return this.onOpenPacket(text.slice(1));
      case PING:
        this.ws.send('3');
        this.watchdog?.refresh();
        return;
      case MESSAGE:
        this.handlers.onMessage(text.slice(1));
        return;
      case CLOSE:
        return this.end('transport close');
      case NOOP:
        return;
      default:
        return this.end('parse error', new Error(`unexpected engine.io packet "${text.slice(0, 16)}"`));
    }
  }

  private onOpenPacket(json: string): void {
    if (this.handshake !== null) return this.end('parse error', new Error('a second open packet'));
    const handshake = parseHandshake(json);
    if (handshake === null) return this.end('parse error', new Error(`malformed open packet: ${json.slice(0, 80)}`));
    this.handshake = handshake;
    // No ping for a ping interval and its timeout: the server is gone (or frozen), as engine.io-client judges.
    this.watchdog = setTimeout(() => this.end('ping timeout'), handshake.pingInterval + handshake.pingTimeout);
    this.watchdog.unref();
    this.handlers.onOpen(handshake);
  }

  private count(event: 'packet' | 'packetCreate', data: unknown): void {
    this.counted.data = data;
    this.emit(event, this.counted satisfies EnginePacket);
  }

  private end(reason: EngineCloseReason, error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.stopWatchdog();
    this.closeSocket();
    this.handlers.onClose(reason, error);
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private closeSocket(): void {
    const state = this.ws.readyState;
    // Still connecting: terminate (close() would throw). Open: a close frame, the TCP end follows.
    if (state === WebSocket.CONNECTING) this.ws.terminate();
    else if (state === WebSocket.OPEN) this.ws.close();
  }
}

function parseHandshake(json: string): EngineHandshake | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { sid, pingInterval, pingTimeout, maxPayload } = value as Record<string, unknown>;
  const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (typeof sid !== 'string' || !positive(pingInterval) || !positive(pingTimeout) || !positive(maxPayload)) return null;
  return { sid, pingInterval, pingTimeout, maxPayload };
}
