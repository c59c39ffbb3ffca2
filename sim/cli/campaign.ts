import { Piscina } from 'piscina';
import { fuzzSeed, type SeedOptions, type SeedOutcome } from '../fuzz/run-seed.js';
import type { SeedTask } from '../fuzz/worker.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface CampaignOptions {
  readonly baseSeed: number;
  /** How many seeds (this shard's share of them); null: until `timeUp` says stop. */
  readonly runs: number | null;
  readonly timeUp: () => boolean;
  /** Worker threads; 0 runs every seed on the main thread. */
  readonly workers: number;
  readonly shard: Shard;
  readonly seed: SeedOptions;
  /** Ctrl-C: stop dispatching, finish what is in flight. */
  readonly interrupted: () => boolean;
  readonly onOutcome?: (outcome: SeedOutcome) => void;
}

export interface CampaignResult {
  /** Seeds that ran, up to the lowest failing one. */
  readonly runs: number;
  /** The lowest failing seed, shrunk; null when every seed held. */
  readonly failure: SeedOutcome | null;
  readonly unknown: number;
  readonly interrupted: boolean;
}

/** The k-th seed of a shard: shards take every count-th seed, so they never overlap. */
export function seedAt(baseSeed: number, shard: Shard, k: number): number {
  return baseSeed + (shard.index - 1) + k * shard.count;
}

/**
 * Runs seeds in order, on the main thread or on a pool of worker threads. The result does not
 * depend on the number of workers: every seed's outcome is a pure function of the seed, and on
 * a failure the campaign reports the lowest failing seed after every lower seed has finished.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const pool =
    options.workers > 0
      ? new Piscina<SeedTask, SeedOutcome>({
          filename: new URL('../fuzz/worker.js', import.meta.url).href,
          minThreads: options.workers,
          maxThreads: options.workers,
        })
      : null;
  const outcomes = new Map<number, SeedOutcome>();
  let failingSeed = Infinity;
  let stoppedEarly = false;
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(1, options.workers * 2);
  try {
    for (let k = 0; options.runs === null || k < options.runs; k++) {
      if (options.interrupted() || (options.runs === null && options.timeUp())) {
        stoppedEarly = options.interrupted();
        break;
      }
      const seed = seedAt(options.baseSeed, options.shard, k);
      if (seed > failingSeed) break;
      const task: SeedTask = { seed, options: options.seed };
      const done = (outcome: SeedOutcome) => {
        outcomes.set(seed, outcome);
        if (outcome.failure !== null) failingSeed = Math.min(failingSeed, seed);
        options.onOutcome?.(outcome);
      };
      if (pool === null) {
        done(fuzzSeed(task.seed, task.options));
        await yieldToEvents(); // lets Ctrl-C and the progress bar through
        continue;
      }
      const running: Promise<void> = pool
        .run(task)
        .then(done)
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool?.destroy();
  }
  const counted = [...outcomes.values()].filter((o) => o.seed <= failingSeed);
  return {
    runs: counted.length,
    failure: Number.isFinite(failingSeed) ? (outcomes.get(failingSeed) as SeedOutcome) : null,
    unknown: counted.filter((o) => o.summary.verdict === 'unknown').length,
    interrupted: stoppedEarly,
  };
}

function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
