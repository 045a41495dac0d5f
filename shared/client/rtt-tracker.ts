// Round-trip time from acknowledged inputs: an input's send time against the arrival of the first
// snapshot that reports it applied, minus the time the server held it (its wait in the input queue, and
// the ticks between its application and that snapshot). What remains is the network both ways plus
// the processing on each end: the latency a player feels.

export class RttTracker {
  /** Send times of unacknowledged inputs, by sequence number (ascending). */
  private readonly sent = new Map<number, number>();
  private lastAcked = 0;

  constructor(
    private readonly tickMs: number,
    private readonly maxTracked = 512,
  ) {}

  onSent(seq: number, now: number): void {
    this.sent.set(seq, now);
    if (this.sent.size > this.maxTracked) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }

  /**
   * A snapshot's input acknowledgement arrived at `now`. Returns an RTT sample when it acknowledges an
   * input this tracker saw sent and had not seen acknowledged, else null.
   */
  onAck(ack: { tick: number; lastInputSeq: number; lastInputTick: number; inputQueueDepth: number }, now: number): number | null {
    if (ack.lastInputSeq <= this.lastAcked) return null;
    this.lastAcked = ack.lastInputSeq;
    const sentAt = this.sent.get(ack.lastInputSeq);
    for (const seq of this.sent.keys()) {
      if (seq > ack.lastInputSeq) break;
      this.sent.delete(seq);
    }
    if (sentAt === undefined) return null;
    // Queue wait: in a steady queue each input waits about as many ticks as there are inputs behind it
    // when it is taken (plus half a tick of phase); then the ticks until the snapshot that reports it.
    const sinceApplied = ack.tick - ack.lastInputTick;
    const queued = sinceApplied === 0 ? ack.inputQueueDepth : 0;
    const heldMs = (sinceApplied + queued + 0.5) * this.tickMs;
    return Math.max(0, now - sentAt - heldMs);
  }

  reset(): void {
    this.sent.clear();
    this.lastAcked = 0;
  }
}
