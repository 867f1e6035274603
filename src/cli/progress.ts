// A one-line progress bar on stderr (redrawn in place on a terminal, a line per 10% otherwise).
export function progressBar(label: string, total: number): { update(done: number, extra?: string): void; done(): void } {
  const tty = process.stderr.isTTY;
  const start = performance.now();
  let lastDecile = -1;
  const line = (done: number, extra = '') => {
    const frac = total ? done / total : 1;
    const width = 30;
    const fill = Math.round(frac * width);
    const secs = ((performance.now() - start) / 1000).toFixed(1);
    return `${label} ${String(Math.round(frac * 100)).padStart(3)}% |${'#'.repeat(fill)}${' '.repeat(width - fill)}| ${done}/${total} [${secs}s]${extra ? ` ${extra}` : ''}`;
  };
  return {
    update(done, extra) {
      if (tty) process.stderr.write(`\r${line(done, extra)}`);
      else {
        const decile = Math.floor((done / Math.max(total, 1)) * 10);
        if (decile !== lastDecile) process.stderr.write(`${line(done, extra)}\n`);
        lastDecile = decile;
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}
