import type { Piscina } from 'piscina';
import {
  asSeedOutcome,
  GENERATION,
  GuidedCorpus,
  runGuided,
  type GuidedOutcome,
  type GuidedTask,
} from '../fuzz/guided.js';
import { isFailure, type SeedOutcome } from '../fuzz/run-seed.js';
import { MUTATED_SEEDS, runTimeoutOf, seedAt, seedRoom, type CampaignOptions } from './campaign.js';
import { MainThreadWatchdog } from './main-thread-watchdog.js';
import { openWorkerPool } from './worker-pool.js';
import {
  attemptInPool,
  mainThreadCrash,
  type Attempt,
  type SeedCrash,
  type Watch,
} from './crash.js';

/** The guided campaign's worker threads, and how their runs are watched. */
interface Pool {
  readonly piscina: Piscina<GuidedTask, GuidedOutcome>;
  readonly workers: number;
  readonly watch: Watch;
}

export interface GuidedResult {
  /** Runs merged, up to and including the first failing one (or the crash that ended it). */
  readonly runs: number;
  /** The first failing run in seed order (unshrunk), or null. */
  readonly failure: GuidedOutcome | null;
  /** Runs that crashed the simulator, in merge order; the last may have ended the campaign. */
  readonly crashes: readonly SeedCrash[];
  /** The runs that ended unknown, in merge order. */
  readonly unknownRuns: readonly SeedOutcome[];
  readonly interrupted: boolean;
  readonly corpus: GuidedCorpus;
}

/**
 * A guided campaign: generations of GENERATION runs, each planned from the corpus, run on the
 * main thread or on worker threads, and merged in seed order. `--time` and Ctrl-C are looked at
 * between generations only; a run count that is not a multiple of the generation size ends
 * with a short generation. The first failing run (in seed order) ends the campaign, and so
 * does a run that crashed the simulator with no outcome (crash.ts).
 */
export async function runGuidedCampaign(options: CampaignOptions): Promise<GuidedResult> {
  const workerFile = options.workerFile ?? new URL('../fuzz/guided-worker.js', import.meta.url);
  const pool: Pool | null =
    options.workers > 0
      ? {
          piscina: openWorkerPool<GuidedTask, GuidedOutcome>(workerFile, options.workers),
          workers: options.workers,
          watch: { workerFile, timeoutMillis: runTimeoutOf(options) },
        }
      : null;
  // On the main thread nothing but a watchdog thread can end a run that never returns.
  const watchdog = pool === null ? await MainThreadWatchdog.open(runTimeoutOf(options)) : null;
  const corpus = new GuidedCorpus({ ...options.seed }, options.seedCorpus ?? null);
  const swarmSeed = (i: number) => seedAt(options.baseSeed, options.shard, i);
  let runs = 0;
  const unknownRuns: SeedOutcome[] = [];
  let failure: GuidedOutcome | null = null;
  const crashes: SeedCrash[] = [];
  let ended = false;
  try {
    const room = seedRoom(options.baseSeed, options.shard, true);
    const total = options.runs ?? room;
    while (failure === null && !ended && runs < total) {
      // Limited by time, a campaign still runs its first generation: one of no runs would pass.
      if (options.interrupted() || (options.runs === null && runs > 0 && options.timeUp())) break;
      const size = Math.min(GENERATION, total - runs);
      corpus.startGeneration();
      const tasks = Array.from({ length: size }, (_, i) =>
        corpus.plan(
          runs + i,
          MUTATED_SEEDS + seedAt(options.baseSeed, options.shard, runs + i),
          swarmSeed,
        ),
      );
      const attempts = await runGeneration(tasks, pool, watchdog, options.interrupted);
      for (const [i, { outcome, crash }] of attempts.entries()) {
        if (crash !== null)
          crashes.push({ ...crash, guided: { index: runs, config: tasks[i]!.config } });
        // A run with no outcome ends the campaign, but only here, in seed order: a failure
        // merged before it is kept and reported first.
        if (outcome === null) {
          runs++; // counted, as swarm mode counts the seed a crash ended it at
          ended = true;
          break;
        }
        runs++;
        corpus.merge(outcome);
        const seedOutcome = asSeedOutcome(outcome);
        if (outcome.summary.verdict === 'unknown') unknownRuns.push(seedOutcome);
        options.onOutcome?.(seedOutcome);
        if (isFailure(outcome.summary.verdict)) {
          failure = outcome;
          break;
        }
      }
    }
  } finally {
    await pool?.piscina.destroy();
    await watchdog?.close();
  }
  return { runs, failure, crashes, unknownRuns, interrupted: options.interrupted(), corpus };
}

/**
 * Runs one generation; the attempts come back in the tasks' order whatever finished first. A
 * run whose worker died or hung goes again in a fresh worker (crash.ts).
 */
async function runGeneration(
  tasks: readonly GuidedTask[],
  pool: Pool | null,
  watchdog: MainThreadWatchdog | null,
  interrupted: () => boolean,
): Promise<Attempt<GuidedOutcome>[]> {
  if (pool !== null) {
    // Every run of a generation is wanted: `wanted` unset, attemptInPool never gives null.
    const attempt = async (task: GuidedTask) =>
      (await attemptInPool(pool.piscina, task, task.seed, pool.watch)) as Attempt<GuidedOutcome>;
    // One run per worker at a time: a run's hang clock starts when it is handed over, so no
    // run may wait behind others in the pool's queue.
    const attempts: Attempt<GuidedOutcome>[] = [];
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < tasks.length; i = next++) {
        attempts[i] = await attempt(tasks[i] as GuidedTask);
      }
    };
    await Promise.all(Array.from({ length: pool.workers }, lane));
    return attempts;
  }
  const attempts: Attempt<GuidedOutcome>[] = [];
  for (const task of tasks) {
    // On one thread a generation takes a while: Ctrl-C keeps the runs done so far, in order.
    if (interrupted()) break;
    watchdog?.start(task.seed);
    try {
      attempts.push({ outcome: runGuided(task), crash: null });
    } catch (error) {
      attempts.push(mainThreadCrash(task.seed, error));
    } finally {
      watchdog?.done();
    }
    await new Promise((resolve) => setImmediate(resolve)); // lets Ctrl-C and the progress bar through
  }
  return attempts;
}
