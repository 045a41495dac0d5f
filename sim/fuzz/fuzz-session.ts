// One fuzzing connection: opens a raw engine.io connection (WebSocket or long-polling), sends a CONNECT,
// then generated frames one batch at a time, and checks everything the server does in return.
//
// Each frame is first decoded locally with the server's own parser, which says what the server will
// make of it: a packet the parser rejects must get the connection closed; an event with an ack id
// (other than an input) must be answered while the connection stays open. Every frame the server
// sends must decode with our client's parser and be a packet the protocol allows: replies of the form
// { ok: true, ... } or { ok: false, error: { code, message } }, never with code INTERNAL.

import { RawSocket, type RawFrame, type RawTransport } from '../../server/test-support/raw-socket.js';
import { clientParser, PacketRejected, PacketType, serverParser, type DecodedPacket } from '../../shared/net/msgpack-parser.js';
import { EV } from '../../shared/protocol.js';
import type { ServerKnowledge } from './client-events.js';
import { FrameGenerator, type FuzzFrame } from './frame-generator.js';
import { FuzzRng, deriveSeed } from './fuzz-rng.js';
import { count, recordFailure, type FailureKind, type FuzzFailure, type FuzzStats } from './fuzz-stats.js';

export interface SessionTiming {
  /** How long an accepted request (or CONNECT) may take to be answered. */
  readonly replyTimeoutMs: number;
  /** How long the server may take to close a connection after a packet its parser rejects. */
  readonly closeTimeoutMs: number;
  /**
   * Pause after a text packet or a DISCONNECT, which draw no answer but may get the connection closed,
   * so that close is seen before the next frame.
   */
  readonly quietMs: number;
}

export interface SessionContext {
  readonly port: number;
  readonly transport: RawTransport;
  readonly seed: number;
  /** Most frames this connection sends (the CONNECT included). */
  readonly maxFrames: number;
  /** Most frames per batch: one WebSocket message each, or one POST over polling. */
  readonly maxBatch: number;
  readonly knowledge: ServerKnowledge;
  readonly stats: FuzzStats;
  readonly timing: SessionTiming;
  /** Takes one frame from the run's budget; false once the run has sent enough. */
  takeFrame(): boolean;
  /** Gives back a frame taken but not sent. */
  releaseFrame(): void;
  /** Told every frame and answer (replays of one session). */
  readonly trace?: (line: string) => void;
  /** Told each batch as it is sent (the run keeps the last ones, to show what a crash followed). */
  readonly onSend?: (frames: readonly SentFrame[]) => void;
}

/** What the server's parser makes of a frame: the packet, or why it is rejected. Text frames: unknown. */
type Prediction = { readonly kind: 'packet'; readonly packet: DecodedPacket } | { readonly kind: 'rejected'; readonly reason: string } | { readonly kind: 'text' };

export interface SentFrame {
  readonly index: number;
  readonly label: string;
  readonly wire: string;
}

/** Server events a client may receive, with a check of their argument. */
const SERVER_EVENTS: Readonly<Record<string, (arg: unknown) => boolean>> = {
  [EV.snapshot]: (arg) => arg instanceof Uint8Array,
  [EV.chat]: (arg) => isMap(arg) && typeof arg.text === 'string' && typeof arg.name === 'string',
  [EV.notice]: (arg) => isMap(arg) && typeof arg.code === 'string' && typeof arg.message === 'string',
  [EV.roomClosed]: (arg) => isMap(arg) && typeof arg.reason === 'string' && typeof arg.message === 'string',
};

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** A frame as text for reports: its hex (a long run of trailing zero bytes counted, not spelled out). */
function wireOf(frame: RawFrame): string {
  if (typeof frame === 'string') return `text ${JSON.stringify(frame.length > 1000 ? `${frame.slice(0, 1000)}...` : frame)}`;
  const hex = Buffer.from(frame).toString('hex');
  const zeros = /(?:00){16,}$/.exec(hex);
  const shown = zeros ? `${hex.slice(0, zeros.index)} + ${zeros[0].length / 2} zero bytes` : hex;
  return shown.length > 2100 ? `hex ${shown.slice(0, 2100)}... (${frame.length} bytes)` : `hex ${shown}`;
}

