/** A progress bar on stderr: redrawn in place on a terminal, a line per quarter otherwise. */
export class ProgressBar {
  private lastQuarter = -1;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const text = `${this.label} ${bar(fraction)} ${Math.floor(fraction * 100)}% ${mb(done)}/${mb(this.total)} MB`;
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && fraction < 1) return;
      this.lastDraw = now;
      this.out.write(`\r${text}`);
    } else {
      const quarter = Math.floor(fraction * 4);
      if (quarter > this.lastQuarter) this.out.write(`${text}\n`);
      this.lastQuarter = quarter;
    }
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}

function bar(fraction: number, width = 30): string {
  const full = Math.round(fraction * width);
  return `[${'#'.repeat(full)}${' '.repeat(width - full)}]`;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
