import { count } from './format.js';

/** Where progress goes: a stream that may be a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/**
 * A progress bar redrawn in place on a terminal (at most ten times a second), or plain lines at
 * each quarter when the output is a file or a pipe, so logs stay readable.
 */
export function createProgress(total: number, stream: ProgressStream, now: () => number = () => performance.now()) {
  const started = now();
  let lastDraw = -Infinity;
  let nextQuarter = 1;
  const tty = stream.isTTY === true;

  const rate = (done: number) => {
    const elapsed = (now() - started) / 1000;
    return elapsed > 0 ? done / elapsed : 0;
  };

  function draw(done: number): void {
    const share = total > 0 ? done / total : 1;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const filled = Math.round(share * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    stream.write(`\r${bar} ${count(done)}/${count(total)} users ${(share * 100).toFixed(0).padStart(3)}%  ${count(rate(done))} users/s `);
  }

  return {
    update(done: number): void {
      if (tty) {
        const t = now();
        if (t - lastDraw >= 100) {
          lastDraw = t;
          draw(done);
        }
        return;
      }
      while (nextQuarter <= 4 && done >= (total * nextQuarter) / 4) {
        stream.write(`simulated ${count(done)} of ${count(total)} users (${nextQuarter * 25}%)\n`);
        nextQuarter++;
      }
    },
    finish(done: number): void {
      if (tty) {
        draw(done);
        stream.write('\n');
      } else {
        this.update(done);
      }
    },
  };
}