class FuzzSession {
  private socket: RawSocket | null = null;
  /** Validates what the server sends, as our client would. */
  private readonly serverFrames = new clientParser.Decoder();
  /** Decodes what we send as the server will (one Decoder per connection, as on the server). */
  private readonly predictor = new serverParser.Decoder();
  private predicted: DecodedPacket | null = null;
  /** Ack ids sent in accepted events, with how many answers are still due. */
  private readonly sentIds = new Map<number, number>();
  private readonly frameOfId = new Map<number, SentFrame>();
  /** Ack ids of the current batch whose answer is awaited. */
  private readonly awaited = new Set<number>();
  private connectAnswer: 'ok' | 'refused' | null = null;
  private connectReplies = 0;
  private noticeSeen = false;
  private disconnectSent = false;
  private textSent = false;
  private framesSent = 0;
  private wake: (() => void) | null = null;
  private readonly generator: FrameGenerator;
  /** Batch sizes come from their own stream, so the frames are the same whatever the batching. */
  private readonly batchSizes: FuzzRng;
  private readonly stats: FuzzStats;

  constructor(private readonly ctx: SessionContext) {
    this.stats = ctx.stats;
    this.generator = new FrameGenerator(new FuzzRng(ctx.seed), ctx.knowledge);
    this.batchSizes = new FuzzRng(deriveSeed(ctx.seed, 2));
    this.predictor.on('decoded', (packet) => (this.predicted = packet));
    this.serverFrames.on('decoded', (packet) => this.onServerPacket(packet));
  }

  async run(): Promise<void> {
    const { stats, ctx } = this;
    if (!ctx.takeFrame()) return;
    stats.sessions++;
    try {
      this.socket = await RawSocket.open(ctx.port, { transport: ctx.transport });
    } catch (err) {
      ctx.releaseFrame();
      count(stats.sessionEnds, 'could not open');
      ctx.trace?.(`open failed: ${String(err)}`);
      return;
    }
    const socket = this.socket;
    socket.keepReceived = false;
    socket.onFrame = (frame) => this.onServerFrame(frame);
    socket.onClose = () => {
      ctx.trace?.('< connection closed');
      this.wake?.();
    };
    try {
      count(stats.sessionEnds, await this.converse(socket));
    } finally {
      socket.close();
    }
  }

