import runTask, { type SeedTask } from '../fuzz/worker.js';
import type { SeedOutcome } from '../fuzz/run-seed.js';

/**
 * A campaign worker for tests that dies on purpose: on a seed ending in 2 its thread exits (as
 * one killed by running out of memory does), on a seed ending in 3 it throws; other seeds run
 * as usual.
 */
export default function crashingTask(task: SeedTask): SeedOutcome {
  if (task.seed % 10 === 2) process.exit(70);
  if (task.seed % 10 === 3) throw new Error(`injected crash on seed ${task.seed}`);
  return runTask(task);
}
