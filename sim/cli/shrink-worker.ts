import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { FuzzConfig } from '../fuzz/config.js';
import { shrinkGuided } from '../fuzz/guided.js';
import { fuzzSeed, type SeedOptions } from '../fuzz/run-seed.js';

/**
 * Shrinks one failing seed on its own thread, so that the main thread stays free for Ctrl-C and
 * the progress line while every candidate runs. Stops at the wall-clock bound with the smallest
 * failure so far.
 */
interface ShrinkTask {
  readonly seed: number;
  readonly options: SeedOptions;
  readonly limitSeconds: number;
  /** A guided failure's configuration: data to trim, not a draw from the seed. */
  readonly config?: FuzzConfig;
}

const task = workerData as ShrinkTask;
const started = performance.now();
let stoppedByClock = false;
let lastAsked = started;
let longestRun = 0;
const limits = {
  // Asked before each candidate: the gap since the last question is about one run, so stop when
  // another run would take the shrink past its bound, not after.
  stopShrinking: () => {
    const now = performance.now();
    longestRun = Math.max(longestRun, now - lastAsked);
    lastAsked = now;
    stoppedByClock ||= (now - started + longestRun) / 1000 >= task.limitSeconds;
    return stoppedByClock;
  },
  onShrinkProgress: (progress: { candidates: number; steps: number }) =>
    parentPort?.postMessage({ type: 'progress', ...progress }),
};
const outcome =
  task.config === undefined
    ? fuzzSeed(task.seed, { ...task.options, ...limits, shrink: true })
    : shrinkGuided(
        { seed: task.seed, config: task.config },
        {
          ...limits,
          ...(task.options.shrinkBudget === undefined
            ? {}
            : { shrinkBudget: task.options.shrinkBudget }),
          ...(task.options.servers === undefined ? {} : { servers: task.options.servers }),
        },
      );
parentPort?.postMessage({ type: 'done', outcome, stoppedByClock });
