// One read shared by every caller for a short while: the lobby's room list and /api/rooms are polled by
// every open lobby, and each poll must not become a directory (Redis) read. A failed read is not kept.

export class CachedRead<T> {
  private last: { at: number; value: Promise<T> } | null = null;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs: number,
    /** Whether a result may be reused (false for a failure). */
    private readonly keep: (value: T) => boolean,
  ) {}

  get(): Promise<T> {
    const now = performance.now();
    if (this.last && now - this.last.at < this.ttlMs) return this.last.value;
    const entry = { at: now, value: this.read() };
    this.last = entry;
    void entry.value.then((value) => {
      if (!this.keep(value) && this.last === entry) this.last = null;
    });
    return entry.value;
  }
}