  /** The whole exchange; returns why it ended. */
  private async converse(socket: RawSocket): Promise<string> {
    const { ctx } = this;
    const { timing } = ctx;
    const first = this.generator.connect();
    const prediction = this.send([first]);
    if (prediction.closeExpectedAfter) return this.expectClose(prediction.closeExpectedAfter);
    await this.until(() => this.connectAnswer !== null || socket.closed, timing.replyTimeoutMs);
    if (this.connectAnswer === 'refused') return 'CONNECT refused';
    if (this.connectAnswer === null) {
      if (socket.closed) return 'closed before CONNECT was answered';
      this.fail('unanswered', `no answer to CONNECT within ${timing.replyTimeoutMs} ms`, prediction.frames[0]);
      return 'CONNECT unanswered';
    }
    while (this.framesSent < ctx.maxFrames && !socket.closed) {
      const batch: FuzzFrame[] = [];
      const size = Math.min(this.batchSizes.between(1, ctx.maxBatch), ctx.maxFrames - this.framesSent);
      while (batch.length < size && ctx.takeFrame()) batch.push(this.generator.next());
      if (batch.length === 0) return 'run over';
      const sent = this.send(batch);
      if (sent.closeExpectedAfter) return this.expectClose(sent.closeExpectedAfter);
      if (this.awaited.size > 0) {
        const answered = await this.until(() => this.awaited.size === 0 || socket.closed, timing.replyTimeoutMs);
        if (!answered) {
          const id = this.awaited.values().next().value as number;
          this.fail('unanswered', `no answer within ${timing.replyTimeoutMs} ms to a request the parser accepted`, this.frameOfId.get(id));
          return 'request unanswered';
        }
      } else if (this.textSent || this.disconnectSent) {
        await this.until(() => socket.closed, timing.quietMs);
      } else {
        // Inputs: nothing to wait for, but let what the server sent (a close included) arrive first.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (!socket.closed) return 'frames spent';
    if (this.noticeSeen) return 'closed after a notice (cut off)';
    if (this.disconnectSent) return 'closed after its DISCONNECT';
    if (this.textSent) return 'closed after a text packet';
    return 'closed by the server';
  }

  /**
   * Sends a batch up to its first frame the server's parser rejects (the server reads nothing after it;
   * the rest go back to the run's budget). Returns the frames sent and that rejected frame, if any.
   */
  private send(batch: readonly FuzzFrame[]): { frames: SentFrame[]; closeExpectedAfter: { frame: SentFrame; reason: string } | null } {
    const { stats, ctx } = this;
    const frames: SentFrame[] = [];
    let closeExpectedAfter: { frame: SentFrame; reason: string } | null = null;
    this.awaited.clear();
    for (const item of batch) {
      if (closeExpectedAfter) {
        ctx.releaseFrame();
        continue;
      }
      const sent: SentFrame = { index: this.framesSent++, label: item.label, wire: wireOf(item.frame) };
      frames.push(sent);
      stats.frames++;
      stats.framesByTransport[ctx.transport]++;
      count(stats.framesByTier, item.tier);
      count(stats.framesByKind, item.kind);
      const prediction = this.predict(item.frame);
      ctx.trace?.(`> #${sent.index} ${sent.label}: ${prediction.kind === 'rejected' ? `rejected (${prediction.reason})` : prediction.kind}`);
      if (prediction.kind === 'text') {
        this.textSent = true;
      } else if (prediction.kind === 'rejected') {
        stats.framesRejected++;
        closeExpectedAfter = { frame: sent, reason: prediction.reason };
      } else {
        this.expect(prediction.packet, sent);
      }
    }
    // Replies to frames before a rejected one may be lost with the connection: only the close is awaited.
    if (closeExpectedAfter) this.awaited.clear();
    this.socket?.sendFrames(batch.slice(0, frames.length).map((item) => item.frame));
    ctx.onSend?.(frames);
    return { frames, closeExpectedAfter };
  }

  private predict(frame: RawFrame): Prediction {
    if (typeof frame === 'string') return { kind: 'text' };
    this.predicted = null;
    try {
      this.predictor.add(frame);
    } catch (err) {
      if (err instanceof PacketRejected) return { kind: 'rejected', reason: err.reason };
      throw err;
    }
    if (this.predicted === null) throw new Error('the parser neither decoded nor rejected a frame');
    return { kind: 'packet', packet: this.predicted };
  }

  /** Notes what an accepted packet should draw from the server. */
  private expect(packet: DecodedPacket, sent: SentFrame): void {
    if (packet.type === PacketType.DISCONNECT) {
      // socket.io drops the requests it has not dispatched yet when the session ends: none is due.
      this.disconnectSent = true;
      this.awaited.clear();
    }
    if (packet.type !== PacketType.EVENT || packet.id === undefined) return;
    const id = packet.id;
    this.sentIds.set(id, (this.sentIds.get(id) ?? 0) + 1);
    this.frameOfId.set(id, sent);
    // Inputs are fire-and-forget: the server never answers them, ack id or not.
    if ((packet.data as unknown[])[0] !== EV.input && !this.disconnectSent) this.awaited.add(id);
  }

  private async expectClose(after: { frame: SentFrame; reason: string }): Promise<string> {
    const { closeTimeoutMs } = this.ctx.timing;
    if (await this.until(() => this.socket?.closed === true, closeTimeoutMs)) return 'closed after a rejected packet';
    this.fail('kept-open', `connection still open ${closeTimeoutMs} ms after a packet the parser rejects (${after.reason})`, after.frame);
    return 'kept open after a rejected packet';
  }

  /** Waits until `condition` holds (re-checked on every server frame and on close) or `timeoutMs` passes. */
  private async until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
    return true;
  }

  // ---- what the server sends ----

  private onServerFrame(frame: RawFrame): void {
    if (typeof frame === 'string') {
      this.fail('bad-server-output', `a text message from the server: ${JSON.stringify(frame.slice(0, 60))}`);
    } else {
      try {
        this.serverFrames.add(frame);
      } catch (err) {
        const reason = err instanceof PacketRejected ? err.reason : String(err);
        this.fail('bad-server-output', `a frame our client's parser rejects (${reason}): ${wireOf(frame).slice(0, 200)}`);
      }
    }
    this.wake?.();
  }

  private onServerPacket(packet: DecodedPacket): void {
    const { stats } = this;
    switch (packet.type) {
      case PacketType.CONNECT:
        if (++this.connectReplies > 1) this.fail('bad-server-output', 'a second session (CONNECT answer) on one connection');
        this.connectAnswer = 'ok';
        break;
      case PacketType.CONNECT_ERROR: {
        const data = packet.data as { message?: unknown; data?: { code?: unknown } };
        const code = typeof data.data?.code === 'string' ? data.data.code : String(data.message);
        count(stats.connectErrors, code);
        this.ctx.trace?.(`< CONNECT_ERROR ${code}`);
        this.connectAnswer = 'refused';
        break;
      }
      case PacketType.DISCONNECT:
        count(stats.events, '(DISCONNECT packet)');
        break;
      case PacketType.EVENT:
        this.onServerEvent(packet.data as unknown[]);
        break;
      case PacketType.ACK:
        this.onReply(packet.id as number, packet.data as unknown[]);
        break;
    }
  }

  private onServerEvent(data: readonly unknown[]): void {
    const [name, arg] = data;
    const check = typeof name === 'string' ? SERVER_EVENTS[name] : undefined;
    if (check === undefined || data.length !== 2 || !check(arg)) {
      this.fail('bad-server-output', `an event the protocol does not have: ${JSON.stringify(data).slice(0, 200)}`);
      return;
    }
    count(this.stats.events, name as string);
    if (name === EV.notice) {
      const { code } = arg as { code: string };
      this.noticeSeen = true;
      count(this.stats.notices, code);
      this.ctx.trace?.(`< notice ${code}`);
    }
  }

  private onReply(id: number, data: readonly unknown[]): void {
    const due = this.sentIds.get(id) ?? 0;
    if (due === 0) {
      this.fail('bad-server-output', `an answer to ack id ${id}, which was never asked (or answered already)`);
      return;
    }
    if (due === 1) this.sentIds.delete(id);
    else this.sentIds.set(id, due - 1);
    this.awaited.delete(id);
    const reply = data[0];
    const frame = this.frameOfId.get(id);
    if (data.length !== 1 || !isMap(reply) || typeof reply.ok !== 'boolean') {
      this.fail('bad-server-output', `a malformed reply ${JSON.stringify(data).slice(0, 200)}`, frame);
      return;
    }
    if (reply.ok) {
      count(this.stats.replies, 'ok');
      this.ctx.knowledge.learn(reply);
      this.ctx.trace?.(`< #${frame?.index} ok`);
      return;
    }
    const error = reply.error;
    if (!isMap(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
      this.fail('bad-server-output', `a malformed error reply ${JSON.stringify(reply).slice(0, 200)}`, frame);
      return;
    }
    count(this.stats.replies, error.code);
    this.ctx.trace?.(`< #${frame?.index} ${error.code}: ${error.message}`);
    if (error.code === 'INTERNAL') this.fail('internal', `INTERNAL reply: ${error.message}`, frame);
  }

  private fail(kind: FailureKind, message: string, frame?: SentFrame): void {
    const failure: FuzzFailure = {
      kind,
      message,
      session: { seed: this.ctx.seed, transport: this.ctx.transport },
      ...(frame ? { frame } : {}),
    };
    recordFailure(this.stats, failure);
    this.ctx.trace?.(`FAILURE ${kind}: ${message}`);
  }
}

/** Runs one fuzzing connection to its end; everything it finds goes into ctx.stats. */
export function runSession(ctx: SessionContext): Promise<void> {
  return new FuzzSession(ctx).run();
}
