// A raw engine.io v4 WebSocket client that speaks socket.io by hand, so tests can send packets no
// well-behaved client would: malformed msgpack, text frames, reserved or non-string event names.

import { Encoder } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';

const encoder = new Encoder();

export class RawSocket {
  readonly received: unknown[] = [];
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly ws: WebSocket) {
    this.closedPromise = new Promise((resolve) => {
      ws.on('close', () => {
        this.closedFlag = true;
        resolve();
      });
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        // engine.io ping: answer so the server does not time us out.
        if (data.toString() === '2') ws.send('3');
        return;
      }
      this.received.push(data);
    });
    ws.on('error', () => {});
  }

  /** Opens the WebSocket, waits for engine.io's open packet, and sends a socket.io CONNECT with auth. */
  static async connect(port: number, auth: unknown = { protocol: PROTOCOL_VERSION, name: 'raw' }): Promise<RawSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    const connected = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    socket.sendPacket({ type: 0, nsp: '/', data: auth });
    await connected;
    return socket;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Encodes any value as a msgpack packet (no validation: that is the point). */
  sendPacket(packet: unknown): void {
    this.ws.send(encoder.encode(packet), { binary: true });
  }

  sendBinary(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  sendText(text: string): void {
    this.ws.send(text, { binary: false });
  }

  /** Resolves true if the server closed the connection within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs));
    return Promise.race([this.closedPromise.then(() => true), timeout]);
  }

  close(): void {
    this.ws.close();
  }
}
