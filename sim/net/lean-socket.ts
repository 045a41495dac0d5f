// A lean socket.io v5 client for tools (the bots): the main namespace over one WebSocket-only engine.io
// session (lean-manager.ts, lean-engine.ts), with our msgpack parser (shared/net/msgpack-parser.ts). It is
// a ClientConnection, so NetClient runs on it unchanged (`openLeanSocket` is its openConnection): the same
// connect, CONNECT_ERROR refusals, events, acknowledged requests with timeouts, disconnect reasons and
// reconnection as socket.io-client, at a fraction of its cost per message. The browser keeps socket.io-client.
//
// Differences from socket.io-client, on purpose: WebSocket only (no long-polling); nothing is queued
// while disconnected (an emit then is dropped, a request rejected at once: NetClient checks the connection
// first anyway); the server cannot ask this client for an acknowledgement (ours never does).

import { EventEmitter } from 'node:events';
import type { ClientConnection, ConnectionOptions } from '../../shared/client/client-connection.js';
import { clientParser, PacketRejected, PacketType, type DecodedPacket, type PacketDecoder, type PacketEncoder } from '../../shared/net/msgpack-parser.js';
import { EV } from '../../shared/protocol.js';
import { engineUrl, type EngineCloseReason } from './lean-engine.js';
import { LeanManager } from './lean-manager.js';

/** socket.io-client's defaults for what NetClient may leave out. */
const DEFAULTS = { path: '/socket.io/', reconnectionDelay: 1000, reconnectionDelayMax: 5000, timeout: 20_000 } as const;
const NAMESPACE = '/';

type Listener = (...args: unknown[]) => void;

interface PendingAck {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** NetClient's openConnection for tools: a LeanSocket with socket.io-client's options. */
export function openLeanSocket(origin: string, options: ConnectionOptions): LeanSocket {
  return new LeanSocket(origin, options);
}

export class LeanSocket implements ClientConnection {
  readonly io: LeanManager;
  readonly recovered = false;
  private sessionId: string | undefined;
  private isConnected = false;
  /** The client wants to be connected: CONNECT is sent on every engine.io session the manager opens. */
  private wanted = false;
  private readonly auth: Record<string, unknown> | undefined;
  private readonly events = new EventEmitter();
  private readonly encoder: PacketEncoder = new clientParser.Encoder();
  private readonly decoder: PacketDecoder = new clientParser.Decoder();
  private nextAckId = 0;
  private readonly pending = new Map<number, PendingAck>();

  constructor(origin: string, options: ConnectionOptions) {
    if (options.transports !== undefined && !options.transports.some((t) => t === 'websocket')) {
      throw new Error('the lean socket.io client speaks WebSocket only');
    }
    if (options.parser !== undefined && options.parser !== clientParser) {
      throw new Error('the lean socket.io client speaks our msgpack parser only (shared/net/msgpack-parser.ts clientParser)');
    }
    if (typeof options.auth === 'function') throw new Error('the lean socket.io client takes an auth object, not a function');
    this.auth = options.auth;
    this.io = new LeanManager({
      url: engineUrl(origin, options.path ?? DEFAULTS.path),
      reconnection: options.reconnection ?? true,
      reconnectionDelay: options.reconnectionDelay ?? DEFAULTS.reconnectionDelay,
      reconnectionDelayMax: options.reconnectionDelayMax ?? DEFAULTS.reconnectionDelayMax,
      timeout: options.timeout ?? DEFAULTS.timeout,
    });
    this.io.attach({
      onOpen: () => this.onOpen(),
      onMessage: (data) => this.onMessage(data),
      onClose: (reason) => this.onClose(reason),
      onError: (error) => {
        if (!this.isConnected) this.events.emit('connect_error', error);
      },
    });
    this.decoder.on('decoded', (packet) => this.onPacket(packet));
    // Snapshots, 30 a second, are read from their fixed layout straight to the event (see setShortcut).
    this.decoder.setShortcut(EV.snapshot, (data) => this.onEvent(data));
    if (options.autoConnect !== false) this.connect();
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get id(): string | undefined {
    return this.sessionId;
  }

  connect(): this {
    if (this.isConnected) return this;
    this.wanted = true;
    // The session is open already (after a refusal, connect() again): ask for the namespace on it.
    if (this.io.engine?.open) this.onOpen();
    else this.io.open();
    return this;
  }

  disconnect(): this {
    this.wanted = false;
    if (this.isConnected) this.send({ type: PacketType.DISCONNECT, nsp: NAMESPACE });
    this.io.close();
    if (this.isConnected) this.onClose('io client disconnect');
    return this;
  }

  emit(event: string, ...args: unknown[]): this {
    // Not queued while disconnected: the server's state moved on (NetClient rejoins after a reconnect).
    if (this.isConnected) this.send({ type: PacketType.EVENT, nsp: NAMESPACE, data: [event, ...args] });
    return this;
  }

  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> } {
    return { emitWithAck: (event, ...args) => this.request(ms, event, args) };
  }

