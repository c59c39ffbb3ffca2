import { fuzzSeed, type SeedOptions, type SeedOutcome } from './run-seed.js';

/** A campaign worker thread: one seed per task, the same function the main thread runs. */
export interface SeedTask {
  readonly seed: number;
  readonly options: SeedOptions;
}

export default function runTask(task: SeedTask): SeedOutcome {
  return fuzzSeed(task.seed, task.options);
}
