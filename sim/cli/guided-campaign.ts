import { Piscina } from 'piscina';
import {
  asSeedOutcome,
  GENERATION,
  GuidedCorpus,
  runGuided,
  type GuidedOutcome,
  type GuidedTask,
} from '../fuzz/guided.js';
import { isFailure, type SeedOutcome } from '../fuzz/run-seed.js';
import { MUTATED_SEEDS, seedAt, seedRoom, type CampaignOptions } from './campaign.js';

export interface GuidedResult {
  /** Runs merged, up to and including the first failing one. */
  readonly runs: number;
  /** The first failing run in seed order (unshrunk), or null. */
  readonly failure: GuidedOutcome | null;
  /** The runs that ended unknown, in merge order. */
  readonly unknownRuns: readonly SeedOutcome[];
  readonly interrupted: boolean;
  readonly corpus: GuidedCorpus;
}

/**
 * A guided campaign: generations of GENERATION runs, each planned from the corpus, run on the
 * main thread or on worker threads, and merged in seed order. `--time` and Ctrl-C are looked at
 * between generations only; a run count that is not a multiple of the generation size ends
 * with a short generation. The first failing run (in seed order) ends the campaign.
 */
export async function runGuidedCampaign(options: CampaignOptions): Promise<GuidedResult> {
  const pool =
    options.workers > 0
      ? new Piscina<GuidedTask, GuidedOutcome>({
          filename: (options.workerFile ?? new URL('../fuzz/guided-worker.js', import.meta.url))
            .href,
          minThreads: options.workers,
          maxThreads: options.workers,
        })
      : null;
  const corpus = new GuidedCorpus({ ...options.seed });
  const swarmSeed = (i: number) => seedAt(options.baseSeed, options.shard, i);
  let runs = 0;
  const unknownRuns: SeedOutcome[] = [];
  let failure: GuidedOutcome | null = null;
  try {
    const room = seedRoom(options.baseSeed, options.shard, true);
    const total = options.runs ?? room;
    while (failure === null && runs < total) {
      if (options.interrupted() || (options.runs === null && options.timeUp())) break;
      const size = Math.min(GENERATION, total - runs);
      corpus.startGeneration();
      const tasks = Array.from({ length: size }, (_, i) =>
        corpus.plan(
          runs + i,
          MUTATED_SEEDS + seedAt(options.baseSeed, options.shard, runs + i),
          swarmSeed,
        ),
      );
      const outcomes = await runGeneration(tasks, pool, options.interrupted);
      for (const outcome of outcomes) {
        // A run that crashed the simulator ends the campaign, but only here, in seed order: a
        // failure merged before it is kept and reported first.
        if (outcome instanceof Error) throw outcome;
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
    await pool?.destroy();
  }
  return { runs, failure, unknownRuns, interrupted: options.interrupted(), corpus };
}

/**
 * Runs one generation; the outcomes come back in the tasks' order whatever finished first. A run
 * whose worker died is run again on this thread (a worker out of resources); a run that throws
 * there too comes back as its error, in its place.
 */
async function runGeneration(
  tasks: readonly GuidedTask[],
  pool: Piscina<GuidedTask, GuidedOutcome> | null,
  interrupted: () => boolean,
): Promise<(GuidedOutcome | Error)[]> {
  if (pool !== null) {
    const settled = tasks.map((task) =>
      pool
        .run(task)
        .catch(() => runGuided(task))
        .catch(asError),
    );
    return Promise.all(settled);
  }
  const outcomes: (GuidedOutcome | Error)[] = [];
  for (const task of tasks) {
    // On one thread a generation takes a while: Ctrl-C keeps the runs done so far, in order.
    if (interrupted()) break;
    try {
      outcomes.push(runGuided(task));
    } catch (error) {
      outcomes.push(asError(error));
    }
    await new Promise((resolve) => setImmediate(resolve)); // lets Ctrl-C and the progress bar through
  }
  return outcomes;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