  on<A extends unknown[]>(event: string, listener: (...args: A) => void): this {
    this.events.on(event, listener as unknown as Listener);
    return this;
  }

  off<A extends unknown[]>(event: string, listener: (...args: A) => void): this {
    this.events.off(event, listener as unknown as Listener);
    return this;
  }

  removeAllListeners(): this {
    this.events.removeAllListeners();
    return this;
  }

  private request(ms: number, event: string, args: unknown[]): Promise<unknown> {
    if (!this.isConnected) return Promise.reject(new Error('socket is not connected'));
    return new Promise((resolve, reject) => {
      const id = this.nextAckId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('operation has timed out'));
      }, ms);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ type: PacketType.EVENT, nsp: NAMESPACE, data: [event, ...args], id });
    });
  }

  private send(packet: { type: number; nsp: string; data?: unknown; id?: number }): void {
    this.io.engine?.send(this.encoder.encode(packet)[0]);
  }

  /** A new engine.io session: ask for the namespace, with the auth payload. */
  private onOpen(): void {
    if (this.wanted) this.send({ type: PacketType.CONNECT, nsp: NAMESPACE, ...(this.auth ? { data: this.auth } : {}) });
  }

  private onMessage(data: Buffer | string): void {
    try {
      this.decoder.add(data);
    } catch (err) {
      // A packet the parser refuses ends the session, as socket.io-client's Manager does ("parse error").
      // A listener's own error is not the packet's fault: it propagates.
      if (!(err instanceof PacketRejected)) throw err;
      this.io.engine?.fail('parse error', err);
    }
  }

  private onPacket(packet: DecodedPacket): void {
    switch (packet.type) {
      case PacketType.EVENT:
        return this.onEvent(packet.data as unknown[]); // the parser checked: a non-empty array, a string name first
      case PacketType.ACK: {
        const ack = packet.id === undefined ? undefined : this.pending.get(packet.id);
        if (ack === undefined) return;
        this.pending.delete(packet.id!);
        clearTimeout(ack.timer);
        ack.resolve((packet.data as unknown[])[0]);
        return;
      }
      case PacketType.CONNECT:
        return this.onConnect(packet.data);
      case PacketType.CONNECT_ERROR:
        return this.onRefused(packet.data);
      case PacketType.DISCONNECT:
        // The server ended the session: socket.io-client does not reconnect after this.
        this.wanted = false;
        this.io.close();
        if (this.isConnected) this.onClose('io server disconnect');
        return;
    }
  }

  private onEvent(data: readonly unknown[]): void {
    if (!this.isConnected) return;
    // One argument (snapshots, chat, notices) without copying the array.
    if (data.length === 2) this.events.emit(data[0] as string, data[1]);
    else this.events.emit(data[0] as string, ...data.slice(1));
  }

  private onConnect(data: unknown): void {
    if (this.isConnected) return;
    const sid = (data as { sid?: unknown } | undefined)?.sid;
    if (typeof sid !== 'string') {
      this.io.engine?.fail('parse error', new Error('the server accepted the connection without a session id'));
      return;
    }
    this.sessionId = sid;
    this.isConnected = true;
    this.events.emit('connect');
  }

  /** The server's middleware refused the connection: socket.io-client's connect_error with the refusal's data. */
  private onRefused(data: unknown): void {
    const refusal = typeof data === 'string' ? { message: data } : (data as { message?: unknown; data?: unknown });
    const error: Error & { data?: unknown } = new Error(typeof refusal.message === 'string' ? refusal.message : 'connection refused');
    if (refusal.data !== undefined) error.data = refusal.data;
    // As socket.io-client: the socket gives up (connect() tries again); the session closes with it.
    this.wanted = false;
    this.io.close();
    this.events.emit('connect_error', error);
  }

  private onClose(reason: EngineCloseReason | 'io client disconnect' | 'io server disconnect'): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    this.sessionId = undefined;
    for (const [id, ack] of this.pending) {
      clearTimeout(ack.timer);
      ack.reject(new Error('socket has been disconnected'));
      this.pending.delete(id);
    }
    this.events.emit('disconnect', reason);
  }
}
