// The lean client's connection manager (socket.io-client's Manager, for one socket): opens engine.io
// sessions (lean-engine.ts), gives up on one that does not open within the connect timeout, and reopens a
// lost one with socket.io-client's exponential backoff and its events ('open', 'close',
// 'reconnect_attempt', 'reconnect_error', 'reconnect'), which NetClient listens to. (No 'error' event: an
// EventEmitter throws one that nobody listens to; the socket reports the failure as 'connect_error'.)

import { EventEmitter } from 'node:events';
import type { ConnectionManager } from '../../shared/client/client-connection.js';
import { LeanEngine, type EngineCloseReason, type EngineHandshake } from './lean-engine.js';

export interface ManagerSettings {
  /** The engine.io endpoint (lean-engine.ts engineUrl). */
  readonly url: string;
  readonly reconnection: boolean;
  /** First reconnection delay and its cap, in ms (doubled per attempt, randomized by +/- half). */
  readonly reconnectionDelay: number;
  readonly reconnectionDelayMax: number;
  /** An engine.io session not open after this many ms is given up ("timeout"). */
  readonly timeout: number;
}

/** What the socket on this manager is told. */
export interface ManagerHandlers {
  onOpen(handshake: EngineHandshake): void;
  onMessage(data: Buffer | string): void;
  /** An open session ended. */
  onClose(reason: EngineCloseReason): void;
  /** A session could not be opened. */
  onError(error: Error): void;
}

/** socket.io-client's default randomization of reconnection delays. */
const RANDOMIZATION = 0.5;

export class LeanManager extends EventEmitter implements ConnectionManager {
  private current: LeanEngine | undefined;
  private connectTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Reconnection attempts since the last open session. */
  private attempts = 0;
  /** Closed by the client: no reconnection until open() is called again. */
  private skipReconnect = false;
  private handlers: ManagerHandlers | null = null;

  constructor(private readonly settings: ManagerSettings) {
    super();
  }

  get engine(): LeanEngine | undefined {
    return this.current;
  }

  /** The socket this manager serves (one). */
  attach(handlers: ManagerHandlers): void {
    this.handlers = handlers;
  }

  /** True while a session is open or being opened. */
  get active(): boolean {
    return this.current !== undefined || this.reconnectTimer !== null;
  }

  /** Opens a session unless one is open, opening or scheduled. */
  open(): void {
    this.skipReconnect = false;
    if (this.active) return;
    this.openEngine();
  }

  /** Closes the session and stops reconnecting (the client's choice). */
  close(): void {
    this.skipReconnect = true;
    this.clearTimers();
    this.attempts = 0;
    const engine = this.current;
    this.current = undefined;
    engine?.discard();
  }

  private openEngine(): void {
    let opened = false;
    const engine = new LeanEngine(this.settings.url, {
      onOpen: (handshake) => {
        opened = true;
        this.clearConnectTimer();
        const attempts = this.attempts;
        this.attempts = 0;
        this.emit('open');
        if (attempts > 0) this.emit('reconnect', attempts);
        this.handlers?.onOpen(handshake);
      },
      onMessage: (data) => this.handlers?.onMessage(data),
      onClose: (reason, error) => {
        if (this.current !== engine) return;
        this.current = undefined;
        this.clearConnectTimer();
        if (opened) {
          this.emit('close', reason);
          this.handlers?.onClose(reason);
        } else {
          this.failed(error ?? new Error(reason));
          return;
        }
        if (this.settings.reconnection && !this.skipReconnect) this.scheduleReconnect();
      },
    });
    this.current = engine;
    this.connectTimer = setTimeout(() => {
      if (this.current !== engine) return;
      this.current = undefined;
      engine.discard();
      this.failed(new Error('timeout'));
    }, this.settings.timeout);
  }

  /** A session that never opened: 'reconnect_error' during reconnection, the socket's connect_error, then retry. */
  private failed(error: Error): void {
    this.connectTimer = null;
    if (this.attempts > 0) this.emit('reconnect_error', error);
    this.handlers?.onError(error);
    if (this.settings.reconnection && !this.skipReconnect) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== null || this.current !== undefined) return;
    const delay = backoffDelay(this.attempts, this.settings.reconnectionDelay, this.settings.reconnectionDelayMax);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.skipReconnect) return;
      this.attempts++;
      this.emit('reconnect_attempt', this.attempts);
      this.openEngine();
    }, delay);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private clearTimers(): void {
    this.clearConnectTimer();
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}

/** socket.io-client's backoff: min * 2^attempt, moved by up to +/- RANDOMIZATION of itself, capped at max. */
export function backoffDelay(attempt: number, min: number, max: number, random: number = Math.random()): number {
  const base = min * 2 ** attempt;
  const deviation = Math.floor(random * RANDOMIZATION * base);
  const delay = (Math.floor(random * 10) & 1) === 0 ? base - deviation : base + deviation;
  return Math.min(delay, max);
}
