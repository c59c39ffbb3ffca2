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
  /** The worker module (tests swap in one that dies); the fuzz worker by default. */
  readonly workerFile?: URL;
}

/**
 * The simulator itself failed on a seed: a worker died (out of memory, an exception) or the
 * seed threw on the main thread. The seed is never lost: it was re-run on the main thread, and
 * `rerun` holds what that gave (a failure to report with a repro, or a pass), `error` the
 * exception if that run threw too.
 */
export interface SeedCrash {
  readonly seed: number;
  /** What killed the first attempt. */
  readonly cause: string;
  readonly rerun: SeedOutcome | null;
  /** The main thread's exception, with its stack, when the re-run threw as well. */
  readonly error: string | null;
}

export interface CampaignResult {
  /** Seeds that ran, up to the lowest failing one. */
  readonly runs: number;
  /** The lowest failing seed's outcome, unshrunk; null when every seed held. */
  readonly failure: SeedOutcome | null;
  /** Set when the lowest failing seed crashed the simulator. */
  readonly crash: SeedCrash | null;
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

/** What became of one seed: its outcome, or the crash and what the re-run gave. */
type Finished =
  { outcome: SeedOutcome; crash: null } | { outcome: SeedOutcome | null; crash: SeedCrash };

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Re-runs a seed that crashed, on this thread; the crash is reported whatever it gives. */
function rerunCrashed(task: SeedTask, cause: unknown, rerun: boolean): Finished {
  const first = describeError(cause).split('\n')[0] as string;
  if (!rerun) {
    return {
      outcome: null,
      crash: { seed: task.seed, cause: first, rerun: null, error: describeError(cause) },
    };
  }
  // Named before the re-run: if the seed exhausts this thread's heap too, the process dies with
  // V8's own message, and this line is what still tells the user which seed did it.
  process.stderr.write(
    `raftsim: the simulator crashed on seed ${task.seed} (${first}); re-running it on the main thread\n`,
  );
  try {
    const outcome = fuzzSeed(task.seed, task.options);
    return { outcome, crash: { seed: task.seed, cause: first, rerun: outcome, error: null } };
  } catch (error) {
    const crash = { seed: task.seed, cause: first, rerun: null, error: describeError(error) };
    return { outcome: null, crash };
  }
}

function runOnMainThread(task: SeedTask): Finished {
  try {
    return { outcome: fuzzSeed(task.seed, task.options), crash: null };
  } catch (error) {
    return rerunCrashed(task, error, false);
  }
}

/**
 * Runs seeds in order, on the main thread or on a pool of worker threads. The result does not
 * depend on the number of workers: every seed's outcome is a pure function of the seed, and on
 * a failure the campaign reports the lowest failing seed after every lower seed has finished.
 * A worker that dies takes no seed with it: the seed is re-run here and reported as a crash.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const pool =
    options.workers > 0
      ? new Piscina<SeedTask, SeedOutcome>({
          filename: (options.workerFile ?? new URL('../fuzz/worker.js', import.meta.url)).href,
          minThreads: options.workers,
          maxThreads: options.workers,
        })
      : null;
  const finished = new Map<number, Finished>();
  let failingSeed = Infinity;
  let stoppedEarly = false;
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(1, options.workers * 2);
  try {
    const room = seedRoom(options.baseSeed, options.shard, false);
    for (let k = 0; k < (options.runs ?? room); k++) {
      if (options.interrupted() || (options.runs === null && (options.timeUp() || k >= room))) {
        stoppedEarly = options.interrupted();
        break;
      }
      const seed = seedAt(options.baseSeed, options.shard, k);
      if (seed > failingSeed) break;
      const task: SeedTask = { seed, options: options.seed };
      const done = (result: Finished) => {
        finished.set(seed, result);
        if (result.crash !== null || result.outcome.failure !== null)
          failingSeed = Math.min(failingSeed, seed);
        if (result.outcome !== null) options.onOutcome?.(result.outcome);
      };
      if (pool === null) {
        done(runOnMainThread(task));
        await yieldToEvents(); // lets Ctrl-C and the progress bar through
        continue;
      }
      const running: Promise<void> = pool
        .run(task)
        .then(
          (outcome): Finished => ({ outcome, crash: null }),
          (error: unknown) => rerunCrashed(task, error, true),
        )
        .then(done)
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool?.destroy();
  }
  return summarize(finished, failingSeed, stoppedEarly);
}

function summarize(
  finished: Map<number, Finished>,
  failingSeed: number,
  interrupted: boolean,
): CampaignResult {
  const counted = [...finished.entries()].filter(([seed]) => seed <= failingSeed);
  const lowest = Number.isFinite(failingSeed) ? (finished.get(failingSeed) as Finished) : null;
  const outcome = lowest?.outcome ?? null;
  return {
    runs: counted.length,
    failure: outcome !== null && outcome.failure !== null ? outcome : null,
    crash: lowest?.crash ?? null,
    // Workers finish seeds out of order: sorted, the list is the same whatever their number.
    unknownRuns: counted
      .flatMap(([, f]) => (f.outcome?.summary.verdict === 'unknown' ? [f.outcome] : []))
      .sort((a, b) => a.seed - b.seed),
    interrupted,
  };
}

function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
