import type { Piscina } from 'piscina';
import type { SeedOutcome } from '../fuzz/run-seed.js';
import type { SeedTask } from '../fuzz/worker.js';
import { attemptInPool, type Attempt, type Watch } from './crash.js';
import { openWorkerPool } from './worker-pool.js';

/** What a run stopped past the lowest failure leaves: a placeholder that nothing counts. */
const PAST_THE_FAILURE: Attempt<SeedOutcome> = {
  outcome: null,
  crash: { seed: -1, cause: 'stopped', reran: false, rerunVerdict: null, error: null },
};

/**
 * A campaign's worker threads: seeds handed over in order, at most one per worker at a time
 * (a run's hang clock starts when it is handed over, so it must not wait behind another run),
 * each watched for a crash or a hang (crash.ts). `failingSeed` tells it where the campaign
 * stands: a run past the lowest failure is neither re-run nor waited for.
 */
export class SeedPool {
  private readonly piscina: Piscina<SeedTask, SeedOutcome>;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Stops the re-runs in fresh workers that the campaign no longer needs. */
  private readonly pastFailure = new AbortController();

  private readonly watch: Watch;

  constructor(
    private readonly workers: number,
    workerFile: URL,
    timeoutMillis: number,
    private readonly failingSeed: () => number,
  ) {
    this.piscina = openWorkerPool<SeedTask, SeedOutcome>(workerFile, workers);
    this.watch = {
      workerFile,
      timeoutMillis,
      stop: this.pastFailure.signal,
      wanted: (seed) => seed <= this.failingSeed(),
    };
  }

  /** Hands a seed over; returns once a worker is free for the next. */
  async dispatch(task: SeedTask, done: (attempt: Attempt<SeedOutcome>) => void): Promise<void> {
    const seed = task.seed;
    const running: Promise<void> = attemptInPool(this.piscina, task, seed, this.watch)
      // Past the lowest failure, a run stopped with the pool is no crash: nothing counts it.
      .then((attempt) => done(attempt ?? PAST_THE_FAILURE))
      .finally(() => this.inFlight.delete(seed));
    this.inFlight.set(seed, running);
    if (this.inFlight.size >= this.workers) await Promise.race(this.inFlight.values());
  }

  /**
   * Waits for every run below the lowest failure (which may move down meanwhile). Runs past it
   * count for nothing and are not waited for: one may never end.
   */
  async settleBelowFailure(): Promise<void> {
    for (;;) {
      const lower = [...this.inFlight]
        .filter(([seed]) => seed < this.failingSeed())
        .map(([, running]) => running);
      if (lower.length === 0) return;
      await Promise.race(lower);
    }
  }

  /** Stops every run still going, re-runs in fresh workers included. */
  async close(): Promise<void> {
    this.pastFailure.abort();
    await this.piscina.destroy();
    await Promise.allSettled(this.inFlight.values());
  }
}
