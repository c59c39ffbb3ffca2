import type { Piscina } from 'piscina';
import { DEFAULT_BUDGET } from '../check/index.js';
import type { FuzzConfig } from '../fuzz/config.js';
import type { RunSummary } from '../fuzz/summary.js';
import { openWorkerPool } from './worker-pool.js';

/**
 * The simulator itself failed on a run: its worker died (out of memory, an exception) or hung
 * (see RUN_TIMEOUT_MILLIS), or it threw on the main thread. The run is never lost. A worker's
 * crash is re-run once in a fresh worker, so a run that exhausts a heap takes that worker with it
 * and never the process; what the re-run gave is its outcome. A run with no outcome (its re-run
 * crashed too, or it threw on the main thread, where an exception is no accident of resources)
 * ends the campaign at its place.
 */
export interface SeedCrash {
  readonly seed: number;
  /** What ended the first attempt, in one line. */
  readonly cause: string;
  /** Whether a fresh worker ran it again (no: it ran on the main thread). */
  readonly reran: boolean;
  /** The re-run's verdict; null when there was none or it crashed too. */
  readonly rerunVerdict: RunSummary['verdict'] | null;
  /** The last attempt's error, with its stack, when no attempt finished; else null. */
  readonly error: string | null;
  /** Guided mode: the run's place in the campaign and the configuration it ran. */
  readonly guided?: { readonly index: number; readonly config: FuzzConfig };
}

/** One run's result: an outcome, a crash, or both (a crash whose re-run finished). */
export type Attempt<R> =
  { outcome: R; crash: SeedCrash | null } | { outcome: null; crash: SeedCrash };

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function firstLine(error: unknown): string {
  return describeError(error).split('\n')[0] as string;
}

/** A run that threw on the main thread: no re-run, the same code would throw again. */
export function mainThreadCrash(seed: number, error: unknown): Attempt<never> {
  const crash = {
    seed,
    cause: firstLine(error),
    reran: false,
    rerunVerdict: null,
    error: describeError(error),
  };
  return { outcome: null, crash };
}

/**
 * How long a run may take in a worker before it counts as hung: a run is bounded by its event
 * and call caps and its checker's budget, so only a loop inside one event's handling (a bug in
 * the Raft under test, or in the simulator) takes this long; the fuzzer's heaviest runs take
 * seconds, a check that spends the whole default budget some more. A raised `--check-budget`
 * raises it in proportion. The worker is then stopped and the run is a crash like any other,
 * re-run once in a fresh worker. The clock starts when the run is handed to a worker (a pool
 * holds no more runs than it has workers). On the main thread (`--workers 0`) nothing can
 * stop a run: a watchdog thread ends the process instead (main-thread-watchdog.ts).
 */
const RUN_TIMEOUT_MILLIS = 120_000;

/** The hang bound of a run whose checker has `checkBudget` steps (the default when absent). */
export function runTimeoutFor(checkBudget: number | undefined): number {
  const scaled = RUN_TIMEOUT_MILLIS * Math.max(1, (checkBudget ?? DEFAULT_BUDGET) / DEFAULT_BUDGET);
  return Math.min(scaled, MAX_TIMER_MILLIS);
}

/** The longest delay setTimeout takes; a longer one would fire at once. */
export const MAX_TIMER_MILLIS = 2 ** 31 - 1;

/**
 * A run handed to a pool, stopped with its worker if it has no result within `millis`, or when
 * `stop` fires (the campaign has no more use for it).
 */
export async function runWithin<T, R>(
  pool: Piscina<T, R>,
  task: T,
  millis: number,
  stop?: AbortSignal,
): Promise<R> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), millis);
  const stopNow = () => controller.abort();
  stop?.addEventListener('abort', stopNow);
  if (stop?.aborted === true) stopNow();
  try {
    return await pool.run(task, { signal: controller.signal });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    if (stop?.aborted === true) throw new Error('stopped: no longer needed', { cause: error });
    throw new Error(`hung: no result within ${millis / 1000} s, its worker stopped`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', stopNow);
  }
}

/** How a pool's runs are watched: the hang bound, and the worker module a crash is re-run in. */
export interface Watch {
  readonly workerFile: URL;
  readonly timeoutMillis: number;
  /** Stops re-runs the campaign no longer needs. */
  readonly stop?: AbortSignal;
  /** Whether a crash of `seed` is still worth a re-run when it comes (a campaign past it: no). */
  readonly wanted?: (seed: number) => boolean;
}

/**
 * One run handed to a pool and watched: its outcome, or its crash and what the re-run in a fresh
 * worker gave; null for a crash the campaign no longer wants (`watch.wanted`).
 */
export function attemptInPool<T, R extends { summary: RunSummary }>(
  pool: Piscina<T, R>,
  task: T,
  seed: number,
  watch: Watch,
): Promise<Attempt<R> | null> {
  return runWithin(pool, task, watch.timeoutMillis).then(
    (outcome): Attempt<R> => ({ outcome, crash: null }),
    (error: unknown) =>
      watch.wanted?.(seed) === false ? null : rerunAfterCrash<T, R>(seed, task, error, watch),
  );
}

/** What the re-run of a crash gave, in words. */
export function rerunOutcome(crash: SeedCrash): string {
  if (!crash.reran) return 'not re-run (it threw on the main thread)';
  return `re-run in a fresh worker: ${crash.rerunVerdict ?? 'it crashed too'}`;
}

/**
 * Runs a task whose worker crashed again, once, in a worker of its own. The seed is named on
 * stderr first, so a user watching a long re-run knows what it is.
 */
async function rerunAfterCrash<T, R extends { summary: RunSummary }>(
  seed: number,
  task: T,
  cause: unknown,
  watch: Watch,
): Promise<Attempt<R>> {
  const first = firstLine(cause);
  process.stderr.write(
    `raftsim: the simulator crashed on seed ${seed} (${first}); re-running it in a fresh worker\n`,
  );
  const crash = { seed, cause: first, reran: true };
  try {
    const outcome = await runInFreshWorker<T, R>(task, watch);
    return {
      outcome,
      crash: { ...crash, rerunVerdict: outcome.summary.verdict, error: null },
    };
  } catch (error) {
    return { outcome: null, crash: { ...crash, rerunVerdict: null, error: describeError(error) } };
  }
}

/**
 * One task in a worker thread of its own, torn down after. Its workerData says it is a re-run:
 * the campaign's own workers ignore it; the tests' crashing workers die on first attempts only.
 */
async function runInFreshWorker<T, R>(task: T, watch: Watch): Promise<R> {
  const pool = openWorkerPool<T, R>(watch.workerFile, 1, { rerun: true });
  try {
    return await runWithin(pool, task, watch.timeoutMillis, watch.stop);
  } finally {
    await pool.destroy();
  }
}

/** The crash that ended a campaign: a run no attempt finished (at most one, its last). */
export function endingCrash(crashes: readonly SeedCrash[]): SeedCrash | null {
  return crashes.find((crash) => crash.rerunVerdict === null) ?? null;
}
