// When each recent input was sent, by sequence number, for input-ack round trips: a fixed ring, so a bot
// records an input and looks up an ack without allocating (a Map entry per input was a measurable share
// of a light bot's cost at 30 inputs/s).

/** Inputs remembered; an ack of an older one (over 8 s late at 30 Hz) yields no round trip. */
const CAPACITY = 256;

export class SendTimes {
  private readonly seqs = new Float64Array(CAPACITY).fill(-1);
  private readonly times = new Float64Array(CAPACITY);

  record(seq: number, at: number): void {
    const slot = seq % CAPACITY;
    this.seqs[slot] = seq;
    this.times[slot] = at;
  }

  /** When input `seq` was sent, or undefined if it is no longer (or never was) remembered. */
  sentAt(seq: number): number | undefined {
    const slot = seq % CAPACITY;
    return this.seqs[slot] === seq ? this.times[slot] : undefined;
  }

  clear(): void {
    this.seqs.fill(-1);
  }
}
