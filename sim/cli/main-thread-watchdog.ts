import { Worker } from 'node:worker_threads';

/**
 * A run on the main thread (`--workers 0`) that never returns cannot be stopped from this thread:
 * not by the campaign, nor by Ctrl-C or SIGTERM, whose handlers wait for a turn of the event loop
 * that never comes. A watchdog thread, told when each run starts and ends, names the seed on
 * stderr and ends the process once a run has gone on past the hang bound (crash.ts), exit 137.
 * In workers, a hung run is stopped and reported as a crash instead.
 */
const WATCHDOG_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let timer = null;
parentPort.on('message', (run) => {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (run === null) return;
  timer = setTimeout(() => {
    writeSync(2, 'raftsim: seed ' + run.seed + ' has run for ' + run.limitMs / 1000 +
      ' s on the main thread without returning, a hang (a loop in the Raft under test?); nothing' +
      ' can stop it on this thread, so the process ends. With --workers 1 it is stopped and' +
      ' reported as a crash\\n');
    process.kill(process.pid, 'SIGKILL');
  }, run.limitMs);
});
`;

export class MainThreadWatchdog {
  private constructor(
    private readonly worker: Worker,
    private readonly limitMs: number,
  ) {}

  /**
   * A watchdog whose thread is running: a thread still starting may need this thread's event
   * loop to turn, which a run that never returns would not let it do.
   */
  static async open(limitMs: number): Promise<MainThreadWatchdog> {
    const worker = new Worker(WATCHDOG_SOURCE, { eval: true });
    await new Promise<void>((resolve, reject) => {
      worker.once('online', resolve);
      worker.once('error', reject);
    });
    worker.unref(); // running now, it is never what keeps the process alive
    return new MainThreadWatchdog(worker, limitMs);
  }

  /** A run of `seed` starts on this thread. */
  start(seed: number): void {
    this.worker.postMessage({ seed, limitMs: this.limitMs });
  }

  /** The run returned. */
  done(): void {
    this.worker.postMessage(null);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
