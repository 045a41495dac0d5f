// A network-conditions layer for tests and bots: added latency each way, jitter, dropped snapshots and a
// bandwidth cap, as a pure client-side wrapper (no OS tools): plug its gates into NetClient's options.
//
//   const net = new NetworkConditions({ latencyMs: 50, jitterMs: 10, snapshotLoss: 0.05 });
//   const client = new NetClient({ url, schema, snapshotGate: net.snapshotGate, outgoingGate: net.outgoingGate });
//
// Each direction is a link that behaves like TCP over a slow path: messages are delayed by the latency
// plus a jitter sample (uniform in [-jitter, +jitter]), but never overtake one another (delivery time =
// max(previous delivery, now + latency + jitter)); with a bandwidth cap each message first waits for
// the link to finish sending the ones before it, then takes bytes / rate to send. Snapshot loss drops a
// snapshot outright, as a skipped volatile emit would (the server's deltas are built to survive it).
// Inputs and requests are never dropped: they travel over the reliable stream.

export interface NetworkConditionsOptions {
  /** Added one-way latency, ms (applied in both directions). */
  latencyMs: number;
  /** Jitter amplitude, ms: each message gets latency + uniform(-jitter, +jitter), at least 0. */
  jitterMs: number;
  /** Probability that a snapshot is dropped, 0..1. */
  snapshotLoss: number;
  /** Bandwidth cap in kbit/s, each way (default: none). */
  bandwidthKbps?: number;
  /** Seed of the loss and jitter draws (default 1), so a run is reproducible. */
  seed?: number;
}

export interface NetworkConditionsStats {
  snapshotsDelivered: number;
  snapshotsDropped: number;
  messagesSent: number;
  bytesDown: number;
  bytesUp: number;
}

/** Timers, injectable so unit tests can run on virtual time. */
export interface ConditionsClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ConditionsClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One direction: an ordered queue of messages, each released at its delivery time. */
class Link {
  private readonly queue: { at: number; fn: () => void }[] = [];
  private timer: unknown = null;
  private lastDelivery = -Infinity;
  private linkFreeAt = -Infinity;
  private disposed = false;

  constructor(private readonly clock: ConditionsClock) {}

  send(fn: () => void, bytes: number, o: NetworkConditionsOptions, jitterSample: number): void {
    if (this.disposed) return;
    const now = this.clock.now();
    let sentAt = now;
    if (o.bandwidthKbps !== undefined && o.bandwidthKbps > 0) {
      // kbit/s = bit/ms: serialization takes bytes * 8 / kbps ms once the link is free.
      const start = Math.max(now, this.linkFreeAt);
      this.linkFreeAt = start + (bytes * 8) / o.bandwidthKbps;
      sentAt = this.linkFreeAt;
    }
    const at = Math.max(sentAt + Math.max(0, o.latencyMs + jitterSample), this.lastDelivery);
    this.lastDelivery = at;
    if (at <= now && this.queue.length === 0) {
      fn();
      return;
    }
    this.queue.push({ at, fn });
    if (this.queue.length === 1) this.arm();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private arm(): void {
    const head = this.queue[0];
    this.timer = this.clock.setTimeout(() => this.flush(), Math.max(0, head.at - this.clock.now()));
  }

  private flush(): void {
    this.timer = null;
    const now = this.clock.now();
    // Timers may fire a little early or late; deliver everything due, in order.
    while (this.queue.length > 0 && this.queue[0].at <= now + 0.5) {
      const { fn } = this.queue.shift()!;
      fn();
      if (this.disposed) return;
    }
    if (this.queue.length > 0) this.arm();
  }
}

export class NetworkConditions {
  readonly stats: NetworkConditionsStats = { snapshotsDelivered: 0, snapshotsDropped: 0, messagesSent: 0, bytesDown: 0, bytesUp: 0 };
  private options: NetworkConditionsOptions;
  private random: () => number;
  private readonly down: Link;
  private readonly up: Link;

  constructor(options: NetworkConditionsOptions, clock: ConditionsClock = realClock) {
    checkOptions(options);
    this.options = { ...options };
    this.random = mulberry32(options.seed ?? 1);
    this.down = new Link(clock);
    this.up = new Link(clock);
  }

  get conditions(): Readonly<NetworkConditionsOptions> {
    return this.options;
  }

  /** Changes the conditions from now on (messages already in flight keep their delivery time). */
  update(changes: Partial<NetworkConditionsOptions>): void {
    const next = { ...this.options, ...changes };
    checkOptions(next);
    if (changes.seed !== undefined) this.random = mulberry32(changes.seed);
    this.options = next;
  }

  /** NetClient's snapshotGate: drop with probability snapshotLoss, else deliver after the downlink delay. */
  readonly snapshotGate = (bytes: Uint8Array, deliver: () => void): void => {
    if (this.options.snapshotLoss > 0 && this.random() < this.options.snapshotLoss) {
      this.stats.snapshotsDropped++;
      return;
    }
    this.stats.bytesDown += bytes.length;
    this.down.send(
      () => {
        this.stats.snapshotsDelivered++;
        deliver();
      },
      bytes.length,
      this.options,
      this.jitter(),
    );
  };

  /** NetClient's outgoingGate: inputs and requests, delayed on the uplink in order, never dropped. */
  readonly outgoingGate = (send: () => void, bytes = 32): void => {
    this.stats.messagesSent++;
    this.stats.bytesUp += bytes;
    this.up.send(send, bytes, this.options, this.jitter());
  };

  /** Cancels everything in flight (nothing is delivered afterwards). */
  dispose(): void {
    this.down.dispose();
    this.up.dispose();
  }

  private jitter(): number {
    const j = this.options.jitterMs;
    return j > 0 ? (this.random() * 2 - 1) * j : 0;
  }
}

function checkOptions(o: NetworkConditionsOptions): void {
  if (!(o.latencyMs >= 0) || !Number.isFinite(o.latencyMs)) throw new RangeError('latencyMs must be a finite number >= 0');
  if (!(o.jitterMs >= 0) || !Number.isFinite(o.jitterMs)) throw new RangeError('jitterMs must be a finite number >= 0');
  if (!(o.snapshotLoss >= 0 && o.snapshotLoss <= 1)) throw new RangeError('snapshotLoss must be in [0, 1]');
  if (o.bandwidthKbps !== undefined && !(o.bandwidthKbps > 0)) throw new RangeError('bandwidthKbps must be > 0');
}

/** mulberry32: a tiny seeded PRNG (uniform in [0, 1)). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
