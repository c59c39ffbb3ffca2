import { fuzzSeed, type SeedOptions, type SeedOutcome } from '../fuzz/run-seed.js';
import type { SeedCorpus } from '../fuzz/seed-corpus.js';
import type { SeedTask } from '../fuzz/worker.js';
import { mainThreadCrash, runTimeoutFor, type Attempt, type SeedCrash } from './crash.js';
import { MainThreadWatchdog } from './main-thread-watchdog.js';
import { SeedPool } from './seed-pool.js';

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
  /** Guided mode: the corpus it starts from (seed-corpus.ts); absent, an empty one. */
  readonly seedCorpus?: SeedCorpus | null;
  /** The worker module (tests swap in one that dies); the fuzz worker by default. */
  readonly workerFile?: URL;
  /** How long a run may take in a worker before it counts as hung (crash.ts); tests shorten it. */
  readonly runTimeoutMillis?: number;
}

export interface CampaignResult {
  /** Seeds that ran, up to the lowest failing one. */
  readonly runs: number;
  /** The lowest failing seed's outcome, unshrunk; null when every seed held. */
  readonly failure: SeedOutcome | null;
  /**
   * Every run among the counted ones that crashed the simulator, lowest seed first. The last may
   * have no outcome (its re-run crashed too): the campaign ended there.
   */
  readonly crashes: readonly SeedCrash[];
  /** The counted runs that ended unknown (the checker out of budget), lowest seed first. */
  readonly unknownRuns: readonly SeedOutcome[];
  readonly interrupted: boolean;
}

/** The k-th seed of a shard: shards take every count-th seed, so they never overlap. */
export function seedAt(baseSeed: number, shard: Shard, k: number): number {
  return baseSeed + (shard.index - 1) + k * shard.count;
}

/** Guided mode's mutated runs take seeds this far past the fresh runs' (guided-campaign.ts). */
export const MUTATED_SEEDS = 2 ** 32;

/**
 * How many runs a shard has before its seeds would pass 2^53 - 1, the last integer a seed can
 * be (a seed is a JavaScript number, and every run must be replayable by its seed). A campaign
 * never goes past it: `--runs` beyond it is refused, `--time` ends there.
 */
export function seedRoom(baseSeed: number, shard: Shard, guided: boolean): number {
  const top = Number.MAX_SAFE_INTEGER - (guided ? MUTATED_SEEDS : 0) - baseSeed - (shard.index - 1);
  return top < 0 ? 0 : Math.floor(top / shard.count) + 1;
}

/** The hang bound of a campaign's runs (crash.ts): the tests' own, or the one its budget sets. */
export function runTimeoutOf(options: CampaignOptions): number {
  return options.runTimeoutMillis ?? runTimeoutFor(options.seed.checkBudget);
}

function runOnMainThread(task: SeedTask): Attempt<SeedOutcome> {
  try {
    return { outcome: fuzzSeed(task.seed, task.options), crash: null };
  } catch (error) {
    return mainThreadCrash(task.seed, error);
  }
}

/**
 * Runs seeds in order, on the main thread or on a pool of worker threads. The result does not
 * depend on the number of workers: every seed's outcome is a pure function of the seed, and on
 * a failure the campaign reports the lowest failing seed after every lower seed has finished.
 * A worker that dies takes no seed with it: the seed is re-run in a fresh worker and reported
 * as a crash (crash.ts); the campaign goes on if the re-run finished and held.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const finished = new Map<number, Attempt<SeedOutcome>>();
  let failingSeed = Infinity;
  const pool =
    options.workers > 0
      ? new SeedPool(
          options.workers,
          options.workerFile ?? new URL('../fuzz/worker.js', import.meta.url),
          runTimeoutOf(options),
          () => failingSeed,
        )
      : null;
  // On the main thread nothing but a watchdog thread can end a run that never returns.
  const watchdog = pool === null ? await MainThreadWatchdog.open(runTimeoutOf(options)) : null;
  const done = (seed: number) => (result: Attempt<SeedOutcome>) => {
    finished.set(seed, result);
    if (result.outcome === null || result.outcome.failure !== null)
      failingSeed = Math.min(failingSeed, seed);
    if (result.outcome !== null) options.onOutcome?.(result.outcome);
  };
  let stoppedEarly = false;
  try {
    const room = seedRoom(options.baseSeed, options.shard, false);
    for (let k = 0; k < (options.runs ?? room); k++) {
      // Limited by time, a campaign still runs its first seed: one of no runs would pass.
      const timeUp = k > 0 && options.timeUp();
      if (options.interrupted() || (options.runs === null && (timeUp || k >= room))) {
        stoppedEarly = options.interrupted();
        break;
      }
      const seed = seedAt(options.baseSeed, options.shard, k);
      if (seed > failingSeed) break;
      const task: SeedTask = { seed, options: options.seed };
      if (pool !== null) await pool.dispatch(task, done(seed));
      else {
        watchdog?.start(seed);
        done(seed)(runOnMainThread(task));
        watchdog?.done();
        await yieldToEvents(); // lets Ctrl-C and the progress bar through
      }
    }
    await pool?.settleBelowFailure();
  } finally {
    await pool?.close();
    await watchdog?.close();
  }
  return summarize(finished, failingSeed, stoppedEarly);
}

function summarize(
  finished: Map<number, Attempt<SeedOutcome>>,
  failingSeed: number,
  interrupted: boolean,
): CampaignResult {
  const counted = [...finished.entries()].filter(([seed]) => seed <= failingSeed);
  const lowest = Number.isFinite(failingSeed) ? finished.get(failingSeed) : undefined;
  const outcome = lowest?.outcome ?? null;
  return {
    runs: counted.length,
    failure: outcome !== null && outcome.failure !== null ? outcome : null,
    // Workers finish seeds out of order: sorted, these lists are the same whatever their number.
    crashes: counted
      .flatMap(([, f]) => (f.crash === null ? [] : [f.crash]))
      .sort((a, b) => a.seed - b.seed),
    unknownRuns: counted
      .flatMap(([, f]) => (f.outcome?.summary.verdict === 'unknown' ? [f.outcome] : []))
      .sort((a, b) => a.seed - b.seed),
    interrupted,
  };
}

function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
