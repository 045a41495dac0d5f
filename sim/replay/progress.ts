// A one-line progress bar for long replays (drawn on stderr, redrawn at most every 100 ms).

export class ProgressBar {
  private lastDraw = 0;
  private lastDone = -1;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly label: string,
    private readonly columns = 80,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(done: number, total: number): void {
    const t = this.now();
    if (done === this.lastDone || (done < total && t - this.lastDraw < 100)) return;
    this.lastDraw = t;
    this.lastDone = done;
    this.drawn = true;
    this.write(`\r${render(this.label, done, total, this.columns)}`);
  }

  /** Ends the line (if anything was drawn). */
  finish(): void {
    if (this.drawn) this.write('\n');
    this.drawn = false;
  }
}

/** "verify [########------------]  40% 2160/5400 ticks", fitted to `columns`. */
export function render(label: string, done: number, total: number, columns = 80): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total} ticks`;
  const width = Math.max(10, Math.min(50, columns - label.length - tail.length - 4));
  const filled = Math.round(fraction * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`;
}
