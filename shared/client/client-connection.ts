// The connection NetClient runs on: exactly the part of socket.io-client's Socket (and of its Manager and
// engine.io connection) that NetClient and its users touch. socket.io-client's Socket is one (the
// browser's, NetClient's default); a tool may inject another that speaks the same protocol, such as the
// bots' lean WebSocket-only client (sim/net/lean-socket.ts), so both share NetClient's logic.

import type { ManagerOptions, SocketOptions } from 'socket.io-client';

/** Why a connection ended, in socket.io-client's words (e.g. "io server disconnect", "transport close", "ping timeout"). */
export type DisconnectReason = string;

/** A refused connection: `data` is what the server's middleware attached ({code, message} for ours). */
export type ConnectError = Error & { data?: unknown };

/** An engine.io packet as the byte counters see it (binary data or text). */
export interface EnginePacket {
  readonly data?: unknown;
}

/** The engine.io connection under the socket (replaced on every reconnect). */
export interface ConnectionEngine {
  readonly transport?: { readonly name: string };
  /** Each packet sent ('packetCreate') or received ('packet'). */
  on(event: 'packet' | 'packetCreate', listener: (packet: EnginePacket) => void): unknown;
  /** Closes the transport as a network failure would: the socket reconnects (if reconnection is on). */
  close(): unknown;
}

/** The reconnecting manager of a socket (socket.io-client's Manager). */
export interface ConnectionManager {
  /** The current engine.io connection (none before the first open). */
  readonly engine: ConnectionEngine | undefined;
  on(event: 'open', listener: () => void): unknown;
  on(event: 'reconnect_attempt', listener: (attempt: number) => void): unknown;
  on(event: 'reconnect_error', listener: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
}

export interface ClientConnection {
  readonly connected: boolean;
  /** The session id the server gave this connection (undefined while not connected). */
  readonly id: string | undefined;
  /** socket.io's connection state recovery restored the session (its events need no rejoin). */
  readonly recovered: boolean;
  readonly io: ConnectionManager;
  /** Opens (or reopens) the connection; nothing when already open or opening. */
  connect(): unknown;
  /** Closes the connection for good (no reconnection), as the client's choice. */
  disconnect(): unknown;
  /** Sends an event. */
  emit(event: string, ...args: unknown[]): unknown;
  /** Sends an event that the server acknowledges: resolves with the reply, rejects after `ms` or on a disconnect. */
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  on(event: 'connect', listener: () => void): unknown;
  on(event: 'disconnect', listener: (reason: DisconnectReason) => void): unknown;
  on(event: 'connect_error', listener: (err: ConnectError) => void): unknown;
  /**
   * Incoming events by name, with whatever the server sent: a listener declares the payload it expects
   * and checks it (the parser validated the packet, not the payload).
   */
  on<A extends unknown[]>(event: string, listener: (...args: A) => void): unknown;
  off<A extends unknown[]>(event: string, listener: (...args: A) => void): unknown;
  removeAllListeners(): unknown;
}

/** The options NetClient opens a connection with: socket.io-client's own (the lean client reads the ones it supports). */
export type ConnectionOptions = Partial<ManagerOptions & SocketOptions>;

/** Opens a connection to socket.io at `origin` (options.path says where): socket.io-client's io() is one. */
export type OpenConnection<C extends ClientConnection = ClientConnection> = (origin: string, options: ConnectionOptions) => C;
